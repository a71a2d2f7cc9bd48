"""The test process gets back what each app run in it held: the app's idle collector
freezes what lives when it starts and leaves it frozen as the app exits (the process
ends then), so every app's store connections (five descriptors) stayed open, over 1,000
by the end of a full run. tests/conftest.py unfreezes after each test; these two tests,
in this order, check that the first one's store is collected in the second."""

from __future__ import annotations

import gc
import weakref

import pytest

from tests.builders import make_articles
from tests.ui.helpers import make_app, settle
from tuinews.store import Store

_LEFT: list[weakref.ref[Store]] = []


async def test_an_app_runs_and_ends() -> None:
    app = make_app(make_articles(3))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0  # (its idle collector froze what lived then)
    _LEFT.append(weakref.ref(app.store))


def test_the_app_run_before_is_collected_with_its_store() -> None:
    if not _LEFT:
        pytest.skip("checks what test_an_app_runs_and_ends left: run with it")
    gc.collect()
    assert _LEFT[0]() is None
