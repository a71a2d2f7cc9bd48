"""Which highlight (``[[highlight]]`` in the config) each headline of the headline list
matches: asked of the store (``Store.highlight_matches``, SQL over the page's ids) for
the rows as the list fetches them, in a thread worker of the list, a batch at a time; the
rows are drawn at once, and again with their style when the answer comes. Nothing is
asked when there are no highlights."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial

from rich.style import Style
from textual.widget import Widget

Matcher = Callable[[Sequence[int]], dict[int, int]]  # ids -> {id: highlight's position}


class HighlightMarks:
    """Which highlight (by position) each headline matches, asked of the store for the
    rows as they are fetched, a batch at a time, in a thread worker of the list. When the
    listing is read again (``stale``), the marks known are drawn until they are asked
    again (so they do not blink off at each reload during a refresh)."""

    def __init__(self, pane: Widget, kept: int) -> None:
        self.pane = pane
        self.kept = kept  # marks (the oldest asked go first)
        self.matcher: Matcher | None = None
        self.styles: list[Style] = []
        self._marks: OrderedDict[int, tuple[int, int]] = OrderedDict()  # id: (age, mark)
        self._age = 0
        self._waiting: dict[int, None] = {}  # ids to ask about (in order)
        self._asking = False

    def mark(self, article_id: int) -> int:
        """The highlight's position (-1: none, or not known yet)."""
        found = self._marks.get(article_id)
        return -1 if found is None else found[1]

    def style(self, mark: int) -> Style | None:
        return self.styles[mark] if 0 <= mark < len(self.styles) else None

    def stale(self) -> None:
        """The rows are read again: their marks are asked again as they come."""
        self._age += 1

    def fetched(self, article_id: int) -> None:
        found = self._marks.get(article_id)
        if self.matcher is not None and (found is None or found[0] != self._age):
            self._waiting[article_id] = None

    def ask(self) -> None:
        """Ask the store about the rows fetched since (one batch at a time), once the
        frame that shows them is drawn (the first frame never waits for it)."""
        if self._asking or not self._waiting or self.matcher is None:
            return
        self._asking = True
        self.pane.call_after_refresh(self._ask)

    def _ask(self) -> None:
        ids = list(self._waiting)[:500]
        for article_id in ids:
            del self._waiting[article_id]
        if not ids or self.matcher is None:
            self._asking = False
            return
        self.pane.run_worker(
            partial(self._find, self.matcher, ids, self._age),
            thread=True,
            group="highlights",
            exit_on_error=False,
            description="Finding the highlighted headlines",
        )

    def _find(self, matcher: Matcher, ids: list[int], age: int) -> None:
        app = self.pane.app
        try:
            found = matcher(ids)
            with suppress(RuntimeError):  # (the app is quitting)
                app.call_from_thread(self._found, ids, found, age)
        finally:
            with suppress(RuntimeError):
                app.call_from_thread(self._asked)

    def _asked(self) -> None:
        self._asking = False
        self.ask()

    def _found(self, ids: list[int], found: dict[int, int], age: int) -> None:
        changed = False
        for article_id in ids:
            mark = found.get(article_id, -1)
            changed = changed or self.mark(article_id) != mark
            self._marks[article_id] = (age, mark)
            self._marks.move_to_end(article_id)
        while len(self._marks) > self.kept:
            self._marks.popitem(last=False)
        if changed:
            self.pane.refresh()
