"""One pool of worker processes for running untrusted bytes through a parser: local files
(:meth:`Pool.map`, called from a thread) and the refresh (:meth:`Pool.run`, awaited on
the event loop).

A parser can be made to run for minutes by a crafted document (feedparser's e-mail regex,
kurtmckee/feedparser#562), and a thread cannot be stopped: a regex even holds the GIL, so
the UI would freeze with it. Each call runs in a worker process under a time limit that
counts its own run, from the moment its worker starts it (not the worker's start-up, nor
its wait in a queue). A call still running past its limit has its worker killed, that
worker alone: the calls in the other workers go on, and the calls that were waiting in
the killed one run in another. A call raises (or, from :meth:`Pool.map`, gives)
:class:`TimedOut` for its limit and :class:`WorkerCrashed` when its worker dies under it.

Each worker is sent its next call while it runs one (``QUEUED_PER_WORKER``): without
that, a worker sat idle for the round trip through the parent after every call, which in
a cold refresh of 1,000 feeds cost about a tenth of the time. A pool whose workers share
the write lock sends each up to ``QUEUED_WRITING``: a worker whose call waits for the
lock runs the first stage of the :class:`Staged` calls queued after it (the refresh's
parsing), and a cold refresh took 12-15% less time.

Workers are started with "spawn" (the app has threads, and forking a threaded process is
unsafe), write nothing to the terminal, import ``preload`` while they boot, and start
booting when the pool is asked to (:meth:`Pool.start`), so they can be ready by the time
the first input is. A thread of the pool's own (:mod:`tuinews.pool.manager`) sends the
calls, reads the results and keeps the time limits; :meth:`Pool.close` waits for it and
for every worker to end, so nothing of the pool is left running when the interpreter
exits. The workers of a pool made with ``write_lock=True`` write the database under
:func:`write_lock` (:mod:`tuinews.pool.worker`).

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from tuinews.pool.manager import QUEUED_PER_WORKER, Call, Manager, TimedOut, WorkerCrashed
from tuinews.pool.worker import Staged, write_lock

__all__ = ["QUEUED_PER_WORKER", "Pool", "Staged", "TimedOut", "WorkerCrashed", "write_lock"]

T = TypeVar("T")
K = TypeVar("K")
DEFAULT_TIMEOUT = 10.0
CLOSE_TIMEOUT = 5.0  # seconds close() lets the calls still running finish


class Pool:
    """Up to ``size`` worker processes (one per core by default), started when first
    needed; each call under ``timeout`` seconds unless given its own. Use as a context
    manager, or call :meth:`close`. ``write_lock``: the workers share
    :func:`write_lock`. ``nice``: the workers run at this lower priority (the app's: on
    a busy machine its own process wins a core when it wakes, so its frames keep coming
    while the workers convert; a sync's UI stall measured 101 -> 56 ms median under load
    6 on 2 cores)."""

    def __init__(
        self,
        size: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        preload: Iterable[str] = (),
        write_lock: bool = False,
        nice: int = 0,
    ) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.timeout = timeout
        self.preload = tuple(preload)
        self._numbers = itertools.count(1)
        self._manager = Manager(self.size, self.preload, write_lock, nice)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pids(self) -> list[int]:
        """The worker processes now (booting, working or idle)."""
        return self._manager.pids()

    def start(self, count: int = 1) -> None:
        """Start booting up to ``count`` workers now (they take a few tenths of a second
        to start Python and import; the caller goes on meanwhile)."""
        self._manager.ask(lambda: self._manager.boot(min(count, self.size)))

    async def run(self, function: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``function(*args)`` in a worker: its result, or the exception it raised,
        TimedOut or WorkerCrashed. Cancelled before a worker takes it, it is not run.
        ``function`` must be importable by name (a module-level function)."""
        import asyncio  # here: workers import this module, and need no event loop

        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()

        def settle(ok: bool, value: Any) -> None:
            if not waiter.done():
                if ok:
                    waiter.set_result(value)
                else:
                    waiter.set_exception(value)

        def report(_: int, ok: bool, value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: no one waits
                loop.call_soon_threadsafe(settle, ok, value)

        self._submit(function, args, timeout, report, abandoned=waiter.cancelled)
        return await waiter

    def map(
        self,
        function: Callable[..., Any],
        inputs: Iterable[tuple[K, tuple[Any, ...]]],
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[K, Any]]:
        """``function(*args)`` for each ``(key, args)``, in workers; yields ``(key,
        result)`` as calls finish, where a call that raised gives its exception, and one
        that ran out of time or lost its worker gives TimedOut or WorkerCrashed.

        ``inputs`` is read lazily, one item ahead of what the workers hold, so a long
        list of big inputs is never all in memory. ``should_stop`` is asked between
        events: when it says so, the run ends early (its calls still running are
        abandoned, their workers killed)."""
        events: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
        keys: dict[int, K] = {}
        unsent: set[int] = set()  # at most one: the input read ahead
        source = iter(inputs)
        exhausted = False
        poll = None if should_stop is None else 0.1

        def report(number: int, _: bool, value: Any) -> None:
            events.put((number, False, value))

        def sent(number: int) -> None:
            events.put((number, True, None))

        try:
            while True:
                if should_stop is not None and should_stop():
                    return
                if not exhausted and not unsent:
                    try:
                        key, args = next(source)
                    except StopIteration:
                        exhausted = True
                        continue
                    number = self._submit(function, args, None, report, sent=sent)
                    keys[number] = key  # (its outcome comes through the queue: later)
                    unsent.add(number)
                    continue
                if exhausted and not keys:
                    return
                try:
                    number, sent_now, value = events.get(timeout=poll)
                except queue.Empty:
                    continue
                unsent.discard(number)  # sent, or failed before it was
                if not sent_now:
                    yield keys.pop(number), value
        finally:
            if keys:
                self._cancel(set(keys))

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """End the workers: the idle ones now, the ones running a call when it ends (or
        after ``timeout`` seconds, killed); calls not started are not run. Returns when
        the pool's thread and every worker have ended. The pool can be used again."""
        self._manager.close(timeout)

    def _submit(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        timeout: float | None,
        report: Callable[[int, bool, Any], None],
        abandoned: Callable[[], bool] | None = None,
        sent: Callable[[int], None] | None = None,
    ) -> int:
        limit = self.timeout if timeout is None else timeout
        call = Call(next(self._numbers), (function, args), limit, report, sent=sent)
        call.staged = isinstance(function, Staged)
        if abandoned is not None:
            call.abandoned = abandoned
        self._manager.ask(lambda: self._manager.submit(call))
        return call.number

    def _cancel(self, numbers: set[int]) -> None:
        """Drop these calls, and wait until the workers running them are killed."""
        done = threading.Event()

        def cancel() -> None:
            self._manager.drop(numbers)
            done.set()

        if self._manager.ask(cancel, start=False):
            done.wait(30)
