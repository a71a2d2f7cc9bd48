"""`R` in the app syncs the accounts on feed servers beside the local feeds, with the
same progress and the same code as ``tuinews sync`` (a Reader API of the test's own on
127.0.0.1; the real FreshRSS runs in tests/sync)."""

from __future__ import annotations

import pytest

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tests.readerapi import AUTH, FakeReader
from tests.ui.helpers import main, make_app, settle, wait_for_refresh
from tuinews.accounts import save_auth


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
