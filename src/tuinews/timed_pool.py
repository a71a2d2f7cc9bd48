"""Run a function over untrusted inputs in worker processes, each call under a time limit.

A parser can be made to run for minutes by a crafted document (feedparser's e-mail regex,
kurtmckee/feedparser#562), and a thread cannot be stopped: a pure-Python regex even holds
the GIL, so the UI would freeze with it. Each call here runs in a worker process; a call
still running past its limit has its process killed (the other workers carry on, and a
new one is started when needed) and is reported as :class:`TimedOut`. A worker that dies
(a crash, the out-of-memory killer) is reported as :class:`WorkerCrashed`.

Workers are started with "spawn" (the app has threads, and forking a threaded process is
unsafe), write nothing to the terminal, and start booting as soon as the pool is asked to
(:meth:`TimedPool.start`), so they can be ready by the time the first input is. The limit
counts a call's own run, not the worker's start-up or a wait for a free worker.

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

__all__ = ["TimedOut", "TimedPool", "WorkerCrashed"]

K = TypeVar("K")
DEFAULT_TIMEOUT = 10.0
BOOT_TIMEOUT = 60.0  # a worker that has not started by then is given up on
MAX_BOOT_FAILURES = 3


class TimedOut(Exception):
    """The call ran past its time limit; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker process died during the call (or could not be started)."""


def quiet() -> None:
    """Workers share the terminal with the app: nothing they print may reach it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _worker_main(conn: Connection, preload: tuple[str, ...]) -> None:
    """A worker: (function, args) in, ("ok", result) or ("error", exception) out."""
    quiet()
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    for module in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, args = message
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except BaseException as error:  # reported to the parent, never raised here
            reply = ("error", error)
        try:
            conn.send(reply)
        except Exception as error:  # a result or exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))


@dataclass
class _Worker(Generic[K]):
    process: BaseProcess
    conn: Connection
    booted_by: float  # the deadline for its "ready"
    ready: bool = False
    key: K | None = None
    busy: bool = False
    deadline: float = float("inf")


@dataclass
class TimedPool:
    """Up to ``size`` worker processes; :meth:`run` maps a function over inputs.

    Use as a context manager, or call :meth:`close`: it kills the workers."""

    size: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    timeout: float = DEFAULT_TIMEOUT
    preload: tuple[str, ...] = ()  # modules each worker imports while it boots
    _workers: list[_Worker[Any]] = field(default_factory=list, init=False, repr=False)
    _boot_failures: int = field(default=0, init=False, repr=False)

    def __enter__(self) -> TimedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, count: int = 1) -> None:
        """Start booting up to ``count`` workers now (they take a few tenths of a second
        to start Python and import; the caller goes on meanwhile)."""
        while len(self._workers) < min(count, self.size):
            if self._spawn() is None:
                break

    def _spawn(self) -> _Worker[Any] | None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(child, self.preload), daemon=True, name="tuinews-parse"
        )
        # multiprocessing's helper process inherits sys.stderr's descriptor; under Textual
        # sys.stderr is a capture object without one.
        real = sys.__stderr__
        try:
            with contextlib.redirect_stderr(real) if real else contextlib.nullcontext():
                process.start()
        except Exception:
            self._boot_failures += 1
            parent.close()
            child.close()
            return None
        child.close()
        worker: _Worker[Any] = _Worker(process, parent, time.monotonic() + BOOT_TIMEOUT)
        self._workers.append(worker)
        return worker

    def _kill(self, worker: _Worker[Any]) -> None:
        with contextlib.suppress(Exception):
            worker.process.kill()
        with contextlib.suppress(Exception):
            worker.process.join(1.0)
        with contextlib.suppress(Exception):
            worker.conn.close()
        with contextlib.suppress(ValueError):
            self._workers.remove(worker)

    def close(self) -> None:
        for worker in list(self._workers):
            self._kill(worker)

    def run(
        self,
        function: Callable[..., Any],
        inputs: Iterable[tuple[K, tuple[Any, ...]]],
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[K, Any]]:
        """``function(*args)`` for each ``(key, args)``, in workers; yields ``(key,
        result)`` as calls finish, where a call that raised gives its exception, and one
        that ran out of time or lost its worker gives TimedOut or WorkerCrashed.

        ``inputs`` is read lazily, one item ahead of the free workers, so a long list of
        big inputs is never all in memory. ``function`` must be importable by name (a
        module-level function). ``should_stop`` is asked between events: when it says so,
        the run ends early (the calls still running are abandoned, their workers killed).
        """
        source = iter(inputs)
        pending: deque[tuple[K, tuple[Any, ...]]] = deque()
        exhausted = False
        poll = None if should_stop is None else 0.1
        while True:
            if should_stop is not None and should_stop():
                for worker in [w for w in self._workers if w.busy]:
                    self._kill(worker)
                return
            if not pending and not exhausted:
                try:
                    pending.append(next(source))
                except StopIteration:
                    exhausted = True
            if pending:
                idle = next((w for w in self._workers if w.ready and not w.busy), None)
                if idle is not None:
                    key, args = pending.popleft()
                    if not self._send(idle, function, key, args):
                        pending.appendleft((key, args))  # that worker is gone: another
                    continue
                booting = any(not w.ready for w in self._workers)
                if (
                    not booting
                    and len(self._workers) < self.size
                    and self._boot_failures < MAX_BOOT_FAILURES
                ):
                    self._spawn()  # grows the pool while inputs wait
                if not self._workers:
                    if self._boot_failures >= MAX_BOOT_FAILURES:
                        key, _ = pending.popleft()
                        yield key, WorkerCrashed("no worker process could be started")
                    continue
            elif exhausted and not any(w.busy for w in self._workers):
                return
            yield from self._wait(poll)

    def _send(
        self, worker: _Worker[Any], function: Callable[..., Any], key: Any, args: tuple[Any, ...]
    ) -> bool:
        try:
            worker.conn.send((function, args))
        except Exception:
            self._boot_failures += 1  # counted with failed starts, so this cannot loop
            self._kill(worker)
            return False
        worker.key, worker.busy = key, True
        worker.deadline = time.monotonic() + self.timeout
        return True

    def _wait(self, poll: float | None) -> Iterator[tuple[Any, Any]]:
        """Wait for the next event (a result, a worker ready or dead, a deadline), at
        most ``poll`` seconds."""
        now = time.monotonic()
        deadlines = [w.deadline if w.busy else w.booted_by for w in self._workers]
        deadlines += [now + poll] if poll is not None else []
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        handles: list[Any] = []
        for worker in self._workers:
            handles += [worker.conn, worker.process.sentinel]
        ready = set(wait(handles, timeout))
        for worker in list(self._workers):
            if worker.conn in ready:
                try:
                    kind, value = worker.conn.recv()
                except (EOFError, OSError):
                    yield from self._lost(worker)
                    continue
                except Exception as error:  # a result that does not unpickle
                    kind, value = "error", RuntimeError(f"{type(error).__name__}: {error}")
                if kind == "ready":
                    worker.ready = True
                    self._boot_failures = 0
                    continue
                key = worker.key
                worker.key, worker.busy, worker.deadline = None, False, float("inf")
                yield key, value
            elif worker.process.sentinel in ready:
                yield from self._lost(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.busy and now >= worker.deadline:
                key = worker.key
                self._kill(worker)
                yield key, TimedOut(f"ran past its {self.timeout:g} s limit")
            elif not worker.ready and now >= worker.booted_by:
                self._boot_failures += 1
                self._kill(worker)

    def _lost(self, worker: _Worker[Any]) -> Iterator[tuple[Any, Any]]:
        busy, key = worker.busy, worker.key
        if not worker.ready:
            self._boot_failures += 1
        self._kill(worker)
        if busy:
            yield key, WorkerCrashed("the worker process died")
