"""Noticing what other processes commit to the store: cron's ``tuinews refresh`` while
the app is open, ``tuinews add`` or ``import`` from a shell, the workers of a refresh.

A thread asks SQLite's ``PRAGMA data_version`` on the store's connection once a second:
it changes when another connection commits, never for this connection's own writes (the
read flags the app sets), and costs no disk access when nothing changed (a few
microseconds). No Textual here: the app passes what to call."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Protocol

from tuinews.store.database import StoreError

WATCH_INTERVAL = 1.0  # seconds between two looks


class Versioned(Protocol):
    """What is watched: a Store (or its Database)."""

    def data_version(self) -> int: ...


class StoreWatcher:
    """Calls ``changed()`` (from its own thread) after another connection commits."""

    def __init__(
        self,
        store: Versioned,
        changed: Callable[[], object],
        interval: float = WATCH_INTERVAL,
        since: int | None = None,
    ) -> None:
        """``since``: the data_version from which on commits count (default: when the
        thread starts), e.g. the store's ``opened_version``."""
        self.store = store
        self.since = since
        self.changed = changed
        self.interval = interval
        self._stop = threading.Event()
        self._rebase = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tuinews-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def rebase(self) -> None:
        """What was committed until now is known (the app's own refresh, whose workers
        write with connections of their own): no call for it."""
        self._rebase.set()

    def _version(self) -> int | None:
        try:
            return self.store.data_version()
        except (sqlite3.Error, StoreError):
            return None  # closed (the app is quitting), or unreadable: stop watching

    def _run(self) -> None:
        seen = self.since if self.since is not None else self._version()
        while seen is not None and not self._stop.wait(self.interval):
            rebase = self._rebase.is_set()
            self._rebase.clear()
            version = self._version()
            if version is not None and version != seen and not rebase:
                self.changed()
            seen = version
