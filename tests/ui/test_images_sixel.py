"""Sixel images in the article pane (Pilot, a real HTTP server on 127.0.0.1): each row of
the image is a sixel image drawn after its row's blank cells, at that row's place on the
screen (as the screen's lines carry them to the terminal); scrolled, only the rows on
screen are drawn, at their new places; another article draws none; a dialog over the
screen draws none and they are back when it closes."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tests.builders import article
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.sixel_decoder import decode as decode_sixel
from tests.ui.helpers import make_app, wait_settled
from tuinews.settings import Settings
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.article_view import ArticleView

_DRAWN = re.compile(r"\x1b\[(\d+);(\d+)H(\x1bP[0-9;]*q.*?\x1b\\)", re.S)


def drawn(app: TuinewsApp, screen: Screen[object] | None = None) -> list[tuple[int, int, str]]:
    """The sixel images on the screen's lines: (screen row, column, image), 0-based."""
    found = []
    for strip in (screen or app.screen)._compositor.render_strips():
        for segment in strip:
            if segment.control:
                found += [
                    (int(m[1]) - 1, int(m[2]) - 1, m[3]) for m in _DRAWN.finditer(segment.text)
                ]
    return found


def _articles(server: FeedServer) -> list:
    server.route("/sun.png", Response(body=png(160, 80), headers={"Content-Type": "image/png"}))
    paragraphs = "\n\n".join(f"Paragraph {i}." for i in range(60))
    body = f"The sun.\n\n![The sun]({server.url('/sun.png')})\n\nThe end.\n\n{paragraphs}"
    return [article("1", body=body, day=2), article("2", body="No images here.")]


async def _shown(pilot: Pilot[None], view: ArticleView) -> int:
    """The pane's row of the image's alt text, once the image is in."""
    await wait_settled(
        pilot,
        lambda: view.ready and view._rendered_width == view._render_width(),
        what="laid out",
    )
    await wait_settled(pilot, lambda: view.images.inserted >= 1, what="the image")
    # (drawn at the pane's final width: the article may be laid out again meanwhile)
    await wait_settled(pilot, lambda: len(drawn(view.app)) == 5, what="its five rows")
    return next(i for i, line in enumerate(view.text.splitlines()) if "🌆 The sun" in line)


@pytest.fixture(autouse=True)
def _sixel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "sixel")


async def test_each_row_is_drawn_where_its_cells_are(server: FeedServer) -> None:
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        alt = await _shown(pilot, view)
        region = view.scrollable_content_region
        images = drawn(app)
        assert [(row, column) for row, column, _ in images] == [
            (region.y + alt + 1 + i, region.x) for i in range(5)
        ]
        # After each image, the cursor goes back to where the row's cells go on: right
        # after the image's 20 cells (the cells after it are written there).
        segments = [s.text for line in app.screen._compositor.render_strips() for s in line]
        backs = re.findall(r"\x1b\\\x1b\[(\d+);(\d+)H", "".join(segments))
        assert [(int(r) - 1, int(c) - 1) for r, c in backs] == [
            (region.y + alt + 1 + i, region.x + 20) for i in range(5)
        ]
        text = view.text.splitlines()
        assert all(not text[alt + 1 + i].strip() for i in range(5))  # the cells are blank
        assert "The end." in text[alt + 7]  # (a blank line after the image)
        for _, _, data in images:
            image = decode_sixel(data)
            # 20 cells of the terminal's cell size (10x20 pixels when it does not say)
            width, height = view.images.cell
            assert (image.width, image.height) == (20 * width, height)
            assert set(image.colours.values()) == {(78, 12, 12)}  # the red of the picture


async def test_scrolled_only_the_rows_on_screen_are_drawn_at_their_new_places(
    server: FeedServer,
) -> None:
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        alt = await _shown(pilot, view)
        region = view.scrollable_content_region
        first = drawn(app)
        view.scroll_to(y=alt + 3, animate=False, immediate=True, force=True)
        await wait_settled(pilot, lambda: view.scroll_offset.y == alt + 3)
        # Rows 0-1 of the image are above the pane now; rows 2-4 at its top.
        assert [(row, column, data) for row, column, data in drawn(app)] == [
            (region.y + i, region.x, first[2 + i][2]) for i in range(3)
        ]
        view.scroll_to(y=alt + 40, animate=False, immediate=True, force=True)
        await wait_settled(pilot, lambda: view.scroll_offset.y == alt + 40)
        assert drawn(app) == []
        view.scroll_to(y=0, animate=False, immediate=True, force=True)
        await wait_settled(pilot, lambda: view.scroll_offset.y == 0)
        assert drawn(app) == first


async def test_another_article_draws_none(server: FeedServer) -> None:
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await _shown(pilot, view)
        assert drawn(app)
        await pilot.press("j")
        await wait_settled(pilot, lambda: view.ready and "No images here." in view.text)
        assert drawn(app) == []
        assert not view.images._sixel_rows  # nothing kept for lines that are gone


class _Dialog(ModalScreen[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("A dialog over the article")


async def test_a_dialog_over_the_screen_hides_them_until_it_closes(server: FeedServer) -> None:
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        main = app.screen
        alt = await _shown(pilot, view)
        assert len(drawn(app)) == 5
        await app.push_screen(_Dialog())
        await pilot.pause()
        # Drawn under the dialog from the lines the pane kept: without the images (they
        # would be painted over the dialog, or turned into text by its tint).
        assert drawn(app, main) == []
        assert '"1;1;' not in "".join(
            s.text for line in main._compositor.render_strips() for s in line
        )
        view.refresh()
        await pilot.pause()
        row = alt + 1 - view.scroll_offset.y
        assert not any(segment.control for segment in view.render_line(row))
        app.pop_screen()
        await wait_settled(pilot, lambda: app.screen is main and len(drawn(app)) == 5)
