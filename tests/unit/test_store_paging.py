"""Paging the store (issue 6): ordered ids of a view or a search, rows by id, marking a
whole view read in SQL, counts in one query, and schema migration 3. Real SQLite files."""

from __future__ import annotations

import sqlite3
from array import array
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.query import parse_query
from tuinews.store import Store, View
from tuinews.store.query_sql import QuerySql
from tuinews.store.schema import MIGRATIONS, SCHEMA_VERSION


@pytest.fixture
def store(store: Store) -> Store:
    """The shared empty store, with two feeds: "a" with articles a0 (oldest) .. a4, "b"
    with b0, b1 (newest of all)."""
    a = store.add_feed("https://a.example/feed", title="A", tags=["world"])
    b = store.add_feed("https://b.example/feed", title="B")
    store.upsert_articles(
        a.id,
        [article(f"a{i}", f"Alpha {i}", f"river story number {i}", day=1 + i) for i in range(5)],
    )
    store.upsert_articles(
        b.id, [article(f"b{i}", f"Beta {i}", f"mountain story {i}", day=11 + i) for i in range(2)]
    )
    return store


def titles(store: Store, ids: object) -> list[str]:
    return [h.title for h in store.headlines_by_id(ids)]  # type: ignore[arg-type]


def test_ids_are_newest_first_and_rows_come_in_the_order_asked(store: Store) -> None:
    ids = store.headline_ids()
    assert titles(store, ids) == [h.title for h in store.headlines()]
    assert titles(store, ids)[:3] == ["Beta 1", "Beta 0", "Alpha 4"]
    assert titles(store, list(reversed(ids[:2]))) == ["Beta 0", "Beta 1"]
    assert titles(store, [ids[0], 999_999, ids[1]]) == ["Beta 1", "Beta 0"]  # gone: left out
    assert list(store.headline_ids(limit=2)) == list(ids[:2])
    first = store.headlines_by_id(ids[:1])[0]
    assert (first.source, first.read, first.starred) == ("B", False, False)


def test_ids_of_views(store: Store) -> None:
    a = store.find_feed("https://a.example/feed")
    assert a is not None
    assert titles(store, store.headline_ids(View(feed_id=a.id)))[0] == "Alpha 4"
    assert len(store.headline_ids(View(tag="world"))) == 5
    ids = store.headline_ids()
    store.set_read(ids[:3])
    store.set_starred(ids[1], True)
    assert titles(store, store.headline_ids(View(unread_only=True)))[0] == "Alpha 3"
    assert titles(store, store.headline_ids(View(starred_only=True))) == ["Beta 0"]
    assert titles(store, store.headline_ids(View(ids=(ids[6], ids[5])))) == ["Alpha 1", "Alpha 0"]


def test_search_ids_newest_stored_first_or_ranked(store: Store) -> None:
    query = parse_query("story")
    newest = store.headline_ids(query=query)
    assert len(newest) == 7
    assert list(newest) == sorted(newest, reverse=True)  # the order they were stored
    ranked = store.headline_ids(query=query, ranked=True)
    assert sorted(ranked) == sorted(newest)
    query = parse_query("riv")  # a prefix of two letters... and three
    assert len(store.headline_ids(query=query)) == 5
    assert len(store.headline_ids(query=parse_query("ri"))) == 5
    query = parse_query("story is:unread")
    store.set_read(newest[:2])
    ids = store.headline_ids(query=query)
    assert list(ids) == list(newest[2:])
    a = store.find_feed("https://a.example/feed")
    assert a is not None
    in_feed = store.headline_ids(View(feed_id=a.id), query=parse_query("story"), limit=2)
    assert titles(store, in_feed) == ["Alpha 4", "Alpha 3"]


def test_mark_view_read_marks_exactly_the_view(store: Store) -> None:
    b = store.find_feed("https://b.example/feed")
    assert b is not None
    assert store.mark_view_read(View(feed_id=b.id)) == 2
    assert store.mark_view_read(View(feed_id=b.id)) == 0  # already read
    assert store.counts() == (7, 5, 0)
    query = parse_query("number 3")
    assert store.mark_view_read(query=query) == 1
    assert [h.title for h in store.headlines(View(unread_only=True))] == [
        "Alpha 4",
        "Alpha 2",
        "Alpha 1",
        "Alpha 0",
    ]
    assert store.mark_view_read(View(tag="world")) == 4
    assert store.counts() == (7, 0, 0)


def test_feed_counts_in_one_query(store: Store) -> None:
    ids = store.headline_ids()
    store.set_read(ids[:1])  # Beta 1
    store.set_starred(ids[2], True)  # Alpha 4
    counts = {f.name: (f.unread, f.total, f.starred) for f in store.feeds()}
    assert counts == {"A": (5, 5, 1), "B": (1, 2, 0)}
    feed = store.find_feed("https://a.example/feed")
    assert feed is not None and (feed.unread, feed.total, feed.starred) == (5, 5, 1)
    empty = store.add_feed("https://c.example/feed", title="C")
    assert (empty.unread, empty.total, empty.starred) == (0, 0, 0)
    assert store.counts() == (7, 6, 1)


def test_rows_are_read_while_a_write_is_in_progress(store: Store) -> None:
    """headlines_by_id uses its own connection: a writer holding the store's lock (a
    refresh's transaction) does not make the UI thread wait."""
    ids = store.headline_ids()
    with store.database.write() as db:
        db.execute("UPDATE articles SET title = 'changed' WHERE id = ?", (ids[0],))
        assert titles(store, ids[:1]) == ["Beta 1"]  # sees what is committed
    assert titles(store, ids[:1]) == ["changed"]


def test_migration_3_upgrades_a_version_1_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    old.execute("DROP INDEX articles_by_feed_state")  # missing in the first databases
    old.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://x.example/', 0)")
    for i in range(3):
        old.execute(
            "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, text, "
            "digest) VALUES (1, ?, ?, ?, 0, 'markdown', '', ?, '')",
            (f"u{i}", f"Old {i}", i, f"governance item {i}"),
        )
    old.close()
    store = Store(path)
    assert not store.created
    version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION >= 3  # every later migration ran too
    assert store.pending_index() == 0  # the rebuilt index has every article
    indexes = {
        row[0]
        for row in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type='index'"
        )
    }
    assert {"articles_list", "articles_by_feed_state"} <= indexes
    assert "articles_by_date" not in indexes
    assert titles(store, store.headline_ids()) == ["Old 2", "Old 1", "Old 0"]
    assert len(store.headline_ids(query=parse_query("gov"))) == 3  # reindexed
    feed = store.add_feed("https://y.example/")
    store.upsert_articles(feed.id, [article("n", "New", "governor speaks", day=6)])
    assert len(store.headline_ids(query=parse_query("go"))) == 4  # triggers work
    store.close()
    Store(path).close()  # opening again migrates nothing


def test_short_prefixes_are_flagged_for_the_search_bar_to_wait() -> None:
    assert parse_query("the p").short == ["p"]
    assert parse_query("x* gov").short == ["x*"]
    assert parse_query('"a" -b title:c').short == ["b", "c"]  # a phrase is not a prefix
    # two letters wait only while they are the word being typed
    assert parse_query("the po").short == ["po"]
    assert parse_query("the po ").short == []
    assert parse_query("uk election").short == []
    assert parse_query("the pol").short == []


def test_first_page_ranks_a_few_matches_and_cuts_many(store: Store) -> None:
    few = store.first_page(query=parse_query("number"), rows=3, ranked_max=10)
    assert few.complete and len(few.ids) == 5 and len(few.rows) == 3
    assert [h.id for h in few.rows] == list(few.ids[:3])
    many = store.first_page(query=parse_query("story"), rows=2, ranked_max=4)
    assert not many.complete
    assert list(many.ids) == list(store.headline_ids(query=parse_query("story"))[:2])
    assert store.first_page(query=parse_query("nothing")).ids == array("q")
    plain = store.first_page(rows=2, ranked_max=100)
    assert plain.complete and titles(store, plain.ids)[:2] == [h.title for h in plain.rows]


def test_reading_every_id_stops_when_cancelled(store: Store) -> None:
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(True)
        return True

    story = parse_query("story")
    # a progress handler runs every 10,000 steps: make the query long enough to ask
    # (longer than the search language lets a user write: the store's own SQL form).
    big = QuerySql(match=" OR ".join([f'"{w}"' for w in ("story", "river", "mountain")] * 300))
    assert list(store._listing.ids(View(), big, cancelled=cancelled)) == []
    assert asked
    assert len(store.headline_ids(query=story, cancelled=lambda: False)) == 7
    assert len(store.headline_ids(query=story)) == 7  # the handler was removed
