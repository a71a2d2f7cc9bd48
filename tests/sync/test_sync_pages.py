"""A first sync's reading-list pages are read (JSON decoded, items made plain) in the
worker pool, never in this process (issue 14's UI stall: 4 MB of JSON decoded in the
app's process held the GIL for a tenth of a second a page); what a page's answer gets
wrong is an error for that call, as when the app's process read it."""

from __future__ import annotations

import pytest

import tuinews.fetch.greader as greader
import tuinews.sync_worker as sync_worker
from tests.netserver import FeedServer
from tests.readerapi import PASSWORD, Entry, FakeReader
from tuinews.fetch import Fetcher
from tuinews.pool import Pool
from tuinews.settings import Settings
from tuinews.store import Account, Store, View
from tuinews.sync import AccountResult, sync_accounts

FEEDS = 12  # a first sync of this many subscriptions boots the workers at once
READING_LIST = "stream/contents/user/-/state/com.google/reading-list"


@pytest.fixture
def reader(server: FeedServer) -> FakeReader:
    found = FakeReader(server)
    for number in range(1, 1201):  # two pages of the reading list
        found.items[number] = Entry(
            number,
            f"Item {number}",
            body=f"<p onclick=x>Body of zebra{number}<script>bad()</script></p>",
            feed=f"feed/{number % FEEDS + 1}",
            read=number % 3 == 0,
            starred=number % 7 == 0,
        )
    return found


@pytest.fixture
def no_page_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a contents page in this process fails the test's sync (the workers, other
    processes, read them with the real parser)."""

    def refused(data: object) -> object:
        raise AssertionError("a contents page was read in the app's process")

    monkeypatch.setattr(greader, "parse_contents_page", refused)
    monkeypatch.setattr(sync_worker, "parse_contents_page", refused, raising=False)


async def sync(store: Store, fetcher: Fetcher, pool: Pool) -> AccountResult:
    (result,) = await sync_accounts(
        store, Settings(), fetcher=fetcher, password=lambda account: PASSWORD, pool=pool
    )
    return result


@pytest.mark.usefixtures("no_page_read_here")
async def test_a_first_sync_s_pages_are_read_in_the_workers_only(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account, pool: Pool
) -> None:
    result = await sync(store, fetcher, pool)
    assert not result.failed, result.error
    assert result.new == 1200
    assert reader.calls().count(READING_LIST) == 2
    assert store.known_numbers(account.id) == set(reader.items)
    headlines = store.headlines(View(with_hidden=True))
    assert {h.title for h in headlines if h.read} == {
        f"Item {n}" for n, e in reader.items.items() if e.read
    }
    assert {h.title for h in headlines if h.starred} == {
        f"Item {n}" for n, e in reader.items.items() if e.starred
    }
    one = store.get_article(next(h.id for h in headlines if h.title == "Item 1199"))
    assert one is not None
    assert "zebra1199" in one.body
    assert "onclick" not in one.body and "script" not in one.body


async def test_a_broken_page_fails_the_sync_and_nothing_of_it_is_stored(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account, pool: Pool
) -> None:
    reader.broken.add(READING_LIST)
    failed = await sync(store, fetcher, pool)
    assert failed.failed
    assert failed.error == f"malformed JSON from the server ({READING_LIST})"
    assert store.headlines(View(with_hidden=True)) == []
    again = store.get_account(account.id)
    assert again is not None and again.newest_usec is None  # still a first sync

    reader.broken.clear()
    done = await sync(store, fetcher, pool)
    assert not done.failed, done.error
    assert done.new == 1200


@pytest.mark.usefixtures("no_page_read_here")
async def test_a_server_without_contents_pages_is_read_feed_by_feed(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account, pool: Pool
) -> None:
    """Miniflux answers ``[]`` (read in a worker): the sync asks per feed instead."""
    reader.contents_supported = False
    result = await sync(store, fetcher, pool)
    assert not result.failed, result.error
    assert result.new == 1200
    assert store.known_numbers(account.id) == set(reader.items)
