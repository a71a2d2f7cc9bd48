"""SuccessBatch: the 304s of a refresh recorded several to a transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence

from tuinews.store import FeedSuccess, Store
from tuinews.success_batch import SuccessBatch


def _feeds(store: Store, n: int) -> list[int]:
    return [store.add_feed(f"https://example.com/{i}.xml").id for i in range(n)]


async def test_concurrent_successes_share_transactions_and_are_stored_on_return(
    store: Store,
) -> None:
    ids = _feeds(store, 40)
    batches: list[int] = []
    record_successes = store.record_successes

    def counting(successes: Sequence[tuple[int, FeedSuccess]]) -> None:
        batches.append(len(successes))
        record_successes(successes)

    store.record_successes = counting  # type: ignore[method-assign]
    batch = SuccessBatch(store)

    async def one(feed_id: int) -> None:
        await batch.record(feed_id, FeedSuccess(next_fetch=1000 + feed_id))
        feed = store.get_feed(feed_id)  # committed by the time record returns
        assert feed is not None and feed.next_fetch == 1000 + feed_id
        assert feed.status == "ok" and feed.last_success

    await asyncio.gather(*(one(feed_id) for feed_id in ids))
    assert sum(batches) == 40
    assert len(batches) < 40  # those waiting while a write ran went in together
    await one(ids[0])  # and a later one on its own still works
    assert batches[-1] == 1


async def test_a_failed_write_fails_each_of_its_feeds_and_stores_none(store: Store) -> None:
    ids = _feeds(store, 5)
    with sqlite3.connect(store.path) as other:
        other.execute(
            "CREATE TRIGGER no_updates BEFORE UPDATE ON feeds BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    batch = SuccessBatch(store)
    outcomes = await asyncio.gather(
        *(batch.record(feed_id, FeedSuccess(next_fetch=5)) for feed_id in ids),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, sqlite3.IntegrityError) for outcome in outcomes)
    assert all(store.get_feed(feed_id).next_fetch is None for feed_id in ids)  # type: ignore[union-attr]
    with sqlite3.connect(store.path) as other:
        other.execute("DROP TRIGGER no_updates")
    await batch.record(ids[0], FeedSuccess(next_fetch=5))
    assert store.get_feed(ids[0]).next_fetch == 5  # type: ignore[union-attr]


async def test_a_single_success_is_recorded(store: Store) -> None:
    (feed_id,) = _feeds(store, 1)
    await SuccessBatch(store).record(feed_id, FeedSuccess(etag='"e"', next_fetch=7))
    feed = store.get_feed(feed_id)
    assert feed is not None and feed.etag == '"e"' and feed.next_fetch == 7
