"""The UI thread never waits for the store (issue 13): keys that need stored data (``R``'s
due feeds; ``r``'s feed while the feed list does not have it yet) read it in thread
workers, so a write in progress (a long mark-all-read, a refresh's batch, another
worker's flags) never holds up the keys typed after them. The headline rows drawn are
read on the store's second connection, which never waits for a write either. And a
worker that fails says so in a notification; the app goes on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from textual.pilot import Pilot

from tests.builders import make_articles, make_store
from tests.netserver import FeedServer, Response
from tests.ui.helpers import main, settle, wait_for
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, StoreError, View
from tuinews.ui.app import TuinewsApp

HOLD = 20.0  # seconds a write is held at most (a hang guard: the keys come at once)

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Local feed</title><link>http://127.0.0.1/</link>
<item><title>Fresh from the server</title><link>http://127.0.0.1/fresh</link>
<guid>fresh-1</guid><description>New.</description></item>
</channel></rss>"""


@contextmanager
def write_in_progress(store: Store) -> Iterator[threading.Event]:
    """Another thread holds a write transaction on the store until the block ends (or
    HOLD seconds pass); yields an Event set once that write is over."""
    holding, release, released = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        with store.database.write():
            holding.set()
            release.wait(HOLD)
        released.set()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(10)
    try:
        yield released
    finally:
        release.set()
        thread.join(HOLD + 10)


def app_with_local_feed(server: FeedServer) -> TuinewsApp:
    """Three articles in a feed served by ``server`` (a refresh never goes online)."""
    server.route("/feed.xml", Response(body=RSS, headers={"Content-Type": "application/rss+xml"}))
    store = make_store()
    feed = store.add_feed(server.url("/feed.xml"), title="Local feed")
    store.upsert_articles(feed.id, make_articles(3))
    return TuinewsApp(
        store=store,
        start=lambda **_: Opened(View()),
        settings=Settings(refresh_on_start=False),
        opener=lambda url: None,
    )


async def refreshed(pilot: Pilot[None]) -> None:
    """Until the refresh has said what it did."""
    app = pilot.app
    await wait_for(
        pilot, lambda: any("refreshed" in n.message for n in app._notifications), guard=2000
    )
    await settle(pilot)


async def test_R_does_not_wait_for_a_write_on_the_ui_thread() -> None:
    with FeedServer() as server:
        app = app_with_local_feed(server)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            screen = main(pilot)
            with write_in_progress(app.store) as released:
                await pilot.press("R", "j")  # which feeds are due: read behind the write
                assert screen.headlines.cursor == 1
                assert not released.is_set()  # j was handled while the write went on
            await refreshed(pilot)
            fresh = "Fresh from the server"
            await wait_for(pilot, lambda: any(h.title == fresh for h in screen.shown), 1000)


async def test_r_reads_a_feed_the_feed_list_lacks_off_the_ui_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FeedServer() as server:
        app = app_with_local_feed(server)
        listed = threading.Event()  # the feed list's reading waits for it
        feeds = app.store.feeds

        def slow_feeds(*args: object, **kwargs: object) -> object:
            listed.wait(HOLD)
            return feeds(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(app.store, "feeds", slow_feeds)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda: main(pilot).loaded)
            screen = main(pilot)
            assert not screen.feed_list.entries  # still being read
            with write_in_progress(app.store) as released:
                await pilot.press("r", "j")  # the headline's feed: read behind the write
                assert screen.headlines.cursor == 1
                assert not released.is_set()
            listed.set()
            await refreshed(pilot)
            messages = [n.message for n in app._notifications]
            assert any("1 feed refreshed: 1 new" in m for m in messages), messages


async def test_a_worker_that_fails_is_a_notification_not_an_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FeedServer() as server:
        app = app_with_local_feed(server)

        def broken(*args: object, **kwargs: object) -> object:
            raise StoreError("the disk is on fire")

        monkeypatch.setattr(app.store, "feeds", broken)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("Loading the feed list: the disk is on fire" in m for m in messages)
            await pilot.press("R")  # its worker reads the feeds too
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("feeds to refresh: the disk is on fire" in m for m in messages), messages
            await pilot.press("j")
            assert main(pilot).headlines.cursor == 1 and app.is_running
