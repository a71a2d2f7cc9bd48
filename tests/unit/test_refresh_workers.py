"""What makes a cold refresh cheaper: the workers boot while the first feeds are fetched,
when some feeds were never fetched (a warm refresh, all 304, starts none), and they copy
the write-ahead log into the database themselves, at times, outside the write lock (each
copy syncs to disk; SQLite's own, with the lock held, only once the log holds 40 MB).
Real HTTP server, real SQLite files."""

from __future__ import annotations

import asyncio
import pickle
import threading
from pathlib import Path

import pytest

import tuinews.store.store as store_module
from tests.netserver import FeedServer, Request, Response
from tests.waiting import wait_until_async
from tuinews import ingest, refresh_worker
from tuinews.settings import Settings
from tuinews.store import Store, View

WORDS = "Words of a long article body, stored over and over again. " * 350  # ~20 KB


def big_feed(start: int, count: int = 25) -> bytes:
    """An RSS feed of ``count`` items of ~20 KB each (~1 MB stored with its search text)."""
    items = "".join(
        f"<item><guid>g{n}</guid><title>Item {n}</title><link>https://example.com/{n}</link>"
        f"<description><![CDATA[<p>{n} {WORDS}</p>]]></description></item>"
        for n in range(start, start + count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>https://example.com/</link>{items}</channel></rss>"
    ).encode()


def wal(path: Path) -> int:
    log = path.with_name(path.name + "-wal")
    return log.stat().st_size if log.exists() else 0


def test_a_worker_lets_the_log_grow_and_nothing_is_lost(tmp_path: Path) -> None:
    """12 feeds of ~1 MB stored as a worker stores them: SQLite's default would copy the
    log into the database (and sync both files) every 4 MB, reusing it from its start; a
    worker's log grows to 40 MB first. Every article is readable meanwhile, and once the
    last connection closes the log is copied and gone."""
    db = tmp_path / "t.db"
    store = Store(db)
    feed = store.add_feed("https://example.com/feed.xml")
    fetched = refresh_worker.Fetched(None, None, None)
    try:
        for n in range(12):
            url = "https://example.com/feed.xml"
            refresh_worker.parse_and_store(big_feed(n * 25), url, str(db), feed.id, 0, 0, fetched)
        assert wal(db) > 9 * 2**20
        assert len(store.headlines(View())) == 300  # read through another connection
    finally:
        store_module._worker_stores.pop(str(db)).close()
    store.close()
    assert wal(db) == 0
    with Store(db) as again:
        assert len(again.headlines(View())) == 300


def test_a_worker_copies_the_log_itself_every_so_many_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every CHECKPOINT_ROWS articles a worker stored (here 100: four feeds of 25), it
    copies the log into the database after its write; the log is then reused from its
    start, not grown, and every article is readable meanwhile and after."""
    monkeypatch.setattr(store_module, "CHECKPOINT_ROWS", 100)
    db = tmp_path / "t.db"
    store = Store(db)
    feed = store.add_feed("https://example.com/feed.xml")
    fetched = refresh_worker.Fetched(None, None, None)
    url = "https://example.com/feed.xml"
    sizes = []
    try:
        for n in range(8):
            refresh_worker.parse_and_store(big_feed(n * 25), url, str(db), feed.id, 0, 0, fetched)
            sizes.append((db.stat().st_size, wal(db)))
        assert len(store.headlines(View())) == 200  # read through another connection
    finally:
        store_module._worker_stores.pop(str(db)).close()
        store_module._written.pop(str(db), None)
    store.close()
    files, logs = zip(*sizes, strict=True)
    assert files[0] == files[2], "copied before its 100 articles"
    assert files[3] > files[2] + 2**20, "not copied at 100 articles"
    assert files[7] > files[6] + 2**20, "not copied again at 200"
    assert logs[7] <= logs[3] + 2**20, "the log grew instead of being reused"
    with Store(db) as again:
        assert len(again.headlines(View())) == 200


def test_feeds_never_fetched_boot_the_workers_while_they_are_fetched(
    server: FeedServer, tmp_path: Path
) -> None:
    """The feed's answer is held until the workers are up: they used to start only once a
    fetched body was waiting to be parsed, then took ~0.3 s to boot while nothing parsed.
    A warm refresh (every feed answers 304) starts none."""
    answer = threading.Event()
    feed_body = big_feed(0, 2)

    def held(request: Request) -> Response:
        answer.wait(60)
        if request.header("if-none-match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body=feed_body, headers={"ETag": '"v1"'})

    server.route("/feed.xml", held)

    async def refresh(store: Store, *, boots: bool) -> list[ingest.FeedResult]:
        refresher = ingest.Refresher(store, Settings())
        try:
            task = asyncio.create_task(refresher.refresh(store.feeds()))
            try:
                if boots:
                    await wait_until_async(lambda: refresher.pool.pids(), timeout=20)
            finally:
                answer.set()
            results = await task
            if not boots:
                assert refresher.pool.pids() == []
            return results
        finally:
            answer.clear()
            await refresher.close()

    with Store(tmp_path / "t.db") as store:
        store.add_feed(server.url("/feed.xml"))
        cold = asyncio.run(refresh(store, boots=True))
        assert [(r.status, r.new) for r in cold] == [("ok", 2)]
        warm = asyncio.run(refresh(store, boots=False))
        assert [r.status for r in warm] == ["not modified"]


def test_a_worker_sends_back_counts_without_the_articles(tmp_path: Path) -> None:
    """What a worker returns is pickled there and unpickled by the parent: the counts
    and new ids, not the articles as inserted (they were for the rules, which ran)."""
    db = tmp_path / "t.db"
    store = Store(db)
    feed = store.add_feed("https://example.com/feed.xml")
    fetched = refresh_worker.Fetched(None, None, None)
    rules = (("hide it", "title:Item", "hide"),)
    try:
        parsed, counts = refresh_worker.parse_and_store(
            big_feed(0, 3), feed.url, str(db), feed.id, 0, 0, fetched, rules
        )
    finally:
        store_module._worker_stores.pop(str(db)).close()
    assert parsed.title == "Big" and parsed.articles == []
    assert counts.new == 3 and len(counts.new_ids) == 3 and counts.hidden == 3
    assert counts.inserted == []
    assert len(pickle.dumps((parsed, counts))) < 1000
    assert store.headlines(View()) == []  # hidden by the rule
    store.close()
