"""What runs in the pool's worker processes, and the messages between them and the
parent: each a header (the call's number, the payload's length) and a pickled payload.

Parent to worker: ``(function, args)`` under the call's number (or number 0: stop).
Worker to parent: ``("ready", None)`` once booted, then for each call in the order sent,
``("started", time.monotonic())`` as it starts it and ``("ok", result)`` or ``("error",
exception)`` when it ends. CLOCK_MONOTONIC is the system's, the same in every process:
the parent counts the call's time limit from the worker's own start time.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import pickle
import signal
import struct
import time
from collections.abc import Callable
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

HEADER = struct.Struct("!QQ")  # call number (0: none), payload length

_lock_fd = -1  # in a worker of a pool that shares a write lock: the lock's file


class _WriteLock:
    def __enter__(self) -> None:
        fcntl.lockf(_lock_fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.lockf(_lock_fd, fcntl.LOCK_UN)


def write_lock() -> contextlib.AbstractContextManager[None]:
    """In a worker of a pool made with ``write_lock=True``: the lock its workers hold
    while they write the database (none elsewhere). SQLite would serialise them too, but
    a writer that finds the database busy sleeps for up to 100 ms before trying again,
    where this lock wakes it the moment the other is done. It is a POSIX record lock on a
    file, which the system releases when its holder dies: a worker killed while writing
    (its call past its limit) leaves the others free to write."""
    return _WriteLock() if _lock_fd >= 0 else contextlib.nullcontext()


def quiet() -> None:
    """Workers share the terminal with the app: nothing they print may reach it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


class Inherited:
    """A file descriptor for a worker, passed as multiprocessing passes its pipes (only
    while the worker starts); the worker gets its number."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Callable[[Any], int], tuple[Any]]:
        return _inherit, (reduction.DupFd(self.fd),)


def _inherit(duplicate: Any) -> int:
    return int(duplicate.detach())


def _take(fd: int, size: int) -> bytearray | None:
    """Exactly ``size`` bytes from the parent; None when it is gone."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        try:
            count = os.readv(fd, [view[got:]])
        except OSError:
            return None
        if count == 0:
            return None
        got += count
    return buffer


def _put(fd: int, number: int, message: tuple[str, Any]) -> None:
    """A message to the parent; a value that does not pickle goes as an error."""
    try:
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        failure = RuntimeError(f"{type(error).__name__}: {error}")
        data = pickle.dumps(("error", failure), pickle.HIGHEST_PROTOCOL)
    views = [memoryview(HEADER.pack(number, len(data))), memoryview(data)]
    while views:
        count = os.writev(fd, views)
        while views and count >= len(views[0]):
            count -= len(views.pop(0))
        if views and count:
            views[0] = views[0][count:]


def main(conn: Connection, preload: tuple[str, ...], lock_fd: int, nice: int = 0) -> None:
    """A worker process: quiet, deaf to Ctrl-C (the parent decides when it stops), at
    ``nice`` (lower priority: the app's own process wins a busy core), with ``preload``
    imported, then the calls in the order they come."""
    global _lock_fd
    quiet()
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lock_fd = lock_fd
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
    for module in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    fd = conn.fileno()
    _put(fd, 0, ("ready", None))
    while True:
        header = _take(fd, HEADER.size)
        if header is None:
            return
        number, size = HEADER.unpack(header)
        payload = _take(fd, size)
        if payload is None or number == 0:
            return
        try:
            function, args = pickle.loads(payload)
        except Exception as error:
            _put(fd, number, ("error", error))
            continue
        del payload
        _put(fd, number, ("started", time.monotonic()))
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except BaseException as error:  # reported to the parent, never raised here
            if not isinstance(error, Exception):  # SystemExit: not the parent's to raise
                error = RuntimeError(f"{type(error).__name__}: {error}")
            reply = ("error", error)
        del function, args
        _put(fd, number, reply)
        del reply
