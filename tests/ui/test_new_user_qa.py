"""Pilot tests of what a QA engineer found trying the app as a new user (third wave): a
click in the narrow layout shows the headline clicked, ``S`` brackets the search it saves,
``d`` on an account's feed or a saved search, the account feeds marked in the feed list,
the save dialog's place, the help's keys and ``R``'s message when a sync fails."""

from __future__ import annotations

import threading

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle, wait_for, where_shown
from tuinews.models import Article


async def test_a_click_in_the_narrow_layout_shows_the_headline_clicked() -> None:
    """The narrow layout shows the article pane when a headline is clicked: it renders the
    article at its new width while the one clicked is still on its way. It rendered the
    article on screen before (another) under the clicked one's id: shown, marked read and
    kept as that one's (Escape and Enter showed it again)."""
    app = make_app(make_articles(10, paragraphs=1))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        view = screen.article_view
        assert view.article is not None and view.article.title == "Headline 0"
        # The clicked article is read from the store slowly (a busy machine): until the
        # pane has asked for it at its new width.
        store = view.store
        assert store is not None
        get_article = store.get_article
        gate = threading.Event()

        def slow_get_article(article_id: int) -> Article | None:
            gate.wait(10)
            return get_article(article_id)

        store.get_article = slow_get_article  # type: ignore[method-assign]
        widths: list[int] = []
        ask = view._ask

        def spy(article_id: int, *args: object, **kwargs: object) -> None:
            widths.append(args[1])  # type: ignore[arg-type]
            ask(article_id, *args, **kwargs)  # type: ignore[arg-type]

        view._ask = spy  # type: ignore[method-assign]
        await pilot.click(offset=where_shown(pilot, "Headline 4"))
        await wait_for(pilot, lambda: view.region.width > 0)  # the pane is shown
        await wait_for(pilot, lambda: view._render_width() in widths)  # asked at its width
        gate.set()
        await settle(pilot)  # (the render thread is done)
        assert screen.headlines.current is not None
        assert screen.headlines.current.title == "Headline 4"
        assert view.article is not None and view.article.title == "Headline 4"
        assert "Paragraph 0 of article 4." in view.text and view.ready
        await pilot.press("escape", "enter")  # the same row again: the same article
        await settle(pilot)
        assert view.article is not None and view.article.title == "Headline 4"
        assert "Paragraph 0 of article 4." in view.text
