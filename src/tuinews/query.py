"""The search language, parsed into a small query object (plain data, no SQL).

    words            every word must match (title, author or text), prefix-matched
    "a phrase"       the words in this order
    word*            explicit prefix
    -word, -"phr"    exclude (any term can be excluded)
    title:w author:w match in that field only
    feed:NAME tag:T  articles of feeds whose name contains NAME / with tag T
    is:unread is:starred is:read
    after:2024-01-01 before:2024-02-01

Any input is accepted: what cannot be used becomes a hint for the user instead of an
error. The query says what to find; only the store (``tuinews.store.query_sql``) turns it
into SQL, so the search bar, ``tuinews search`` and anything built on queries later share
one language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from tuinews.sanitise import clean_line

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
# A prefix this short matches most words of the index (`t*`: 1.5 s at 100,000 articles,
# even for the first screen); the search bar waits for another letter or Enter.
SHORT = 1
# ... and a prefix this short while it is the word being typed (the last, with nothing
# after it): the index has prefix entries of 3 letters, so `th*` reads every term that
# starts with "th" (up to 120 ms at 100,000 articles), where `the*` reads one entry. Two
# letters elsewhere ("uk election") are searched at once: most are quick.
SHORT_TYPING = 2

State = Literal["unread", "read", "starred"]
STATES: tuple[State, ...] = ("unread", "read", "starred")

_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Words:
    """Words to find in the text: in this order, in one field (``title``, ``author``) or
    any, the last one as a prefix or not. ``words`` are letters and digits only."""

    words: tuple[str, ...]
    field: Literal["title", "author"] | None = None
    prefix: bool = True


@dataclass(frozen=True)
class HasState:
    state: State


@dataclass(frozen=True)
class Published:
    """Published before (or on or after) a moment, in Unix seconds."""

    when: int
    before: bool


@dataclass(frozen=True)
class InFeed:
    """In a feed whose title, own title or URL contains ``name`` (casefolded)."""

    name: str


@dataclass(frozen=True)
class Tagged:
    tag: str  # casefolded


@dataclass(frozen=True)
class Not:
    term: Term


Term = Words | HasState | Published | InFeed | Tagged | Not


@dataclass
class Query:
    """What to find: every term must hold. ``words`` are what to highlight, ``hints`` what
    was ignored and why, ``short`` the prefixes too short to search while typing."""

    terms: list[Term] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def has_text(self) -> bool:
        """Whether some words must be found (not only filters or exclusions)."""
        return any(isinstance(term, Words) for term in self.terms)


def _date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _filter(key: str, value: str, query: Query) -> Term | None:
    """The term for ``key:value`` (is, after, before, feed, tag), or None with a hint."""
    if key == "is":
        state = value.lower()
        if state not in STATES:
            query.hints.append(f"is:{value} is not known (is:unread, is:read, is:starred)")
            return None
        return HasState(state)
    if key in ("after", "before"):
        when = _date(value)
        if when is None:
            query.hints.append(f"{key}:{value} is not a date (use 2024-01-31)")
            return None
        return Published(int(when.timestamp()), before=key == "before")
    if not value:
        query.hints.append(f"{key}: needs a name")
        return None
    return InFeed(value.casefold()) if key == "feed" else Tagged(value.casefold())


def parse_query(text: str) -> Query:
    """Parse what the user typed; never raises."""
    query = Query()
    typing = bool(text) and not text[-1].isspace()
    text = clean_line(text.replace("\x00", " "), limit=MAX_QUERY_CHARS)
    for count, match in enumerate(_TOKEN.finditer(text)):
        if count >= MAX_TERMS:
            query.hints.append(f"only the first {MAX_TERMS} terms are used")
            break
        negate, key, quoted, bare = match.groups()
        key = (key or "").lower()
        value = quoted if quoted is not None else (bare or "")
        term: Term | None
        if key in ("is", "after", "before", "feed", "tag"):
            term = _filter(key, value, query)
        else:
            field_name: Literal["title", "author"] | None = (
                "title" if key == "title" else "author" if key == "author" else None
            )
            if key and field_name is None:
                value = f"{key}:{value}"  # not a field we know: search it as text
            phrase = quoted is not None
            prefix = not phrase or value.endswith("*")
            words = _WORD.findall(value.rstrip("*"))
            if not words:
                if value.strip("*"):
                    query.hints.append(f"{value!r} has no letters or digits to search for")
                continue
            term = Words(tuple(words), field_name, prefix)
            being_typed = typing and match.end() == len(text)
            if prefix and len(words[-1]) <= (SHORT_TYPING if being_typed else SHORT):
                query.short.append(value)
            if not negate:
                query.words += [word.casefold() for word in words]
        if term is not None:
            query.terms.append(Not(term) if negate else term)
    return query
