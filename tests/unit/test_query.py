"""The search language as a query object (no SQL), and the SQL the store makes of it."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tuinews.query import (
    Age,
    HasState,
    InFeed,
    Not,
    Published,
    Tagged,
    Words,
    format_query,
    parse_query,
)
from tuinews.query import All as AllOf
from tuinews.query import Any as AnyOf
from tuinews.store.query_sql import QuerySql, query_sql


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
        (
            "is:bogus",
            "is:bogus is not known (is:unread, is:read, is:starred, is:hidden, is:downloaded, "
            "is:local)",
        ),
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
    assert parse_query("nosuch:xy").terms == [Words(("nosuch", "xy"))]
    for text in ["c++", "AT&T", '"unterminated', "NEAR(", "\x00", "x" * 100_000, '-"', "^"]:
        parse_query(text)  # never raises
    assert len(parse_query("a " * 300).terms) == 128
    assert parse_query("a " * 300).hints == ["only the first 128 terms are used"]


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
    # a feed's tag or the article's (stored, or waiting to be), each the tag or a folder
    # under it ("x/" to "x0")
    assert negated.params == [stamp("2024-01-01"), *["x", "x/", "x0"] * 3]
    assert query_sql(None).match is None and query_sql(None).where == []


def test_quotes_typed_never_become_fts_syntax() -> None:
    sql = query_sql(parse_query('say "he said ""no"" AND NEAR('))
    assert sql.match is not None
    # Each term is one quoted FTS5 string: no bare operator, quote or bracket outside one.
    outside = sql.match.replace('"', "\x00").split("\x00")[::2]
    assert all(part.strip(" *") in ("", "AND") for part in outside), outside


def w(*words: str, **how: Any) -> Words:
    return Words(words, **how)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # AND (by juxtaposition or written) binds tighter than OR.
        ("a b OR c", [AnyOf((AllOf((w("a"), w("b"))), w("c")))]),
        ("a AND b OR c", [AnyOf((AllOf((w("a"), w("b"))), w("c")))]),
        ("a OR b c", [AnyOf((w("a"), AllOf((w("b"), w("c")))))]),
        ("a (b OR c)", [w("a"), AnyOf((w("b"), w("c")))]),
        ("a OR b OR (c OR d)", [AnyOf((w("a"), w("b"), w("c"), w("d")))]),
        ("(a b) (c)", [w("a"), w("b"), w("c")]),  # groups in an AND are flattened
        ("-(a OR b)", [Not(AnyOf((w("a"), w("b"))))]),
        ("NOT (a b)", [Not(AllOf((w("a"), w("b"))))]),
        ("NOT a", [Not(w("a"))]),
        ("x -(-y) NOT NOT z", [w("x"), w("y"), w("z")]),
        ("is:read OR -tag:x", [AnyOf((HasState("read"), Not(Tagged("x"))))]),
        ("or and not", [w("or"), w("and"), w("not")]),  # operators are upper case
        ('"OR" OR*', [w("OR", prefix=False), w("OR")]),
        ("f(x)", [w("f"), w("x")]),
    ],
)
def test_or_groups_and_negation(text: str, terms: list[object]) -> None:
    query = parse_query(text)
    assert query.terms == terms
    assert query.hints == []


def test_a_group_in_a_field() -> None:
    assert parse_query("title:(kyiv OR kharkiv) -Author:(smith jones) is:read").terms == [
        AnyOf((w("kyiv", field="title"), w("kharkiv", field="title"))),
        Not(AllOf((w("smith", field="author"), w("jones", field="author")))),
        HasState("read"),
    ]
    fields = [w("a", field="title"), w("b", field="author")]
    assert parse_query("title:(a author:b)").terms == fields
    assert parse_query("title: x").hints == ["title: needs a word (or a group: title:(a OR b))"]
    assert parse_query("x title:").hints == []  # still being typed


def test_words_to_highlight_leave_out_exclusions_and_keep_choices() -> None:
    assert parse_query("(Kyiv OR kharkiv) -(sport OR weather) -x").words == ["kyiv", "kharkiv"]
    assert parse_query("a OR b").has_text
    assert not parse_query("a OR is:read").has_text
    assert not parse_query("-(a OR b)").has_text


@pytest.mark.parametrize(
    ("text", "hints"),
    [
        ("ukraine (a OR b", ["unclosed ( at column 9: expected )"]),
        ("(a (b)", ["unclosed ( at column 1: expected )"]),
        ("OR a", ["OR at column 1 needs a term before it"]),
        ("a OR", ["OR at column 3 needs a term after it"]),
        ("a OR OR b", ["OR at column 3 needs a term after it"]),
        ("a (OR b)", ["OR at column 4 needs a term before it"]),
        ("AND a", ["AND at column 1 needs a term before it"]),
        ("a AND", ["AND at column 3 needs a term after it"]),
        ("a NOT", ["NOT at column 3 needs a term after it"]),
        ("a ) b", ["unmatched ) at column 3"]),
        ("a () b", ["( at column 3 has nothing in it"]),
        ("a -() b", ["( at column 4 has nothing in it"]),
        ("((((((((((a))))))))))", ["( at column 9: groups nest at most 8 deep; left out"]),
    ],
)
def test_syntax_errors_say_where_and_what_was_expected(text: str, hints: list[str]) -> None:
    query = parse_query(text)
    assert query.hints == hints
    if "nest" not in hints[0]:
        assert query.terms  # the rest is still searched


def test_start_of_a_field() -> None:
    assert parse_query('title:^"rt by" ^the').terms == [
        w("rt", "by", field="title", prefix=False, start=True),
        w("the", start=True),
    ]
    sql = query_sql(parse_query('title:^"rt by" ^the'))
    assert sql.match == 'title : ^"rt by" AND ^"the"*'


def test_age_is_kept_relative_and_counted_from_the_clock() -> None:
    query = parse_query("age:<7d age:>1m age:12h age:2W age:1y")
    assert query.terms == [
        Age(7, "d", older=False),
        Age(1, "m", older=True),
        Age(12, "h", older=False),
        Age(2, "w", older=False),
        Age(1, "y", older=False),
    ]
    assert format_query(query) == "age:<7d age:>1m age:<12h age:<2w age:<1y"
    now = stamp("2024-03-01")
    sql = query_sql(parse_query("age:<7d -age:>1m"), now=now)
    assert sql.where == ["a.published >= ?", "NOT (a.published < ?)"]
    assert sql.params == [now - 7 * 86400, now - 30 * 86400]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("age:7", "age:7 is not an age (use age:<7d or age:>1m; units h, d, w, m, y)"),
        (
            "age:<1234567d",
            "age:<1234567d is not an age (use age:<7d or age:>1m; units h, d, w, m, y)",
        ),
        ("has:pictures", "has:pictures is not known (has:enclosure)"),
    ],
)
def test_filters_that_cannot_be_used_are_hints(text: str, hint: str) -> None:
    query = parse_query(text)
    assert query.hints == [hint] and query.terms == []


def test_is_hidden_tells_the_store_to_keep_hidden_feeds() -> None:
    assert parse_query("is:hidden").terms == [HasState("hidden")]
    sql = query_sql(parse_query("-(x OR is:hidden)"))
    assert sql.with_hidden
    assert sql.where == [
        "NOT ((a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) "
        "OR (a.hidden = 1 OR a.feed_id IN (SELECT id FROM feeds WHERE hidden = 1))))"
    ]
    assert not query_sql(parse_query("x is:unread")).with_hidden


def test_choices_between_words_stay_in_the_one_match() -> None:
    sql = query_sql(parse_query("ukraine (kyiv OR kharkiv) (a b OR title:c) is:unread"))
    assert sql.match == (
        '"ukraine"* AND ("kyiv"* OR "kharkiv"*) AND (("a"* AND "b"*) OR title : "c"*)'
    )
    assert sql.where == ["a.read = 0"] and sql.params == []


def test_groups_with_filters_read_the_index_once_per_group() -> None:
    sql = query_sql(parse_query("(a OR b OR is:starred) -(c OR d) tag:x"))
    assert sql.match is None
    assert sql.where == [
        "(a.feed_id IN (SELECT feed_id FROM feed_tags WHERE lower(tag) = ? "
        "OR lower(tag) >= ? AND lower(tag) < ?) "
        "OR a.id IN (SELECT article_id FROM article_tags WHERE tag = ? OR tag >= ? AND tag < ?) "
        "OR a.id IN (SELECT article_id FROM tags_pending WHERE tag = ? OR tag >= ? AND tag < ?))",
        "(a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) OR a.starred = 1)",
        "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
    ]
    assert sql.params == [*["x", "x/", "x0"] * 3, '("a"* OR "b"*)', '("c"* OR "d"*)']


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("ukraine  AND   kharkiv", "ukraine kharkiv"),
        ("a AND b OR c", "(a b) OR c"),
        ("NOT (x OR y)", "-(x OR y)"),
        ('secur* "troops regroup" "kyiv"', 'secur "troops regroup" "kyiv"'),
        ('"a b*" title:C Author:"d e"', '"a b*" title:C author:"d e"'),
        ("e-mail nosuch:xy", '"e mail*" "nosuch xy*"'),
        (
            'feed:Guardian tag:World feed:"daily news" tag:a"b',
            'feed:guardian tag:world feed:"daily news" tag:a"b',
        ),
        ("IS:Unread -is:starred is:hidden", "is:unread -is:starred is:hidden"),
        ("after:2024-01 before:2024", "after:2024-01-01 before:2024-01-01"),
        ("age:7d AGE:>2M", "age:<7d age:>2m"),
        ('title:^rt ^"x y*"', 'title:^rt ^"x y*"'),
        ("(a OR is:read) OR b", "a OR is:read OR b"),
        ("-(a b) c", "-(a b) c"),
        ("", ""),
    ],
)
def test_a_query_prints_back_as_canonical_text(text: str, canonical: str) -> None:
    query = parse_query(text)
    assert format_query(query) == canonical
    again = parse_query(canonical)
    assert again.terms == query.terms and again.hints == []


PIECES = [
    "ukraine",
    "kyiv",
    "x",
    "OR",
    "AND",
    "NOT",
    "-",
    "(",
    ")",
    "-(",
    '"a b"',
    '"c',
    "title:t",
    'author:"y z*"',
    "^rt",
    "is:hidden",
    "is:read",
    "age:<7d",
    "age:>2w",
    "after:2024-01-01",
    "before:1999",
    'feed:"daily news"',
    "tag:World",
    "c++",
    "*",
    '"',
    "x*",
    "e-mail",
    "is:nope",
    "has:enclosure",
    "nosuch:v",
    "^",
    "--",
    "OR*",
    '"OR"',
    "Ünïcode",
    "title:(",
    "-author:(",
    "_",
]


def random_text(rng: random.Random) -> str:
    parts = [rng.choice(PIECES) for _ in range(rng.randint(0, 14))]
    return "".join(rng.choice([" ", " ", " ", ""]) + part for part in parts)


def test_canonical_text_round_trips_for_random_queries() -> None:
    rng = random.Random(15)
    for _ in range(3000):
        text = random_text(rng)
        query = parse_query(text)
        canonical = format_query(query)
        again = parse_query(canonical)
        assert again.terms == query.terms, (text, canonical)
        assert again.hints == [], (text, canonical)
        assert format_query(again) == canonical


FTS_STRING = re.compile(r'"(?:[^"]|"")*"')
FTS_SYNTAX = {"S", "AND", "OR", "(", ")", "*", "^", ":", "title", "author"}


def fts_expressions(sql: QuerySql) -> list[str]:
    """The MATCH expressions of the SQL: ``match`` and the parameters of ``MATCH ?``."""
    found = [sql.match] if sql.match is not None else []
    marks = re.findall(r"(MATCH )?\?", " ".join(sql.where))
    assert len(marks) == len(sql.params)
    found += [str(p) for mark, p in zip(marks, sql.params, strict=True) if mark]
    return found


def assert_only_our_syntax(expression: str) -> None:
    outside = FTS_STRING.sub(" S ", expression)
    assert set(re.findall(r"\w+|\S", outside)) <= FTS_SYNTAX, expression


def random_junk(rng: random.Random) -> str:
    alphabet = "ab ()\"-^*:OR AND NOT NEAR{}[]+\x00\t\n\u202e\u200bé_\\'.,;!?#<>=~"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def test_any_text_parses_prints_and_compiles_without_fts_syntax() -> None:
    rng = random.Random(12)
    for i in range(4000):
        text = random_junk(rng) if i % 2 else random_text(rng)
        query = parse_query(text)
        format_query(query)
        for expression in fts_expressions(query_sql(query, now=0)):
            assert_only_our_syntax(expression)


@pytest.mark.parametrize(
    ("text", "words", "prefix"),
    [
        ("c++", ("c",), False),
        ("C#", ("C",), False),
        ("AT&T", ("AT", "T"), False),
        ("3.5", ("3", "5"), False),
        ("AT&", ("AT",), False),
        ("secur", ("secur",), True),
        ("secur*", ("secur",), True),
        ("c++*", ("c",), True),
        ("e-mail", ("e", "mail"), True),
        ("covid-19", ("covid", "19"), True),
        ('"c++"', ("c",), False),
    ],
)
def test_symbols_after_a_word_end_it(text: str, words: tuple[str, ...], prefix: bool) -> None:
    """A term is a prefix when it ends in a letter or digit (as it is being typed) or
    ``*``; ``c++`` is the word "c" exactly (it matched every c-word), and a last single
    letter after a symbol is a word of its own (``AT&T``). Issue 12, the QA pass."""
    query = parse_query(text)
    assert query.terms == [Words(words, prefix=prefix)]
    assert parse_query(format_query(query)).terms == query.terms
    if not prefix:
        assert query.short == []  # a whole word: searched at once, nothing to wait for
    assert parse_query("c++ t").short == ["t"]  # a one-letter prefix still waits
    assert parse_query("AT&T").short == [] and parse_query("AT&Te").short == ["AT&Te"]
