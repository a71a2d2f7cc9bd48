"""What runs in the pool's worker processes, and the messages between them and the
parent: each a header (the call's number, the payload's length) and a pickled payload.

Parent to worker: ``(function, args)`` under the call's number (or number 0: stop).
Worker to parent: ``("ready", None)`` once booted, then for each call in the order sent,
``("started", time.monotonic())`` as it starts it and ``("ok", result)`` or ``("error",
exception)`` when it ends. CLOCK_MONOTONIC is the system's, the same in every process:
the parent counts the call's time limit from the worker's own start time.

In a pool whose workers share the write lock, a :class:`Staged` call that finds the lock
held by another worker waits for it doing work: the first stage (parsing) of the calls
queued after it, each announced with ``("ahead", time.monotonic())`` under its number
(its time limit runs meanwhile, the waiting call's stands still: it has written
nothing, and goes to another worker if this one is lost), then ``("started", ...)`` again
for the waiting call as it goes on, dated back by the time it had run before.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import pickle
import select
import signal
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

HEADER = struct.Struct("!QQ")  # call number (0: none), payload length

_lock_fd = -1  # in a worker of a pool that shares a write lock: the lock's file
_stopping = False  # the pool is closing (SIGTERM): no call is started after this one


def _stop(*_: object) -> None:
    global _stopping
    _stopping = True


class _WriteLock:
    def __enter__(self) -> None:
        fcntl.lockf(_lock_fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.lockf(_lock_fd, fcntl.LOCK_UN)


def _lock_busy() -> bool:
    """Whether another worker holds the write lock now (this one never does between calls)."""
    try:
        fcntl.lockf(_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    fcntl.lockf(_lock_fd, fcntl.LOCK_UN)
    return False


@dataclass(frozen=True)
class Staged:
    """A call in two stages, for a pool whose workers share the write lock: ``first(*args)``
    takes no lock (parsing), ``then(its result)`` writes. A worker whose call waits for the
    lock, another worker holding it (for a search-index batch, 140 ms), runs the first
    stage of the calls sent after it meanwhile, rather than sit idle (a cold refresh's
    workers waited about a seventh of their time). Called, it runs both stages. Both must
    be importable by name; the first stage's result never leaves the worker."""

    first: Callable[..., Any]
    then: Callable[[Any], Any]

    def __call__(self, *args: Any) -> Any:
        return self.then(self.first(*args))


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


def _failure(error: BaseException) -> tuple[str, Any]:
    """A call's error, to report (SystemExit and the like: not the parent's to raise)."""
    if not isinstance(error, Exception):
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return ("error", error)


class _Task:
    """A call received: run whole, or a Staged call's first stage, then the rest."""

    def __init__(self, number: int, payload: bytearray) -> None:
        self.number = number
        self.outcome: tuple[str, Any] | None = None  # known before it is finished
        self.function: Callable[..., Any] | None = None
        self.args: tuple[Any, ...] = ()
        self.first_done = False
        self.middle: Any = None  # a Staged call's first stage's result
        try:
            self.function, self.args = pickle.loads(payload)
        except Exception as error:
            self.outcome = ("error", error)

    def staged(self) -> bool:
        """A Staged call whose stages so far went well (the second may still come)."""
        return self.outcome is None and isinstance(self.function, Staged)

    def run_first(self) -> None:
        assert isinstance(self.function, Staged)
        self.first_done = True
        try:
            self.middle = self.function.first(*self.args)
        except BaseException as error:  # reported to the parent, never raised here
            self.outcome = _failure(error)
        self.args = ()

    def finish(self) -> tuple[str, Any]:
        if self.staged() and not self.first_done:
            self.run_first()
        if self.outcome is not None:
            return self.outcome
        try:
            if isinstance(self.function, Staged):
                middle, self.middle = self.middle, None
                return ("ok", self.function.then(middle))
            assert self.function is not None
            return ("ok", self.function(*self.args))
        except BaseException as error:  # reported to the parent, never raised here
            return _failure(error)


class _Inbox:
    """The calls received and not finished, in order (the first runs), and the pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.tasks: deque[_Task] = deque()
        self.closed = False  # the parent said stop, or is gone

    def take(self, wait: bool) -> _Task | None:
        """The next call from the parent (waiting for it, or only if it is there)."""
        if self.closed or not (wait or select.select([self.fd], [], [], 0)[0]):
            return None
        header = _take(self.fd, HEADER.size)
        if header is not None:
            number, size = HEADER.unpack(header)
            payload = _take(self.fd, size)
            if payload is not None and number:
                task = _Task(number, payload)
                self.tasks.append(task)
                return task
        self.closed = True
        return None

    def run_ahead(self) -> bool:
        """While the first call waits for the write lock, held by another worker: the
        first stage of the Staged calls after it, up to a call that is not one. Whether
        any ran."""
        ran = False
        index = 1
        while _lock_busy() and not _stopping:
            task = self.tasks[index] if index < len(self.tasks) else self.take(wait=False)
            if task is None or not task.staged():
                break
            index += 1
            if task.first_done:
                continue
            _put(self.fd, task.number, ("ahead", time.monotonic()))
            task.run_first()
            ran = True
        return ran


def main(conn: Connection, preload: tuple[str, ...], lock_fd: int, nice: int = 0) -> None:
    """A worker process: quiet, deaf to Ctrl-C (the parent decides when it stops: SIGTERM
    ends it after the call it runs, the calls queued in it not run), at
    ``nice`` (lower priority: the app's own process wins a busy core), with ``preload``
    imported, then the calls in the order they come."""
    global _lock_fd
    quiet()
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop)
    _lock_fd = lock_fd
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
    for module in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    inbox = _Inbox(conn.fileno())
    _put(inbox.fd, 0, ("ready", None))
    while not _stopping and (inbox.tasks or inbox.take(wait=True)):
        task = inbox.tasks[0]
        started = time.monotonic()
        _put(inbox.fd, task.number, ("started", started))
        if _lock_fd >= 0 and task.staged():
            if not task.first_done:
                task.run_first()
            spent = time.monotonic() - started
            if task.staged() and inbox.run_ahead():  # it goes on, its time limit with it
                _put(inbox.fd, task.number, ("started", time.monotonic() - spent))
        number, reply = task.number, task.finish()
        inbox.tasks.popleft()
        del task
        _put(inbox.fd, number, reply)
        del reply
