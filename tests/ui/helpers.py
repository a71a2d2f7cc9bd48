"""Helpers for the Pilot tests: an app over a real store holding articles (made by
``tests/builders.py``), and waiting for what the app does."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Awaitable, Callable, Iterable

from textual import events
from textual.app import _character_to_key
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key
from textual.pilot import Pilot

from tests.builders import make_articles, make_store
from tests.waiting import described
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.main import MainScreen
from tuinews.ui.widgets.article_view import ArticleView


def make_app(
    articles: list[Article] | None = None,
    settings: Settings | None = None,
    opened: list[str] | None = None,
    read: Iterable[int] = (),
    start: Callable[..., Opened] | None = None,
) -> TuinewsApp:
    store = make_store(articles if articles is not None else make_articles(), read)
    sink = opened if opened is not None else []
    return TuinewsApp(
        store=store,
        start=start or (lambda **_: Opened(View())),
        settings=settings or Settings(refresh_on_start=False),  # tests never go online
        opener=sink.append,
    )


async def _until(
    condition: object, guard: int, pause: Callable[[], Awaitable[object]], what: str | None
) -> None:
    assert callable(condition)
    for _ in range(guard):
        if condition():
            return
        await pause()
    if condition():
        return
    raise AssertionError(
        f"gave up after {guard} pauses waiting for: {what or described(condition)}"
    )


async def wait_for(
    pilot: Pilot[None], condition: object, guard: int = 500, what: str | None = None
) -> None:
    """Until the condition holds (a hang guard of ~``guard`` pauses, not a timing); else
    an AssertionError saying what it waited for (``what``, or the condition's source)."""
    await _until(condition, guard, lambda: pilot.pause(0.01), what)


async def wait_drawn(condition: object, guard: int = 100, what: str | None = None) -> None:
    """Like wait_for, without Pilot's pause (which forces the screen to update: for
    tests that the app asks for its frames itself)."""
    await _until(condition, guard, lambda: asyncio.sleep(0.01), what)


async def wait_settled(
    pilot: Pilot[None], condition: object, guard: int = 400, what: str | None = None
) -> None:
    """Like wait_for, letting the app's workers finish (``settle``) before each look:
    for outcomes of work in threads (a fetch, a refresh)."""

    async def step() -> None:
        await pilot.pause(0.05)
        await settle(pilot)

    await settle(pilot)
    await _until(condition, guard, step, what)


async def wait_for_refresh(pilot: Pilot[None], guard: int = 200) -> None:
    """Until no refresh runs and no reload of the headlines is pending; else an
    AssertionError (never gives up silently)."""

    def done() -> bool:
        screen = main(pilot)
        return not screen.refreshing and not screen._reload_pending and handled(pilot)

    await wait_settled(pilot, done, guard, what="the refresh to end and the headlines to reload")


def handled(pilot: Pilot[None]) -> bool:
    """No worker runs and every message is handled: a worker's results (the reload's
    headlines) are posted to a widget and bubble to the screen one queue at a time, so
    the app's workers being done does not mean the screen has shown them yet."""
    app = pilot.app
    if any(not worker.is_finished for worker in app.workers):
        return False
    pumps = [app, *app.screen.walk_children(with_self=True)]
    return all(pump._message_queue.empty() for pump in pumps)


def shown_title(pilot: Pilot[None]) -> str:
    """The title of the article in the article view."""
    view = pilot.app.screen.query_one(ArticleView)
    assert view.article is not None
    return view.article.title


def press_fast(pilot: Pilot[None], *keys: str) -> None:
    """Send these keys at once, as a terminal delivers fast typing: Pilot's ``press``
    waits for the app to be idle after each key, which hides keys being lost or
    misrouted while a screen is being mounted. Wait for the outcome afterwards."""
    app = pilot.app
    assert app._driver is not None
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
            )
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot: Pilot[None]) -> None:
    """Until the app's workers are done and their messages handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def screen_lines(pilot: Pilot[None]) -> list[str]:
    """The text of each line of the screen, as the terminal shows it."""
    strips = pilot.app.screen._compositor.render_strips()
    return [strip.text for strip in strips]


def where_shown(pilot: Pilot[None], text: str) -> tuple[int, int]:
    """The screen's (x, y) of ``text`` as drawn (the first line showing it, from the top):
    where a user would click on it."""
    for y, line in enumerate(screen_lines(pilot)):
        x = line.find(text)
        if x >= 0:
            return x, y
    raise AssertionError(f"{text!r} is not on the screen")
