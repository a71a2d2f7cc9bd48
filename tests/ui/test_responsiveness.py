"""What keeps typing and moving responsive at 100,000 articles: the rest of a long
article waits while keys arrive, full garbage collections wait for an idle moment, a
typed letter may wait briefly for its results, and setting the headlines places the
scrollbar when one appears. Nothing here is timed, except guards against hanging."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.scrollbar import ScrollBar
from textual.widgets import Static

from tests.builders import make_articles, with_long_article
from tests.ui.helpers import main, make_app, settle, wait_drawn, wait_for
from tuinews.ui import idle_gc
from tuinews.ui.frame_hold import FrameHold
from tuinews.ui.idle_gc import IdleCollector
from tuinews.ui.widgets import article_view


async def test_the_rest_of_a_long_article_waits_while_keys_arrive() -> None:
    articles = with_long_article()
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        busy = True
        looks = 0  # how often the render thread looked whether keys are still coming

        def last_input() -> float:
            nonlocal looks
            looks += 1
            return time.monotonic() if busy else 0.0  # keys keep coming

        view.last_input = last_input
        await pilot.press("j")
        await wait_for(pilot, lambda: view.ready)
        shown, looked = len(view.lines), looks
        # The render thread waits for the keys to stop, looking every 20 ms: after 15 more
        # looks (past QUIET and POST_EVERY) it has still rendered nothing more.
        await wait_for(pilot, lambda: looks >= looked + 15)
        assert not view.complete and len(view.lines) == shown  # only its beginning
        assert "Paragraph 0." in view.text
        busy = False  # the keys stop
        await wait_for(pilot, lambda: view.complete)
        assert len(view.lines) > shown and "Paragraph 299." in view.text


async def test_scrolling_through_a_long_article_renders_on_ahead() -> None:
    articles = with_long_article()
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        view.last_input = time.monotonic  # keys keep coming (the reader scrolling)
        await pilot.press("j")
        await wait_for(pilot, lambda: view.ready)
        shown = len(view.lines)
        view.scroll_to(y=shown - view.size.height, animate=False)  # at the end of it
        await wait_for(pilot, lambda: len(view.lines) > shown)
        assert not view._reading_near_end() or view.complete


class Tiny(App[None]):
    frames: list[float]

    def compose(self) -> ComposeResult:
        yield Static("x")

    def _display(self, screen: object, renderable: object) -> None:  # each frame drawn
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            self.frames = [*getattr(self, "frames", []), time.monotonic()]


def frames_after(app: App[None], moment: float) -> list[float]:
    return [t for t in getattr(app, "frames", []) if t > moment]


async def test_a_held_frame_is_released_by_release_or_by_its_timeout() -> None:
    app = Tiny()
    async with app.run_test() as pilot:
        await wait_drawn(lambda: bool(getattr(app, "frames", [])))  # the first frame
        await pilot.pause()
        hold = FrameHold(app, timeout=0.2)
        hold.hold()
        assert hold.held
        hold.release()
        assert not hold.held
        hold.release()  # a second release is a no-op
        hold.hold()
        changed = time.monotonic()
        app.query_one(Static).update("changed while held")
        await asyncio.sleep(0.12)  # part of the test: a while, within the hold's 0.2 s
        assert not frames_after(app, changed)  # held: nothing drawn
        hold.hold()  # held again before the timeout: it still counts from the first
        assert hold.held
        await wait_drawn(lambda: not hold.held)
        # Released by its timeout: what changed meanwhile is drawn, with no other change.
        await wait_drawn(lambda: bool(frames_after(app, changed)), guard=20)


async def test_a_search_letter_is_drawn_when_its_results_are_slow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(make_articles(20))
    drawn: list[float] = []
    display = app._display

    def record(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            drawn.append(time.monotonic())

    monkeypatch.setattr(app, "_display", record)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("slash", "h", "e")
        await settle(pilot)
        first_page = app.store.first_page

        def slow(*args: object, **kwargs: object) -> object:
            time.sleep(0.5)  # much longer than the hold (30 ms)
            return first_page(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(app.store, "first_page", slow)
        pressed = time.monotonic()
        app.post_message(events.Key("a", "a"))  # not pilot.press: its pause draws
        await wait_drawn(lambda: any(t > pressed for t in drawn))
        assert min(t for t in drawn if t > pressed) - pressed < 0.4  # before the results
        assert screen.search_bar.value == "hea" and screen.shown_text == "he"
        await settle(pilot)
        assert screen.shown_text == "hea"


async def test_full_collections_wait_for_an_idle_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Tiny()
    threshold = gc.get_threshold()
    async with app.run_test():
        last_input = time.monotonic()
        collector = IdleCollector(app, lambda: last_input)
        collector.start()
        try:
            assert gc.get_threshold()[2] == idle_gc.NO_AUTOMATIC_FULL

            class Node:
                other: object = None

            def garbage_in_the_oldest_generation() -> weakref.ref[Node]:
                a, b = Node(), Node()
                a.other, b.other = b, a  # a cycle: only the collector frees it
                gc.collect(1)
                gc.collect(1)  # survived twice: now in generation 2
                return weakref.ref(a)

            ref = garbage_in_the_oldest_generation()
            gc.collect(1)  # a young collection leaves it
            assert ref() is not None
            collector.check()  # input just now: no full collection
            assert ref() is not None and collector.full_collections == 0
            last_input = time.monotonic() - idle_gc.IDLE_AFTER - 1
            survivor = Node()
            collector.check()  # idle: it runs, and freezes what survived it
            assert ref() is None and collector.full_collections == 1
            assert gc.is_tracked(survivor) and not any(
                survivor is o for o in gc.get_objects(generation=2)
            )
            # However busy the user, one runs after LONGEST_WAIT.
            last_input = time.monotonic()
            ref = garbage_in_the_oldest_generation()
            monkeypatch.setattr(idle_gc, "LONGEST_WAIT", 0.0)
            collector.check()
            assert ref() is None and collector.full_collections == 2
        finally:
            collector.stop()
    assert gc.get_threshold() == threshold


async def test_the_headline_scrollbar_appears_when_the_results_grow() -> None:
    app = make_app(make_articles(80))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        headlines = main(pilot).headlines
        ids = list(headlines.ids)
        headlines.set_ids(ids[:3])
        await pilot.pause()
        assert not headlines.show_vertical_scrollbar
        headlines.set_ids(ids)
        await pilot.pause()
        assert headlines.show_vertical_scrollbar
        region = headlines.region
        x = region.right - 2  # the scrollbar column, left of the pane's border
        widget, _ = app.screen.get_widget_at(x, region.y + 1)
        assert isinstance(widget, ScrollBar)


async def test_the_first_frame_shows_the_headlines_when_the_store_answered_first() -> None:
    app = make_app(make_articles(5))
    app.early.opened()  # ready before the UI mounts (as with a store, at start-up)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = main(pilot)
        # No pause, no worker: the headlines are there before anything was drawn.
        assert screen.loaded
        assert [h.title for h in screen.shown] == [f"Headline {i}" for i in range(5)]
        await settle(pilot)
        assert [h.title for h in screen.shown] == [f"Headline {i}" for i in range(5)]
        assert not screen.headlines.show_horizontal_scrollbar  # set before it was laid out


async def test_a_slow_start_shows_loading_then_the_headlines() -> None:
    from threading import Event

    from tuinews.startup import Opened
    from tuinews.store import View

    go = Event()

    def slow_start(should_stop: object = None) -> Opened:
        assert go.wait(10)
        return Opened(View())

    app = make_app(make_articles(5), start=slow_start)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = main(pilot)
        await wait_for(pilot, lambda: "Loading" in screen.headlines.empty_message)
        assert not screen.loaded  # (the start waits for `go`)
        go.set()
        await settle(pilot)
        assert screen.loaded
        assert [h.title for h in screen.shown] == [f"Headline {i}" for i in range(5)]


async def test_what_a_refresh_needs_is_made_ready_after_the_first_frame() -> None:
    app = make_app(make_articles(3))  # refresh_on_start is off: no refresh runs
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        refresher = app._refresher
        assert refresher is not None  # made in a thread, not by a refresh
        assert refresher._fetcher is not None and refresher._fetcher._client is not None
        assert not main(pilot).refreshing


async def test_a_long_articles_lines_are_kept_out_of_full_collections() -> None:
    articles = with_long_article()
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        view.last_input = lambda: 0.0  # no keys coming: render it all
        kept_big = view.kept_big
        calls: list[int] = []

        def spy() -> None:
            calls.append(gc.get_freeze_count())
            kept_big()

        view.kept_big = spy
        await pilot.press("j")
        await wait_for(pilot, lambda: view.complete and "Paragraph 299." in view.text)
        assert len(view.lines) >= article_view.BIG_RENDER
        assert len(calls) == 1 and gc.get_freeze_count() > calls[0]
        line = view.lines[len(view.lines) // 2]
        assert not any(line is o for o in gc.get_objects(generation=2))


async def test_collections_come_back_on_after_the_first_frame_even_while_loading() -> None:
    """The command turns cyclic collection off for start-up; the app turns it back on
    after its first frame, whatever that shows (here "Loading…": the start hangs)."""
    from threading import Event

    from tuinews.startup import Opened
    from tuinews.store import View

    go = Event()

    def slow_start(should_stop: object = None) -> Opened:
        assert go.wait(10)
        return Opened(View())

    app = make_app(make_articles(3), start=slow_start)
    gc.disable()
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            frozen = gc.get_freeze_count()
            await wait_drawn(gc.isenabled)
            assert not main(pilot).loaded  # still loading
            assert gc.get_freeze_count() > frozen  # what start-up made is kept out
            go.set()
            await settle(pilot)
    finally:
        go.set()
        gc.enable()
