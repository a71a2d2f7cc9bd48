"""Pilot tests of the article pane under fast movement: one render at a time, the newest
wins, long articles show their beginning first, and read flags reach the SQLite file.
Nothing here is timed, except generous guards against hanging."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events

from tests.builders import make_articles, with_long_article
from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article
from tuinews.render import Line, render_article
from tuinews.ui.widgets import article_render as article_view


def read_in_file(db: Path) -> dict[str, bool]:
    """The read flags committed to the database file, by title (a connection of its own)."""
    connection = sqlite3.connect(db)
    try:
        return {
            title: bool(read)
            for title, read in connection.execute("SELECT title, read FROM articles")
        }
    finally:
        connection.close()


async def test_holding_j_renders_only_the_article_it_stops_on() -> None:
    app = make_app(make_articles(40))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        view = screen.article_view
        assert view.article is not None and view.article.title == "Headline 0"
        view.rest = view.settled = 1.0  # keys within 1 s of each other: "moving" (no timing)
        started = view.renders_started
        for _ in range(30):  # a held key: the events arrive faster than they are handled
            app.post_message(events.Key("j", "j"))
        await wait_for(pilot, lambda: screen.headlines.cursor == 30)
        await wait_for(pilot, lambda: view.ready)
        await settle(pilot)
        assert view.article is not None and view.article.title == "Headline 30"
        assert "Paragraph 2 of article 30." in view.text
        # The first key renders at once (the cursor had rested); the others wait for the
        # cursor to rest again, and only the newest is rendered then.
        assert view.renders_started - started <= 2
        # Passed over, not viewed: not read. The one it stopped on is.
        read = [headline.title for headline in screen.shown if headline.read]
        assert "Headline 30" in read and len(read) <= 2
        assert not screen.shown[15].read


async def test_a_long_article_shows_its_beginning_before_the_rest_is_rendered() -> None:
    articles = with_long_article(2, paragraphs=1)
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        shown: list[tuple[int, bool]] = []  # (lines, complete) each time an article is put up
        put_lines = view._put_lines

        def spy(lines: list[Line], *args: object, **kwargs: object) -> None:
            put_lines(lines, *args, **kwargs)  # type: ignore[arg-type]
            shown.append((len(view.lines), view.complete))

        view._put_lines = spy  # type: ignore[method-assign]
        await pilot.press("j")
        await wait_for(pilot, lambda: view.ready)
        first_lines, first_complete = shown[-1]  # (the article is put up once)
        assert not first_complete
        await settle(pilot)
        assert view.complete
        assert first_lines < len(view.lines) / 10  # the beginning: a screenful or so
        assert "Paragraph 0." in view.text and "Paragraph 299." in view.text
        width = view._render_width()
        assert (
            view.lines[first_lines - 1]
            == view._renders[(view.article_id, width)][0][first_lines - 1]
        )


async def test_moving_on_abandons_a_long_render(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = with_long_article(3, paragraphs=1)
    app = make_app(articles)
    moved = threading.Event()
    pulled: dict[str, int] = {}

    def held(article: Article, markdown: str, width: int) -> Iterator[list[Line]]:
        """The real renderer, holding the long article after its first chunk until the
        cursor has moved on."""
        for count, batch in enumerate(render_article(article, markdown, width)):
            pulled[article.title] = count + 1
            yield batch
            if article.title == "Headline 1":
                assert moved.wait(30)

    monkeypatch.setattr(article_view, "render_article", held)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        await pilot.press("j")
        await wait_for(pilot, lambda: view.ready)
        assert not view.complete
        await pilot.press("j")
        moved.set()
        await settle(pilot)
        assert view.article is not None and view.article.title == "Headline 2"
        assert "Paragraph 0 of article 2." in view.text
        assert view.complete and view.at_end
        assert pulled["Headline 1"] <= 2  # at most the chunk it was holding, then it stopped
        assert not any(rendered.title == "Headline 1" for _, rendered, _ in view._renders.values())


async def test_read_flags_of_viewed_articles_are_committed_to_the_file() -> None:
    app = make_app(make_articles(6))
    db = app.store.path
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        for _ in range(3):
            await pilot.press("j")
            await settle(pilot)
        await wait_for(pilot, lambda: screen.read_flags.idle)
        committed = read_in_file(db)
        assert [t for t, read in sorted(committed.items()) if read] == [
            "Headline 0",  # shown first
            "Headline 1",
            "Headline 2",
            "Headline 3",
        ]
        # Flags still queued when the app quits are written as it exits.
        assert screen.shown[5].title == "Headline 5"
        screen.read_flags.add([screen.shown[5].id], True)  # no writer started
        await pilot.press("q")
    assert read_in_file(db)["Headline 5"]
    assert not read_in_file(db)["Headline 4"]


async def test_article_text_is_never_markup() -> None:
    articles = make_articles(1)
    articles[0].body = "Text with [bold]brackets[/bold] and [link=x]y[/link]."
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = main(pilot).article_view.text
        assert "[bold]brackets[/bold]" in text and "[link=x]y[/link]" in text
