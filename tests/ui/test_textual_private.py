"""Textual's private APIs that tuinews uses (src/tuinews/ui/textual_private.py) are there
and do what that module relies on: a new Textual that changes them fails here, not in the
middle of drawing a frame."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets.option_list import Option

from tuinews.ui import textual_private
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


class Recorded(OneLineOptionList):
    drawn: list[int]  # the rows drawn (render_line's y), in order

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class Counts(App[None]):
    def compose(self) -> ComposeResult:
        options = Recorded(*[Option(f"feed {i}  {i}") for i in range(60)], None, "last")
        options.drawn = []
        yield options


@pytest.mark.parametrize("drop_all_over", [textual_private.DROP_ALL_OVER, 0])
async def test_a_replaced_prompt_redraws_its_row_only(
    drop_all_over: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count changed (an article marked read) draws that row again, not the whole list
    (OptionList's own redraws every row: 15-25 ms at 1,000 feeds for each article read);
    the new prompt is shown, scrolled or not, and a row out of view is drawn when it
    comes into view. The same when many renderings are kept (all are dropped then)."""
    monkeypatch.setattr(textual_private, "DROP_ALL_OVER", drop_all_over)
    app = Counts()
    async with app.run_test(size=(40, 20)) as pilot:
        options = app.query_one(Recorded)
        await pilot.pause()
        for scroll, index in ((0, 3), (10, 14)):
            options.scroll_to(y=scroll, animate=False, immediate=True)
            await pilot.pause()
            options.drawn.clear()
            options.replace_option_prompt_at_index(index, f"feed {index}  {index + 100}")
            await pilot.pause()
            assert options.drawn == [index - scroll]
            row = options.render_line(index - scroll).text
            assert row.startswith(f"feed {index}  {index + 100}")
        options.replace_option_prompt_at_index(50, "feed 50  150")  # out of view
        options.scroll_to(y=40, animate=False, immediate=True)
        await pilot.pause()
        assert options.render_line(10).text.startswith("feed 50  150")
