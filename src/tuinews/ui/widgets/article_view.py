"""The article pane: the article rendered to lines in a thread, drawn with the Line API,
and the shown article's actions (open, copy or follow its link; its full text).

Rich renders the Markdown to lines off the UI thread (:mod:`tuinews.render`), and only the
visible lines are drawn. Moving quickly through the headlines never queues up renders: one
thread renders the newest article asked for, once the cursor rests (``article_render``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from tuinews.links import safe_link
from tuinews.models import Article
from tuinews.render import Line, Place, place_of, render_lines, row_of
from tuinews.store import Headline, Store
from tuinews.ui.bindings import ARTICLE_BINDINGS
from tuinews.ui.services import report_failure
from tuinews.ui.textual_private import set_virtual_size
from tuinews.ui.widgets.article_images import ImageLayer, KeepsSixels
from tuinews.ui.widgets.article_links import LinkKeys
from tuinews.ui.widgets.article_render import Renderer, Request
from tuinews.ui.widgets.scrolling import LinesView

MAX_RENDER_WIDTH = 100
CACHED_RENDERS = 16  # articles kept rendered for a quick return...
CACHED_LINES = 12_000  # ...up to this many lines (many objects each, which the GC scans)
LOADING_DELAY = 0.15  # seconds before "Loading…" replaces the previous article
# When the cursor moves again within SETTLED seconds of the last move, the render waits
# until it rests: no move for 1.5 times the last interval between moves (key repeat is
# 25-40 ms; slower when the machine is busy), at least REST and at most SETTLED.
REST = 0.05
SETTLED = 0.25
CACHED_STRIPS = 400  # drawn lines kept (a few screens)
BIG_RENDER = 1_000  # lines: a render this long is announced (kept_big) when kept
SIDEWAYS = 4  # cells a left or right key scrolls (a code block wider than the pane)


class ArticleView(LinkKeys, LinesView, KeepsSixels, can_focus=True, inherit_bindings=False):
    """Shows one article. The newest request wins; stale renders are dropped."""

    COMPONENT_CLASSES = {"article-view--match"}

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        *ARTICLE_BINDINGS,  # (sideways: listed in the help and the palette)
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
        # Set by the screen: the store, where links open, how a full text is fetched
        # (async: an error message, or "" once it is stored).
        self.store: Store | None = None
        self.opener: Callable[[str], None] = lambda url: None
        self.fetch_full: Callable[[int], Awaitable[str]] | None = None
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
        self._renderer = Renderer(self)  # the render thread: one at a time, the newest
        self._asked_at = 0.0  # time.monotonic() of the last show()
        self._loading_timer: Timer | None = None
        self.rest = REST
        self.settled = SETTLED
        # time.monotonic() of the user's last key or click (set by the screen)
        self.last_input: Callable[[], float] = lambda: 0.0
        # called when a long article's lines are kept: ~10 objects a line, long-lived
        self.kept_big: Callable[[], None] = lambda: None
        self.images = ImageLayer(self)  # fetched and put into the lines once shown

    # --- attributes down -------------------------------------------------------------

    def show(self, article_id: int | None, again: bool = False) -> None:
        """Show this article (rendered in a thread worker; newest wins); the one on screen
        stays, the reader's place kept (a reload announces it again; a new width is
        _rerender's), unless shown ``again`` (read afresh, or its full text toggled)."""
        width = self._render_width()
        shown = article_id is not None and article_id == self.article_id == self._shown_id
        if shown and self._message is None and not again:
            return
        self.article_id = article_id
        self._message = None
        if article_id is None:
            self._supersede()
            self.article = None
            self._put_lines([], None, None, 0)
            return
        rendered = self._renders.get((article_id, width))
        if rendered is not None:
            self._supersede()
            self._put_lines(rendered[0], article_id, rendered[1], width, widest=rendered[2])
            return
        self._ask(article_id, self._loaded(article_id), width)

    def _loaded(self, article_id: int) -> Article | None:
        """The article already loaded, if it is this one (None: the render thread reads it
        from the store). Never another: its lines would be kept and shown as this one's."""
        article = self.article
        return article if article is not None and article.id == article_id else None

    def _supersede(self) -> None:
        """Whatever is being rendered is no longer wanted."""
        self._renderer.supersede()

    @property
    def renders_started(self) -> int:
        """Renders begun (not superseded while waiting): for tests."""
        return self._renderer.started

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
        start = self._renderer.ask(
            article_id,
            article,
            width,
            now + wait,
            now + max(wait, self.rest),
            place,
            summary=article_id in self.summaries,
            height=self.size.height,
        )
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
            self.show(article_id, again=True)

    def toggle_full(self, article_id: int) -> None:
        """Between the full article and the feed's summary."""
        self.summaries.symmetric_difference_update({article_id})
        self.forget()
        self.show(article_id, again=True)

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
        """Render the newest request, then the next, until there is none (not exclusive:
        the renderer itself hands this one thread the newest request)."""
        worker = get_current_worker()
        self._renderer.run(lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def _reading_near_end(self) -> bool:
        """The reader has scrolled this article (not just opened it, while typing a search
        or moving through headlines) to within two screens of the end rendered so far."""
        height = max(1, self.size.height)
        y = self.scroll_offset.y
        return y > 0 and y + 3 * height >= len(self.lines)

    def failed(self, article: Article, error: str) -> None:
        """(From the render thread.) Rendering ``article`` failed."""
        self.post_message(self.Failed(article, error))

    # --- the rendered lines, on the UI thread ----------------------------------------

    def start_lines(
        self,
        request: Request,
        article: Article | None,
        lines: list[Line],
        complete: bool,
        widest: int = 0,
    ) -> None:
        if complete and article is not None:
            self._keep(request.article_id, request.width, lines, article, widest)
        if not self._renderer.stale(request):
            keep = request.place is not None
            self._put_lines(
                lines, request.article_id, article, request.width, complete, keep, widest
            )

    def add_lines(self, request: Request, lines: list[Line], widest: int = 0) -> None:
        if not self._renderer.stale(request) and lines:
            self.lines.extend(lines)
            self._widest = max(self._widest, widest)
            set_virtual_size(self, Size(self._widest, len(self.lines)))
            self.images.added()

    def finish_lines(
        self,
        request: Request,
        article: Article | None,
        lines: list[Line],
        done: list[Line],
        widest: int,
    ) -> None:
        if article is not None:
            self._keep(request.article_id, request.width, done, article, widest)
        if not self._renderer.stale(request):
            self.add_lines(request, lines, widest)
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
        same text at the top, and as far to the right in a wide code block)."""
        top = 0
        left = self.scroll_offset.x if keep_place and article_id == self._shown_id else 0
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
        self.scroll_to(left, top, animate=False, force=True, immediate=True)
        if article_id is not None and article is not None:
            self.post_message(self.Shown(article_id))
        self.images.put(article_id if article is not None else None)

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
        return self.images.overlay(row, y, strip)  # (a Sixel image's row: drawn after it)

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

    async def on_unmount(self) -> None:
        self.images.put(None)  # its Kitty images freed in the terminal
        await self.images.close()  # the image fetcher's connections

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._rerender)  # once the new size is laid out

    def on_show(self) -> None:
        """On screen again (the narrow layout shows it only while reading): so is the
        article it holds."""
        if self.ready and self.article is not None and self.article.id is not None:
            self.post_message(self.Shown(self.article.id))

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
            elif self._shown_id == self.article_id:  # at its top too: a key may come
                place = place_of(self.lines, self.scroll_offset.y)
                self._ask(self.article_id, self._loaded(self.article_id), width, place)
            else:
                # (The article asked for may still be rendering: the one on screen is
                # another, e.g. a headline clicked in the narrow layout, which shows the pane.)
                self._ask(self.article_id, self._loaded(self.article_id), width)
        elif self._message is not None:
            self.show_message(self._message.plain)

    # --- the shown article's link and full text ---------------------------------------
    # ``headline``: the one the headline list has under its cursor (None: none); the
    # article on screen must be that one (else it is still loading).

    def _on_screen(self, headline: Headline | None) -> Article | None:
        article = self.article
        if headline is None:
            return None
        if article is None or article.id != headline.id:
            self.notify("The article is still loading.", severity="warning")
            return None
        return article

    def _link(self, headline: Headline | None) -> str | None:
        article = self._on_screen(headline)
        if article is None:
            return None
        if not article.link:
            self.notify("This article has no link.", severity="warning")
            return None
        link = safe_link(article.link)
        if link is None:
            self.notify("Refused to open a link that is not http or https.", severity="warning")
        return link

    def open_link(self, headline: Headline | None) -> None:
        link = self._link(headline)
        if link is not None:
            self.opener(link)

    def copy_link(self, headline: Headline | None) -> None:
        link = self._link(headline)
        if link is not None:
            self.app.copy_to_clipboard(link)
            self.notify(f"Copied {link}")

    def full_text(self, headline: Headline | None) -> None:
        """Fetch the full article from its link (reader mode), or switch back to the
        feed's summary and forth."""
        article = self._on_screen(headline)
        if article is None or article.id is None:
            return
        if article.full:
            self.toggle_full(article.id)
            return
        link = safe_link(article.link)
        if link is None:
            self.notify("This article has no http(s) link to fetch.", severity="warning")
            return
        self.notify(f"Fetching the full article from {link}")
        self._fetch_full(article.id, link)

    @work(group="full-text", exit_on_error=False, description="Fetching the full article")
    async def _fetch_full(self, article_id: int, link: str) -> None:
        """Over the network (an async worker); not exclusive: each article asked for is
        fetched and stored, whichever is shown by then."""
        if self.fetch_full is None:
            return
        error = await self.fetch_full(article_id)
        if error:
            self.notify(f"Could not fetch {link}: {error}", severity="error")
            return
        self.reload(article_id)

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
