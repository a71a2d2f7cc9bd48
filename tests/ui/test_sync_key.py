"""`R` in the app syncs the accounts on feed servers beside the local feeds, with the
same progress and the same code as ``tuinews sync``, and the automatic refresh (on start,
every interval) syncs those not synced within the interval (a Reader API of the test's
own on 127.0.0.1; the real FreshRSS runs in tests/sync)."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Label, ProgressBar

from tests.builders import make_store, rss
from tests.netserver import FeedServer, Response
from tests.readerapi import AUTH, FakeReader
from tests.ui.helpers import main, make_app, settle, wait_for, wait_for_refresh
from tuinews.accounts import save_auth
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.refresh_status import RefreshStatus


async def test_r_refreshes_the_feeds_and_syncs_the_accounts(server: FeedServer) -> None:
    reader = FakeReader(server)
    reader.add(2)
    server.route("/local.xml", Response(body=rss("Local", ("1", "Local news"))))
    app = make_app([])
    app.store.add_feed(server.url("/local.xml"))
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        assert sorted(h.title for h in main(pilot).shown) == ["Item 1", "Item 2", "Local news"]
        messages = [n.message for n in app._notifications]
        assert "1 feed refreshed, 1 account synced: 3 new" in messages

        # Read here: sent at the next R; read on the server: read here after it.
        item_1 = next(h for h in main(pilot).shown if h.title == "Item 1")
        app.store.set_read([item_1.id], True)
        reader.items[2].read = True
        await pilot.press("R")
        await wait_for_refresh(pilot)
        assert reader.items[1].read
        assert all(h.read for h in main(pilot).shown if h.title.startswith("Item"))
    assert app.store.get_account(account.id).status == "ok"


async def test_an_account_that_cannot_log_in_says_how_and_the_feeds_go_on(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TUINEWS_PASSWORD", raising=False)
    reader = FakeReader(server)
    reader.add(1)
    server.route("/local.xml", Response(body=rss("Local", ("1", "Local news"))))
    app = make_app([])
    app.store.add_feed(server.url("/local.xml"))
    app.store.add_account(reader.api_url, "alice")  # no login kept, nobody to ask
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        assert [h.title for h in main(pilot).shown] == ["Local news"]
        (message,) = [n.message for n in app._notifications]
        assert message == (
            "1 feed refreshed: 1 new; 1 account failed\n"
            f"alice at {reader.api_url}: cannot log in: no password to log in again: "
            f"tuinews account add {reader.api_url} --user alice, or tuinews sync on a terminal"
        )
    assert not any("ClientLogin" in call for call in reader.calls())  # nothing was sent


def starting_app(settings: Settings | None = None) -> TuinewsApp:
    """An app that refreshes what is stale on start (as by default)."""
    return TuinewsApp(
        store=make_store([]),
        start=lambda **_: Opened(View()),
        settings=settings or Settings(refresh_on_start=True),
    )


async def test_accounts_not_synced_within_the_interval_sync_on_start_with_the_feeds(
    server: FeedServer,
) -> None:
    """No key pressed: the stale local feed and the never-synced account are refreshed
    together after the first frame, on one progress bar (2 steps)."""
    reader = FakeReader(server, gate=threading.Event())
    reader.add(2)
    server.route("/local.xml", Response(body=rss("Local", ("1", "Local news"))))
    app = starting_app()
    app.store.add_feed(server.url("/local.xml"))
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        status = main(pilot).query_one(RefreshStatus)
        try:  # the local feed is in; the account waits for the gate
            await wait_for(
                pilot, lambda: status.children and "1/2" in str(status.query_one(Label).content)
            )
            assert str(status.query_one(Label).content) == "Refreshing 1/2"
            bar = status.query_one(ProgressBar)
            assert (bar.progress, bar.total) == (1, 2)
        finally:
            assert reader.gate is not None
            reader.gate.set()
        await wait_for_refresh(pilot)
        assert sorted(h.title for h in main(pilot).shown) == ["Item 1", "Item 2", "Local news"]
        messages = [n.message for n in app._notifications]
        assert messages == ["1 feed refreshed, 1 account synced: 3 new"]
    assert app.store.get_account(account.id).status == "ok"


async def test_an_account_synced_within_the_interval_is_left_alone(server: FeedServer) -> None:
    reader = FakeReader(server)
    reader.add(1)
    server.route("/local.xml", Response(body=rss("Local", ("1", "Local news"))))
    app = starting_app()
    app.store.add_feed(server.url("/local.xml"))
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    app.store.record_sync(account.id, newest_usec=None)  # synced just now (elsewhere)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: [h.title for h in main(pilot).shown] == ["Local news"])
        await wait_for_refresh(pilot)
        assert [n.message for n in app._notifications] == ["1 feed refreshed: 1 new"]
    assert [request.path for request in server.requests] == ["/local.xml"]


async def test_automatic_sync_is_off_with_the_automatic_refresh(server: FeedServer) -> None:
    reader = FakeReader(server)
    reader.add(1)
    app = starting_app(Settings(refresh_on_start=False, refresh_interval=0))
    app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for_refresh(pilot)
        assert main(pilot).shown == []
    assert reader.calls() == []
