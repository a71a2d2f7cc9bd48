"""`R` in the app on an account with many subscriptions: the reading list's pages are
read and their items stored by the app's worker pool, which runs at a lower priority than
the app (issue 14's UI stall: the app's process decoded 4 MB pages, and the workers
filled both cores of a small machine while its frames waited)."""

from __future__ import annotations

import asyncio
import os

import pytest

import tuinews.fetch.greader as greader
import tuinews.sync_worker as sync_worker
from tests.netserver import FeedServer
from tests.readerapi import AUTH, Entry, FakeReader
from tests.ui.helpers import main, make_app, settle, wait_for_refresh
from tuinews.accounts import save_auth
from tuinews.ingest import BACKGROUND_NICE

FEEDS = 12  # a first sync of this many subscriptions boots the workers at once


async def test_r_syncs_a_big_account_through_the_app_s_background_workers(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(data: object) -> object:
        raise AssertionError("a contents page was read in the app's process")

    monkeypatch.setattr(greader, "parse_contents_page", refused)
    monkeypatch.setattr(sync_worker, "parse_contents_page", refused)
    reader = FakeReader(server)
    for number in range(1, 601):
        reader.items[number] = Entry(
            number, f"Item {number}", feed=f"feed/{number % FEEDS + 1}", read=number % 2 == 0
        )
    app = make_app([])
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot, guard=2000)
        messages = [n.message for n in app._notifications]
        assert "1 account synced: 600 new" in messages, messages
        assert app.store.counts()[0] == 600
        assert sum(not h.read for h in main(pilot).shown) == 300
        pool = app.refresher.pool
        assert pool.pids()  # the workers read and stored them
        nice = await pool.run(os.nice, 0)
        assert nice == min(await asyncio.to_thread(os.nice, 0) + BACKGROUND_NICE, 19)
    assert app.store.get_account(account.id).status == "ok"
