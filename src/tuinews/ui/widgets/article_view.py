"""The article pane: the article rendered to lines in a thread, drawn with the Line API.

Rendering a long article into widgets (Textual's Markdown widget) takes seconds; here Rich
renders the Markdown to lines off the UI thread (:mod:`tuinews.render`), and only the
visible lines are drawn. Moving quickly through the headlines never queues up renders:
one thread renders at a time, always the newest article asked for, and only once the
cursor rests; a long article shows its beginning at once and the rest as it is rendered,
and a render that is no longer wanted stops at the next chunk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import get_current_worker

from tuinews.models import Article
from tuinews.render import (
    FIRST_CHUNK,
    FULL_NOTE,
    SUMMARY_NOTE,
    Line,
    Place,
    letters,
    line_width,
    place_of,
    render_article,
    render_lines,
    row_of,
)
from tuinews.store import Store
from tuinews.ui.widgets.scrolling import LinesView, set_virtual_size

MAX_RENDER_WIDTH = 100
CACHED_RENDERS = 16  # articles kept rendered for a quick return...
CACHED_LINES = 12_000  # ...up to this many lines (many objects each, which the GC scans)
LOADING_DELAY = 0.15  # seconds before "Loading…" replaces the previous article
# When the cursor moves again within SETTLED seconds of the last move, the render waits
# until it rests: no move for 1.5 times the last interval between moves (key repeat is
# 25-40 ms; slower when the machine is busy), at least REST and at most SETTLED.
REST = 0.05
SETTLED = 0.25
POST_EVERY = 0.1  # seconds: how often the rest of a long article is handed to the pane
QUIET = 0.15  # seconds without input before the rest of a long article is rendered
CACHED_STRIPS = 400  # drawn lines kept (a few screens)
BIG_RENDER = 1_000  # lines: a render this long is announced (kept_big) when kept
SIDEWAYS = 4  # cells a left or right key scrolls (a code block wider than the pane)


@dataclass(frozen=True)
class _Request:
    """An article to render: the newest supersedes it (its generation is then stale)."""

    generation: int
    article_id: int
    article: Article | None  # already loaded, or None to read it from the store
    width: int
    not_before: float  # time.monotonic(): waits this long for the cursor to rest
    rest_at: float  # and after the first screenful, this long (the rest is below it)
    # Rendered again at another width: the reader's place in it, shown once rendered.
    place: Place | None = None


class ArticleView(LinesView, can_focus=True, inherit_bindings=False):
    """Shows one article. The newest request wins; stale renders are dropped."""

    COMPONENT_CLASSES = {"article-view--match"}

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        # A code block wider than the pane is not wrapped: the pane scrolls sideways.
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    class Failed(Message):
        """Rendering the article failed (the message says why)."""

        def __init__(self, article: Article, error: str) -> None:
            super().__init__()
            self.article = article
            self.error = error

    class Shown(Message):
        """The article asked for is on screen (at least its beginning)."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store: Store | None = None  # set by the screen
        self.article_id: int | None = None  # what was asked for last
        self.article: Article | None = None  # what is shown
        self._shown_id: int | None = None  # what is shown (maybe a note that it is not there)
        self.lines: list[Line] = []
        self.complete = True  # whether all of the shown article's lines are in ``lines``
        self._rendered_width = 0
        self._widest = 0  # the widest line's cells (the pane's scrollable width)
        self._message: Text | None = None
        self.words: tuple[str, ...] = ()
        self._strips: dict[int, Strip] = {}  # drawn lines, valid for ``_strips_key``
        self._strips_key: tuple[object, ...] = ()
        # Rendered articles by (id, width): their lines, the article, the widest line (a
        # code block's may be wider than the width: the pane scrolls sideways).
        self._renders: dict[tuple[int, int], tuple[list[Line], Article | None, int]] = {}
        self.summaries: set[int] = set()  # articles with a full text, shown as the summary
        # The render thread: one at a time, handed the newest request under the lock.
        self._lock = threading.Lock()
        self._generation = 0
        self._request: _Request | None = None
        self._rendering = False
        self._asked_at = 0.0  # time.monotonic() of the last show()
        self._loading_timer: Timer | None = None
        self.renders_started = 0  # renders begun (not superseded while waiting): for tests
        self.rest = REST
        self.settled = SETTLED
        # time.monotonic() of the user's last key or click (set by the screen)
        self.last_input: Callable[[], float] = lambda: 0.0
        # called when a long article's lines are kept: ~10 objects a line, long-lived
        self.kept_big: Callable[[], None] = lambda: None

    # --- attributes down -------------------------------------------------------------

    def show(self, article_id: int | None) -> None:
        """Show this article (loaded and rendered in a thread worker; newest wins)."""
        self.article_id = article_id
        self._message = None
        if article_id is None:
            self._supersede()
            self.article = None
            self._put_lines([], None, None, 0)
            return
        width = self._render_width()
        rendered = self._renders.get((article_id, width))
        if rendered is not None:
            self._supersede()
            self._put_lines(rendered[0], article_id, rendered[1], width, widest=rendered[2])
            return
        cached = self.article if self.article and self.article.id == article_id else None
        self._ask(article_id, cached, width)

    def _supersede(self) -> None:
        """Whatever is being rendered is no longer wanted."""
        with self._lock:
            self._generation += 1
            self._request = None

    def _ask(
        self, article_id: int, article: Article | None, width: int, place: Place | None = None
    ) -> None:
        """Hand this article to the render thread (starting it if it is not running);
        ``place``: the reader's place in it, to keep (it is on screen at another width)."""
        now = time.monotonic()
        interval = now - self._asked_at
        self._asked_at = now
        wait = (
            0.0 if interval >= self.settled else min(max(self.rest, 1.5 * interval), self.settled)
        )
        with self._lock:
            self._generation += 1
            self._request = _Request(
                self._generation,
                article_id,
                article,
                width,
                now + wait,
                now + max(wait, self.rest),
                place,
            )
            start = not self._rendering
            self._rendering = True
        if start:
            self._render_newest()
        if self._loading_timer is None:
            self._loading_timer = self.set_timer(LOADING_DELAY, self._loading)

    def _loading(self) -> None:
        """Still rendering: say so rather than leave the previous article up."""
        self._loading_timer = None
        if self._shown_id == self.article_id or self.article_id is None:
            return
        left = self._asked_at + LOADING_DELAY - time.monotonic()
        if left > 0.01:  # asked again since: wait from then (one timer, not one a key)
            self._loading_timer = self.set_timer(left, self._loading)
            return
        self.lines = render_lines(Text("Loading…", style="dim"), self._render_width())
        self._shown_id = None
        self.complete = False
        self._strips.clear()
        set_virtual_size(self, Size(0, len(self.lines)))
        self.scroll_to(0, 0, animate=False, force=True, immediate=True)

    @property
    def ready(self) -> bool:
        """Whether the article asked for last is the one on screen (its beginning, at
        least: ``complete`` says whether all of it is)."""
        shown = self.article.id if self.article is not None else None
        return shown == self.article_id

    def forget(self) -> None:
        """Drop the rendered articles kept for quick return (their content may change)."""
        self._renders.clear()

    def reload(self, article_id: int) -> None:
        """Show this article again, read afresh from the store."""
        self.forget()
        if self.article is not None and self.article.id == article_id:
            self.article = None
        if self.article_id == article_id:
            self.show(article_id)

    def toggle_full(self, article_id: int) -> None:
        """Between the full article and the feed's summary."""
        self.summaries.symmetric_difference_update({article_id})
        self.forget()
        self.show(article_id)

    def highlight(self, words: list[str]) -> None:
        """Highlight these (case-folded) words in the article, e.g. the search words."""
        if tuple(words) != self.words:
            self.words = tuple(words)
            self.refresh()

    def show_message(self, message: str) -> None:
        """Show a short notice instead of an article (the empty state)."""
        self._supersede()
        self.article_id = None
        self.article = None
        self._message = Text(message)
        self._put_lines(render_lines(self._message, self._render_width()), None, None, 0)

    @property
    def at_end(self) -> bool:
        """At the end of the article on screen (never while the next one is loading, nor
        while the rest of this one is)."""
        return self.ready and self.complete and self.scroll_y >= self.max_scroll_y

    @property
    def text(self) -> str:
        """The rendered text (for tests and copying)."""
        return "\n".join("".join(s.text for s in line).rstrip() for line in self.lines)

    # --- rendering (in one thread worker at a time) ----------------------------------

    def _render_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(20, min(width - 1, MAX_RENDER_WIDTH))

    @work(thread=True, group="article", exit_on_error=False, description="Rendering the article")
    def _render_newest(self) -> None:
        """Render the newest request, once the cursor has rested; then the next, if one
        came meanwhile; ends when there is none."""
        worker = get_current_worker()
        try:
            while not worker.is_cancelled:
                with self._lock:
                    request = self._request
                    if request is None:
                        return
                    wait = request.not_before - time.monotonic()
                    if wait <= 0:
                        self._request = None  # taken
                if wait > 0:
                    time.sleep(wait)  # a newer request meanwhile only waits longer
                    continue
                self.renders_started += 1

                def stale(request: _Request = request) -> bool:
                    return self._stale(request) or worker.is_cancelled

                try:
                    self._render_one(request, stale)
                except Exception as error:  # e.g. the store could not be read
                    text = Text(f"(this article could not be shown: {error})")
                    lines = render_lines(text, request.width)
                    self._post(self._start_lines, request, None, lines, True)
        finally:
            with self._lock:
                self._rendering = False

    def _stale(self, request: _Request) -> bool:
        return request.generation != self._generation

    def _render_one(self, request: _Request, stale: Callable[[], bool]) -> None:
        article_id, width, article = request.article_id, request.width, request.article
        if article is None and self.store is not None:
            article = self.store.get_article(article_id)
        if stale():
            return
        if article is None:
            lines = render_lines(Text("This article is no longer in the store."), width)
            self._post(self._start_lines, request, None, lines, True)
            return
        try:
            markdown = self._markdown(article)
            done: list[Line] = []
            pending: list[Line] = []
            posted = 0.0
            seen = 0  # letters rendered, while looking for the reader's place
            place_row: int | None = None  # the line it is on, once rendered
            widest = width
            for batch in render_article(article, markdown, width):
                if stale():
                    return
                done += batch
                widest = max(widest, *map(line_width, batch))
                if not posted:
                    if request.place is not None:
                        # Rendered again at another width: the old lines stay on screen
                        # until the new ones reach the reader's place and a screenful below
                        # it (so that it can be scrolled to the top), never from the top.
                        seen += sum(letters(line) for line in batch)
                        if seen <= request.place.before:
                            continue
                        if place_row is None:
                            place_row = row_of(done, request.place) or 0
                        if len(done) - place_row < self.size.height:
                            continue
                    self._post(self._start_lines, request, article, list(done), False, widest)
                    posted = time.monotonic()
                    moving = request.rest_at > posted and request.place is None
                    if moving and len(markdown) > 2 * FIRST_CHUNK:
                        # Shown at once: the rest, below it, waits for the cursor to rest.
                        time.sleep(request.rest_at - posted)
                        if stale():
                            return
                else:
                    pending += batch
                    if time.monotonic() - posted >= POST_EVERY:
                        self._post(self._add_lines, request, pending, widest)
                        pending = []
                        posted = time.monotonic()
                if not self._wait_for_quiet(stale):
                    return
        except Exception as error:  # a bad article must never take the app down
            self.post_message(self.Failed(article, f"{type(error).__name__}: {error}"))
            note = f"(this article could not be shown: {error})"
            done = [line for batch in render_article(article, note, width) for line in batch]
            widest = max(width, *map(line_width, done))
            self._post(self._start_lines, request, article, done, True, widest)
            return
        if not posted:  # nothing at all (cannot happen: there is always the header)
            self._post(self._start_lines, request, article, done, True, widest)
        else:
            self._post(self._finish_lines, request, article, pending, done, widest)

    def _wait_for_quiet(self, stale: Callable[[], bool]) -> bool:
        """Before the next chunk of a long article: while keys are coming (typing a
        search, holding ``j``), wait, so the rest of the article, below the screen, never
        takes the interpreter from the UI and the search (it made keystrokes twice as
        slow); unless the reader is scrolling near the end of what is rendered. False if
        the render went stale meanwhile."""
        while time.monotonic() - self.last_input() < QUIET and not self._reading_near_end():
            if stale():
                return False
            time.sleep(0.02)
        return not stale()

    def _reading_near_end(self) -> bool:
        """The reader has scrolled this article (not just opened it, while typing a search
        or moving through headlines) to within two screens of the end rendered so far."""
        height = max(1, self.size.height)
        y = self.scroll_offset.y
        return y > 0 and y + 3 * height >= len(self.lines)

    def _markdown(self, article: Article) -> str:
        """The article's Markdown (converted from HTML the first time, and kept), with the
        note that says whether it is the full article or the feed's summary."""
        markdown = article.ready_markdown
        if markdown is None:
            # The parsers load when an HTML article is first shown, after the first frame.
            from tuinews.formats import article_markdown

            markdown = article_markdown(article)
            if self.store is not None:
                assert article.id is not None
                self.store.cache_markdown(article.id, markdown)
        if article.full and article.id not in self.summaries:
            return f"{article.full}\n\n---\n\n*{FULL_NOTE}*"
        if article.full:
            return markdown + f"\n\n---\n\n*{SUMMARY_NOTE}*"
        return markdown

    def _post(self, method: Callable[..., None], *args: object) -> None:
        """Run this on the UI thread, in order, without waiting for it (a thread that
        waited could wait forever for an app that is closing, and hold up the exit)."""
        self.call_later(method, *args)

    # --- the rendered lines, on the UI thread ----------------------------------------

    def _start_lines(
        self,
        request: _Request,
        article: Article | None,
        lines: list[Line],
        complete: bool,
        widest: int = 0,
    ) -> None:
        if complete and article is not None:
            self._keep(request.article_id, request.width, lines, article, widest)
        if not self._stale(request):
            keep = request.place is not None
            self._put_lines(
                lines, request.article_id, article, request.width, complete, keep, widest
            )

    def _add_lines(self, request: _Request, lines: list[Line], widest: int = 0) -> None:
        if not self._stale(request) and lines:
            self.lines.extend(lines)
            self._widest = max(self._widest, widest)
            set_virtual_size(self, Size(self._widest, len(self.lines)))

    def _finish_lines(
        self,
        request: _Request,
        article: Article | None,
        lines: list[Line],
        done: list[Line],
        widest: int,
    ) -> None:
        if article is not None:
            self._keep(request.article_id, request.width, done, article, widest)
        if not self._stale(request):
            self._add_lines(request, lines, widest)
            self.complete = True

    def _keep(
        self, article_id: int, width: int, lines: list[Line], article: Article, widest: int
    ) -> None:
        self._renders[(article_id, width)] = (lines, article, widest)
        if len(lines) >= BIG_RENDER:
            self.kept_big()
        total = sum(len(kept) for kept, _, _ in self._renders.values())
        while len(self._renders) > 1 and (
            len(self._renders) > CACHED_RENDERS or total > CACHED_LINES
        ):
            oldest = next(iter(self._renders))
            total -= len(self._renders.pop(oldest)[0])

    def _put_lines(
        self,
        lines: list[Line],
        article_id: int | None,
        article: Article | None,
        width: int,
        complete: bool = True,
        keep_place: bool = False,
        widest: int = 0,
    ) -> None:
        """Show these lines from the top (a new article, or its beginning); or, with
        ``keep_place``, the same article at another width, at the place the reader was (the
        same text at the top)."""
        top = 0
        if keep_place and article_id == self._shown_id and self.scroll_offset.y > 0:
            place = place_of(self.lines, self.scroll_offset.y)
            found = row_of(lines, place)
            top = len(lines) if found is None else found  # not that far: the end
        self.article = article
        self._shown_id = article_id
        self.lines = list(lines)
        self.complete = complete
        self._strips.clear()
        self._rendered_width = width
        self._widest = max(width, widest)  # a code block's lines may be wider
        set_virtual_size(self, Size(self._widest, len(self.lines)))
        self.scroll_to(0, top, animate=False, force=True, immediate=True)
        if article_id is not None and article is not None:
            self.post_message(self.Shown(article_id))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        base: Style = self.base_style
        if row >= len(self.lines):
            return Strip.blank(width, base)
        key = (scroll_x, width, base, self.words)
        if key != self._strips_key:
            self._strips.clear()
            self._strips_key = key
        strip = self._strips.get(row)
        if strip is None:
            if len(self._strips) >= CACHED_STRIPS:
                self._strips.clear()
            strip = self._line(row).apply_style(base).crop_extend(scroll_x, scroll_x + width, base)
            self._strips[row] = strip
        return strip

    def _line(self, row: int) -> Strip:
        """Line ``row``, with the search words highlighted."""
        line = self.lines[row]
        if self.words:
            text = Text()
            for segment in line:
                text.append(segment.text, segment.style)
            match_style = self.get_component_rich_style("article-view--match")
            if text.highlight_words(self.words, match_style, case_sensitive=False):
                return Strip(list(text.render(self.app.console, end="")))
        return Strip(line)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._rerender)  # once the new size is laid out

    def _rerender(self) -> None:
        """Render the article again at the pane's new width, keeping the reader's place."""
        width = self._render_width()
        if width == self._rendered_width:
            return
        if self.article_id is not None:
            rendered = self._renders.get((self.article_id, width))
            if rendered is not None:
                self._supersede()
                lines, article, widest = rendered
                self._put_lines(lines, self.article_id, article, width, True, True, widest)
            elif self._shown_id == self.article_id and self.scroll_offset.y > 0:
                place = place_of(self.lines, self.scroll_offset.y)
                self._ask(self.article_id, self.article, width, place)
            else:
                self._ask(self.article_id, self.article, width)
        elif self._message is not None:
            self.show_message(self._message.plain)

    # --- scrolling -------------------------------------------------------------------

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def action_scroll_left(self) -> None:
        self.scroll_relative(x=-SIDEWAYS, animate=False)

    def action_scroll_right(self) -> None:
        self.scroll_relative(x=SIDEWAYS, animate=False)

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def page_up(self) -> None:
        self.scroll_page_up(animate=False)
