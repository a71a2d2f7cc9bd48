"""The article pane's render thread: one article at a time, always the newest asked for,
and only once the cursor rests. A long article's beginning is handed to the pane at once
and the rest as it is rendered (while no keys are coming); a render that is no longer
wanted stops at the next chunk. The pane (:class:`tuinews.ui.widgets.article_view.
ArticleView`) runs :meth:`Renderer.run` in a thread worker and gets the lines back on the
UI thread, in order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text

from tuinews.models import Article
from tuinews.render import (
    FIRST_CHUNK,
    FULL_NOTE,
    SUMMARY_NOTE,
    Line,
    Place,
    letters,
    line_width,
    render_article,
    render_lines,
    row_of,
)
from tuinews.store import Store

if TYPE_CHECKING:
    from tuinews.ui.widgets.article_images import ImageLayer

POST_EVERY = 0.1  # seconds: how often the rest of a long article is handed to the pane
QUIET = 0.15  # seconds without input before the rest of a long article is rendered


@dataclass(frozen=True)
class Request:
    """An article to render: the newest supersedes it (its generation is then stale)."""

    generation: int
    article_id: int
    article: Article | None  # already loaded, or None to read it from the store
    width: int
    not_before: float  # time.monotonic(): waits this long for the cursor to rest
    rest_at: float  # and after the first screenful, this long (the rest is below it)
    # Rendered again at another width: the reader's place in it, shown once rendered.
    place: Place | None = None
    summary: bool = False  # the feed's summary, though the article has its full text
    height: int = 0  # the pane's (a screenful below the reader's place comes first)


class Pane(Protocol):
    """What the renderer needs of the article pane. ``start_lines``, ``add_lines`` and
    ``finish_lines`` run on the UI thread (through ``call_later``); the rest is called
    from the render thread."""

    store: Store | None
    images: ImageLayer  # (its mode: a feed's picture is put on top unless "off")
    last_input: Callable[[], float]  # time.monotonic() of the user's last key or click

    def _reading_near_end(self) -> bool: ...  # (the pane's own, called from the thread)
    def failed(self, article: Article, error: str) -> None: ...
    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...
    def start_lines(
        self,
        request: Request,
        article: Article | None,
        lines: list[Line],
        complete: bool,
        widest: int = 0,
    ) -> None: ...
    def add_lines(self, request: Request, lines: list[Line], widest: int = 0) -> None: ...
    def finish_lines(
        self,
        request: Request,
        article: Article | None,
        lines: list[Line],
        done: list[Line],
        widest: int,
    ) -> None: ...


class Renderer:
    """Hands the newest request to one render thread at a time (under a lock)."""

    def __init__(self, pane: Pane) -> None:
        self.pane = pane
        self._lock = threading.Lock()
        self._generation = 0
        self._request: Request | None = None
        self._rendering = False
        self.started = 0  # renders begun (not superseded while waiting): for tests

    def supersede(self) -> None:
        """Whatever is being rendered is no longer wanted."""
        with self._lock:
            self._generation += 1
            self._request = None

    def ask(
        self,
        article_id: int,
        article: Article | None,
        width: int,
        not_before: float,
        rest_at: float,
        place: Place | None = None,
        summary: bool = False,
        height: int = 0,
    ) -> bool:
        """Make this the newest request (see ``Request``); whether a render thread must be
        started for it (none is running)."""
        with self._lock:
            self._generation += 1
            self._request = Request(
                self._generation,
                article_id,
                article,
                width,
                not_before,
                rest_at,
                place,
                summary,
                height,
            )
            start = not self._rendering
            self._rendering = True
        return start

    def stale(self, request: Request) -> bool:
        return request.generation != self._generation

    def run(self, cancelled: Callable[[], bool]) -> None:
        """In a thread: render the newest request, once the cursor has rested; then the
        next, if one came meanwhile; ends when there is none."""
        try:
            while not cancelled():
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
                self.started += 1

                def stale(request: Request = request) -> bool:
                    return self.stale(request) or cancelled()

                try:
                    self._render_one(request, stale)
                except Exception as error:  # e.g. the store could not be read
                    text = Text(f"(this article could not be shown: {error})")
                    lines = render_lines(text, request.width)
                    self._post(self.pane.start_lines, request, None, lines, True)
        finally:
            with self._lock:
                self._rendering = False

    def _render_one(self, request: Request, stale: Callable[[], bool]) -> None:
        article_id, width, article = request.article_id, request.width, request.article
        store = self.pane.store
        if article is None and store is not None:
            article = store.get_article(article_id)
        if stale():
            return
        if article is None:
            lines = render_lines(Text("This article is no longer in the store."), width)
            self._post(self.pane.start_lines, request, None, lines, True)
            return
        try:
            markdown = self._markdown(article, request.summary)
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
                        if len(done) - place_row < request.height:
                            continue
                    self._post(self.pane.start_lines, request, article, list(done), False, widest)
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
                        self._post(self.pane.add_lines, request, pending, widest)
                        pending = []
                        posted = time.monotonic()
                if not self._wait_for_quiet(stale):
                    return
        except Exception as error:  # a bad article must never take the app down
            self.pane.failed(article, f"{type(error).__name__}: {error}")
            note = f"(this article could not be shown: {error})"
            done = [line for batch in render_article(article, note, width) for line in batch]
            widest = max(width, *map(line_width, done))
            self._post(self.pane.start_lines, request, article, done, True, widest)
            return
        if not posted:  # nothing at all (cannot happen: there is always the header)
            self._post(self.pane.start_lines, request, article, done, True, widest)
        else:
            self._post(self.pane.finish_lines, request, article, pending, done, widest)

    def _wait_for_quiet(self, stale: Callable[[], bool]) -> bool:
        """Before the next chunk of a long article: while keys are coming (typing a
        search, holding ``j``), wait, so the rest of the article, below the screen, never
        takes the interpreter from the UI and the search (it made keystrokes twice as
        slow); unless the reader is scrolling near the end of what is rendered. False if
        the render went stale meanwhile."""
        pane = self.pane
        while time.monotonic() - pane.last_input() < QUIET and not pane._reading_near_end():
            if stale():
                return False
            time.sleep(0.02)
        return not stale()

    def _markdown(self, article: Article, summary: bool) -> str:
        """The article's Markdown (converted from HTML the first time, and kept), with the
        note that says whether it is the full article or the feed's summary."""
        markdown = article.ready_markdown
        if markdown is None:
            # The parsers load when an HTML article is first shown, after the first frame.
            from tuinews.formats import article_markdown

            markdown = article_markdown(article)
            store = self.pane.store
            if store is not None:
                assert article.id is not None
                store.cache_markdown(article.id, markdown)
        if article.full and not summary:
            markdown = f"{article.full}\n\n---\n\n*{FULL_NOTE}*"
        elif article.full:
            markdown += f"\n\n---\n\n*{SUMMARY_NOTE}*"
        if article.image and self.pane.images.mode != "off":
            # (string work, loaded with the first article that has a feed's picture)
            from tuinews.images.feed_image import with_feed_image

            markdown = with_feed_image(markdown, article.image)
        return markdown

    def _post(self, method: Callable[..., None], *args: object) -> None:
        """Run this on the UI thread, in order, without waiting for it (a thread that
        waited could wait forever for an app that is closing, and hold up the exit)."""
        self.pane.call_later(method, *args)
