"""Queries (rules') matched in Python against a feed's new articles, in one pass, with
the meaning the store's SQL gives them (``tuinews.store.query_sql``, "few" articles,
their words in a small index with the full-text index's tokenizer).

At ingest, a SQL search per rule (or per action) of a small index filled for each feed
cost more than storing the feed. Here each article's title, author and text are cut
into words once (``tuinews.query.fts_tokens``, exactly as the index cuts them) and every
rule is a test of those words and of the article's and its feed's facts.

The same meaning, term by term: a phrase is a substring of the folded words (a prefix,
at the start of the field, in one field or any of title, author, text); ``feed:`` and
``account:`` look for the name in SQLite's ``lower()`` of the titles and URL (ASCII
letters only are lowered); ``tag:`` is a feed's tag (lowered so) or the article's own,
or one of their folders; ``after:``, ``before:`` and ``age:`` are unknown (SQL's NULL)
for an article without a date, and NOT, AND and OR then follow SQL's three-valued
logic. A query with a term matched otherwise (``is:downloaded``, ``has:enclosure``, a
phrase with no word the index would keep) is not compiled: the store runs its SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tuinews.query.fts_tokens import Classes, beyond_ascii, folded, tokens
from tuinews.query.terms import (
    Age,
    All,
    Any,
    HasState,
    InAccount,
    InFeed,
    Not,
    Published,
    Query,
    Tagged,
    Term,
    Words,
    leaves,
)

COLUMNS = ("title", "author", "text")
_LOWER = {c: c + 32 for c in range(65, 91)}


def sql_lower(text: str) -> str:
    """SQLite's ``lower()`` (without ICU): ASCII letters only."""
    return text.translate(_LOWER)


@dataclass
class FeedFacts:
    """What the rules ask of an article's feed (texts lowered by ``sql_lower``)."""

    hidden: bool = False
    local: bool = True
    names: tuple[str, ...] = ()  # its own title, its title, its URL
    account: tuple[str, ...] | None = None  # the account's user and API URL
    tags: tuple[str, ...] = ()


class ArticleFacts:
    """One new article: its flags as they are now, its own tags (casefolded), its
    fields (only those some rule reads) as stored, and as the index has them, folded
    (``fts_tokens.folded``) when first asked. ``low``: what a folded field's words are
    substrings of, cheap to make: the field lowercased if it is ASCII (``plain``: each
    word the index has is then a run of its letters and digits), else the folded field
    itself."""

    __slots__ = (
        "_classes",
        "_folded",
        "_raw",
        "feed",
        "hidden",
        "id",
        "low",
        "plain",
        "published",
        "read",
        "starred",
        "tags",
    )

    def __init__(
        self,
        id: int,
        feed: FeedFacts,
        published: int | None = None,
        read: bool = False,
        starred: bool = False,
        hidden: bool = False,
        fields: dict[str, str] | None = None,
        classes: Classes | None = None,
    ) -> None:
        self.id = id
        self.feed = feed
        self.published = published
        self.read = read
        self.starred = starred
        self.hidden = hidden
        self.tags: set[str] = set()
        self._raw = fields or {}
        self._classes: Classes = classes or {}
        self._folded: dict[str, str] = {}
        self.low: dict[str, str] = {}
        self.plain: set[str] = set()
        for name, value in self._raw.items():  # (OddText here: before any rule runs)
            if value.isascii():
                self.low[name] = value.lower()
                self.plain.add(name)
            else:
                self.low[name] = self.fold(name)

    def fold(self, name: str) -> str:
        found = self._folded.get(name)
        if found is None:
            found = self._folded[name] = folded(self._raw[name], self._classes)
        return found


Test = Callable[[ArticleFacts], bool | None]  # None: SQL's NULL (unknown)


class Unsupported(ValueError):
    """A term this module does not match exactly as the SQL does."""


def _words_of(query: Query) -> Iterator[Words]:
    for term in query.terms:
        for leaf in leaves(term):
            if isinstance(leaf, Words):
                yield leaf


def query_chars(query: Query) -> set[str]:
    """The characters beyond ASCII of the query's words (the classes must know them)."""
    return beyond_ascii([word for term in _words_of(query) for word in term.words])


def query_columns(query: Query) -> set[str]:
    """The fields the query's words are looked for in."""
    found: set[str] = set()
    for term in _words_of(query):
        found.update((term.field,) if term.field else COLUMNS)
    return found


def needle_of(term: Words, classes: Classes) -> tuple[str, list[str], tuple[str, ...]]:
    """What a term of words is in a folded field (a substring, or its start with
    ``term.start``), its words longest first (each in ``ArticleFacts.low`` if it is
    there), and the fields it is looked for in."""
    found = tokens(" ".join(term.words), classes)
    if not found:
        raise Unsupported("a phrase without a word the index keeps")
    needle = " " + " ".join(found) + ("" if term.prefix else " ")
    keys = sorted(set(found), key=len, reverse=True)
    return needle, keys, (term.field,) if term.field else COLUMNS


def _words(term: Words, classes: Classes) -> Test:
    needle, _, columns = needle_of(term, classes)
    if term.start:
        return lambda a: any(a.fold(c).startswith(needle) for c in columns)
    return lambda a: any(needle in a.fold(c) for c in columns)


def _state(term: HasState) -> Test:
    state = term.state
    if state == "unread":
        return lambda a: not a.read
    if state == "read":
        return lambda a: a.read
    if state == "starred":
        return lambda a: a.starred
    if state == "hidden":
        return lambda a: a.hidden or a.feed.hidden
    if state == "local":
        return lambda a: a.feed.local
    raise Unsupported(f"is:{state}")


def _before(when: int, before: bool) -> Test:
    if before:
        return lambda a: None if a.published is None else a.published < when
    return lambda a: None if a.published is None else a.published >= when


def _tagged(tag: str) -> Test:
    low, high = tag + "/", tag + "0"

    def test(a: ArticleFacts) -> bool:
        return any(t == tag or low <= t < high for t in a.feed.tags) or any(
            t == tag or low <= t < high for t in a.tags
        )

    return test


def _not(inner: Test) -> Test:
    def test(a: ArticleFacts) -> bool | None:
        value = inner(a)
        return None if value is None else not value

    return test


def all_of_tests(tests: list[Test]) -> Test:
    def test(a: ArticleFacts) -> bool | None:
        result: bool | None = True
        for one in tests:
            value = one(a)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    return test


def any_of_tests(tests: list[Test]) -> Test:
    def test(a: ArticleFacts) -> bool | None:
        result: bool | None = False
        for one in tests:
            value = one(a)
            if value:
                return True
            if value is None:
                result = None
        return result

    return test


def compile_term(term: Term, classes: Classes, now: int) -> Test:
    """A test of one term (raises Unsupported)."""
    if isinstance(term, Words):
        return _words(term, classes)
    if isinstance(term, HasState):
        return _state(term)
    if isinstance(term, Published):
        return _before(term.when, term.before)
    if isinstance(term, Age):
        return _before(now - term.seconds, term.older)
    if isinstance(term, InFeed):
        name = term.name
        return lambda a: any(name in n for n in a.feed.names)
    if isinstance(term, InAccount):
        name = term.name
        return lambda a: a.feed.account is not None and any(name in n for n in a.feed.account)
    if isinstance(term, Tagged):
        return _tagged(term.tag)
    if isinstance(term, Not):
        return _not(compile_term(term.term, classes, now))
    if isinstance(term, All | Any):
        tests = [compile_term(t, classes, now) for t in term.terms]
        return all_of_tests(tests) if isinstance(term, All) else any_of_tests(tests)
    raise Unsupported(type(term).__name__)


def compile_query(query: Query, classes: Classes, now: int) -> Test | None:
    """The query as a test (true: it matches), or None where only the SQL is exact."""
    try:
        tests = [compile_term(term, classes, now) for term in query.terms]
    except Unsupported:
        return None
    return tests[0] if len(tests) == 1 else all_of_tests(tests)
