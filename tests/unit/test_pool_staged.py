"""Staged calls (pool.Staged): in a pool whose workers share the write lock, a call
waiting for the lock runs the first stage (parsing) of the calls queued after it, rather
than sit idle. Their results still come in order, each stage runs once, and a first
stage run ahead that hangs or kills its worker fails alone: the call that waited has
written nothing, and runs again in another worker.

Real processes (spawn), nothing mocked. The test holds the pool's write lock itself
(from the parent process: a POSIX record lock, so its workers see it held)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tuinews.pool import Pool, Staged, TimedOut, WorkerCrashed, write_lock
from tuinews.pool.manager import QUEUED_BYTES

# --- run in the workers -----------------------------------------------------------------


def _note(log: str, line: str) -> None:
    with open(log, "a") as handle:
        handle.write(line + "\n")


def first(log: str, name: str, trouble: str = "") -> tuple[str, str]:
    _note(log, f"first {name}")
    if trouble == "slow":
        time.sleep(0.6)
    elif trouble == "hang":
        time.sleep(120)
    elif trouble == "die":
        os._exit(9)
    elif trouble == "fail":
        raise ValueError(f"{name} does not parse")
    return log, name


def then(middle: tuple[str, str]) -> str:
    log, name = middle
    with write_lock():
        _note(log, f"then {name}")
        if name.startswith("slow"):
            time.sleep(0.6)
    return name.upper()


def nap(seconds: float) -> None:
    """A call first in the worker: the calls after it are all in its pipe meanwhile."""
    time.sleep(seconds)


staged = Staged(first, then)


def first_big(log: str, name: str, ballast: bytes) -> tuple[str, str]:
    """(A worker runs ahead the calls in its pipe: a big input comes in as it reads it,
    so this gives the next one the time to start coming.)"""
    time.sleep(0.2)
    return first(log, name)


staged_big = Staged(first_big, then)


# --- in the test ------------------------------------------------------------------------


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def until(condition: Any, seconds: float = 30) -> None:
    """Wait for a condition (a hang guard, not a timing)."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.01)


@contextmanager
def lock_held(pool: Pool) -> Iterator[Any]:
    """The pool's write lock held by the test until the yielded release() (or the end),
    its worker ready and napping: the calls made next all wait in its pipe."""
    assert dict(pool.map(len, [(0, ("ready",))])) == {0: 5}
    napping = asyncio.ensure_future(pool.run(nap, 0.3))  # (a local: kept till the end)
    fd = pool._manager._lock_fd
    fcntl.lockf(fd, fcntl.LOCK_EX)
    held = [True]

    def release() -> None:
        if held[0]:
            held[0] = False
            fcntl.lockf(fd, fcntl.LOCK_UN)

    try:
        yield release
    finally:
        release()
        napping.cancel()


def test_a_call_waiting_for_the_lock_runs_the_first_stages_of_the_calls_after_it(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log"

    async def go() -> list[str]:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            calls = [asyncio.ensure_future(pool.run(staged, str(log), n)) for n in "abc"]
            # While the test holds the lock, the first call waits in its second stage,
            # and the worker parses the two after it.
            await asyncio.to_thread(until, lambda: len(lines(log)) == 3)
            assert lines(log) == ["first a", "first b", "first c"]
            release()
            return list(await asyncio.gather(*calls))

    assert asyncio.run(go()) == ["A", "B", "C"]
    assert lines(log) == ["first a", "first b", "first c", "then a", "then b", "then c"]


def test_called_in_the_parent_it_runs_both_stages(tmp_path: Path) -> None:
    assert staged(str(tmp_path / "log"), "x") == "X"
    assert lines(tmp_path / "log") == ["first x", "then x"]


def test_a_first_stage_that_fails_ahead_fails_its_call_alone(tmp_path: Path) -> None:
    log = tmp_path / "log"

    async def go() -> list[Any]:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            calls = [
                asyncio.ensure_future(pool.run(staged, str(log), name, trouble))
                for name, trouble in (("a", ""), ("b", "fail"), ("c", ""))
            ]
            await asyncio.to_thread(until, lambda: len(lines(log)) == 3)
            release()
            return list(await asyncio.gather(*calls, return_exceptions=True))

    a, b, c = asyncio.run(go())
    assert (a, c) == ("A", "C")
    assert isinstance(b, ValueError) and "b does not parse" in str(b)
    assert lines(log) == ["first a", "first b", "first c", "then a", "then c"]


@pytest.mark.parametrize(("trouble", "error"), [("hang", TimedOut), ("die", WorkerCrashed)])
def test_a_first_stage_run_ahead_that_hangs_or_kills_the_worker_fails_alone(
    tmp_path: Path, trouble: str, error: type[Exception]
) -> None:
    """The call ahead is timed from its own start (the waiting one stands still): it
    fails, and the call that waited for the lock, which wrote nothing, runs again in a
    new worker and writes once."""
    log = tmp_path / "log"

    async def go() -> tuple[Any, Any]:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            waiting = asyncio.ensure_future(pool.run(staged, str(log), "a", timeout=60))
            ahead = asyncio.ensure_future(pool.run(staged, str(log), "b", trouble, timeout=1))
            bad = await asyncio.gather(ahead, return_exceptions=True)
            release()
            return await waiting, bad[0]

    started = time.monotonic()
    good, bad = asyncio.run(go())
    assert good == "A"
    assert isinstance(bad, error), bad
    assert lines(log).count("then a") == 1
    assert lines(log)[:2] == ["first a", "first b"]  # b was run ahead of a's write
    assert time.monotonic() - started < 50  # a hang guard: a was not timed out instead


def test_calls_queued_in_a_worker_are_not_run_after_close(tmp_path: Path) -> None:
    """Up to QUEUED_WRITING calls wait in a worker of such a pool: closing it lets the
    running one finish and runs none of the others."""
    log = tmp_path / "log"

    async def go() -> list[Any]:
        with Pool(1, write_lock=True) as pool:
            with lock_held(pool) as release:
                calls = [asyncio.ensure_future(pool.run(staged, str(log), n)) for n in "abcd"]
                await asyncio.to_thread(until, lambda: len(lines(log)) == 4)
                closing = asyncio.ensure_future(asyncio.to_thread(pool.close))
                await asyncio.sleep(0.2)
                release()
                await closing
            return list(await asyncio.gather(*calls, return_exceptions=True))

    results = asyncio.run(go())
    assert results[0] == "A"
    assert all(isinstance(result, WorkerCrashed) for result in results[1:]), results
    assert lines(log) == ["first a", "first b", "first c", "first d", "then a"]


def test_calls_queued_in_a_worker_stay_under_a_few_megabytes(tmp_path: Path) -> None:
    """A worker of such a pool is sent calls to run ahead while their inputs stay under
    QUEUED_BYTES (big feeds wait in the parent, as before), at least QUEUED_PER_WORKER."""
    log = tmp_path / "log"
    size = QUEUED_BYTES // 3 + 1  # the third call's input goes past the bound

    async def go() -> list[str]:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            calls = [
                asyncio.ensure_future(pool.run(staged_big, str(log), n, bytes(size)))
                for n in "abcde"
            ]
            await asyncio.to_thread(until, lambda: len(lines(log)) >= 3)
            await asyncio.sleep(0.5)  # (time for more to come, were they sent)
            assert lines(log) == ["first a", "first b", "first c"]
            release()
            return list(await asyncio.gather(*calls))

    assert asyncio.run(go()) == ["A", "B", "C", "D", "E"]


def test_the_waiting_calls_time_limit_stands_still_not_starts_again(tmp_path: Path) -> None:
    """A call's limit counts its own run: its first stage's time still counts after the
    calls after it ran ahead (0.6 s to parse, 0.6 s to write: past a 1 s limit)."""
    log = tmp_path / "log"

    async def go() -> list[Any]:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            calls = [
                asyncio.ensure_future(pool.run(staged, str(log), "slow", "slow", timeout=1.0)),
                asyncio.ensure_future(pool.run(staged, str(log), "b")),
            ]
            await asyncio.to_thread(until, lambda: len(lines(log)) == 2)
            release()
            return list(await asyncio.gather(*calls, return_exceptions=True))

    slow, b = asyncio.run(go())
    assert isinstance(slow, TimedOut), slow
    assert b == "B"


def test_a_call_run_ahead_of_a_dropped_one_runs_again(tmp_path: Path) -> None:
    """A map stopped while its call waits for the lock kills its worker; a call that was
    running ahead of it (its first stage: nothing written) goes to another worker."""
    log = tmp_path / "log"

    async def go() -> Any:
        with Pool(1, write_lock=True) as pool, lock_held(pool) as release:
            stop = threading.Event()

            def mapping() -> list[Any]:
                return list(pool.map(staged, [("m", (str(log), "m"))], should_stop=stop.is_set))

            mapped = asyncio.ensure_future(asyncio.to_thread(mapping))
            ahead = asyncio.ensure_future(pool.run(staged, str(log), "r", "slow"))
            await asyncio.to_thread(until, lambda: lines(log) == ["first m", "first r"])
            stop.set()
            assert await mapped == []
            release()
            return await asyncio.wait_for(ahead, 30)

    assert asyncio.run(go()) == "R"
    assert lines(log).count("then r") == 1 and "then m" not in lines(log)
