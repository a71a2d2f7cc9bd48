"""The pool's own thread: it starts the workers, sends each its calls (the one it runs
and the next; more in a pool sharing the write lock, to run ahead: worker.Staged), reads
what they answer, and keeps every call's time limit. Everything
here but :meth:`Manager.ask` runs in that thread, which alone touches the workers.

Nothing is written to a worker with a blocking write: a big input waits in memory until
the worker's pipe has room, so the thread is never held by one busy worker.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from tuinews.pool import worker
from tuinews.pool.worker import HEADER

QUEUED_PER_WORKER = 2  # calls in a worker at once: the one it runs and the next
QUEUED_WRITING = 48  # in a pool sharing the write lock: calls to run ahead (worker.Staged)
QUEUED_BYTES = 8 << 20  # and their inputs, at most (beyond QUEUED_PER_WORKER calls): big feeds
BOOT_TIMEOUT = 60.0  # a worker that has not started by then is given up on
MAX_BOOT_FAILURES = 3  # workers lost in a row with no call started: no more are started
_READ = 1 << 16


class TimedOut(Exception):
    """The call ran past its time limit; its worker was killed."""


class WorkerCrashed(Exception):
    """The worker process died during the call (or none could be started)."""


def _never() -> bool:
    return False


@dataclass(eq=False)
class Call:
    number: int
    task: tuple[Callable[..., Any], tuple[Any, ...]] | None  # pickled when sent
    limit: float
    report: Callable[[int, bool, Any], None]  # (number, ok, result or exception)
    abandoned: Callable[[], bool] = _never  # asked before it is sent
    sent: Callable[[int], None] | None = None  # (number), once a worker has it
    started: float | None = None  # time.monotonic() in its worker
    ahead: float | None = None  # its first stage runs while the call before it waits
    dropped: bool = False  # its caller is gone: the outcome is not reported
    lost: int = 0  # workers that died before starting it
    payload: bytes | None = None  # kept until it may write: if its worker is lost, it goes again
    staged: bool = False  # a worker.Staged call: it may wait in a worker, to run ahead

    def fail(self, error: Exception) -> None:
        if not self.dropped:
            self.report(self.number, False, error)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    fd: int
    boot_by: float
    ready: bool = False
    calls: deque[Call] = field(default_factory=deque)  # sent; the first runs (or waits)
    out: deque[memoryview] = field(default_factory=deque)  # bytes not written yet
    received: bytearray = field(default_factory=bytearray)

    def running(self) -> Call | None:
        """The call whose time runs: the first, or one run ahead while it waits (Staged)."""
        ahead = [call for call in self.calls if call.ahead is not None]
        if ahead:
            return ahead[0]
        head = self.calls[0] if self.calls else None
        return head if head is not None and head.started is not None else None

    def deadline(self) -> float:
        if not self.ready:
            return self.boot_by
        call = self.running()
        if call is None:
            return math.inf
        start = call.ahead if call.ahead is not None else call.started
        return (start or 0.0) + call.limit

    def take_running(self) -> Call | None:
        """The running call taken out of the worker's (which is lost), the others left to
        run again: a first call waiting for one run ahead has written nothing."""
        call = self.running()
        if call is not None:
            self.calls.remove(call)
        for other in self.calls:
            other.started = other.ahead = None
        return call


def _stderr_with_a_descriptor() -> contextlib.AbstractContextManager[object]:
    """multiprocessing's helper process (started with the first worker) inherits
    sys.stderr's file descriptor; under Textual, sys.stderr is a capture object whose
    descriptor is -1."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        if sys.stderr is not None and sys.stderr.fileno() >= 0:
            return contextlib.nullcontext()
    real = sys.__stderr__
    return contextlib.redirect_stderr(real) if real is not None else contextlib.nullcontext()


class Manager:
    def __init__(
        self, size: int, preload: tuple[str, ...], write_lock: bool, nice: int = 0
    ) -> None:
        self.size = size
        self.nice = nice
        self.preload = preload
        self.shares_write_lock = write_lock
        self.queued = QUEUED_WRITING if write_lock else QUEUED_PER_WORKER
        self._lock = threading.Lock()  # the requests, and the thread's start and end
        self._requests: deque[Callable[[], None]] = deque()
        self._thread: threading.Thread | None = None
        self._wake = (-1, -1)
        # The thread's own:
        self.workers: list[_Worker] = []
        self._pending: deque[Call] = deque()  # not sent yet
        self._failures = 0
        self._closing_by: float | None = None
        self._lock_fd = -1

    # --- from any thread

    def ask(self, request: Callable[[], None], start: bool = True) -> threading.Thread | None:
        """Have the thread do this (started if needed); the thread, None if it is not
        running (and not started)."""
        with self._lock:
            if self._thread is None:
                if not start:
                    return None
                read, write = os.pipe()
                os.set_blocking(write, False)
                self._wake = (read, write)
                self._thread = threading.Thread(target=self._run, name="tuinews-pool", daemon=True)
                self._thread.start()
            self._requests.append(request)
            with contextlib.suppress(BlockingIOError):  # full: it is awake already
                os.write(self._wake[1], b"\0")
            return self._thread

    def close(self, timeout: float) -> None:
        thread = self.ask(lambda: self._begin_close(timeout), start=False)
        if thread is not None:
            thread.join()

    def pids(self) -> list[int]:
        pids = []
        for one in list(self.workers):
            with contextlib.suppress(ValueError):  # closed just now
                pids.append(one.process.pid or 0)
        return [pid for pid in pids if pid]

    # --- in the thread

    def submit(self, call: Call) -> None:
        self._pending.append(call)

    def boot(self, count: int) -> None:
        while len(self.workers) < count and self._failures < MAX_BOOT_FAILURES:
            self._spawn()

    def drop(self, numbers: set[int]) -> None:
        """Calls whose caller is gone: not sent, and the workers running them killed (the
        calls behind those run in another; a dropped call queued behind another still
        runs, its outcome not reported)."""
        self._pending = deque(c for c in self._pending if c.number not in numbers)
        for one in list(self.workers):
            for call in one.calls:
                call.dropped = call.dropped or call.number in numbers
            if not (one.calls and one.calls[0].dropped):
                continue
            self._receive(one)  # (what it said meanwhile: the dropped call may have ended)
            if not (one.calls and one.calls[0].dropped):
                continue
            self._remove(one)
            running = one.take_running()
            if running is not None and not running.dropped:
                if running.ahead is None:  # (the call after it started: it may have written)
                    running.fail(WorkerCrashed("its worker was stopped"))
                else:
                    running.ahead = None
                    one.calls.appendleft(running)
            self._pending.extendleft(reversed([c for c in one.calls if not c.dropped]))

    def _begin_close(self, timeout: float) -> None:
        self._closing_by = time.monotonic() + timeout
        for one in self.workers:  # each ends after the call it runs (worker.main)
            with contextlib.suppress(Exception):
                one.process.terminate()

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    requests = list(self._requests)
                    self._requests.clear()
                    if not requests and self._closing_by is not None and not self.workers:
                        self._end()
                        return
                for request in requests:
                    request()
                self._dispatch()
                self._close_idle()
                if self._closing_by is not None and not self.workers:
                    continue
                self._wait(min((w.deadline() for w in self.workers), default=math.inf))
                self._enforce_limits()
        except BaseException as error:  # a bug here: no call may wait forever for it
            calls = list(self._pending)
            for one in list(self.workers):
                self._remove(one)
                calls += one.calls
            for call in calls:
                with contextlib.suppress(Exception):
                    call.fail(WorkerCrashed(f"the pool failed: {error!r}"))
            with self._lock:
                self._end()
            raise

    def _end(self) -> None:
        """(Holding the lock) The workers are gone: the thread ends."""
        for fd in (*self._wake, self._lock_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake, self._lock_fd, self._pending = (-1, -1), -1, deque()
        self._closing_by, self._failures, self._thread = None, 0, None

    def _spawn(self) -> None:
        if self.shares_write_lock and self._lock_fd < 0:
            import tempfile  # here: workers import this module, and never need it

            with contextlib.suppress(OSError):  # else they write unlocked: SQLite serialises
                fd, path = tempfile.mkstemp(prefix="tuinews-", suffix=".lock")
                os.unlink(path)  # open in the workers, and gone with them
                self._lock_fd = fd
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        lock = worker.Inherited(self._lock_fd) if self._lock_fd >= 0 else -1
        process = context.Process(
            target=worker.main,
            args=(child, self.preload, lock, self.nice),
            daemon=True,
            name="tuinews-pool",
        )
        try:
            with _stderr_with_a_descriptor():
                process.start()
        except Exception:
            self._failures += 1
            parent.close()
            child.close()
            return
        child.close()
        os.set_blocking(parent.fileno(), False)
        booted_by = time.monotonic() + BOOT_TIMEOUT
        self.workers.append(_Worker(process, parent, parent.fileno(), booted_by))

    def _dispatch(self) -> None:
        """Send waiting calls to ready workers with room; start workers for the rest, one
        booting per waiting call."""
        if self._closing_by is not None:
            for call in self._pending:
                call.fail(WorkerCrashed("the pool was closed"))
            self._pending.clear()
            return
        while self._pending:
            if self._pending[0].abandoned():
                self._pending.popleft()
                continue
            room = [w for w in self.workers if w.ready and not w.calls]
            if not room and not self._may_grow():  # else a new worker takes it
                staged = self._pending[0].staged
                room = [w for w in self.workers if w.ready and self._has_room(w, staged)]
            if not room:
                break
            call = self._pending.popleft()
            if call.payload is None:  # (not before: the caller holds its input meanwhile)
                try:
                    call.payload = pickle.dumps(call.task, pickle.HIGHEST_PROTOCOL)
                except Exception as error:  # a function or input that does not pickle
                    call.fail(error)
                    continue
                call.task = None
            self._send(min(room, key=lambda w: len(w.calls)), call)
        while len(self._pending) > sum(1 for w in self.workers if not w.ready) and (
            len(self.workers) < self.size and self._failures < MAX_BOOT_FAILURES
        ):
            self._spawn()
        if self._pending and not self.workers and self._failures >= MAX_BOOT_FAILURES:
            for call in self._pending:
                call.fail(WorkerCrashed("no worker process could be started"))
            self._pending.clear()

    def _has_room(self, one: _Worker, staged: bool) -> bool:
        """Whether a busy worker takes another call: up to QUEUED_PER_WORKER; a Staged
        call in a pool sharing the write lock up to QUEUED_WRITING while their inputs
        stay under QUEUED_BYTES (a sync's page waits behind one call, not many feeds)."""
        if len(one.calls) < QUEUED_PER_WORKER:
            return True
        if not staged or len(one.calls) >= self.queued:
            return False
        return sum(len(call.payload or b"") for call in one.calls) < QUEUED_BYTES

    def _may_grow(self) -> bool:
        """Whether a worker is booting or may be started: a call that no idle worker
        takes waits for it, rather than behind another call (which may be long)."""
        if any(not w.ready for w in self.workers):
            return True
        return len(self.workers) < self.size and self._failures < MAX_BOOT_FAILURES

    def _send(self, one: _Worker, call: Call) -> None:
        payload = call.payload or b""
        one.calls.append(call)
        one.out += [memoryview(HEADER.pack(call.number, len(payload))), memoryview(payload)]
        if call.sent is not None:
            call.sent(call.number)
            call.sent = None
        self._flush(one)

    def _flush(self, one: _Worker) -> None:
        """Write what the worker's pipe takes now; the rest when it has room."""
        while one.out:
            try:
                count = os.write(one.fd, one.out[0])
            except OSError:  # full (BlockingIOError), or the worker is gone: its end tells
                return
            if count < len(one.out[0]):
                one.out[0] = one.out[0][count:]
                return
            one.out.popleft()

    def _wait(self, deadline: float) -> None:
        """Until a request, a message, a worker's end, or the deadline."""
        poller = select.poll()
        poller.register(self._wake[0], select.POLLIN)
        by_fd: dict[int, tuple[_Worker, bool]] = {}
        for one in self.workers:
            poller.register(one.fd, select.POLLIN | (select.POLLOUT if one.out else 0))
            poller.register(one.process.sentinel, select.POLLIN)
            by_fd[one.fd] = (one, False)
            by_fd[one.process.sentinel] = (one, True)
        if self._closing_by is not None:
            deadline = min(deadline, self._closing_by)
        wait = None
        if deadline != math.inf:
            wait = max(0, math.ceil((deadline - time.monotonic()) * 1000))
        ended: list[_Worker] = []
        for fd, events in poller.poll(wait):
            if fd == self._wake[0]:
                with contextlib.suppress(OSError):
                    os.read(fd, 4096)
                continue
            one, sentinel = by_fd[fd]
            if one in ended:
                continue
            if not sentinel and events & select.POLLOUT:
                self._flush(one)
            if (sentinel or events & ~select.POLLOUT) and (not self._receive(one) or sentinel):
                ended.append(one)
        for one in ended:
            self._receive(one)  # what it wrote before it ended
            self._lost(one)

    def _receive(self, one: _Worker) -> bool:
        """Read and handle the worker's messages; False at its end."""
        alive = True
        while True:
            try:
                chunk = os.read(one.fd, _READ)
            except BlockingIOError:
                break
            except OSError:
                alive = False
                break
            if not chunk:
                alive = False
                break
            one.received += chunk
        buffer = one.received
        while len(buffer) >= HEADER.size:
            number, size = HEADER.unpack_from(buffer)
            end = HEADER.size + size
            if len(buffer) < end:
                break
            payload = bytes(buffer[HEADER.size : end])
            del buffer[:end]
            try:
                kind, value = pickle.loads(payload)
            except Exception as error:  # a result that does not unpickle
                kind, value = "error", RuntimeError(f"{type(error).__name__}: {error}")
            self._handle(one, number, kind, value)
        return alive

    def _handle(self, one: _Worker, number: int, kind: str, value: Any) -> None:
        if kind == "ready":
            one.ready = True
            return
        if kind == "ahead":  # (a call after the first: worker.Staged)
            for call in one.calls:
                call.ahead = value if call.number == number else None
            return
        head = one.calls[0] if one.calls else None
        if head is None or head.number != number:
            return
        if kind == "started":  # (again as it goes on after calls were run ahead)
            if head.started is not None or not (head.staged and self.shares_write_lock):
                head.payload = None  # (it may write now: it is not to go again)
            head.started = value
            for call in one.calls:
                call.ahead = None
            self._failures = 0
            return
        one.calls.popleft()
        head.payload = None
        if not head.dropped:
            head.report(number, kind == "ok", value)

    def _enforce_limits(self) -> None:
        now = time.monotonic()
        for one in list(self.workers):
            if now < one.deadline():
                continue
            if one.ready and self._receive(one) and time.monotonic() < one.deadline():
                continue  # (what it said meanwhile: the call run ahead had ended)
            self._remove(one)
            if not one.ready:
                self._failures += 1
                continue
            late = one.take_running()
            self._pending.extendleft(reversed(one.calls))  # to run in another worker
            if late is not None:
                late.fail(TimedOut(f"ran past its {late.limit:g} s limit"))

    def _lost(self, one: _Worker) -> None:
        """The worker died: the call it ran crashed it; the calls after it run again
        (or, closing, not: it ended as asked, after the call it ran)."""
        self._remove(one)
        if self._closing_by is not None:
            for call in one.calls:
                call.fail(WorkerCrashed("the pool was closed"))
            return
        if not one.ready:
            self._failures += 1
        calls = one.calls
        culprit = one.take_running()
        if culprit is not None:
            culprit.fail(WorkerCrashed("the worker process died"))
        elif calls:
            self._failures += 1
            calls[0].lost += 1
            if calls[0].lost >= 2:  # two workers died taking it in: it goes no further
                calls.popleft().fail(WorkerCrashed("the worker process died"))
        self._pending.extendleft(reversed(calls))

    def _remove(self, one: _Worker) -> None:
        """Kill the worker, and hear what it said before it died (the call it was running
        when the decision was made may have ended, and the next started)."""
        with contextlib.suppress(ValueError):
            self.workers.remove(one)
        with contextlib.suppress(Exception):
            one.process.kill()
        with contextlib.suppress(Exception):
            one.process.join(1.0)
        with contextlib.suppress(Exception):
            self._receive(one)
        with contextlib.suppress(Exception):
            one.process.close()
        with contextlib.suppress(Exception):
            one.conn.close()

    def _close_idle(self) -> None:
        """While closing: end the workers with no call started (the calls queued in a
        worker are not run: up to QUEUED_WRITING of them), and all at the deadline."""
        if self._closing_by is None:
            return
        late = time.monotonic() >= self._closing_by
        for one in list(self.workers):
            if late or not one.calls or one.calls[0].started is None:
                self._remove(one)
                for call in one.calls:
                    call.fail(WorkerCrashed("the pool was closed"))
