"""The app's workers run at a lower priority than the app's own process (issue 14's UI
stall: on a busy machine the two workers converting a first sync's items filled both
cores, and the app's frames waited for one). A command's workers keep the normal one.

Real processes (spawn), nothing mocked: a worker reports its own niceness."""

from __future__ import annotations

import asyncio
import os

from tuinews.ingest import BACKGROUND_NICE, Refresher
from tuinews.pool import Pool
from tuinews.settings import Settings
from tuinews.store import Store


def niceness(pool: Pool) -> int:
    return asyncio.run(pool.run(os.nice, 0))  # os.nice(0): the process's niceness


def test_a_pool_s_workers_run_at_its_niceness() -> None:
    with Pool(size=1, nice=5) as pool:
        assert niceness(pool) == min(os.nice(0) + 5, 19)
    with Pool(size=1) as pool:
        assert niceness(pool) == os.nice(0)


def test_the_app_s_refresher_works_in_the_background_and_a_command_s_does_not(
    store: Store,
) -> None:
    app = Refresher(store, Settings(), background=True)
    command = Refresher(store, Settings())
    try:
        assert niceness(app.pool) == min(os.nice(0) + BACKGROUND_NICE, 19)
        assert niceness(command.pool) == os.nice(0)
    finally:
        asyncio.run(app.close())
        asyncio.run(command.close())
