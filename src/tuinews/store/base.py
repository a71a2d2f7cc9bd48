"""The database connection: one SQLite file in WAL mode, used from the UI's thread
workers and from the headless commands. Every write is its own short ``BEGIN IMMEDIATE``
transaction (a feed's update is one transaction; a read flag is committed when it is set)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from tuinews.store.lock import StoreLock
from tuinews.store.schema import SchemaTooNew, migrate


class StoreError(Exception):
    """A problem with the database file, worded for the user."""


class CorruptStore(StoreError):
    """The file is not a usable SQLite database."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is damaged and cannot be read ({reason})")
        self.path = path


class FeedExists(StoreError):
    """The feed is already subscribed."""


class Database:
    """Thread-safe access to one database file (one connection, serialised by a lock)."""

    def __init__(self, path: str | Path, *, exclusive: bool = False) -> None:
        """Open (creating and migrating) the database. ``exclusive``: take the lock that
        makes this the only tuinews writing it (raises AlreadyRunning)."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self._reader: sqlite3.Connection | None = None  # see _peek
        self._reader_lock = threading.Lock()
        self._file_lock: StoreLock | None = None
        if exclusive:
            self._file_lock = StoreLock(self.path)
            self._file_lock.acquire()
        try:
            self._db = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None, timeout=10
            )
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self.created = migrate(self._db)
        except SchemaTooNew as error:
            self._unlock()
            raise StoreError(f"{self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            self._unlock()
            if "not a database" in str(error) or "malformed" in str(error):
                raise CorruptStore(self.path, str(error)) from None
            raise StoreError(f"{self.path}: cannot open the database ({error})") from None

    def _unlock(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        with self._lock:
            self._db.close()
        self._unlock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ----------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction. A read-only file or a full disk becomes a StoreError that says
        so; the transaction is rolled back, so nothing stored is lost."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as error:
                raise self._explain(error) from None

    def _explain(self, error: sqlite3.OperationalError) -> Exception:
        message = str(error)
        if "readonly" in message or "read-only" in message:
            return StoreError(f"{self.path} is read-only: nothing was changed")
        if "full" in message:
            return StoreError(f"{self.path}: the disk is full: nothing was changed")
        return error

    @property
    def writable(self) -> bool:
        """Whether this process may write the database file (and its folder)."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        return os.access(self.path, os.W_OK) and os.access(folder, os.W_OK)

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _peek(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """A short read on a second connection (opened when first needed): in WAL mode it
        never waits for the main connection's lock or for a write in progress, so the UI
        thread may use it for the few rows it draws. It sees what is committed."""
        with self._reader_lock:
            if self._reader is None:
                try:
                    reader = sqlite3.connect(
                        str(self.path), check_same_thread=False, isolation_level=None, timeout=10
                    )
                    reader.execute("PRAGMA query_only = 1")
                except sqlite3.Error:
                    return self._read(sql, params)
                self._reader = reader
            return self._reader.execute(sql, params).fetchall()

    # --- feeds -----------------------------------------------------------------------
