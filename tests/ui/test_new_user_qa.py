"""Pilot tests of what a QA engineer found trying the app as a new user (third wave): a
click in the narrow layout shows the headline clicked, ``S`` brackets the search it saves,
``d`` on an account's feed or a saved search, the account feeds marked in the feed list,
the save dialog's place, the help's keys and ``R``'s message when a sync fails."""

from __future__ import annotations

import threading

from textual.pilot import Pilot

from tests.builders import article, make_articles, make_store
from tests.ui.helpers import (
    main,
    make_app,
    press_fast,
    settle,
    wait_for,
    wait_settled,
    where_shown,
)
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp


def app_over(store: Store) -> TuinewsApp:
    return TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )


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


async def choose(pilot: Pilot[None], label: str) -> None:
    """The feed list's entry ``label``, chosen (its headlines shown)."""
    feeds = main(pilot).feed_list
    await wait_for(pilot, lambda: label in [entry.label for entry in feeds.entries])
    while not feeds.has_focus:
        await pilot.press("tab")
    while feeds.current is None or feeds.current.label != label:
        await pilot.press("j")
    await settle(pilot)


async def test_S_brackets_a_choice_typed_in_a_feed() -> None:
    """``/kernel OR python`` in a feed, saved: that feed's articles with either word (it
    was saved as ``feed:URL kernel OR python``: (the feed and kernel) or python anywhere);
    a search without OR is saved as typed."""
    store = make_store()
    tech = store.add_feed("https://tech.example/feed", title="Tech Daily")
    store.upsert_articles(
        tech.id, [article("t1", "Kernel news", day=3), article("t2", "Python tips", day=2)]
    )
    other = store.add_feed("https://other.example/feed", title="Other")
    store.upsert_articles(other.id, [article("o1", "Python elsewhere", day=4)])
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await choose(pilot, "Tech Daily")
        assert screen.view == View(feed_id=tech.id)
        await pilot.press("slash", *"kernel OR python", "enter")
        await wait_settled(pilot, lambda: len(screen.shown) == 2)
        press_fast(pilot, "S", *"Either", "enter")
        await wait_settled(pilot, lambda: [s.name for s in store.saved_searches()] == ["Either"])
        saved = store.saved_searches()[0].query
        assert saved == "feed:https://tech.example/feed (kernel OR python)"
        titles = [h.title for h in store.headlines(View(search=saved))]
        assert titles == ["Kernel news", "Python tips"]
        screen.search_bar.value = "kernel news"
        await settle(pilot)
        await pilot.press("enter")
        press_fast(pilot, "S", *"Plain", "enter")
        await wait_settled(pilot, lambda: len(store.saved_searches()) == 2)
        plain = [s.query for s in store.saved_searches() if s.name == "Plain"]
        assert plain == ["feed:https://tech.example/feed kernel news"]
