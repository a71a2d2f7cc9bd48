"""The search language, compiled to a safe SQLite FTS5 query plus SQL filters.

    words            every word must match (title, author or text), prefix-matched
    "a phrase"       the words in this order
    word*            explicit prefix
    -word, -"phr"    exclude
    title:w author:w match in that field only
    feed:NAME tag:T  articles of feeds whose name contains NAME / with tag T
    is:unread is:starred is:read
    after:2024-01-01 before:2024-02-01

Any input is accepted: every term reaches FTS5 as a quoted string (so ``c++``, ``AT&T``,
``AND``, ``NEAR(`` and ``*`` are text, never syntax), and what cannot be used becomes a
hint for the user instead of an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

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

_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+")


@dataclass
class Query:
    """A compiled search: FTS5 ``match`` (None: no text terms), SQL ``where`` clauses with
    their ``params``, the words to highlight, and hints about what was ignored."""

    match: str | None = None
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)  # prefixes too short to search yet

    @property
    def empty(self) -> bool:
        return self.match is None and not self.where


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _text_term(field_name: str | None, text: str, prefix: bool) -> str | None:
    """One FTS5 term: a quoted string (phrase), optionally a prefix, optionally a column."""
    words = _WORD.findall(text)
    if not words:
        return None
    term = _fts_string(" ".join(words))
    if prefix:
        term += "*"
    if field_name:
        term = f"{field_name} : {term}"
    return term


def compile_query(text: str) -> Query:
    """Compile what the user typed; never raises."""
    query = Query()
    typing = bool(text) and not text[-1].isspace()
    text = clean_line(text.replace("\x00", " "), limit=MAX_QUERY_CHARS)
    include: list[str] = []
    exclude: list[str] = []
    for count, match in enumerate(_TOKEN.finditer(text)):
        if count >= MAX_TERMS:
            query.hints.append(f"only the first {MAX_TERMS} terms are used")
            break
        negate, key, quoted, bare = match.groups()
        key = (key or "").lower()
        value = quoted if quoted is not None else (bare or "")
        phrase = quoted is not None
        if key in ("is",):
            state = value.lower()
            clause = {
                "unread": "a.read = 0",
                "read": "a.read = 1",
                "starred": "a.starred = 1",
            }.get(state)
            if clause is None:
                query.hints.append(f"is:{value} is not known (is:unread, is:read, is:starred)")
                continue
            query.where.append(f"NOT ({clause})" if negate else clause)
        elif key in ("after", "before"):
            when = _date(value)
            if when is None:
                query.hints.append(f"{key}:{value} is not a date (use 2024-01-31)")
                continue
            query.where.append("a.published < ?" if key == "before" else "a.published >= ?")
            query.params.append(int(when.timestamp()))
        elif key in ("feed", "tag"):
            if not value:
                query.hints.append(f"{key}: needs a name")
                continue
            if key == "feed":
                clause = (
                    "a.feed_id IN (SELECT id FROM feeds WHERE instr(lower(user_title), ?) "
                    "OR instr(lower(title), ?) OR instr(lower(url), ?))"
                )
                query.params += [value.casefold()] * 3
            else:
                clause = "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE lower(tag) = ?)"
                query.params.append(value.casefold())
            query.where.append(f"NOT ({clause})" if negate else clause)
        else:
            field_name = key if key in ("title", "author") else None
            if key and field_name is None:
                value = f"{key}:{value}"  # not a field we know: search it as text
            prefix = not phrase or value.endswith("*")
            term = _text_term(field_name, value.rstrip("*"), prefix=prefix)
            if term is None:
                if value.strip("*"):
                    query.hints.append(f"{value!r} has no letters or digits to search for")
                continue
            (exclude if negate else include).append(term)
            last = _WORD.findall(value)[-1]
            being_typed = typing and match.end() == len(text)
            if prefix and len(last) <= (SHORT_TYPING if being_typed else SHORT):
                query.short.append(value)
            if not negate:
                query.words += [w.casefold() for w in _WORD.findall(value)]
    if include:
        query.match = " AND ".join(include)
    for term in exclude:
        query.where.append(
            "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        )
        query.params.append(term)
    return query
