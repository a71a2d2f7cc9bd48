"""The refresh's worker processes: feeds are parsed and stored (and full-text pages
extracted) beside the fetching, each call under a time limit that counts its own run.

Untrusted bytes can hang a parser (feedparser has a regex that runs for minutes on a
crafted author), and a thread cannot be stopped, so calls run in processes, and a call
still running past its limit has the pool killed (the other calls then run again, once,
on a new pool).

Each worker has a call waiting for it when it finishes one (twice as many calls are let
in as there are workers): without that, a worker sat idle for the round trip through the
parent (its result to the parent's event loop, the next call back) after every feed,
which in a cold refresh of 1,000 feeds cost about a tenth of the time. A call's time
limit counts from the moment its worker starts it, not from the moment it was queued:
each worker writes the call it is running and when it started into a small shared array.

Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from tuinews.timed_pool import quiet

T = TypeVar("T")
QUEUED_PER_WORKER = 2  # calls let in per worker: the one it runs and the next
CLOSE_TIMEOUT = 5.0  # seconds close() waits for idle workers to end before killing them


class TimedOut(Exception):
    """The call ran past its limit: the pool was killed."""


class Crashed(Exception):
    """The worker died during the call, twice."""


# --- in the worker processes --------------------------------------------------------

_write_lock: Any = None
_started: Any = None  # per worker: (call number, time.monotonic() when it started)
_slot = -1


def _start_worker(write_lock: Any, started: Any, slots: Any) -> None:
    """Each worker process: quiet, with its place in the shared array of started calls,
    and with the lock its pool's workers write under. SQLite would serialise the writers
    too, but a writer that finds the database busy sleeps for up to 100 ms before trying
    again, where this lock wakes it the moment the other is done."""
    global _write_lock, _started, _slot
    _write_lock = write_lock
    _started = started
    with slots.get_lock():
        _slot = slots.value
        slots.value += 1
    quiet()


def write_lock() -> Any:
    """In a worker: the lock to hold while writing the database (none elsewhere)."""
    return _write_lock if _write_lock is not None else contextlib.nullcontext()


def _run(call: int, function: Callable[..., T], *args: Any) -> T:
    if _started is not None and 0 <= _slot < len(_started) // 2:
        _started[2 * _slot] = float(call)
        _started[2 * _slot + 1] = time.monotonic()
    return function(*args)


# --- in the parent ------------------------------------------------------------------


class _Pool:
    """One ProcessPoolExecutor and the array its workers write their started calls to."""

    def __init__(self, count: int) -> None:
        # multiprocessing starts a helper process that inherits sys.stderr's file
        # descriptor; under Textual, sys.stderr is a capture object without one.
        real = sys.__stderr__
        with contextlib.redirect_stderr(real) if real else contextlib.nullcontext():
            # "spawn": the app has threads, and forking a threaded process is unsafe.
            # A new lock with each pool: a killed worker may die holding the old one.
            context = multiprocessing.get_context("spawn")
            self.started = context.RawArray("d", [-1.0] * (2 * count))
            self.executor = ProcessPoolExecutor(
                max_workers=count,
                mp_context=context,
                initializer=_start_worker,
                initargs=(context.Lock(), self.started, context.Value("i", 0)),
            )
        self._manager: threading.Thread | None = None  # the executor's thread, once ending

    def started_at(self, call: int) -> float | None:
        """When a worker started this call (time.monotonic()), or None if none has."""
        started = self.started
        for index in range(0, len(started), 2):
            if started[index] == call:
                return float(started[index + 1])
        return None

    def kill(self) -> None:
        processes = getattr(self.executor, "_processes", None) or {}
        for process in list(processes.values()):
            with contextlib.suppress(Exception):
                process.kill()
        self.shut_down()

    def shut_down(self) -> None:
        """Tell the executor to end (without waiting: see ``join``)."""
        # shutdown() forgets the executor's thread: keep it, to wait for it.
        self._manager = getattr(self.executor, "_executor_manager_thread", None) or self._manager
        self.executor.shutdown(wait=False, cancel_futures=True)

    def join(self, timeout: float) -> bool:
        """Wait for the executor's thread to end (it closes the pipes it is woken with);
        False if it is still running after ``timeout`` seconds."""
        if self._manager is None:
            return True
        self._manager.join(timeout)
        return not self._manager.is_alive()


class WorkerPool:
    """Worker processes (one per core), started when first needed."""

    def __init__(self, count: int | None = None) -> None:
        self.count = max(1, count or os.cpu_count() or 1)
        self._pool: _Pool | None = None
        self._ended: list[_Pool] = []  # pools killed (for a time limit), maybe still ending
        self._calls = itertools.count(1)
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _current(self) -> _Pool:
        if self._pool is None:
            self._pool = _Pool(self.count)
        return self._pool

    def _kill(self, pool: _Pool) -> None:
        """Kill this pool's processes (a hung call cannot be stopped otherwise); the next
        call starts a new pool. A pool already replaced is left to its own end."""
        if self._pool is pool:
            self._pool = None
        pool.kill()
        # Waited for at close() (see there), once its thread is done with it.
        self._ended = [p for p in self._ended if not p.join(0)] + [pool]

    def _let_in(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(QUEUED_PER_WORKER * self.count))
        return self._slots[1]

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Stop the workers, and wait until the executors' threads are done (up to
        ``timeout`` seconds, then the workers are killed).

        Without the wait, the refresh could end with ``OSError: [Errno 9] Bad file
        descriptor`` printed after its output, about once in 600 runs: at exit,
        concurrent.futures wakes each executor's thread by writing to a pipe, without the
        lock that thread holds when it closes that pipe on its way out; a thread still
        ending then could close it between the check and the write. A thread that has
        ended has closed its pipe, and is not written to."""
        pools = [*self._ended, *([self._pool] if self._pool is not None else [])]
        self._pool = None
        self._ended = []
        for pool in pools:
            pool.shut_down()
        deadline = time.monotonic() + timeout
        for pool in pools:
            if not pool.join(max(0.0, deadline - time.monotonic())):
                pool.kill()  # a call still running (the app quitting mid-refresh)
                pool.join(timeout)

    async def run(self, limit: float, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker, killed ``limit`` seconds after it started
        (TimedOut). A call whose pool died under it (killed for another call's time limit,
        or a crash) runs once more on a new pool; a second crash raises Crashed."""
        async with self._let_in():
            for attempt in range(2):
                pool = self._current()
                call = next(self._calls)
                future = pool.executor.submit(_run, call, function, *args)
                try:
                    return await self._wait(pool, call, future, limit)
                except BrokenProcessPool:
                    self._kill(pool)
                    if attempt:
                        raise Crashed from None
        raise AssertionError("unreachable")

    async def _wait(self, pool: _Pool, call: int, future: Future[T], limit: float) -> T:
        waiting = asyncio.wrap_future(future)
        timeout = limit
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=timeout)
            if done:
                return waiting.result()
            started = pool.started_at(call)
            if started is None:  # still queued behind another call
                timeout = limit
                continue
            ran = time.monotonic() - started
            if ran >= limit:
                self._kill(pool)
                waiting.cancel()
                raise TimedOut
            timeout = limit - ran
