"""Pilot tests of what a QA engineer found trying issue 12 as a new user: mouse clicks
under the title bars, the article pane after a search is left, what is read (in a narrow
terminal, from a search), the feed list's keys, ``f`` in a narrow terminal, the help's
keys, and the panes while a feed is removed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.screen import Screen

from tests.builders import make_articles, make_store
from tests.ui.helpers import (
    main,
    make_app,
    press_fast,
    screen_lines,
    settle,
    shown_title,
    wait_for,
    where_shown,
)
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.feed_status import FeedStatus


def app_with(articles: list[Article], feeds: dict[str, list[str]]) -> TuinewsApp:
    """make_app's app, with more feeds (their articles older than make_articles')."""
    store = make_store(articles)
    for name, titles_ in feeds.items():
        feed = store.add_feed(f"https://example.org/{name.replace(' ', '-')}.xml", title=name)
        store.upsert_articles(
            feed.id,
            [
                Article(
                    title=title,
                    source=name,
                    body=f"The text of {title}.",
                    text=f"The text of {title}.",
                    date=datetime(2024, 6, 1, tzinfo=UTC) - timedelta(days=30 + i),
                    link=f"https://example.org/{i}",
                    uid=f"{name}-{i}",
                )
                for i, title in enumerate(titles_)
            ],
        )
    return TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )


def titles(pilot: Pilot[None]) -> list[str]:
    return [headline.title for headline in main(pilot).shown]


def counts(pilot: Pilot[None]) -> dict[str, int]:
    return {entry.label: entry.unread for entry in main(pilot).feed_list.entries}


def read(pilot: Pilot[None]) -> list[bool]:
    return [headline.read for headline in main(pilot).shown]


async def to_feed_list(pilot: Pilot[None]) -> None:
    screen = main(pilot)
    for _ in range(4):
        if screen.feed_list.has_focus:
            return
        await pilot.press("tab")
    assert screen.feed_list.has_focus


# --- the mouse ---------------------------------------------------------------------------


async def test_clicking_a_feed_shows_that_feed() -> None:
    """The row clicked, under the list's title bar (as in the headline list)."""
    app = app_with(make_articles(3), {"Other feed": ["Other story"], "Zeta": ["Zeta story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Zeta" in counts(pilot))
        screen = main(pilot)
        await pilot.click(offset=where_shown(pilot, "Other feed"))
        await settle(pilot)
        current = screen.feed_list.current
        assert current is not None and current.label == "Other feed"
        assert titles(pilot) == ["Other story"]
        await pilot.click(offset=(screen.feed_list.region.x + 2, screen.feed_list.region.y))
        await settle(pilot)  # the title bar: nothing chosen
        assert titles(pilot) == ["Other story"]


# --- leaving a search --------------------------------------------------------------------


async def test_after_leaving_a_search_the_article_shown_is_the_one_selected() -> None:
    """The article pane follows the cursor put back: ``s`` and ``y`` act on the article on
    screen, which is the one selected."""
    app = make_app(make_articles(20, paragraphs=1))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 3"
        await pilot.press("slash", *"headline 17")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 17"
        await pilot.press("escape")
        await settle(pilot)
        current = screen.headlines.current
        assert current is not None and current.title == "Headline 3"
        assert shown_title(pilot) == "Headline 3"  # not the search result left behind
        await pilot.press("s", "y")
        await settle(pilot)
        assert [h.title for h in screen.shown if h.starred] == ["Headline 3"]
        messages = [n.message for n in app._notifications]
        assert "Copied https://example.com/3" in messages
        assert not any("still loading" in m for m in messages)


# --- what is read ------------------------------------------------------------------------


async def test_a_narrow_terminal_reads_only_the_articles_it_shows() -> None:
    """Below 100 columns the headline list is the one pane: the article under the cursor
    is not on screen, so not read, until the article pane is shown."""
    app = make_app(make_articles(8, paragraphs=1))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        assert screen.has_class("-narrow")
        for key in "gjjj":
            await pilot.press(key)
            await settle(pilot)  # each article rendered (in the hidden pane)
        assert screen.article_view.ready and shown_title(pilot) == "Headline 3"
        assert not any(read(pilot))
        assert counts(pilot)["Unread"] == 8
        await pilot.press("enter")  # the article pane: read
        await wait_for(pilot, lambda: read(pilot)[3])
        await pilot.press("escape", "j")
        await settle(pilot)
        assert not read(pilot)[4]
        await pilot.press("tab")  # the article pane, by Tab: read too
        await wait_for(pilot, lambda: read(pilot)[4])
        await pilot.press("escape", "j", "m")  # m: read, though not shown
        await settle(pilot)
        assert read(pilot)[5]
        await pilot.press("j")
        await settle(pilot)
        assert not read(pilot)[6]
        await pilot.resize_terminal(140, 30)  # the article pane appears beside the list
        await wait_for(pilot, lambda: read(pilot)[6])
        assert read(pilot) == [False, False, False, True, True, True, True, False]
        await wait_for(pilot, lambda: counts(pilot)["Unread"] == 4)
        await settle(pilot)
    assert {h.title for h in app.store.headlines() if h.read} == {
        f"Headline {i}" for i in (3, 4, 5, 6)
    }


async def test_an_article_shown_from_a_search_is_read() -> None:
    app = make_app(make_articles(10, paragraphs=1))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: counts(pilot).get("Unread") == 9)  # Headline 0: shown
        await pilot.press("slash", *"headline 7")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 7"
        assert not read(pilot)[0]  # while typing, results are looked at
        await pilot.press("enter")  # the results entered: the article shown is read
        await wait_for(pilot, lambda: read(pilot)[0])
        await settle(pilot)
        assert counts(pilot)["Unread"] == 8
        await settle(pilot)
    assert {h.title for h in app.store.headlines() if h.read} == {"Headline 0", "Headline 7"}


async def test_the_article_shown_after_leaving_a_search_in_unread_is_read() -> None:
    app = make_app(make_articles(10, paragraphs=1))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: counts(pilot).get("Unread") == 9)
        screen = main(pilot)
        await to_feed_list(pilot)
        await pilot.press("j")  # Unread
        await settle(pilot)
        assert screen.view == View(unread_only=True)
        await pilot.press("enter", "j")  # its headlines; the second read
        await settle(pilot)
        await wait_for(pilot, lambda: counts(pilot)["Unread"] == 7)
        await pilot.press("slash", *"headline 7")
        await settle(pilot)
        await pilot.press("escape")  # the article selected before is read: not listed
        await settle(pilot)
        current = screen.headlines.current
        assert current is not None and current.title == shown_title(pilot)
        await wait_for(pilot, lambda: screen.headlines.current is not None and current.read)
        await wait_for(pilot, lambda: counts(pilot)["Unread"] == 6)
        await settle(pilot)
    assert len(app.store.headlines(View(unread_only=True))) == 6


# --- keys ----------------------------------------------------------------------------


async def test_g_and_G_move_to_the_first_and_last_feed() -> None:
    app = app_with(make_articles(3), {"Other feed": ["Other story"], "Zeta": ["Zeta story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Zeta" in counts(pilot))
        screen = main(pilot)
        await to_feed_list(pilot)
        await pilot.press("G")
        await settle(pilot)
        current = screen.feed_list.current
        assert current is not None and current.label == "Zeta"
        assert titles(pilot) == ["Zeta story"]
        assert screen.feed_list.has_focus
        await pilot.press("g")
        await settle(pilot)
        current = screen.feed_list.current
        assert current is not None and current.label == "All articles"
        assert screen.view == View()


async def test_f_in_a_narrow_terminal_goes_back_to_the_pane_it_left() -> None:
    app = app_with(make_articles(3), {"Other feed": ["Other story"]})
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("enter")  # reading
        await pilot.press("f")  # the feed list...
        await pilot.pause()
        assert screen.feed_list.has_focus and screen.article_view.region.width == 0
        await pilot.press("f")  # ...and back to the article
        await pilot.pause()
        assert screen.article_view.has_focus and screen.article_view.region.width > 70
        assert screen.headlines.region.width == 0
        await pilot.press("escape", "f", "f")  # from the headlines: back to them
        await pilot.pause()
        assert screen.headlines.has_focus and screen.headlines.region.width > 70
        assert screen.article_view.region.width == 0


def wide_code_app(settings: Settings | None = None) -> TuinewsApp:
    wide = "x = 1  # " + "a comment that goes on " * 10
    body = f"A paragraph.\n\n```python\n{wide}\n```\n\nAfter."
    article = Article(
        title="Code", source="S", body=body, text=body, date=datetime(2024, 6, 1, tzinfo=UTC)
    )
    return make_app([article], settings=settings)


async def test_the_sideways_keys_are_in_the_help_and_the_palette() -> None:
    from textual.command import Command, CommandList, CommandPalette

    from tuinews.ui.screens.help import HelpScreen

    app = wide_code_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        await wait_for(pilot, lambda: view.ready and view.complete)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {row.keys: row for row in app.screen.rows}
        assert "Scroll the article left" in rows["←"].description
        assert "Scroll the article right" in rows["→"].description
        assert (rows["←"].id, rows["→"].id) == ("scroll_left", "scroll_right")
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"scroll the article right")

        def highlighted() -> str | None:
            palette = app.screen
            if not isinstance(palette, CommandPalette):
                return None
            commands = palette.query_one(CommandList)
            if commands.highlighted is None:
                return None
            option = commands.get_option_at_index(commands.highlighted)
            return option.hit.text if isinstance(option, Command) else None

        await wait_for(pilot, lambda: (highlighted() or "").startswith("Scroll the article r"))
        await pilot.press("enter")  # from the headline list: the article pane scrolls
        await settle(pilot)
        assert main(pilot).headlines.has_focus
        assert view.scroll_offset.x == 4


async def test_the_sideways_keys_can_be_remapped() -> None:
    app = wide_code_app(Settings(refresh_on_start=False, keys={"scroll_right": "w"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        await wait_for(pilot, lambda: view.ready and view.complete)
        assert not any("unknown key" in n.message for n in app._notifications)
        await pilot.press("enter", "w", "w")
        assert view.scroll_offset.x == 8


# --- removing a feed -----------------------------------------------------------------


async def test_removing_the_shown_feed_shows_the_next_with_nothing_wrong_between() -> None:
    """From ``d`` on, the headline pane shows the removed feed (its title, its articles,
    its error under the panes) or the next one (its title, its articles, no error): never
    "No articles here.", nor the removed feed's error or articles under the next one's
    title. Looked at between the app's steps, and in every frame it draws."""
    app = app_with(make_articles(3), {"Broken": ["Broken story"], "Zeta": ["Zeta story"]})
    (broken,) = [feed for feed in app.store.feeds() if feed.name == "Broken"]
    app.store.record_failure(broken.id, "HTTP 500 Server Error")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Zeta" in counts(pilot))
        screen = main(pilot)
        await to_feed_list(pilot)
        while (current := screen.feed_list.current) is not None and current.label != "Broken":
            await pilot.press("j")
        await settle(pilot)
        status = screen.query_one(FeedStatus)
        assert "HTTP 500" in status.text
        frames: list[tuple[str, str, str]] = []
        display = app._display

        def drawn(on: Screen[object], renderable: object) -> None:
            if renderable is not None and not app._batch_count and on is screen:
                pane = screen.headlines.region
                lines = screen_lines(pilot)
                rows = "\n".join(line[pane.x : pane.right] for line in lines[pane.y : pane.bottom])
                frames.append((lines[pane.y][pane.x : pane.right], rows, "\n".join(lines)))
            display(on, renderable)  # type: ignore[arg-type]

        app._display = drawn  # type: ignore[method-assign]
        await pilot.press("d")
        press_fast(pilot, "y")
        states = []
        next_titles = ["Headline 0", "Headline 1", "Headline 2"]  # Example feed's
        for _ in range(1000):  # (a hang guard)
            headlines = screen.headlines
            empty = "" if headlines.ids else headlines.empty_message  # (the one shown)
            states.append((str(headlines.border_title), empty, status.text * status.display))
            if [headline.title for headline in screen.shown] == next_titles:
                break
            await asyncio.sleep(0.002)
        await settle(pilot)
        assert titles(pilot) == next_titles
        for title, empty, error in states:
            assert "No articles here" not in empty
            assert not error or title == "Broken · newest first"
        assert frames
        for title, rows, text in frames:
            assert "No articles here" not in rows
            if "Broken" not in title:
                assert "Example feed" in title
                assert "Broken story" not in rows and "HTTP 500" not in text
        assert "Example feed" in frames[-1][0]
