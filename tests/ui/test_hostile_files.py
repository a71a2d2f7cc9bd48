"""Text from files is data: markup and terminal controls are shown harmlessly."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.builders import make_store
from tests.ui.helpers import settle
from tuinews.formats import article_markdown
from tuinews.startup import open_paths
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.main import MainScreen
from tuinews.ui.widgets.headline_list import HeadlineList


def hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "[@click=app.quit]Click this headline now[/]\n\nA paragraph of text that ends well.\n"
    )
    (folder / "b.md").write_text("# Use a[i] then [/bold] and [/]\n\nBody [b]text[/b].\n")
    (folder / "c.txt").write_text(
        "\x1b]52;c;SEVMTE8=\x07Clipboard \x1b[2J title \u202ehere\n\n"
        "Body \x9b31m text with \x1bP+q544e\x1b\\ a query.\n"
    )
    (folder / "[-].txt").write_bytes(b"")  # skipped: its name goes into a notification
    return folder


async def test_markup_and_controls_in_files_are_shown_literally(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    store = make_store()
    app = TuinewsApp(
        store=store, start=partial(open_paths, store, [str(folder)]), opener=lambda url: None
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        messages = [notification.message for notification in app._notifications]
        assert any("1 empty file" in m and "[-].txt: empty file" in m for m in messages)
        titles = [article.title for article in screen.shown]
        assert "[@click=app.quit]Click this headline now[/]" in titles
        assert "Use a[i] then [/bold] and [/]" in titles
        for headline in screen.shown:
            article = store.get_article(headline.id)
            assert article is not None
            for value in (article.title, article.source, article_markdown(article), article.text):
                assert "\x1b" not in value and "\x9b" not in value and "\x07" not in value
                assert "\u202e" not in value
        headlines = screen.query_one(HeadlineList)
        rows = [headlines.render_line(y).text for y in range(len(titles))]
        assert any("[@click=app.quit]Click" in row for row in rows)
        assert any("Use a[i] then [/bo" in row for row in rows)
        for y in range(len(titles)):
            await pilot.click(HeadlineList, offset=(10, y))
            await settle(pilot)
        assert app.is_running
        await pilot.press("enter", "space", "j", "space")
        await settle(pilot)
        assert app.is_running
        assert "\x1b" not in screen.article_view.text
