"""Full garbage collections while the user is idle, not in the middle of a keystroke."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.timer import Timer

# Seconds between checks. While no key comes but the app is busy (a refresh makes ~12,000
# objects of cyclic garbage a second here), a full collection runs at each check, and
# its length grows with what was made since the last: at 1 s, 30-110 ms; at 0.25 s, the
# longest stall in a refresh of 1,000 feeds was 53-64 ms (63-111 ms at 1 s).
CHECK_EVERY = 0.25
IDLE_AFTER = 1.0  # seconds without input before a full collection may run
LONGEST_WAIT = 60.0  # seconds: a full collection runs by then, idle or not
UNFREEZE_EVERY = 600.0  # seconds: how often an idle collection looks at frozen objects too
NO_AUTOMATIC_FULL = 1_000_000  # gen-1 collections before the collector would run one itself


class IdleCollector:
    """Moves Python's full (generation 2) collections to idle moments.

    A full collection scans every tracked object and holds the interpreter meanwhile:
    at 100,000 stored articles, 20-50 ms on this machine, once every few seconds while
    typing a search (measured with ``gc.callbacks``), which is most of what made some
    keystrokes miss a frame. Young collections (under 1 ms) stay automatic.

    :meth:`start`, after the first frame: what exists by then (modules, styles, widgets)
    lives as long as the app and is frozen out of every collection; the collector stops
    running full collections itself, and one runs after ``IDLE_AFTER`` seconds without
    input instead (or after ``LONGEST_WAIT`` seconds, whatever the user is doing). What
    survives a collection is frozen too, so the next one only scans what is newer: the
    rendered lines of long articles made one take 200 ms otherwise. Frozen objects are
    still freed when nothing refers to them; only cycles among them wait, for the idle
    collection that unfreezes everything first, every ``UNFREEZE_EVERY`` seconds."""

    def __init__(self, app: App[Any], last_input: Callable[[], float]) -> None:
        self.app = app
        self.last_input = last_input  # time.monotonic() of the last key or click
        self.last_full = self.last_unfreeze = time.monotonic()
        self.full_collections = 0  # run here (for tests)
        self._timer: Timer | None = None
        self._threshold: tuple[int, int, int] | None = None

    @staticmethod
    def enable() -> None:
        """Collections back on after the first frame, if the command turned them off for
        start-up (:func:`tuinews.cli.main`): what exists by then is frozen first, so the
        first young collection does not scan every object made while starting."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def start(self) -> None:
        self.enable()
        if self._timer is not None:
            return
        gc.freeze()
        self._threshold = gc.get_threshold()
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, NO_AUTOMATIC_FULL)
        self.last_full = self.last_unfreeze = time.monotonic()
        self._timer = self.app.set_interval(CHECK_EVERY, self.check, name="idle-gc")

    def keep_out(self) -> None:
        """Much long-lived data was just made (a long article's rendered lines: ~10
        objects a line): freeze it now rather than have the next full collection scan it
        (a 500 KB article's lines made one take 240 ms). Freezing is cheap, and what is
        frozen is still freed when nothing refers to it."""
        if self._timer is not None:
            gc.freeze()

    def stop(self) -> None:
        """Give the collector back its own schedule."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
            # What was frozen stays frozen: this runs as the app exits, and the final
            # collection Python makes on exit would scan it all (150 ms at 100,000).

    def check(self) -> None:
        now = time.monotonic()
        idle = now - self.last_input() >= IDLE_AFTER
        if gc.get_count()[2] and (idle or now - self.last_full >= LONGEST_WAIT):
            if idle and now - self.last_unfreeze >= UNFREEZE_EVERY:
                gc.unfreeze()
                self.last_unfreeze = now
            gc.collect()
            gc.freeze()
            self.full_collections += 1
            self.last_full = time.monotonic()
