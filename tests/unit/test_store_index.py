"""Indexing for search in batches (schema migration 2), on real SQLite files.

A refresh stores articles without indexing them at once: they wait in ``fts_pending``
and are indexed 2,000 at a time, and the rest at the end of the refresh. These
tests check that the index always matches the articles table, whatever happens to an
article while it waits (changed, deleted by retention, its feed removed)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.builders import article
from tests.unit.store_helpers import index_is_consistent
from tuinews.startup import open_store
from tuinews.store import FeedSuccess, Store
from tuinews.store.schema import FTS_AUTOMERGE, FTS_HASH, MIGRATIONS, _fts_segments, upgrade_note
from tuinews.store.search_index import INDEX_BATCH


def found(path: Path, word: str) -> set[str]:
    """The uids whose indexed text has this word, through a connection of its own."""
    with closing(sqlite3.connect(path)) as db, db:
        rows = db.execute(
            "SELECT a.uid FROM articles_fts f JOIN articles a ON a.id = f.rowid "
            "WHERE articles_fts MATCH ?",
            (word,),
        ).fetchall()
    return {row[0] for row in rows}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


def test_waiting_articles_are_searchable_once_indexed(path: Path) -> None:
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        store.upsert_articles(
            feed.id,
            [article("a", body="apple pie"), article("b", body="banana split")],
            index_now=False,
        )
        assert store.pending_index() == 2
        assert found(path, "apple") == set()
        assert store.index_pending() == 2
        assert store.pending_index() == 0
        assert found(path, "apple") == {"a"}
        assert found(path, "banana") == {"b"}
        index_is_consistent(path)


def test_changes_and_deletes_while_waiting_or_indexed_keep_the_index_exact(
    path: Path,
) -> None:
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        other = store.add_feed("https://other.example/feed")
        # indexed: "old" and "gone"; waiting: "fresh" and "dropped"
        store.upsert_articles(
            feed.id, [article("old", body="walrus", day=5), article("gone", body="narwhal")]
        )
        store.upsert_articles(
            feed.id,
            [article("old", body="walrus", day=5), article("fresh", body="otter", day=2)],
            index_now=False,
        )
        store.upsert_articles(other.id, [article("dropped", body="badger")], index_now=False)
        # changed: one indexed, one waiting
        store.upsert_articles(
            feed.id,
            [article("old", body="penguin", day=5), article("fresh", body="beaver", day=2)],
            index_now=False,
        )
        # deleted: an indexed one by retention, a waiting one with its feed
        store.upsert_articles(
            feed.id, [article("new", body="heron", day=3)], keep=3, index_now=False
        )
        store.remove_feed(other.id)
        index_is_consistent(path, against_articles=False)  # nothing was removed twice
        store.index_pending()
        assert store.pending_index() == 0
        index_is_consistent(path)
        assert found(path, "walrus") == set()
        assert found(path, "penguin") == {"old"}
        assert found(path, "otter") == set()
        assert found(path, "beaver") == {"fresh"}
        assert found(path, "narwhal") == set()  # kept out by retention (keep=3)
        assert found(path, "badger") == set()
        assert found(path, "heron") == {"new"}


def test_a_batch_of_waiting_articles_is_indexed_in_the_same_transaction(path: Path) -> None:
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        first = [article(f"a{n}", body=f"word{n} common") for n in range(INDEX_BATCH - 10)]
        store.upsert_articles(feed.id, first, index_now=False)
        assert store.pending_index() == INDEX_BATCH - 10
        more = [article(f"b{n}", body="common") for n in range(20)]
        store.upsert_articles(feed.id, first + more, index_now=False)
        assert store.pending_index() == 0
        assert len(found(path, "common")) == INDEX_BATCH + 10
        index_is_consistent(path)


def fts_settings(path: Path) -> dict[str, object]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT k, v FROM articles_fts_config WHERE k != 'version'")
        return dict(rows.fetchall())


def test_the_index_writes_a_batch_at_once_and_merges_less_often(path: Path) -> None:
    """FTS5 writes a segment each time its buffer of new entries is full (1 MiB by
    default) and merges every 4 segments of a size: a batch of the refresh's (about 6
    MiB) is one segment, merged every 8, in a new store and in one made by an earlier
    version (migration 14); the index is still right."""
    settings = {"hashsize": FTS_HASH, "automerge": FTS_AUTOMERGE}
    Store(path).close()
    assert fts_settings(path) == settings
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("DELETE FROM articles_fts_config WHERE k != 'version'")
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(_fts_segments)}")  # (from 14 on)
    assert fts_settings(path) == {}
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        store.upsert_articles(feed.id, [article(f"a{n}", body="common") for n in range(30)])
    assert fts_settings(path) == settings
    assert len(found(path, "common")) == 30
    index_is_consistent(path)


def test_success_is_recorded_with_the_articles(path: Path) -> None:
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        store.upsert_articles(
            feed.id,
            [article("a", body="apple")],
            index_now=False,
            success=FeedSuccess(title="Fruit", etag='"v1"', last_modified="Mon, 01 Jan 2024"),
        )
        stored = store.get_feed(feed.id)
        assert stored is not None
        assert (stored.title, stored.etag, stored.last_modified) == (
            "Fruit",
            '"v1"',
            "Mon, 01 Jan 2024",
        )
        assert stored.status == "ok"


def test_leftovers_of_an_interrupted_refresh_are_indexed_at_start(path: Path) -> None:
    with Store(path) as store:
        feed = store.add_feed("https://example.com/feed")
        store.upsert_articles(feed.id, [article("a", body="apple")], index_now=False)
    with Store(path) as store:  # the next start
        open_store(store)
        assert store.pending_index() == 0
    assert found(path, "apple") == {"a"}


def test_a_version_1_database_is_migrated_and_its_index_kept(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as db, db:
        db.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
        db.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://e.com/f', 0)")
        for uid, words in (("a", "apple"), ("b", "banana")):
            db.execute(
                "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, "
                "text, digest) VALUES (1, ?, ?, 0, 0, 'markdown', ?, ?, 'x')",
                (uid, f"Title {uid}", words, words),
            )
    assert found(path, "apple") == {"a"}  # indexed by version 1's triggers
    assert upgrade_note(path) is not None  # the user is told why this start takes longer
    with Store(path) as store:
        assert store.pending_index() == 0
        store.upsert_articles(1, [article("a", body="cherry", day=2), article("b", body="banana")])
        store.upsert_articles(1, [article("c", body="damson", day=3)], keep=2, index_now=False)
        store.index_pending()
    assert found(path, "apple") == set()
    assert found(path, "cherry") == {"a"}
    assert found(path, "banana") == set()  # dropped by retention (keep=2)
    assert found(path, "damson") == {"c"}
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert upgrade_note(path) is None
    index_is_consistent(path)
