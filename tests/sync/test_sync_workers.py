"""A big sync's items converted and stored by the worker pool while the next page
downloads (tuinews.sync.storing): every item stored once, through the one sanitiser,
with the server's flags; a failure half-way loses nothing and the next sync completes."""

from __future__ import annotations

import pytest

from tests.netserver import FeedServer
from tests.readerapi import PASSWORD, Entry, FakeReader
from tuinews.fetch import Fetcher
from tuinews.pool import Pool
from tuinews.query import parse_query
from tuinews.settings import Settings
from tuinews.store import Account, Store, View
from tuinews.sync import AccountResult, storing, sync_accounts

FEEDS = 12  # a first sync of this many subscriptions boots the workers at once
HOSTILE = (
    '<p onclick="steal()">Hello <a href="javascript:alert(1)">there</a></p>'
    "<script>alert('x')</script><iframe src=https://evil.example/></iframe>"
)


@pytest.fixture
def reader(server: FeedServer) -> FakeReader:
    found = FakeReader(server)
    for number in range(1, 1201):  # 1,200 items: two pages of the reading list
        found.items[number] = Entry(
            number,
            f"Item {number}",
            body=HOSTILE if number % 100 == 0 else f"<p>Body of zebra{number}</p>",
            feed=f"feed/{number % FEEDS + 1}",
            read=number % 3 == 0,
            starred=number % 7 == 0,
        )
    return found


async def sync(store: Store, fetcher: Fetcher, pool: Pool) -> AccountResult:
    (result,) = await sync_accounts(
        store, Settings(), fetcher=fetcher, password=lambda account: PASSWORD, pool=pool
    )
    return result


def stored_once(store: Store, account: Account, reader: FakeReader) -> None:
    headlines = store.headlines(View(with_hidden=True))
    assert len(headlines) == len(reader.items)
    assert len({h.title for h in headlines}) == len(reader.items)
    assert store.known_numbers(account.id) == set(reader.items)
    read = {h.title for h in headlines if h.read}
    starred = {h.title for h in headlines if h.starred}
    assert read == {f"Item {e.number}" for e in reader.items.values() if e.read}
    assert starred == {f"Item {e.number}" for e in reader.items.values() if e.starred}


async def test_a_big_first_sync_is_stored_by_the_workers_once_and_sanitised(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account, pool: Pool
) -> None:
    result = await sync(store, fetcher, pool)
    assert not result.failed, result.error
    assert result.new == 1200
    assert pool.pids()  # the workers converted them (this process did not)
    stored_once(store, account, reader)
    calls = reader.calls()
    assert calls.count("stream/contents/user/-/state/com.google/reading-list") == 2
    assert store.pending_index() == 0  # every article searchable
    found = store.headlines(View(with_hidden=True), parse_query("zebra1199"))
    assert [h.title for h in found] == ["Item 1199"]
    (hostile,) = [h for h in store.headlines(View(with_hidden=True)) if h.title == "Item 1100"]
    article = store.get_article(hostile.id)
    assert article is not None
    body = article.body
    assert "Hello" in body and "there" in body
    for bad in ("script", "onclick", "javascript", "iframe", "evil"):
        assert bad not in body

    again = await sync(store, fetcher, pool)  # nothing new: nothing stored twice
    assert not again.failed and again.new == 0
    stored_once(store, account, reader)


async def test_a_failure_half_way_through_the_pages_loses_nothing(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account, pool: Pool
) -> None:
    reader.fail_page = "1000"  # the second page of the reading list: HTTP 500
    failed = await sync(store, fetcher, pool)
    assert failed.failed and "500" in failed.error
    assert failed.new == 1000  # the first page, stored while the second was asked for
    assert len(store.headlines(View(with_hidden=True))) == 1000
    again = store.get_account(account.id)
    assert again is not None and again.newest_usec is None  # still a first sync

    reader.fail_page = None
    done = await sync(store, fetcher, pool)
    assert not done.failed, done.error
    assert done.new == 200
    stored_once(store, account, reader)


async def test_a_chunk_past_its_time_limit_fails_the_sync_and_the_next_one_completes(
    store: Store,
    reader: FakeReader,
    fetcher: Fetcher,
    account: Account,
    pool: Pool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed under a chunk (its limit; a crash is handled alike): a clear
    reason, nothing of that chunk stored, and the next sync stores every item once."""
    monkeypatch.setattr(storing, "CHUNK_TIMEOUT", 0.0)
    failed = await sync(store, fetcher, pool)
    assert failed.failed
    assert failed.error == "items too slow to convert (a worker's limit)"
    again = store.get_account(account.id)
    assert again is not None and again.newest_usec is None

    monkeypatch.setattr(storing, "CHUNK_TIMEOUT", 30.0)
    done = await sync(store, fetcher, pool)
    assert not done.failed, done.error
    stored_once(store, account, reader)
