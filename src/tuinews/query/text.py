"""A query printed back as text (what saved searches and rules keep)."""

from __future__ import annotations

from datetime import UTC, datetime

from tuinews.query.terms import (
    OPERATORS,
    Age,
    All,
    Any,
    Has,
    HasState,
    InAccount,
    InFeed,
    Not,
    Published,
    Query,
    Tagged,
    Term,
    Words,
)


def _value(text: str) -> str:
    """A filter's value as typed: bare if it can be, else quoted (a value that has both
    blanks or brackets and a double quote cannot come from parsing: its quotes go)."""
    if text and not text.startswith('"') and not any(c.isspace() or c in "()" for c in text):
        return text
    return '"' + text.replace('"', "") + '"'


def _words_text(term: Words) -> str:
    word = term.words[0]
    if len(term.words) == 1 and term.prefix and word not in OPERATORS and word[-1:].isalnum():
        text = word  # bare: it ends in a letter or digit, so it is a prefix as it is
    else:
        text = '"' + " ".join(term.words) + ("*" if term.prefix else "") + '"'
    if term.start:
        text = "^" + text
    return f"{term.field}:{text}" if term.field else text


def _term_text(term: Term, alone: bool = False) -> str:
    """One term as text; a group in brackets unless ``alone`` (the whole query)."""
    if isinstance(term, Words):
        return _words_text(term)
    if isinstance(term, HasState):
        return f"is:{term.state}"
    if isinstance(term, Has):
        return f"has:{term.what}"
    if isinstance(term, Published):
        when = datetime.fromtimestamp(term.when, tz=UTC)
        day = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
        return f"{'before' if term.before else 'after'}:{day}"
    if isinstance(term, Age):
        return f"age:{'>' if term.older else '<'}{term.amount}{term.unit}"
    if isinstance(term, InFeed):
        return f"feed:{_value(term.name)}"
    if isinstance(term, InAccount):
        return f"account:{_value(term.name)}"
    if isinstance(term, Tagged):
        return f"tag:{_value(term.tag)}"
    if isinstance(term, Not):
        inner = _term_text(term.term)
        return f"-({inner})" if isinstance(term.term, Not) else "-" + inner
    if isinstance(term, All):
        text = " ".join(_term_text(t) for t in term.terms)
    else:
        text = " OR ".join(_term_text(t) for t in term.terms)
    return text if alone else f"({text})"


def format_query(query: Query | Term) -> str:
    """The query as canonical text: ``parse_query`` of it gives the same terms."""
    terms = query.terms if isinstance(query, Query | All) else [query]
    if len(terms) == 1:
        return _term_text(terms[0], alone=isinstance(terms[0], Any))
    return " ".join(_term_text(term) for term in terms)
