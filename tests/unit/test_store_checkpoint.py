"""A sync's workers let the write-ahead log grow before copying it into the database
(Database.checkpoint_every: each copy syncs both files to disk, with the write lock held),
and nothing is lost: what is left in the log is in the database once the last connection
closes, and every connection reads it meanwhile. A real SQLite file."""

from __future__ import annotations

from pathlib import Path

from tests.builders import article
from tuinews.store import Store

BODY = "Words of a long article body, stored over and over. " * 400  # ~20 KB


def fill(store: Store, feed_id: int, start: int, count: int = 500) -> None:
    """About 10 MB of articles (with their search text), 50 per transaction."""
    for first in range(start, start + count, 50):
        store.upsert_articles(
            feed_id, [article(f"a{n}", body=f"{n} {BODY}") for n in range(first, first + 50)]
        )


def wal(path: Path) -> int:
    log = path.with_name(path.name + "-wal")
    return log.stat().st_size if log.exists() else 0


def test_the_log_grows_to_its_limit_and_nothing_is_lost(tmp_path: Path) -> None:
    usual_path, bulk_path = tmp_path / "usual.db", tmp_path / "bulk.db"
    usual, bulk = Store(usual_path), Store(bulk_path)
    bulk.database.checkpoint_every(10_000)  # 40 MB
    for store in (usual, bulk):
        feed = store.add_feed("https://example.com/feed", title="Feed")
        fill(store, feed.id, 0)
    # Copied every 4 MB: the log is reused from its start (it grows to the biggest
    # transaction: one that merges the search index's segments, 8 at a time, ~9 MB here).
    assert wal(usual_path) < 12 * 2**20
    assert wal(bulk_path) > 24 * 2**20  # not copied yet: every page is still in the log

    reader = Store(bulk_path)  # another connection (another process's) reads it all
    assert reader.counts()[0] == 500
    reader.close()
    bulk.close()  # the last connection: the log is copied into the database, and goes
    assert wal(bulk_path) == 0
    again = Store(bulk_path)
    assert again.counts()[0] == 500
    again.close()
    usual.close()


def test_a_copy_made_aside_lets_the_next_write_start_the_log_over(tmp_path: Path) -> None:
    """A worker copies the log outside the write lock while others commit (here a
    reader's snapshot keeps the copy from reaching the last commit, as a commit during
    the copy does): its next write first copies what is left, so the log is reused from
    its start and does not grow; every article is there."""
    path = tmp_path / "t.db"
    worker, other = Store(path), Store(path)
    for store in (worker, other):
        store.database.checkpoint_every(10_000)
    feed = worker.add_feed("https://example.com/feed", title="Feed")
    fill(worker, feed.id, 0, 100)
    with other.database.reading() as db:  # a snapshot from before the next 100
        db.execute("BEGIN")
        db.execute("SELECT count(*) FROM articles").fetchone()
        fill(worker, feed.id, 100, 100)
        worker.database.checkpoint_aside()  # copies up to the snapshot only
        db.execute("COMMIT")
    grown = wal(path)
    fill(worker, feed.id, 200, 50)  # its first write copies the rest, then reuses the log
    assert wal(path) == grown
    assert worker.counts()[0] == 250
    other.close()
    worker.close()
