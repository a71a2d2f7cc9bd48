"""One tuinews writes a database at a time: a lock file next to it, holding the PID.

The lock is an ``flock`` on that file, so the operating system drops it when the process
ends, however it ends: a stale lock file after a crash never blocks anything.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    """Another tuinews holds the lock."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(
            f"another tuinews (PID {pid}) is running" if pid else "another tuinews is running"
        )
        self.pid = pid


class StoreLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = self._read_pid(fd)
            os.close(fd)
            raise AlreadyRunning(pid) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    @staticmethod
    def _read_pid(fd: int) -> int | None:
        try:
            return int(os.pread(fd, 32, 0).decode().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
