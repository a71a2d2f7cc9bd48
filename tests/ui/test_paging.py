"""Pilot tests of the virtual headline list over a store of 5,000 articles (issue 6):
moving to the end and back, rows fetched a page at a time, search as you type, and `A`
on a filtered view. No timings: only generous guards against hangs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle, shown_title, wait_for
from tuinews import search_results as main_module
from tuinews.store import View
from tuinews.ui.widgets import headline_list
from tuinews.ui.widgets.headline_list import HeadlineList
from tuinews.ui.widgets.headline_rows import UNREAD_MARK

COUNT = 5000


def big_app():  # type: ignore[no-untyped-def]
    return make_app(make_articles(COUNT, paragraphs=1))


def row_titles(headlines: HeadlineList) -> list[str]:
    return [headlines.render_line(y).text for y in range(headlines.size.height)]


async def test_moving_to_the_end_of_a_long_list_and_back() -> None:
    app = big_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        headlines = screen.headlines
        assert len(headlines.ids) == COUNT
        assert len(headlines._rows) < 200  # only the first screen was fetched
        await pilot.press("G")
        await settle(pilot)
        assert headlines.cursor == COUNT - 1
        assert shown_title(pilot) == f"Headline {COUNT - 1}"
        assert any(f"Headline {COUNT - 1} " in row for row in row_titles(headlines))
        await pilot.press("k", "k")
        await settle(pilot)
        assert shown_title(pilot) == f"Headline {COUNT - 3}"
        await pilot.press("home")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 0"
        await pilot.press("end")
        await settle(pilot)
        assert headlines.cursor == COUNT - 1
        assert len(headlines._rows) < 500  # the pages around the rows drawn, not all


async def test_rows_are_fetched_a_page_at_a_time_and_the_cache_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(headline_list, "CACHE", 300)
    app = big_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        headlines = main(pilot).headlines
        fetched: list[int] = []
        fetch = headlines.fetch

        def counting(ids):  # type: ignore[no-untyped-def]
            fetched.append(len(ids))
            return fetch(ids)

        headlines.fetch = counting
        for top in range(0, COUNT, 700):  # like dragging the scrollbar
            headlines.scroll_to(y=top, animate=False, immediate=True)
            await pilot.pause()
            rows = row_titles(headlines)
            assert f" Headline {top} " in rows[0]
            assert len(headlines._rows) <= 300
        assert fetched and max(fetched) <= headline_list.PAGE + headline_list.PAGE // 4
        # marks drawn from the cached row: read it and its row changes at once
        headlines.scroll_to(y=0, animate=False, immediate=True)
        await wait_for(pilot, lambda: headlines.current is not None and headlines.current.read)
        await pilot.press("m")  # (read once shown first) unread again: its mark is back
        assert headlines.current is not None and not headlines.current.read
        assert row_titles(headlines)[0].startswith(UNREAD_MARK)
        await pilot.press("m")
        assert headlines.current.read
        assert row_titles(headlines)[0].startswith("  ")  # no unread mark


async def test_search_as_you_type_first_screen_then_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main_module, "SHORT_PAUSE", 60)  # only Enter runs a short prefix
    app = big_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        headlines = screen.headlines
        await pilot.press("slash", *"headline")
        await settle(pilot)  # the first screen, then (after a pause) every id
        assert len(headlines.ids) == COUNT
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("4")
        await wait_for(
            pilot, lambda: "too short" in str(screen.search_bar.border_subtitle), guard=3000
        )
        assert len(headlines.ids) == COUNT  # the previous results stay meanwhile
        await pilot.press("2")  # two letters being typed: still waiting
        await wait_for(
            pilot, lambda: "42: too short" in str(screen.search_bar.border_subtitle), guard=3000
        )
        assert len(headlines.ids) == COUNT
        await pilot.press("x")  # nothing matches "headline 42x"
        await settle(pilot)
        assert len(headlines.ids) == 0
        assert "No headlines match" in screen.article_view.text
        assert not app._notifications  # no error on the way
        await pilot.press("backspace", "space")  # "headline 42 ": 111 matches, ranked, at once
        await settle(pilot)
        assert len(headlines.ids) == 111
        assert str(screen.search_bar.border_subtitle) == ""
        assert {h.title for h in screen.shown} == {
            f"Headline {i}" for i in range(COUNT) if str(i).startswith("42")
        }
        await pilot.press("backspace", "backspace")  # "headline 4": waits...
        await wait_for(
            pilot, lambda: "too short" in str(screen.search_bar.border_subtitle), guard=3000
        )
        await pilot.press("enter")  # ... until Enter
        await settle(pilot)
        assert len(headlines.ids) == 1 + 10 + 100 + 1000
        assert headlines.has_focus


async def test_A_marks_only_the_filtered_view_read() -> None:
    app = big_app()
    store = app.store
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: screen.shown[0].read and screen.read_flags.idle)
        await pilot.press("slash", *"headline 42", "enter")
        await settle(pilot)
        assert len(screen.headlines.ids) == 111
        await pilot.press("A")
        await settle(pilot)
        assert all(h.read for h in screen.shown)
        assert store.counts() == (COUNT, COUNT - 111 - 1, 0)  # (and Headline 0, shown first)
        assert {h.title for h in store.headlines(View(unread_only=True))} == {
            f"Headline {i}" for i in range(1, COUNT) if not str(i).startswith("42")
        }
        feeds = screen.feed_list
        assert feeds.entries[0].unread == COUNT - 112  # the counts were reloaded
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.headlines.ids) == COUNT
        assert not screen.shown[1].read


async def test_a_flag_being_saved_wins_over_a_row_fetched_meanwhile() -> None:
    app = make_app(make_articles(3))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        headlines = main(pilot).headlines
        stale = [replace(h) for h in headlines.headlines]  # as the store had them
        headlines.fetch = lambda ids: [replace(h) for h in stale if h.id in ids]
        first = headlines.headlines[1]  # (not the first shown: read once shown)
        first.read = True
        headlines.hold(first)
        headlines.hold(first)  # two saves on their way (m, m)
        headlines.forget_rows()  # e.g. a refresh reloads the rows
        assert headlines.headlines[1].read
        headlines.saved([first.id])
        headlines.forget_rows()
        assert headlines.headlines[1].read
        headlines.saved([first.id])  # both saved: the store's row is the truth again
        headlines.forget_rows()
        assert not headlines.headlines[1].read
