"""Pane widths: the title gets the space; the user resizes the panes with keys (remappable,
listed in help and the palette) and by dragging a border; the widths are remembered
across runs in the state file, never in the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article
from tuinews.remembered import load_state, state_path
from tuinews.settings import Settings
from tuinews.ui.pane_sizes import ARTICLE_MIN, FEEDS_MIN, HEADLINES_MIN, STEP
from tuinews.ui.screens.main import MainScreen

LONG = "A long headline about the government and the new market rules for the people of X"


def articles() -> list[Article]:
    found = make_articles(20)
    for article in found:
        article.title = LONG
    return found


def widths(screen: MainScreen) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        pane.outer_size.width for pane in (screen.feed_list, screen.headlines, screen.article_view)
    )


async def ready(pilot: Pilot[None]) -> MainScreen:
    await settle(pilot)
    screen = main(pilot)
    await wait_for(pilot, lambda: screen.feed_list.region.width > 0)
    await settle(pilot)
    return screen


def title_cells(screen: MainScreen) -> int:
    """How much of the title the cursor's row shows."""
    row = screen.headlines.render_line(0).text
    shown = row[3:].split("…")[0] if "…" in row else row[3:].rstrip()
    assert LONG.startswith(shown.rstrip())
    return len(shown)


async def test_the_title_gets_most_of_the_row_and_the_feed_list_grows_with_the_screen() -> None:
    for size, least_title, least_feeds in (((120, 40), 35, 18), ((200, 50), 50, 30)):
        app = make_app(articles())
        async with app.run_test(size=size) as pilot:
            screen = await ready(pilot)
            feeds, headlines, article = widths(screen)
            assert feeds >= least_feeds, size
            assert title_cells(screen) >= least_title, (size, screen.headlines.render_line(0))
            assert title_cells(screen) >= (headlines - 2) * 0.65  # the source and date: compact
            assert article >= 40


async def test_keys_resize_the_panes_and_the_widths_are_remembered() -> None:
    config = Path(Settings().db_path()).parent / "config-untouched.toml"
    app = make_app(articles())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        feeds, headlines, article = widths(screen)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert widths(screen) == (feeds, headlines + 2 * STEP, article - 2 * STEP)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert widths(screen) == (feeds, headlines + STEP, article - STEP)
        for step in range(2, 6):  # each press moves the border by STEP exactly (Textual
            # rounds a pane's share of the room down: the shares are kept in whole cells)
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert widths(screen) == (feeds, headlines + step * STEP, article - step * STEP)
        for _ in range(4):
            await pilot.press("left_square_bracket")
            await pilot.pause()
        assert widths(screen) == (feeds, headlines + STEP, article - STEP)
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        wider = widths(screen)
        assert wider[0] == feeds + STEP and sum(wider) == 120
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        await pilot.pause()
        assert widths(screen)[0] == feeds - STEP
        chosen = widths(screen)
    saved = load_state(state_path())
    assert saved["feeds_width"] == feeds - STEP and 0.3 < saved["headlines_share"] < 0.7
    assert not config.exists()

    again = make_app(articles())
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert widths(screen) == chosen  # as they were left
        await pilot.press("equals_sign")  # back to the defaults
        await pilot.pause()
        assert widths(screen) == (feeds, headlines, article)
    assert load_state(state_path()) == {}


async def test_dragging_a_border_resizes_the_panes_without_clicking_a_row() -> None:
    app = make_app(articles())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        feeds, headlines, _ = widths(screen)
        border = screen.headlines.region.right - 1  # its right border, on screen
        row = screen.headlines.region.y + 5
        await pilot.mouse_down(offset=(border, row))
        await pilot.hover(offset=(border + 10, row))
        await pilot.mouse_up(offset=(border + 10, row))
        await pilot.pause()
        assert widths(screen)[1] == headlines + 10
        assert screen.headlines.cursor == 0  # the row under the mouse was not clicked
        border = screen.feed_list.region.right - 1
        await pilot.mouse_down(offset=(border, row))
        await pilot.hover(offset=(border + 6, row))
        await pilot.mouse_up(offset=(border + 6, row))
        await pilot.pause()
        assert widths(screen)[0] == feeds + 6
        assert screen.feed_list.highlighted == 0
    saved = load_state(state_path())
    assert saved["feeds_width"] == feeds + 6


async def test_the_resize_keys_are_listed_and_can_be_remapped() -> None:
    settings = Settings(refresh_on_start=False, keys={"wider_headlines": "plus"})
    app = make_app(articles(), settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        rows = {row.id: row for row in app.binding_rows()}
        for binding_id in (
            "wider_headlines",
            "narrower_headlines",
            "wider_feeds",
            "narrower_feeds",
            "default_widths",
        ):
            assert rows[binding_id].description
        assert rows["wider_headlines"].keys == "+"
        headlines = widths(screen)[1]
        await pilot.press("plus")
        await pilot.pause()
        assert widths(screen)[1] == headlines + STEP


async def test_a_narrow_terminal_says_why_the_panes_cannot_be_resized() -> None:
    app = make_app(articles())
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        messages: list[str] = []
        app.notify = lambda message, **_: messages.append(message)  # type: ignore[method-assign]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert messages and "cannot be resized" in messages[0]


@pytest.mark.parametrize("size", [(110, 30), (133, 30), (157, 30)])
async def test_each_key_press_moves_the_border_by_the_same_step(size: tuple[int, int]) -> None:
    """Textual rounds each pane's share of the room down: the shares are given in cells
    of the room, so that a step is never lost."""
    app = make_app(articles())
    async with app.run_test(size=size) as pilot:
        screen = await ready(pilot)
        feeds, headlines, article = widths(screen)
        for step in range(1, 4):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert widths(screen) == (feeds, headlines + step * STEP, article - step * STEP)


async def test_no_pane_is_made_narrower_than_its_least_width() -> None:
    app = make_app(articles())
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*["right_square_bracket"] * 12, *["right_curly_bracket"] * 12)
        await pilot.pause()
        feeds, headlines, article = widths(screen)
        assert article == ARTICLE_MIN and headlines == HEADLINES_MIN and sum(widths(screen)) == 110
        await pilot.press(*["left_curly_bracket"] * 12, *["left_square_bracket"] * 12)
        await pilot.pause()
        feeds, headlines, _ = widths(screen)
        assert feeds == FEEDS_MIN and headlines == HEADLINES_MIN


async def test_the_feed_counts_stay_at_the_right_edge_of_the_feed_list() -> None:
    app = make_app(articles())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        feeds = screen.feed_list

        def count_at_edge() -> bool:
            line = feeds.render_line(0).text  # "All articles   19", padded to the pane
            end = len(line.rstrip())
            count = f" {feeds.entries[0].unread}"  # 19 or 20: the first article shown is read
            return line.rstrip().endswith(count) and end >= feeds.scrollable_content_region.width

        await wait_for(pilot, count_at_edge)
        for key in ("right_curly_bracket", "right_curly_bracket", "left_curly_bracket"):
            await pilot.press(key)
            await wait_for(pilot, count_at_edge)
