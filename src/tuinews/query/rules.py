"""Rules (a killfile and more): a query and what to do to the new articles it matches.

    hide       kept (so it is not fetched again) but shown nowhere except ``is:hidden``
    read       marked read
    star       starred
    tag:NAME   tagged NAME (found with ``tag:NAME``)

A rule is plain data, made from text by :func:`make_rule` (which says what is wrong with
it instead), so the config file's ``[[rules]]``, ``tuinews rule add`` and newsboat's
``ignore-article`` lines make the same thing. The store applies them: at ingest matched
in Python (``tuinews.query.matcher``, ``tuinews.store.rule_match``), over what is stored
as SQL (``tuinews.store.rule_sql``), with the same meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tuinews.query.parse import parse_query
from tuinews.query.terms import Query
from tuinews.sanitise import clean_line

Kind = Literal["hide", "read", "star", "tag"]
ACTIONS = ("hide", "read", "star", "tag:NAME")
MAX_TAG_CHARS = 200


@dataclass(frozen=True)
class Action:
    kind: Kind
    tag: str = ""  # for "tag"

    @property
    def text(self) -> str:
        return f"tag:{self.tag}" if self.kind == "tag" else self.kind


@dataclass(frozen=True)
class Rule:
    """``match`` as written (the query text), parsed into ``query``; ``name``: how the
    user knows it ("config rule 2", a name of its own, "rule 5")."""

    name: str
    match: str
    query: Query
    action: Action


class BadRule(ValueError):
    """What is wrong with a rule (one sentence, without the rule's name)."""


def parse_action(text: str) -> Action:
    """``hide``, ``read``, ``star`` or ``tag:NAME``; raises BadRule saying what is known."""
    value = text.strip()
    lower = value.lower()
    if lower in ("hide", "read", "star"):
        return Action(lower)  # type: ignore[arg-type]
    if lower.startswith("tag:"):
        tag = clean_line(value[4:], limit=MAX_TAG_CHARS)
        if not tag or any(c.isspace() for c in tag):
            raise BadRule(f"action {value!r} needs one tag name without blanks (tag:NAME)")
        return Action("tag", tag)
    raise BadRule(f"unknown action {clean_line(value, limit=60)!r} (known: {', '.join(ACTIONS)})")


def parse_match(text: str) -> Query:
    """The query of a rule or saved search: it must parse cleanly (the parser's hints are
    the reasons it does not) and find something narrower than every article."""
    query = parse_query(text.strip() + " ")  # (a trailing blank: nothing is being typed)
    if query.hints:
        raise BadRule("the query does not parse: " + "; ".join(query.hints))
    if query.empty:
        raise BadRule("the query is empty: it would match every article")
    return query


def make_rule(name: str, match: str, action: str) -> Rule:
    """A rule from its text, or BadRule saying why not."""
    return Rule(name, match.strip(), parse_match(match), parse_action(action))
