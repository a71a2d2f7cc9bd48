"""Holding the next frame briefly, so a keystroke and what it brings show together."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from textual.app import App
from textual.timer import Timer

from tuinews.ui.textual_private import prompt_screen

HOLD_FRAME = 0.03  # seconds a typed letter may wait to be drawn with its results


class FrameHold:
    """Holds the app's screen updates (``App.batch_update``) from :meth:`hold` until
    :meth:`release`, or until ``timeout`` seconds have passed.

    A search keystroke changes the search bar at once and the results a few milliseconds
    later, from a thread. Drawn as two frames, the second waits for Textual's frame timer:
    after an idle moment its second tick comes one to two frame periods after the first
    (17-33 ms at 60 fps, measured at every keystroke). Held, the letter and its results
    are drawn in one frame as soon as the results are in; slow results never hold the
    letter back longer than ``timeout``."""

    def __init__(self, app: App[Any], timeout: float = HOLD_FRAME) -> None:
        self.app = app
        self.timeout = timeout
        self._batch: AbstractContextManager[None] | None = None
        self._timer: Timer | None = None

    @property
    def held(self) -> bool:
        return self._batch is not None

    def hold(self) -> None:
        """Hold the next frame (if already held, the timeout still counts from then: fast
        typing with slow results never holds the letters back for long)."""
        if self._batch is None:
            self._batch = self.app.batch_update()
            self._batch.__enter__()
            self._timer = self.app.set_timer(self.timeout, self.release, name="frame-hold")

    def release(self, prompt: bool = True) -> None:
        """Draw what is there (a no-op when nothing is held). The screen's update timer
        paused while held, so the screen is prompted (as Textual's ``delay_update`` does)
        unless ``prompt`` is False: the caller has just changed widgets, whose own
        refreshes prompt it once they are all registered (prompted earlier, the screen
        would draw the letter alone, and the results a frame period later)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.__exit__(None, None, None)
            if prompt:
                prompt_screen(self.app.screen)
