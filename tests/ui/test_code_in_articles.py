"""Code blocks in the article pane: never wrapped mid-line; one wider than the pane
scrolls sideways (left and right keys); the welcome articles' code fits the pane at the
default 120x40 layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from tests.builders import make_store
from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.article_view import ArticleView

WELCOME = Path(__file__).resolve().parents[2] / "src" / "tuinews" / "welcome"


def code_lines(markdown: str) -> list[str]:
    """The lines of the indented code blocks."""
    return [line[4:].rstrip() for line in markdown.splitlines() if line.startswith("    ")]


async def shown(pilot: Pilot[None], view: ArticleView) -> None:
    await wait_for(pilot, lambda: view.ready and view.complete)
    await wait_for(pilot, lambda: view._rendered_width == view._render_width())
    await settle(pilot)


async def test_the_welcome_articles_code_is_whole_and_fits_at_120_by_40() -> None:
    app = TuinewsApp(store=make_store(), settings=Settings(refresh_on_start=False))
    expected = {path.stem: code_lines(path.read_text()) for path in sorted(WELCOME.glob("*.md"))}
    assert sum(map(len, expected.values())) >= 4
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        view = screen.article_view
        texts = []
        for index in range(len(screen.headlines.ids)):
            screen.headlines.move_to(index)
            await shown(pilot, view)
            texts.append(view.text)
            assert view._widest <= view.scrollable_content_region.width, view.article
        for codes in expected.values():
            for code in codes:
                if code:
                    assert any(code in line for text in texts for line in text.splitlines()), code


async def test_a_code_block_wider_than_the_pane_scrolls_sideways() -> None:
    wide = "x = 1  # " + "a comment that goes on " * 10
    body = f"A paragraph.\n\n```python\n{wide}\n```\n\nAfter."
    article = Article(
        title="Code",
        source="S",
        body=body,
        text=body,
        date=datetime(2024, 6, 1, tzinfo=UTC),
        uid="code",
    )
    app = make_app([article])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        await shown(pilot, view)
        assert any(wide.rstrip() in line for line in view.text.splitlines())
        assert view.virtual_size.width > view.scrollable_content_region.width
        await pilot.press("enter", "right", "right")
        assert view.scroll_offset.x == 8
        await pilot.press("left")
        assert view.scroll_offset.x == 4
