"""The lock file next to a database (``tuinews.db.lock``): held by the one refresh of its
feeds running at a time, and while a schema update or a move aside of a damaged file
changes the database under everyone.

Any number of tuinews may read and write the database at once (the app, cron's
``tuinews refresh``, ``add``, ``import``...): SQLite serialises their transactions, and
each write is one short transaction. What must not happen twice at once is a refresh of
every feed (overlapping cron runs, or cron while the app refreshes, would fetch
everything twice), a schema update, or moving the file aside.

The lock is an ``flock`` on that file, so the operating system drops it when the process
ends, however it ends: a stale lock file after a crash never blocks anything. The holder
writes ``PID SINCE`` into it: its process id, and the time (unix seconds) since which the
feeds its refresh fetches are fresh. An earlier tuinews held this lock for its whole run
and wrote only its PID.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as its file says (pid None: unknown)."""

    pid: int | None
    since: int | None = None  # None: an earlier tuinews, which held it for its whole run

    @property
    def earlier_version(self) -> bool:
        return self.pid is not None and self.since is None

    def __str__(self) -> str:
        return f"PID {self.pid}" if self.pid else "PID unknown"


class AlreadyRunning(Exception):
    """Another tuinews holds the lock."""

    def __init__(self, holder: Holder) -> None:
        what = "an earlier tuinews" if holder.earlier_version else "another tuinews"
        super().__init__(f"{what} is using it ({holder})")
        self.holder = holder
        self.pid = holder.pid


def lockable(db_path: Path) -> bool:
    """Whether the database is a file that can have a lock file beside it."""
    name = str(db_path)
    return name not in ("", ":memory:") and not name.startswith("file:")


class StoreLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)

    def try_acquire(self) -> Holder | None:
        """Take the lock if it is free (None; this process's PID and now are written in
        it), else who holds it (the lock is not taken)."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            return holder
        self._fd = fd
        self.claim()
        return None

    def acquire(self) -> None:
        """Take the lock now, or raise AlreadyRunning."""
        holder = self.try_acquire()
        if holder is not None:
            raise AlreadyRunning(holder)

    def wait(self, timeout: float | None = None) -> Holder:
        """Take the lock, waiting for whoever holds it; returns what the last holder wrote
        (read once we hold it; then this process's PID and now are written in it). With
        ``timeout``: AlreadyRunning when it runs out."""
        fd = self._open()
        try:
            if timeout is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise AlreadyRunning(_read_holder(fd)) from None
                        time.sleep(0.05)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        previous = _read_holder(fd)
        self.claim()
        return previous

    def claim(self, since: int | None = None) -> None:
        """Write this process's PID and ``since`` (default: now) into the held lock."""
        if self._fd is None:
            return
        since = int(time.time()) if since is None else since
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()} {since}\n".encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> Holder:
    try:
        fields = os.pread(fd, 64, 0).decode().split()
        pid = int(fields[0]) if fields else None
        since = int(fields[1]) if len(fields) > 1 else None
    except (OSError, ValueError):
        return Holder(None, None)
    return Holder(pid or None, since)


@contextmanager
def one_refresh(db_path: Path, waiting: Callable[[Holder], None]) -> Iterator[int | None]:
    """Hold the lock for a refresh of every feed of this database. When another refresh
    holds it, ``waiting(holder)`` is called and this one waits for it to end; it then
    yields the time since which feeds count as fresh (the other refresh's start: what it
    fetched is not fetched again), else None. An earlier tuinews, which holds the lock
    for its whole run: AlreadyRunning."""
    if not lockable(db_path):
        yield None
        return
    lock = StoreLock(db_path)
    holder = lock.try_acquire()
    fresh: int | None = None
    if holder is not None:
        if holder.earlier_version:
            raise AlreadyRunning(holder)
        waiting(holder)
        fresh = lock.wait().since
        if fresh is not None:
            # When this one ends, every feed was fetched since then: a refresh waiting
            # for this one need fetch none of them again.
            lock.claim(fresh)
    try:
        yield fresh
    finally:
        lock.release()
