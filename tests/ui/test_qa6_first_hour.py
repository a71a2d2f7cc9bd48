"""Pilot tests of what the sixth wave's QA session found driving the real command as a
newsboat user would: the links' dialogs sat in the screen's top-left corner over the search
bar (every other dialog is centred); a key typed just after Escape closed a dialog was lost."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen

from tests.builders import article
from tests.ui.helpers import main, make_app, press_fast, settle, wait_for
from tuinews.ui.screens.help import HelpScreen
from tuinews.ui.screens.links_dialog import LinkNumberDialog, LinksScreen

BODY = "Read [one](https://one.example/a), [two](https://two.example/b) and more."


async def _read(pilot: Pilot[None]) -> None:
    await settle(pilot)
    screen = main(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.article_view.ready and screen.article_view.complete)


def _centred(pilot: Pilot[None], dialog_id: str) -> None:
    region = pilot.app.screen.query_one(dialog_id).region
    width, height = pilot.app.size
    left, right = region.x, width - region.right
    top, bottom = region.y, height - region.bottom
    assert abs(left - right) <= 1, (region, pilot.app.size)
    assert abs(top - bottom) <= 1, (region, pilot.app.size)


async def test_the_links_dialogs_are_centred() -> None:
    app = make_app([article("1", title="Links", body=BODY, link="https://site.example/1")])
    async with app.run_test(size=(120, 40)) as pilot:
        await _read(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))
        await pilot.pause()
        _centred(pilot, "#links-dialog")
        await pilot.press("escape")
        await pilot.press("number_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, LinkNumberDialog))
        await pilot.pause()
        _centred(pilot, "#link-number-dialog")


@pytest.mark.parametrize("opening", ["a", "number_sign", "u"])
async def test_a_key_typed_just_after_escape_closes_a_dialog_is_not_lost(opening: str) -> None:
    """`a` Escape `?` typed fast: the `?` went to the closing dialog's field and was lost
    (no help screen); so in every dialog with a text field (#: a link's number)."""
    app = make_app([article("1", title="Links", body=BODY, link="https://site.example/1")])
    async with app.run_test(size=(120, 40)) as pilot:
        await _read(pilot)  # (# and u act in the article pane)
        await pilot.press(opening)
        await wait_for(pilot, lambda: isinstance(app.screen, ModalScreen))
        dialog = app.screen
        press_fast(pilot, "escape", "question_mark")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen is not dialog
        )
