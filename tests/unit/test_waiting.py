"""The tests' own waits never give up silently: they fail saying what they waited for."""

from __future__ import annotations

import pytest

from tests.ui.helpers import wait_drawn
from tests.waiting import wait_until, wait_until_async


def test_a_wait_that_runs_out_fails_with_its_condition() -> None:
    found: list[int] = []
    with pytest.raises(AssertionError, match=r"waiting for: lambda: len\(found\) == 3"):
        wait_until(lambda: len(found) == 3, timeout=0.05)
    with pytest.raises(AssertionError, match="waiting for: the third item"):
        wait_until(lambda: len(found) == 3, timeout=0.05, what="the third item")
    wait_until(lambda: not found, timeout=0.05)  # met at once: no wait


async def test_the_async_and_pilot_waits_fail_the_same_way() -> None:
    with pytest.raises(AssertionError, match="waiting for: lambda: False"):
        await wait_until_async(lambda: False, timeout=0.05)
    with pytest.raises(AssertionError, match="gave up after 3 pauses waiting for: lambda: False"):
        await wait_drawn(lambda: False, guard=3)
