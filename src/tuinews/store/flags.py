"""Read flags set in the UI, written to the store in batches (no Textual here).

Each flag is queued as it is set; one writer at a time (a thread worker of the UI) writes
everything queued, then what was queued meanwhile, each batch in one transaction, so a
burst of flags costs one write and the UI thread never waits for the disk. At exit,
``flush`` writes what is left (after the batch in flight, in the order they were set).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from tuinews.store.store import Store


class ReadFlags:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards _pending and _writing
        self._write_lock = threading.Lock()  # one batch written at a time, in order
        self._pending: dict[int, bool] = {}
        self._writing = False
        self.batches = 0  # batches written (for tests and benchmarks)

    def add(self, article_ids: Iterable[int], read: bool) -> bool:
        """Queue these flags. True when no writer is running: the caller starts one,
        which calls :meth:`write`."""
        with self._lock:
            for article_id in article_ids:
                self._pending[article_id] = read
            start = not self._writing
            self._writing = True
            return start

    @property
    def pending(self) -> int:
        """Flags queued and not yet taken by a writer."""
        with self._lock:
            return len(self._pending)

    @property
    def idle(self) -> bool:
        """Nothing queued and no writer running: every flag set is committed."""
        with self._lock:
            return not self._pending and not self._writing

    def write(self, store: Store) -> None:
        """The writer: write batches until none is left."""
        try:
            while self._write_batch(store, stop_when_empty=True):
                pass
        except BaseException:
            with self._lock:
                self._writing = False
            raise

    def flush(self, store: Store) -> None:
        """Write what is queued now, on this thread (at exit)."""
        self._write_batch(store, stop_when_empty=False)

    def _write_batch(self, store: Store, stop_when_empty: bool) -> bool:
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, {}
                if not batch:
                    if stop_when_empty:
                        self._writing = False
                    return False
            try:
                for read in (True, False):
                    ids = [article_id for article_id, value in batch.items() if value is read]
                    if ids:
                        store.set_read(ids, read)
            except BaseException:
                # Not written (the database stayed locked by another process past the
                # busy timeout, a full disk): queued again, under any flag set since.
                with self._lock:
                    self._pending = batch | self._pending
                raise
            self.batches += 1
            return True
