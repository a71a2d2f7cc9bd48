"""Items made articles and stored, beside the downloads (issue 14's first-sync speed).

Sanitising an item's HTML costs about a millisecond of CPU: a first sync of 10,000 items
spent most of its time there, in the main process, one page after another. Here a batch
of items goes to the worker pool (:mod:`tuinews.pool`, as a refresh's feeds do) in chunks,
each converted (:func:`tuinews.sync_worker.store_chunk`: the one sanitiser) and stored
by the worker with its own connection, in one transaction under the pool's write lock;
the caller goes on downloading the next page meanwhile. A small batch (an incremental
sync's few items) is converted in a thread as before: starting worker processes would
cost more than it saves. Once the workers convert, a first sync's pages are read by them
too (:meth:`ItemStorer.read_page`: the JSON decoded there, not in the app's process,
whose frames would wait for the GIL), and the items the sync keeps go back to them to be
stored (:meth:`ItemStorer.add_read`).

Every chunk is either stored whole or not at all; :meth:`ItemStorer.drain` waits for
all of them (even when one failed: what was downloaded is kept) and then raises the first
failure. A chunk that runs past its time limit or crashes its worker fails the sync with
a reason: nothing of it is stored, and the next sync asks for it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence

from tuinews.fetch.greader import GReaderError
from tuinews.fetch.greader_data import BadAnswer, Item
from tuinews.pool import Pool, TimedOut, WorkerCrashed
from tuinews.query.rules import Rule
from tuinews.settings import Settings
from tuinews.store import Store, UpsertCounts
from tuinews.store.sync import RemoteArticle
from tuinews.sync.items import plain_items, remote_articles
from tuinews.sync_worker import (
    PageIndex,
    PlainItem,
    read_page,
    store_blobs,
    store_chunk,
    unpickled,
)
from tuinews.sync_worker import remote_articles as convert

POOL_MIN = 500  # items in one batch (or expected) from which the workers convert them
CHUNK = 100  # items per worker call: both workers busy, and a short time limit each
CHUNK_TIMEOUT = 30.0  # seconds for a chunk's conversion and store, in a worker
IN_FLIGHT = 8  # chunks sent and not stored yet, at most (memory: ~0.5 MB each)
TOO_SLOW = "items too slow to convert (a worker's limit)"
CRASHED = "items could not be converted (a worker died)"


def new_pool() -> Pool:
    """A pool for a sync's items: its workers import the conversion while they boot
    (while the first page downloads), not with their first chunk."""
    return Pool(write_lock=True, timeout=CHUNK_TIMEOUT, preload=("tuinews.sync_worker",))


class ItemStorer:
    """Stores batches of an account's items, in the pool's workers when a batch is big;
    :meth:`drain` before relying on them being stored. ``pool``: a pool of the caller's
    (the app's refresher's), else one of its own, started when first needed and closed
    by :meth:`close`."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        account_id: int,
        rules: tuple[Rule, ...],
        folders: Mapping[str, Sequence[str]],
        pool: Pool | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.account_id = account_id
        self.rules = rules
        self.folders = folders
        self.counts = UpsertCounts(ruled=[0] * len(rules))
        self._pool = pool
        self._own_pool = pool is None
        self._db = store.file_for_workers()
        self._tasks: set[asyncio.Task[None]] = set()
        self._failures: list[BaseException] = []
        self._room = asyncio.Semaphore(IN_FLIGHT)
        self._use_workers = False

    def start_workers(self) -> None:
        """Many items are coming: the workers convert every batch from now on, and boot
        now (while the first page downloads)."""
        if self._db is not None and not self._use_workers:
            self._use_workers = True
            workers = self._workers()
            workers.start(workers.size)

    async def add(self, items: Sequence[Item]) -> None:
        """Store these items: now (a small batch, in a thread), or in the workers' time
        (returns once its chunks are sent; at most IN_FLIGHT chunks wait at once)."""
        if not items:
            return
        if self._db is None or (len(items) < POOL_MIN and not self._use_workers):
            self._add(await asyncio.to_thread(self._here, items))
            return
        for start in range(0, len(items), CHUNK):
            await self._send(store_chunk, plain_items(items[start : start + CHUNK], self.folders))

    async def read_page(self, body: bytes, name: str) -> PageIndex:
        """A ``stream/contents`` page's body read (decoded, its items made plain): in a
        worker once the workers convert (the app's process never decodes a big page),
        else in a thread. Raises GReaderError for an answer that is not the JSON asked
        for, or a worker's failure."""
        try:
            if self._use_workers:
                return await self._workers().run(
                    read_page, body, name, self.folders, timeout=CHUNK_TIMEOUT
                )
            return await asyncio.to_thread(read_page, body, name, self.folders)
        except BadAnswer as error:
            raise GReaderError(str(error)) from None
        except TimedOut:
            raise GReaderError(TOO_SLOW) from None
        except WorkerCrashed:
            raise GReaderError(CRASHED) from None

    async def add_read(self, blobs: Sequence[bytes]) -> None:
        """Store items of a page read by :meth:`read_page` (its blobs), as :meth:`add`."""
        if not blobs:
            return
        if not self._use_workers:
            self._add(await asyncio.to_thread(self._here_plain, unpickled(blobs)))
            return
        for start in range(0, len(blobs), CHUNK):
            await self._send(store_blobs, blobs[start : start + CHUNK])

    async def drain(self) -> None:
        """Wait for every chunk sent; then raise the first failure, if any."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._raise_failure()

    async def close(self) -> None:
        """Cancel what is still waiting (a failed sync) and end a pool of its own."""
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._own_pool and self._pool is not None:
            await asyncio.to_thread(self._pool.close)
            self._pool = None

    # --- inside ---

    def _workers(self) -> Pool:
        if self._pool is None:
            self._pool = new_pool()
        return self._pool

    def _here(self, items: Sequence[Item]) -> UpsertCounts:
        return self._stored(remote_articles(items, self.folders))

    def _here_plain(self, items: Sequence[PlainItem]) -> UpsertCounts:
        return self._stored(convert(items))

    def _stored(self, articles: list[RemoteArticle]) -> UpsertCounts:
        return self.store.store_items(
            self.account_id,
            articles,
            keep=self.settings.keep_articles,
            keep_days=self.settings.keep_days,
            rules=self.rules,
        )

    async def _send(self, function: Callable[..., UpsertCounts], chunk: Sequence[object]) -> None:
        """A chunk to the workers (``function``: store_chunk or store_blobs); returns
        once it is sent, with at most IN_FLIGHT chunks waiting."""
        self._raise_failure()
        await self._room.acquire()
        task = asyncio.create_task(self._chunk(function, chunk))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.sleep(0)  # the event loop's turn (the app's frames) between chunks

    async def _chunk(self, function: Callable[..., UpsertCounts], chunk: Sequence[object]) -> None:
        try:
            counts = await self._workers().run(
                function,
                self._db,
                self.account_id,
                chunk,
                self.settings.keep_articles,
                self.settings.keep_days,
                self.rules,
                timeout=CHUNK_TIMEOUT,
            )
        except TimedOut:
            self._failures.append(GReaderError(TOO_SLOW))
        except WorkerCrashed:
            self._failures.append(GReaderError(CRASHED))
        except Exception as error:  # the store's error, raised by drain
            self._failures.append(error)
        else:
            self._add(counts)
        finally:
            self._room.release()

    def _add(self, counts: UpsertCounts) -> None:
        mine = self.counts
        mine.new += counts.new
        mine.updated += counts.updated
        mine.unchanged += counts.unchanged
        mine.removed += counts.removed
        mine.hidden += counts.hidden
        mine.ruled = [a + b for a, b in zip(mine.ruled, counts.ruled, strict=True)]

    def _raise_failure(self) -> None:
        if self._failures:
            raise self._failures[0]
