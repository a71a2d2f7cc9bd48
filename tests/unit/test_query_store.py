"""What queries find in a real SQLite store: OR, groups, exclusions, age, hidden feeds,
and any text run against the index without an FTS5 error."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.query import parse_query
from tuinews.store import Store, View
from tuinews.store.query_sql import query_sql

NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def store(store: Store) -> Store:
    """The shared empty store, with three feeds (one hidden) and seven articles."""
    news = store.add_feed("https://news.example/feed", title="Daily News", tags=["world"])
    tech = store.add_feed("https://tech.example/feed", title="Tech Weekly", tags=["tech"])
    quiet = store.add_feed("https://quiet.example/feed", title="Quiet Feed", hidden=True)
    store.upsert_articles(
        news.id,
        [
            article(
                "1", "Ukraine advances in the east", "Troops regroup near Kharkiv.", date=ago(1)
            ),
            article(
                "2",
                "Markets rally",
                "Shares rose; the election looms.",
                date=ago(3),
                author="Jane Smith",
            ),
            article("3", "Election night in Kyiv", "Votes are counted.", date=ago(40)),
            article("4", "RT by someone: weather", "Rain in Kyiv.", date=ago(2)),
        ],
    )
    store.upsert_articles(
        tech.id,
        [
            article("5", "Security update", "A Kharkiv company fixed a flaw.", date=ago(10)),
            article("6", "Someone RT by the lake", "Nothing else.", date=ago(400)),
        ],
    )
    store.upsert_articles(quiet.id, [article("7", "Kharkiv quietly", "Hidden news.", date=ago(5))])
    return store


def titles(store: Store, text: str, view: View | None = None) -> list[str]:
    found = store.headlines(view or View(), parse_query(text), now=int(NOW.timestamp()))
    return sorted(h.title for h in found)


def test_or_and_groups(store: Store) -> None:
    assert titles(store, "regroup OR flaw") == ["Security update", "Ukraine advances in the east"]
    assert titles(store, "kharkiv (troops OR company)") == [
        "Security update",
        "Ukraine advances in the east",
    ]
    # AND binds tighter than OR: (kyiv votes) OR flaw.
    assert titles(store, "kyiv votes OR flaw") == ["Election night in Kyiv", "Security update"]
    assert titles(store, "kyiv (votes OR flaw)") == ["Election night in Kyiv"]
    assert titles(store, "author:smith OR title:security") == ["Markets rally", "Security update"]


def test_groups_mixing_words_and_filters(store: Store) -> None:
    store.set_read([h.id for h in store.headlines() if h.title == "Markets rally"])
    assert titles(store, "election (is:read OR tag:tech)") == ["Markets rally"]
    assert titles(store, "flaw OR feed:daily") == [
        "Election night in Kyiv",
        "Markets rally",
        "RT by someone: weather",
        "Security update",
        "Ukraine advances in the east",
    ]
    assert titles(store, "kharkiv OR is:read") == [
        "Markets rally",
        "Security update",
        "Ukraine advances in the east",
    ]


def test_excluding_groups(store: Store) -> None:
    assert titles(store, "kharkiv -(flaw OR company)") == ["Ukraine advances in the east"]
    assert titles(store, "kyiv -(rain OR tag:tech)") == ["Election night in Kyiv"]
    assert titles(store, "tag:world -(election is:unread)") == [
        "RT by someone: weather",
        "Ukraine advances in the east",
    ]
    assert titles(store, "tag:world NOT (kyiv OR election)") == ["Ukraine advances in the east"]


def test_age_counts_from_now(store: Store) -> None:
    assert titles(store, "age:<60h") == ["RT by someone: weather", "Ukraine advances in the east"]
    assert "Markets rally" in titles(store, "age:<3d")  # published 3 days ago to the second
    assert titles(store, "age:<1w tag:world") == [
        "Markets rally",
        "RT by someone: weather",
        "Ukraine advances in the east",
    ]
    assert titles(store, "age:>1m") == ["Election night in Kyiv", "Someone RT by the lake"]
    assert titles(store, "age:>1y") == ["Someone RT by the lake"]
    assert titles(store, "age:<49h -age:<30h") == ["RT by someone: weather"]
    assert titles(store, "age:>36h age:<60h") == ["RT by someone: weather"]


def test_start_of_a_title(store: Store) -> None:
    assert titles(store, 'title:^"rt by"') == ["RT by someone: weather"]
    assert titles(store, 'title:"rt by"') == ["RT by someone: weather", "Someone RT by the lake"]


def test_is_hidden_finds_hidden_feeds_that_views_leave_out(store: Store) -> None:
    assert "Kharkiv quietly" not in titles(store, "kharkiv")
    assert titles(store, "is:hidden") == ["Kharkiv quietly"]
    assert titles(store, "kharkiv is:hidden") == ["Kharkiv quietly"]
    assert titles(store, "is:hidden", View(unread_only=True)) == ["Kharkiv quietly"]
    # A query naming is:hidden decides itself: here, everything but hidden feeds.
    assert "Kharkiv quietly" not in titles(store, "kharkiv -is:hidden")
    assert titles(store, "quietly OR flaw") == ["Security update"]
    assert titles(store, "quietly OR flaw OR is:hidden") == ["Kharkiv quietly", "Security update"]


def test_is_hidden_through_the_listing_methods(store: Store) -> None:
    # Without is:hidden, All leaves the hidden feed's articles out, in every method.
    quietly = parse_query("kharkiv quietly")
    assert len(store.headline_ids(query=quietly)) == 0
    assert store.first_page(query=quietly).rows == []
    assert store.mark_view_read(query=quietly) == 0
    # A query naming is:hidden decides itself, in every method.
    hidden = parse_query("kharkiv is:hidden")
    assert len(store.headline_ids(query=hidden)) == 1
    assert [h.title for h in store.first_page(query=hidden).rows] == ["Kharkiv quietly"]
    assert store.mark_view_read(query=hidden) == 1
    assert titles(store, "is:hidden is:read") == ["Kharkiv quietly"]


def test_an_and_of_words_and_filters_is_one_match(store: Store) -> None:
    sql = query_sql(parse_query("kharkiv regroup* tag:world"))
    assert sql.match == '"kharkiv"* AND "regroup"*' and not sql.with_hidden
    assert titles(store, "kharkiv regroup* tag:world") == ["Ukraine advances in the east"]
    bare = query_sql(parse_query("kharkiv"))
    assert bare.where == [] and len(bare.params) == 0
    assert bare.match is not None
    assert len(store.headline_ids(query=parse_query("kharkiv"))) == 2


PIECES = [
    "kharkiv",
    "kyiv",
    "OR",
    "AND",
    "NOT",
    "-",
    "(",
    ")",
    "-(",
    '"troops regroup"',
    '"c',
    "title:ukr",
    'author:"jane smi*"',
    "^rt",
    "is:hidden",
    "is:read",
    "is:unread",
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
    "has:enclosure",
    "nosuch:v",
    "^",
    "--",
    "OR*",
    '"OR"',
    "NEAR(",
    "_",
    "AT&T",
    "é",
    "{a}",
    "[b]",
    ":",
    "title:",
    '""',
    "'",
    "\\",
    "\x00",
    "title:(",
    "-author:(",
]


def test_any_text_runs_against_the_store_without_an_error(store: Store) -> None:
    rng = random.Random(1512)
    alphabet = "ab ()\"-^*:OR AND NOT NEAR{}[]+\x00\t\u202eé_\\'.,;!?#<>=~"
    for i in range(1500):
        if i % 2:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        else:
            count = rng.randint(0, 12)
            text = "".join(rng.choice([" ", " ", ""]) + rng.choice(PIECES) for _ in range(count))
        query = parse_query(text)
        store.headlines(query=query, now=int(NOW.timestamp()))
        store.headline_ids(query=query, ranked=True)


def test_symbols_after_a_word_end_it(tmp_path: Path) -> None:
    """``c++`` is the word "c", not every word starting with c; ``AT&T`` is "at" then
    the word "t", not "at" then any t-word. A word typed bare (as it is being typed) or
    with ``*`` is still a prefix (issue 12, the QA pass)."""
    with Store(tmp_path / "t.db") as store:
        feed = store.add_feed("https://a.example/feed")
        store.upsert_articles(
            feed.id,
            [
                article("1", "C++ tips", "Templates in C++ and C.", 1),
                article("2", "Code review", "Careful commits.", 1),
                article("3", "AT&T results", "The carrier reported.", 1),
                article("4", "Meet at the station", "At ten.", 1),
            ],
        )

        def found(text: str) -> list[str]:
            return sorted(h.title for h in store.headlines(View(), parse_query(text)))

        assert found("c++") == ["C++ tips"]
        assert found("c#") == ["C++ tips"]
        assert found("AT&T") == ["AT&T results"]
        assert found("c*") == ["AT&T results", "C++ tips", "Code review"]  # (carrier)
        assert found("cod") == ["Code review"]  # bare: a prefix
        assert found("stat") == ["Meet at the station"]


def test_account_and_is_local_tell_two_feeds_of_the_same_url_apart(store: Store) -> None:
    """``feed:URL`` matches a local feed and an account's of the same address; with
    ``account:HOST`` or ``is:local`` one of them; in rules (a few articles) too."""
    from tuinews.store.accounts import RemoteFeed

    account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
    store.apply_subscriptions(
        account.id, [RemoteFeed("feed/1", "https://news.example/feed", "Daily News", "", ())]
    )
    (synced,) = [f for f in store.feeds(kind=None) if f.account_id == account.id]
    store.upsert_articles(synced.id, [article("s1", "Synced story", "Kharkiv.", date=ago(1))])
    both = titles(store, "feed:news.example kharkiv")
    assert both == ["Synced story", "Ukraine advances in the east"]
    assert titles(store, "feed:news.example account:rss.example kharkiv") == ["Synced story"]
    assert titles(store, "feed:news.example account:ALICE kharkiv") == ["Synced story"]
    assert titles(store, "feed:news.example is:local kharkiv") == ["Ukraine advances in the east"]
    assert titles(store, "account:elsewhere") == []
    assert "Synced story" not in titles(store, "is:local")
    assert titles(store, "-is:local") == ["Synced story"]
    few = query_sql(parse_query("account:rss.example"), few=True)
    assert "EXISTS" in few.where[0] and few.params == ["rss.example"] * 2


def test_a_tag_is_a_folder_too(store: Store) -> None:
    """``tag:world`` is also the feeds in world/europe (the feed list's folder world),
    not those tagged worldwide; in rules (a few articles, their own SQL) too."""
    from tuinews.query.rules import make_rule

    europe = store.add_feed("https://eu.example/feed", title="EU", tags=["World/Europe"])
    wide = store.add_feed("https://wide.example/feed", title="Wide", tags=["worldwide"])
    store.upsert_articles(europe.id, [article("e1", "Brussels talks", "Kharkiv.", date=ago(1))])
    store.upsert_articles(wide.id, [article("w1", "Wide story", "Kharkiv.", date=ago(1))])
    assert titles(store, "tag:world kharkiv") == ["Brussels talks", "Ukraine advances in the east"]
    assert titles(store, "tag:world/europe") == ["Brussels talks"]
    assert titles(store, "tag:world/eu") == []
    assert titles(store, "-tag:world kharkiv") == ["Security update", "Wide story"]
    counts = store.apply_rules([make_rule("r", "tag:world kharkiv", "star")])
    assert counts.changed == [2]
    starred = sorted(h.title for h in store.headlines(View(starred_only=True)))
    assert starred == ["Brussels talks", "Ukraine advances in the east"]
    few = query_sql(parse_query("tag:world"), few=True)  # (as rules run at ingest)
    with contextlib.closing(sqlite3.connect(store.path)) as db:
        rows = db.execute(
            f"SELECT a.title FROM articles a WHERE {few.where[0]} ORDER BY a.title", few.params
        ).fetchall()
    assert [title for (title,) in rows] == [
        "Brussels talks",
        "Election night in Kyiv",
        "Markets rally",
        "RT by someone: weather",
        "Ukraine advances in the east",
    ]


def test_account_and_is_local_print_back_and_parse() -> None:
    from tuinews.query import InAccount, format_query

    query = parse_query("account:Rss.Example is:local")
    assert query.hints == []
    assert query.terms[0] == InAccount("rss.example")
    assert format_query(query) == "account:rss.example is:local"
    assert parse_query('account:""').hints == ["account: needs a name"]
