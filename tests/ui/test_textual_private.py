"""Textual's private APIs that tuinews uses (src/tuinews/ui/textual_private.py) are there
and do what that module relies on: a new Textual that changes them fails here, not in the
middle of drawing a frame."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.widgets.option_list import Option

from tuinews.ui.textual_private import OneLineOptionList, set_virtual_size
from tuinews.ui.widgets.scrolling import LinesView


class Panes(App[None]):
    def compose(self) -> ComposeResult:
        yield LinesView()
        yield OneLineOptionList(*[Option(f"option {i}") for i in range(30)], None, "last")


async def test_the_private_apis_used_are_there_and_work() -> None:
    app = Panes()
    async with app.run_test(size=(40, 20)) as pilot:
        view = app.query_one(LinesView)
        set_virtual_size(view, Size(10, 500))  # no layout of the screen asked for
        await pilot.pause()
        assert view.virtual_size == Size(10, 500)
        assert view.max_scroll_y == 500 - view.scrollable_content_region.height
        view.scroll_to(y=400, animate=False, immediate=True)
        set_virtual_size(view, Size(10, 50))  # the scroll is kept within the new size
        assert view.scroll_y <= 50

        options = app.query_one(OneLineOptionList)
        cache = getattr(options, "_line_cache", None)
        assert isinstance(getattr(cache, "heights", None), dict)  # the fast path is taken
        heights = sorted(cache.heights.values())  # type: ignore[union-attr]
        assert heights == [1] * 30 + [2]  # one line each; the separator a line of its own
        assert options.virtual_size.height == 32
