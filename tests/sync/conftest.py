"""Fixtures for the sync tests: a real FreshRSS (../shared/servers/freshrss), a loopback
web server for the feeds it subscribes to, and a logged-in Google Reader client; an
account on the test module's own fake Reader API (its ``reader`` fixture) and a pool of
workers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.freshrss import FreshRSS, available, start_freshrss
from tests.needs import need
from tests.netserver import FeedServer
from tests.readerapi import AUTH, FakeReader
from tuinews.accounts import save_auth
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.fetch.greader import GReaderClient
from tuinews.pool import Pool
from tuinews.store import Account, Store


@pytest.fixture
def freshrss(tmp_path: Path) -> Iterator[FreshRSS]:
    """A new FreshRSS of this test's own; its process group is killed at the end."""
    ok, reason = available()
    need(ok, reason)
    server = start_freshrss(tmp_path / "freshrss")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def web(server: FeedServer) -> FeedServer:
    """The loopback web server the test's feeds live on (FreshRSS fetches them here)."""
    return server


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchLimits(total_timeout=20.0)) as running:
        yield running


@pytest.fixture
async def client(freshrss: FreshRSS, fetcher: Fetcher) -> GReaderClient:
    """A client logged in to the test's FreshRSS."""
    reader = GReaderClient(freshrss.api_url, fetcher)
    await reader.login(freshrss.user, freshrss.password)
    return reader


@pytest.fixture
def account(store: Store, reader: FakeReader) -> Account:
    """An account on the module's fake Reader API (``reader``), logged in."""
    added, _ = store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    return added


@pytest.fixture
def pool() -> Iterator[Pool]:
    with Pool(write_lock=True) as workers:
        yield workers
