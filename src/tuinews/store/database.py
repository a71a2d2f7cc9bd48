"""The database file and its connections: one SQLite file in WAL mode, used from the
UI's thread workers and from the headless commands, by several processes at once (the
app, cron's refresh, a refresh's workers). Every write is its own short ``BEGIN
IMMEDIATE`` transaction (a feed's update is one transaction; read flags are committed in
batches moments after they are set), so SQLite serialises the writers and readers never
wait.

:class:`Database` runs no SQL of its own but pragmas and the schema's migrations
(``schema``): each part of the store (``feeds``, ``articles``, ``listing``,
``search_index``, ``transfer``, composed by ``store.Store``) holds the one Database and
runs its own SQL through :meth:`Database.write`, :meth:`Database.read`,
:meth:`Database.reading` and :meth:`Database.peek`."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tuinews.query.orders import natural_key
from tuinews.store.lock import AlreadyRunning, StoreLock, lockable
from tuinews.store.schema import SCHEMA_VERSION, SchemaTooNew, migrate, schema_version

# Seconds a write waits for another connection's transaction (another process's refresh,
# the app's flags) before it fails: each transaction is short (a feed, a batch of flags,
# a thousand articles indexed), but a busy machine can stretch one.
BUSY_TIMEOUT = 30.0
UPDATE_WAIT = 300.0  # seconds to wait for another tuinews updating the schema
PROGRESS_STEPS = 10_000  # SQLite steps between two questions to a cancellable read


class StoreError(Exception):
    """A problem with the database file, worded for the user."""


class CorruptStore(StoreError):
    """The file is not a usable SQLite database."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is damaged and cannot be read ({reason})")
        self.path = path


# The same feed names are sorted again at every reload of the feed list (every 1.5 s
# during a refresh): their keys are kept.
_natural_key = functools.lru_cache(maxsize=8192)(natural_key)


def _functions(connection: sqlite3.Connection) -> None:
    """The SQL functions of tuinews' own that the store's statements use:
    ``natural_key(text)`` (tuinews.query.orders), for sorting names naturally."""
    connection.create_function("natural_key", 1, _natural_key, deterministic=True)


class Database:
    """One database file: the connection that writes (and reads in the caller's thread,
    one caller at a time), and a second one that only reads (``peek``)."""

    def __init__(self, path: str | Path) -> None:
        """Open (creating and migrating) the database. Other tuinews may have it open too:
        SQLite serialises the writes (a writer waits up to BUSY_TIMEOUT for another's
        transaction), and a schema update runs under the lock file (see ``lock``)."""
        self.path = Path(path)
        self._lock = threading.RLock()  # one user of the main connection at a time
        self._reader: sqlite3.Connection | None = None  # see peek
        self._reader_lock = threading.Lock()
        self._aside: sqlite3.Connection | None = None  # see aside
        self._aside_lock = threading.Lock()
        self._settle = False  # see checkpoint_aside
        try:
            self._db = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT
            )
            _functions(self._db)  # (a migration may use them)
            if schema_version(self._db) >= SCHEMA_VERSION:  # up to date (or too new: says so)
                self._db.execute("PRAGMA journal_mode = WAL")  # (already: nothing to do)
                self.created = migrate(self._db)
            else:
                with self._updating():
                    self._db.execute("PRAGMA journal_mode = WAL")
                    self.created = migrate(self._db)  # reads the version again, locked
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = NORMAL")
            # What other processes commit from now on is news to whoever reads it now.
            self.opened_version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        except SchemaTooNew as error:
            raise StoreError(f"{self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            if "not a database" in str(error) or "malformed" in str(error):
                raise CorruptStore(self.path, str(error)) from None
            raise StoreError(f"{self.path}: cannot open the database ({error})") from None

    @contextmanager
    def _updating(self) -> Iterator[None]:
        """Hold the lock file while the schema is created or updated: two tuinews
        started at once must not both run a migration, and one updating the schema while
        an earlier tuinews has the file open would change the tables under it."""
        if not lockable(self.path):
            yield
            return
        lock = StoreLock(self.path)
        try:
            holder = lock.try_acquire()
            if holder is not None:
                if holder.earlier_version:
                    raise StoreError(
                        f"{self.path} needs updating for this version, but an earlier tuinews "
                        f"is using it ({holder}): close it, then try again"
                    )
                lock.wait(UPDATE_WAIT)  # another one is updating it (or refreshing)
        except AlreadyRunning as running:
            raise StoreError(
                f"{self.path} needs updating for this version, but another tuinews is "
                f"using it ({running.holder}): try again when it is done"
            ) from None
        except OSError as error:
            raise StoreError(
                f"{self.path}: cannot update the database ({error.strerror})"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def data_version(self) -> int:
        """A number that changes when another connection (another process: cron's
        refresh, the workers of a refresh) commits to the database; this one's own
        commits leave it as it is. Cheap (no disk access when nothing changed)."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    @property
    def writable(self) -> bool:
        """Whether this process may write the database file (and its folder)."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        return os.access(self.path, os.W_OK) and os.access(folder, os.W_OK)

    def file_for_workers(self) -> str | None:
        """The database file as worker processes open it themselves (an absolute path);
        None for a database they cannot open (in memory, a ``file:`` URI, gone)."""
        if str(self.path) in ("", ":memory:") or str(self.path).startswith("file:"):
            return None
        try:
            return str(self.path.resolve(strict=True))
        except OSError:
            return None

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        with self._aside_lock:
            if self._aside is not None:
                self._aside.close()
                self._aside = None
        with self._lock:
            self._db.close()

    def checkpoint_every(self, pages: int) -> None:
        """Copy the write-ahead log into the database file only once it holds ``pages``
        pages (SQLite's default: 1,000, 4 MB). Each copy syncs both files to disk: a
        first sync's 10,000 items (~120 MB written) made thirty of them, ~60 ms each,
        with the write lock held. What is left in the log is copied by the next commit
        of a connection with the default, or when the last connection closes."""
        with self._lock:
            self._db.execute(f"PRAGMA wal_autocheckpoint = {max(0, int(pages))}")

    def checkpoint_aside(self) -> None:
        """Copy the write-ahead log into the database file now, without waiting for
        anyone (a PASSIVE checkpoint): for a worker, after its write and outside the
        workers' write lock, so that the others go on writing while the copy syncs both
        files to disk (with the lock held, as SQLite's own checkpoints are, they waited
        for the disk: in a cold refresh of 1,000 feeds, about a tenth of its time).
        SQLite starts the log over from its beginning only when all of it is copied, and
        the others commit meanwhile: so this connection's next write (under the lock)
        first copies what they added, a few pages, and the log is reused, not grown."""
        with self._lock:
            self._settle = self._copy_log()

    def _copy_log(self) -> bool:
        """A PASSIVE checkpoint; False if it failed (nothing is lost: the log still holds
        it all, and a later copy takes it)."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            return False
        return True

    # --- transactions and reads --------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the main connection (``BEGIN IMMEDIATE``): what is done with
        the connection given is committed together, or not at all. A read-only file or a
        full disk becomes a StoreError that says so; the transaction is rolled back, so
        nothing stored is lost."""
        with self._lock:
            try:
                if self._settle:  # (see checkpoint_aside)
                    self._settle = False
                    self._copy_log()
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

    def read(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """The rows of one statement on the main connection."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @contextmanager
    def reading(self, cancelled: Callable[[], bool] | None = None) -> Iterator[sqlite3.Connection]:
        """The main connection, for reads whose rows are taken as they come (no list of
        them all). ``cancelled``: asked every PROGRESS_STEPS steps while a statement runs;
        when it says so, the statement stops with sqlite3.OperationalError ("interrupted")."""
        with self._lock:
            if cancelled is None:
                yield self._db
                return
            self._db.set_progress_handler(lambda: int(cancelled()), PROGRESS_STEPS)
            try:
                yield self._db
            finally:
                self._db.set_progress_handler(None, 0)

    def peek(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """A short read on a second connection (opened when first needed): in WAL mode it
        never waits for the main connection's lock or for a write in progress, so the UI
        thread may use it for the few rows it draws. It sees what is committed."""
        with self._reader_lock:
            if self._reader is None:
                try:
                    reader = sqlite3.connect(
                        str(self.path),
                        check_same_thread=False,
                        isolation_level=None,
                        timeout=BUSY_TIMEOUT,
                    )
                    reader.execute("PRAGMA query_only = 1")
                    _functions(reader)
                except sqlite3.Error:
                    return self.read(sql, params)
                self._reader = reader
            return self._reader.execute(sql, params).fetchall()

    @contextmanager
    def aside(self) -> Iterator[sqlite3.Connection]:
        """A third connection (opened when first needed), for reads in a thread that take
        a while and must not hold up the main connection's users (the search as you
        type, the feed list's counts): the headline list's highlights, the saved searches'
        counts of a refresh's batch (``Listing.unread_count``). It sees what is
        committed, and may write its own TEMP tables."""
        with self._aside_lock:
            if self._aside is None:
                connection = sqlite3.connect(
                    str(self.path),
                    check_same_thread=False,
                    isolation_level=None,
                    timeout=BUSY_TIMEOUT,
                )
                _functions(connection)
                self._aside = connection
            yield self._aside
