"""The refresh's worker pool: a call's time limit counts its own run, a hung call is
killed, a crash is reported. Real processes (spawn), no mocks."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tuinews.workers import Crashed, TimedOut, WorkerPool


def nap(seconds: float, value: str) -> tuple[str, int]:
    """In a worker: take a while, then say which process did it."""
    time.sleep(seconds)
    return value, os.getpid()


def die() -> None:
    os._exit(3)


def test_a_call_queued_behind_another_is_not_timed_while_it_waits() -> None:
    """One worker, two calls of 1.2 s let in at once under a 2 s limit: the second waits
    1.2 s and runs 1.2 s, and still finishes, since its limit starts when it starts."""

    async def go() -> list[tuple[str, int]]:
        pool = WorkerPool(1)
        try:
            await pool.run(30, nap, 0, "warm-up")  # the worker's start-up is not the point
            return list(
                await asyncio.gather(pool.run(2.0, nap, 1.2, "a"), pool.run(2.0, nap, 1.2, "b"))
            )
        finally:
            pool.close()

    started = time.monotonic()
    results = asyncio.run(go())
    assert [value for value, _ in results] == ["a", "b"]
    assert results[0][1] == results[1][1]  # the same worker, one after the other
    assert time.monotonic() - started >= 2.4


def test_a_hung_call_is_killed_and_the_next_call_gets_a_new_worker() -> None:
    async def go() -> tuple[int, tuple[str, int]]:
        pool = WorkerPool(1)
        try:
            _, first = await pool.run(30, nap, 0, "warm-up")
            with pytest.raises(TimedOut):
                await pool.run(0.5, nap, 60, "hung")
            return first, await pool.run(30, nap, 0, "after")
        finally:
            pool.close()

    started = time.monotonic()
    first, (value, second) = asyncio.run(go())
    assert value == "after"
    assert second != first  # the hung worker was killed, not waited for
    assert time.monotonic() - started < 30  # a hang guard, not a timing test


def test_a_call_that_kills_its_worker_twice_is_reported() -> None:
    async def go() -> str:
        pool = WorkerPool(1)
        try:
            with pytest.raises(Crashed):
                await pool.run(30, die)
            value, _ = await pool.run(30, nap, 0, "still works")
            return value
        finally:
            pool.close()

    assert asyncio.run(go()) == "still works"
