"""Pilot tests of what the sixth wave's QA session found driving the real command as a
newsboat user would: the links' dialogs sat in the screen's top-left corner over the search
bar (every other dialog is centred)."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.builders import article
from tests.ui.helpers import main, make_app, settle, wait_for
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
