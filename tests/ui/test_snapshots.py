"""Snapshot tests of the main screen, the help screen and a narrow terminal.

Update after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.builders import make_store
from tuinews.ui.app import TuinewsApp


async def loaded(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def welcome_app() -> TuinewsApp:
    store = make_store()  # empty: the app opens with the welcome library
    return TuinewsApp(store=store, opener=lambda url: None)


def test_main_screen(snap_compare: Any) -> None:
    assert snap_compare(welcome_app(), terminal_size=(120, 36), run_before=loaded)


def test_help_screen(snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(welcome_app(), terminal_size=(120, 40), run_before=open_help)


def test_narrow_terminal_reading(snap_compare: Any) -> None:
    async def read_second(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("j")
        await loaded(pilot)
        await pilot.press("enter")
        await loaded(pilot)

    assert snap_compare(welcome_app(), terminal_size=(80, 30), run_before=read_second)
