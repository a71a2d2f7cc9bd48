"""Pilot tests: the ``mark_read`` setting. ``"shown"`` (the default, tested in
test_keys.py) reads an article once shown; ``"delay"`` once it has been on screen
``mark_read_delay`` seconds (moving on before leaves it unread); ``"manual"`` only with
``m`` (or ``A``)."""

from __future__ import annotations

from tests.ui.helpers import main, make_app, settle, shown_title, wait_for
from tuinews.settings import Settings


def settings(mode: str, delay: int = 3) -> Settings:
    return Settings(refresh_on_start=False, mark_read=mode, mark_read_delay=delay)


async def test_manual_marks_nothing_read_but_m_does() -> None:
    app = make_app(settings=settings("manual"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("j", "enter")  # shown, then opened
        await wait_for(pilot, lambda: shown_title(pilot) == "Headline 1")
        await settle(pilot)
        assert screen.article_view.ready
        assert not any(headline.read for headline in screen.shown[:2])
        await pilot.press("m")
        await settle(pilot)
        assert screen.shown[1].read and not screen.shown[0].read
        await pilot.press("m")  # and back
        await settle(pilot)
        assert not screen.shown[1].read
        assert app.store.get_article(screen.shown[1].id).read is False  # type: ignore[union-attr]


async def test_delay_marks_read_after_the_delay_only_if_still_shown() -> None:
    app = make_app(settings=settings("delay", delay=1))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("j", "j")  # Headline 1 passed within the second
        await wait_for(pilot, lambda: shown_title(pilot) == "Headline 2")
        assert not screen.shown[2].read  # not yet
        await wait_for(pilot, lambda: screen.shown[2].read, what="read after the delay")
        assert not screen.shown[1].read  # moved on before its delay was over
        await settle(pilot)
        assert app.store.get_article(screen.shown[2].id).read is True  # type: ignore[union-attr]


async def test_m_during_the_delay_reads_at_once() -> None:
    app = make_app(settings=settings("delay", delay=600))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("j")
        await wait_for(pilot, lambda: shown_title(pilot) == "Headline 1")
        await settle(pilot)
        assert not screen.shown[1].read
        await pilot.press("m")
        await settle(pilot)
        assert screen.shown[1].read
        assert screen.read_marks._later is None  # the delay is over for it
