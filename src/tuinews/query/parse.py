"""Parsing the search language (see :mod:`tuinews.query`) into a :class:`Query`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from tuinews.query.terms import (
    OPERATORS,
    STATES,
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
    Unit,
    Words,
    all_of,
    any_of,
    negate,
)
from tuinews.sanitise import clean_line

MAX_QUERY_CHARS = 4000
MAX_TERMS = 128
MAX_DEPTH = 8  # groups nested deeper are left out (with a hint)
# A prefix this short matches most words of the index (`t*`: 1.5 s at 100,000 articles,
# even for the first screen); the search bar waits for another letter or Enter.
SHORT = 1
# ... and a prefix this short while it is the word being typed (the last, with nothing
# after it): the index has prefix entries of 3 letters, so `th*` reads every term that
# starts with "th" (up to 120 ms at 100,000 articles), where `the*` reads one entry. Two
# letters elsewhere ("uk election") are searched at once: most are quick.
SHORT_TYPING = 2

_ATOM = re.compile(r'(-?)(?:(\w+):)?(\^?)(?:"([^"]*)"?|([^\s()]*))')
_WORD = re.compile(r"\w+")
_AGE = re.compile(r"([<>]?)(\d{1,6})([hdwmy])")


@dataclass(frozen=True)
class _Token:
    kind: Literal["(", ")", "OR", "AND", "NOT", "atom"]
    column: int  # 1-based
    end: int = 0  # where it ends in the text
    negated: bool = False
    key: str = ""  # an atom's key:, or the field of a group title:( ... )
    value: str = ""
    quoted: bool = False
    start: bool = False


def _tokens(text: str, query: Query) -> list[_Token]:
    tokens: list[_Token] = []
    atoms = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i + 1, i + 1))  # type: ignore[arg-type]
            i += 1
        elif text.startswith("-(", i):
            tokens.append(_Token("(", i + 2, i + 2, negated=True))
            i += 2
        else:
            match = _ATOM.match(text, i)
            assert match is not None  # every part of the pattern is optional
            negated, key, start, quoted, bare = match.groups()
            i = max(match.end(), i + 1)
            if not (key or start or quoted is not None) and bare in OPERATORS and not negated:
                tokens.append(_Token(bare, match.start() + 1, i))  # type: ignore[arg-type]
                continue
            if negated and not (key or start or quoted is not None or bare):
                negated, bare = "", "-"  # a lone "-" is a word (with nothing to find)
            in_field = (key or "").lower() in _FIELDS and text.startswith("(", i)
            if in_field and not (start or quoted is not None or bare):
                # title:(a OR b): a group in that field
                tokens.append(_Token("(", i + 1, i + 1, bool(negated), key.lower()))
                i += 1
                continue
            if atoms >= MAX_TERMS:
                query.hints.append(f"only the first {MAX_TERMS} terms are used")
                break
            atoms += 1
            value = quoted if quoted is not None else bare
            tokens.append(
                _Token(
                    "atom",
                    match.start() + 1,
                    i,
                    negated=bool(negated),
                    key=key or "",
                    value=value,
                    quoted=quoted is not None,
                    start=bool(start),
                )
            )
    return tokens


def _date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _filter(key: str, value: str, query: Query) -> Term | None:
    """The term for ``key:value`` (is, after, before, age, has, feed, account, tag), or
    None with a hint."""
    if key == "is":
        state = value.lower()
        if state not in STATES:
            known = ", ".join(f"is:{s}" for s in STATES)
            query.hints.append(f"is:{value} is not known ({known})")
            return None
        return HasState(state)
    if key in ("after", "before"):
        when = _date(value)
        if when is None:
            query.hints.append(f"{key}:{value} is not a date (use 2024-01-31)")
            return None
        return Published(int(when.timestamp()), before=key == "before")
    if key == "age":
        age = _AGE.fullmatch(value.lower())
        if age is None:
            query.hints.append(
                f"age:{value} is not an age (use age:<7d or age:>1m; units h, d, w, m, y)"
            )
            return None
        unit: Unit = age[3]  # type: ignore[assignment]
        return Age(int(age[2]), unit, older=age[1] == ">")
    if key == "has":
        if value.lower() == "enclosure":
            return Has("enclosure")
        query.hints.append(f"has:{value} is not known (has:enclosure)")
        return None
    if not value:
        query.hints.append(f"{key}: needs a name")
        return None
    if key == "account":
        return InAccount(value.casefold())
    return InFeed(value.casefold()) if key == "feed" else Tagged(value.casefold())


_FILTERS = ("is", "after", "before", "age", "has", "feed", "account", "tag")
_FIELDS: dict[str, Literal["title", "author"]] = {"title": "title", "author": "author"}


class _Parser:
    """Recursive descent over the tokens: ``or := and (OR and)*``, ``and := unary+``
    (``AND`` optional), ``unary := (NOT|-)* (group | atom)``. Mistakes become hints and
    the parser carries on with what it can use."""

    def __init__(self, text: str, query: Query, typing: bool) -> None:
        self.text = text
        self.query = query
        self.typing = typing
        self.tokens = _tokens(text, query)
        self.truncated = bool(query.hints)
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def ends_term(self) -> bool:
        """Whether the next token cannot start a term."""
        token = self.peek()
        return token is None or token.kind in (")", "OR", "AND")

    def hint(self, message: str) -> None:
        if self.truncated and message.endswith("needs a term after it"):
            return  # (the term after it is one of those left out)
        if message not in self.query.hints:
            self.query.hints.append(message)

    def parse(self) -> list[Term]:
        terms: list[Term] = []
        while True:
            term = self.parse_or(0)
            if term is not None:
                terms.append(term)
            token = self.peek()
            if token is None:
                break
            self.at += 1  # a ")" with no "(" before it
            self.hint(f"unmatched ) at column {token.column}")
        top = all_of(terms)
        return [] if top is None else list(top.terms) if isinstance(top, All) else [top]

    def parse_or(self, depth: int) -> Term | None:
        members: list[Term] = []
        first = self.parse_and(depth)
        if first is not None:
            members.append(first)
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            if not members:
                self.hint(f"OR at column {token.column} needs a term before it")
            term = self.parse_and(depth)
            if term is None:
                self.hint(f"OR at column {token.column} needs a term after it")
            else:
                members.append(term)
        return any_of(members)

    def parse_and(self, depth: int) -> Term | None:
        terms: list[Term] = []
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.at += 1
                if not terms:
                    self.hint(f"AND at column {token.column} needs a term before it")
                if self.ends_term():
                    self.hint(f"AND at column {token.column} needs a term after it")
                continue
            term = self.parse_unary(depth)
            if term is not None:
                terms.append(term)
        return all_of(terms)

    def parse_unary(self, depth: int) -> Term | None:
        negated = False
        while (token := self.peek()) is not None and token.kind == "NOT":
            self.at += 1
            negated = not negated
            if self.ends_term():
                self.hint(f"NOT at column {token.column} needs a term after it")
                return None
        assert token is not None
        self.at += 1
        term = self.group(token, depth) if token.kind == "(" else self.atom(token)
        if term is None:
            return None
        return negate(term) if negated else term

    def group(self, token: _Token, depth: int) -> Term | None:
        opening = token.column
        if depth >= MAX_DEPTH:
            self.hint(f"( at column {opening}: groups nest at most {MAX_DEPTH} deep; left out")
            level = 1
            while level and (inner := self.peek()) is not None:
                self.at += 1
                level += {"(": 1, ")": -1}.get(inner.kind, 0)
            return None
        first = self.at
        term = self.parse_or(depth + 1)
        closing = self.peek()
        if closing is not None and closing.kind == ")":
            self.at += 1
            if self.at == first + 1:
                self.hint(f"( at column {opening} has nothing in it")
        elif not self.truncated:
            self.hint(f"unclosed ( at column {opening}: expected )")
        if term is None:
            return None
        if token.key in _FIELDS:
            term = _in_field(term, _FIELDS[token.key])
        return negate(term) if token.negated else term

    def atom(self, token: _Token) -> Term | None:
        key, value = token.key.lower(), token.value
        term: Term | None
        if key in _FILTERS:
            term = _filter(key, ("^" if token.start else "") + value, self.query)
        else:
            field_name: Literal["title", "author"] | None = (
                "title" if key == "title" else "author" if key == "author" else None
            )
            if key and field_name is None:
                value = f"{key}:{value}"  # not a field we know: search it as text
            words = _WORD.findall(value.rstrip("*"))
            prefix = _is_prefix(value, words, token.quoted)
            if not words:
                shown = ("^" if token.start else "") + value
                being_typed = self.typing and token.end == len(self.text)
                if field_name and not shown and not being_typed:
                    self.query.hints.append(f"{key}: needs a word (or a group: {key}:(a OR b))")
                elif shown.strip("*"):
                    self.query.hints.append(f"{shown!r} has no letters or digits to search for")
                return None
            term = Words(tuple(words), field_name, prefix, token.start)
            being_typed = self.typing and token.end == len(self.text)
            if prefix and len(words[-1]) <= (SHORT_TYPING if being_typed else SHORT):
                self.query.short.append(value)
        if term is None:
            return None
        return negate(term) if token.negated else term


def _is_prefix(value: str, words: list[str], quoted: bool) -> bool:
    """Whether a term's last word is matched as the start of a word: with an explicit
    ``*``, or typed bare ending in a letter or digit (``secur``, as it is being typed).
    Symbols after it end the word (``c++`` is the word "c", not every c-word), and so
    does a symbol before a last single letter or digit (``AT&T``, ``3.5``: "at" then
    the word "t", not "at" then any t-word)."""
    if value.endswith("*"):
        return True
    if quoted or not value[-1:].isalnum():
        return False
    return not (len(words) > 1 and len(words[-1]) == 1)


def _in_field(term: Term, name: Literal["title", "author"]) -> Term:
    """A group written ``title:( ... )``: its words without a field are in that one."""
    if isinstance(term, Words):
        return replace(term, field=name) if term.field is None else term
    if isinstance(term, Not):
        return Not(_in_field(term.term, name))
    if isinstance(term, All | Any):
        return type(term)(tuple(_in_field(t, name) for t in term.terms))
    return term


def _found_words(term: Term, out: list[str]) -> None:
    """The words an article found has (those not excluded), in the order typed."""
    if isinstance(term, Words):
        out += [word.casefold() for word in term.words]
    elif isinstance(term, All | Any):
        for inner in term.terms:
            _found_words(inner, out)


def parse_query(text: str) -> Query:
    """Parse what the user typed; never raises."""
    query = Query()
    typing = bool(text) and not text[-1].isspace()
    text = text.replace("\x00", " ")
    if len(text) > MAX_QUERY_CHARS:
        query.hints.append(f"only the first {MAX_QUERY_CHARS:,} characters are used")
    if text.isascii() and text.isprintable():  # columns stay those of the text typed
        text = text[:MAX_QUERY_CHARS]
    else:
        text = clean_line(text, limit=MAX_QUERY_CHARS)
    query.terms = _Parser(text, query, typing).parse()
    for term in query.terms:
        _found_words(term, query.words)
    return query
