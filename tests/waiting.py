"""Waiting for a condition, never for a time: for tests whose outcome comes from another
thread or process (the Pilot tests have their own, tests/ui/helpers.py). Each wait has a
hang guard and, when it runs out, fails saying what it waited for."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable


def described(condition: object) -> str:
    """The condition as written in the test (its lambda's source), for the failure."""
    try:
        source = inspect.getsource(condition)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return repr(condition)
    source = " ".join(source.split())
    return source[source.index("lambda") :] if "lambda" in source else source


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
    """Until ``condition()`` holds, looking every 10 ms; after ``timeout`` seconds (a
    hang guard, not a timing) an AssertionError saying what it waited for."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"gave up after {timeout} s waiting for: {what or described(condition)}"
            )
        time.sleep(0.01)


async def wait_until_async(
    condition: Callable[[], object], timeout: float = 30.0, what: str = ""
) -> None:
    """``wait_until`` in a coroutine: the event loop runs while it waits."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"gave up after {timeout} s waiting for: {what or described(condition)}"
            )
        await asyncio.sleep(0.005)
