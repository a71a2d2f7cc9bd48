"""The worker pool that runs parsers under a time limit: real processes, nothing mocked.

The functions the workers run are defined here (workers import them by name)."""

from __future__ import annotations

import os
import time

import pytest

from tuinews.formats import FormatError
from tuinews.timed_pool import TimedOut, TimedPool, WorkerCrashed


def square(value: int) -> int:
    return value * value


def slow_square(value: int) -> int:
    time.sleep(value / 10)
    return value * value


def spin(seconds: float) -> str:
    """Busy in pure Python, as a runaway regex is: a thread could not stop this."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "finished"


def fail(message: str) -> None:
    raise FormatError(message)


def die(code: int) -> None:
    os._exit(code)


def pid(_: object) -> int:
    return os.getpid()


def test_results_come_back_keyed_and_complete() -> None:
    with TimedPool(size=2) as pool:
        results = dict(pool.run(square, ((n, (n,)) for n in range(20))))
    assert results == {n: n * n for n in range(20)}


def test_two_workers_run_side_by_side() -> None:
    with TimedPool(size=2) as pool:
        pool.start(2)
        order = [key for key, _ in pool.run(slow_square, [("slow", (30,)), ("fast", (1,))])]
    assert order == ["fast", "slow"]  # the short call was not queued behind the long one


def test_a_call_past_its_limit_is_killed_and_the_others_go_on() -> None:
    with TimedPool(size=2, timeout=3.0) as pool:  # long enough for a first call's imports
        pool.start(2)
        start = time.monotonic()
        results = dict(pool.run(spin, [("runaway", (600.0,)), ("a", (0.0,)), ("b", (0.0,))]))
        elapsed = time.monotonic() - start
        assert isinstance(results.pop("runaway"), TimedOut)
        assert results == {"a": "finished", "b": "finished"}
        assert elapsed < 60  # a hang guard: the runaway call alone would take 600 s
        # A new worker replaces the killed one.
        assert dict(pool.run(square, [("again", (3,))])) == {"again": 9}


def test_exceptions_come_back_as_values() -> None:
    with TimedPool(size=1) as pool:
        ((key, error),) = pool.run(fail, [("bad", ("not a feed",))])
    assert key == "bad" and isinstance(error, FormatError) and str(error) == "not a feed"


def test_a_worker_that_dies_is_reported_and_replaced() -> None:
    with TimedPool(size=1) as pool:
        results = dict(pool.run(die, [("dead", (3,))]))
        assert isinstance(results["dead"], WorkerCrashed)
        assert dict(pool.run(square, [("next", (4,))])) == {"next": 16}


def test_workers_are_reused_and_killed_on_close() -> None:
    pool = TimedPool(size=1)
    pids = {value for _, value in pool.run(pid, ((n, (n,)) for n in range(5)))}
    assert len(pids) == 1 and os.getpid() not in pids
    (worker_pid,) = pids
    pool.close()
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def test_should_stop_ends_the_run_early() -> None:
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with TimedPool(size=1, timeout=600) as pool:
        start = time.monotonic()
        results = list(pool.run(spin, [("long", (600.0,))], should_stop=stop))
        assert results == []
        assert time.monotonic() - start < 60  # a hang guard
        assert not any(worker.busy for worker in pool._workers)


def test_inputs_are_read_lazily() -> None:
    """One input ahead of the free workers: a long list of big inputs is never all held."""
    pulled = 0

    def inputs():
        nonlocal pulled
        for n in range(10):
            pulled += 1
            yield n, (n,)

    with TimedPool(size=1) as pool:
        run = pool.run(square, inputs())
        next(run)
        assert pulled <= 3
        assert len(list(run)) == 9
