"""Recording feeds' successful fetches several to a transaction (a warm refresh).

In a warm refresh nearly every feed answers 304 Not Modified, and all there is to store is
its fetch times: a transaction and a trip to a thread each cost more than that write
(~0.1 ms of CPU a feed). The successes that arrive while one write is in its thread go in
the next one, together. Each caller still waits until its own feed is recorded (committed),
so what a refresh reports is stored, and a failed write fails each of its feeds as before.
"""

from __future__ import annotations

import asyncio

from tuinews.store import FeedSuccess, Store

__all__ = ["SuccessBatch"]


class SuccessBatch:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: list[tuple[int, FeedSuccess, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, feed_id: int, success: FeedSuccess) -> None:
        """Record ``success`` for the feed; returns once committed (raises as the store)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((feed_id, success, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await asyncio.to_thread(
                        self._store.record_successes, [(i, success) for i, success, _ in batch]
                    )
                except Exception as error:
                    for *_, done in batch:
                        if not done.done():
                            done.set_exception(error)
                else:
                    for *_, done in batch:
                        if not done.done():
                            done.set_result(None)
                finally:
                    for *_, done in batch:  # (cancelled: the event loop is ending)
                        done.cancel()
        finally:
            self._writer = None
            waiting, self._waiting = self._waiting, []
            for *_, done in waiting:
                done.cancel()
