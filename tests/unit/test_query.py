"""The search language as a query object (no SQL), and the SQL the store makes of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuinews.query import HasState, InFeed, Not, Published, Tagged, Words, parse_query
from tuinews.store.query_sql import query_sql


def stamp(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())


def test_each_kind_of_term() -> None:
    query = parse_query(
        'ukraine "troops regroup" secur* -sport title:kyiv author:smith feed:Guardian '
        "tag:World is:unread -is:starred after:2024-01-01 before:2024-02-01"
    )
    assert query.terms == [
        Words(("ukraine",)),
        Words(("troops", "regroup"), prefix=False),
        Words(("secur",)),
        Not(Words(("sport",))),
        Words(("kyiv",), field="title"),
        Words(("smith",), field="author"),
        InFeed("guardian"),
        Tagged("world"),
        HasState("unread"),
        Not(HasState("starred")),
        Published(stamp("2024-01-01"), before=False),
        Published(stamp("2024-02-01"), before=True),
    ]
    assert query.words == ["ukraine", "troops", "regroup", "secur", "kyiv", "smith"]
    assert query.hints == [] and query.has_text and not query.empty


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("is:bogus", "is:bogus is not known (is:unread, is:read, is:starred)"),
        ("after:yesterday", "after:yesterday is not a date (use 2024-01-31)"),
        ('feed:""', "feed: needs a name"),
        ("-- ***", "'-' has no letters or digits to search for"),
    ],
)
def test_what_cannot_be_used_is_a_hint(text: str, hint: str) -> None:
    query = parse_query(text)
    assert query.hints[0] == hint
    assert query.terms == [] and query.empty


def test_unknown_fields_are_text_and_any_text_parses() -> None:
    assert parse_query("nosuch:x").terms == [Words(("nosuch", "x"))]
    for text in ["c++", "AT&T", '"unterminated', "NEAR(", "\x00", "x" * 100_000, '-"', "^"]:
        parse_query(text)  # never raises
    assert len(parse_query("a " * 100).terms) == 32
    assert parse_query("a " * 100).hints == ["only the first 32 terms are used"]


def test_short_prefixes_wait_while_typed() -> None:
    assert parse_query("the p").short == ["p"]
    assert parse_query("the po").short == ["po"]  # the word being typed
    assert parse_query("the po ").short == []
    assert parse_query("uk election").short == []
    assert parse_query('"a" -b title:c').short == ["b", "c"]  # a phrase is not a prefix


def test_the_store_makes_one_match_of_the_words_and_filters_of_the_rest() -> None:
    sql = query_sql(parse_query('kharkiv "troops regroup" title:ukr -security is:unread'))
    assert sql.match == '"kharkiv"* AND "troops regroup" AND title : "ukr"*'
    assert sql.where == [
        "a.read = 0",
        "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
    ]
    assert sql.params == ['"security"*']
    negated = query_sql(parse_query("-after:2024-01-01 -tag:x"))
    assert negated.match is None
    assert negated.where[0] == "NOT (a.published >= ?)"
    assert negated.params == [stamp("2024-01-01"), "x"]
    assert query_sql(None).match is None and query_sql(None).where == []


def test_quotes_typed_never_become_fts_syntax() -> None:
    sql = query_sql(parse_query('say "he said ""no"" AND NEAR('))
    assert sql.match is not None
    # Each term is one quoted FTS5 string: no bare operator, quote or bracket outside one.
    outside = sql.match.replace('"', "\x00").split("\x00")[::2]
    assert all(part.strip(" *") in ("", "AND") for part in outside), outside
