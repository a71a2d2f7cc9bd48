"""The article pane: the article rendered to lines in a thread, drawn with the Line API.

Rendering a long article into widgets (Textual's Markdown widget) takes seconds; here Rich
renders the Markdown to lines off the UI thread, and only the visible lines are drawn.
"""

from __future__ import annotations

import io
import re

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from tuinews.models import Article
from tuinews.store import Store

MAX_RENDER_WIDTH = 100
MAX_MARKDOWN_CHARS = 400_000  # longer articles are cut, with a note, so that they render fast
CACHED_RENDERS = 16
LOADING_DELAY = 0.15  # seconds before "Loading…" replaces the previous article


FULL_NOTE = "The full article, from its link: F shows the feed's summary."
SUMMARY_NOTE = "The feed's summary: F shows the full article."
MAX_QUOTE_DEPTH = 4
_DEEP_QUOTE = re.compile(rf"^((?:[ \t]*>){{{MAX_QUOTE_DEPTH}}})(?:[ \t]*>)+", re.MULTILINE)


def flatten_quotes(markdown: str) -> str:
    """Quotes nested deeper than the Markdown parser goes would vanish: cap the depth."""
    return _DEEP_QUOTE.sub(r"\1", markdown)


def article_renderable(article: Article, markdown: str) -> RenderableType:
    """Header (title, source, author, date, link) and body. Text only: no markup parsing."""
    meta = " · ".join(part for part in (article.source, article.author, article.date_text) if part)
    header: list[RenderableType] = [Text(article.title or "(untitled)", style="bold")]
    if meta:
        header.append(Text(meta, style="dim"))
    if article.link:
        header.append(Text(article.link, style="dim underline"))
    header.append(Text(""))
    from rich.markdown import Markdown  # ~20 ms to import: not needed for the first frame

    cut = ""
    if len(markdown) > MAX_MARKDOWN_CHARS:
        end = markdown.rfind("\n\n", 0, MAX_MARKDOWN_CHARS)
        markdown = markdown[: end if end > 0 else MAX_MARKDOWN_CHARS]
        cut = f"(The article is cut here at {MAX_MARKDOWN_CHARS // 1000} KB; o opens the original.)"
    markdown = flatten_quotes(markdown)
    body = Markdown(markdown, hyperlinks=False) if markdown.strip() else Text("(no text)")
    return Group(*header, body, Text(cut, style="italic")) if cut else Group(*header, body)


def render_lines(renderable: RenderableType, width: int) -> list[list[Segment]]:
    """Render to lines of segments at this width (safe to call from a thread)."""
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )
    return console.render_lines(renderable, console.options, pad=False)


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article. The newest request wins; stale renders are dropped."""

    COMPONENT_CLASSES = {"article-view--match"}

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
    ]

    class Failed(Message):
        """Rendering the article failed (the message says why)."""

        def __init__(self, article: Article, error: str) -> None:
            super().__init__()
            self.article = article
            self.error = error

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store: Store | None = None  # set by the screen
        self.article_id: int | None = None  # what was asked for last
        self.article: Article | None = None  # what is shown
        self.lines: list[Strip] = []
        self._rendered_width = 0
        self._message: Text | None = None
        self.words: tuple[str, ...] = ()
        self._highlighted: dict[int, Strip] = {}
        self._renders: dict[tuple[int, int], tuple[list[Strip], Article | None]] = {}
        self.summaries: set[int] = set()  # articles with a full text, shown as the summary

    # --- attributes down -------------------------------------------------------------

    def show(self, article_id: int | None) -> None:
        """Show this article (loaded and rendered in a thread worker; newest wins)."""
        self.article_id = article_id
        self._message = None
        if article_id is None:
            self.article = None
            self._set_lines([], None, None, 0)
            return
        width = self._render_width()
        rendered = self._renders.get((article_id, width))
        if rendered is not None:
            self._set_lines(rendered[0], article_id, rendered[1], width)
            return
        cached = self.article if self.article and self.article.id == article_id else None
        self._render_article(article_id, cached, width)
        self.set_timer(LOADING_DELAY, lambda: self._loading(article_id))

    def _loading(self, article_id: int) -> None:
        """Still rendering: say so rather than leave the previous article up."""
        if self.article_id == article_id and not self.ready:
            lines = render_lines(Text("Loading…", style="dim"), self._render_width())
            self.lines = self._to_strips(lines)
            self._highlighted.clear()
            self.virtual_size = Size(0, len(self.lines))
            self.scroll_to(0, 0, animate=False, force=True, immediate=True)
            self.refresh()

    @property
    def ready(self) -> bool:
        """Whether the article asked for last is the one on screen."""
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
            self._highlighted.clear()
            self.refresh()

    def show_message(self, message: str) -> None:
        """Show a short notice instead of an article (the empty state)."""
        self.article_id = None
        self.article = None
        self._message = Text(message)
        lines = render_lines(self._message, self._render_width())
        self._set_lines(self._to_strips(lines), None, None, 0)

    @property
    def at_end(self) -> bool:
        """At the end of the article on screen (never while the next one is loading)."""
        return self.ready and self.scroll_y >= self.max_scroll_y

    @property
    def text(self) -> str:
        """The rendered text (for tests and copying)."""
        return "\n".join(strip.text.rstrip() for strip in self.lines)

    # --- rendering -------------------------------------------------------------------

    def _render_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(20, min(width - 1, MAX_RENDER_WIDTH))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _render_article(self, article_id: int, article: Article | None, width: int) -> None:
        worker = get_current_worker()
        if article is None and self.store is not None:
            article = self.store.get_article(article_id)
        if worker.is_cancelled:
            return
        if article is None:
            lines = render_lines(Text("This article is no longer in the store."), width)
        else:
            try:
                cached = article.has_markdown
                markdown = article.markdown()
                if not cached and article.kind == "html" and self.store is not None:
                    self.store.cache_markdown(article_id, markdown)
                if article.full and article_id not in self.summaries:
                    markdown = f"{article.full}\n\n---\n\n*{FULL_NOTE}*"
                elif article.full:
                    markdown += f"\n\n---\n\n*{SUMMARY_NOTE}*"
                if worker.is_cancelled:
                    return
                lines = render_lines(article_renderable(article, markdown), width)
            except Exception as error:  # a bad article must never take the app down
                self.post_message(self.Failed(article, f"{type(error).__name__}: {error}"))
                note = f"(this article could not be shown: {error})"
                lines = render_lines(article_renderable(article, note), width)
        if not worker.is_cancelled:
            strips = self._to_strips(lines)
            self.app.call_from_thread(self._set_lines, strips, article_id, article, width)

    @staticmethod
    def _to_strips(lines: list[list[Segment]]) -> list[Strip]:
        return [Strip(line) for line in lines]

    def _set_lines(
        self, lines: list[Strip], article_id: int | None, article: Article | None, width: int
    ) -> None:
        if article_id is not None:
            self._renders[(article_id, width)] = (lines, article)
            while len(self._renders) > CACHED_RENDERS:
                del self._renders[next(iter(self._renders))]
        if article_id != self.article_id:
            return  # a newer article was asked for meanwhile
        self.article = article
        self.lines = lines
        self._highlighted.clear()
        self._rendered_width = width
        longest = max((strip.cell_length for strip in lines), default=0)
        self.virtual_size = Size(longest, len(lines))
        self.scroll_to(0, 0, animate=False, force=True, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        base: Style = self.rich_style
        if row >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._line(row).apply_style(base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _line(self, row: int) -> Strip:
        """Line ``row``, with the search words highlighted (computed when first drawn)."""
        strip = self.lines[row]
        if not self.words:
            return strip
        cached = self._highlighted.get(row)
        if cached is None:
            text = Text()
            for segment in strip:
                text.append(segment.text, segment.style)
            match_style = self.get_component_rich_style("article-view--match")
            if text.highlight_words(self.words, match_style, case_sensitive=False):
                cached = Strip(list(text.render(self.app.console, end="")))
            else:
                cached = strip
            self._highlighted[row] = cached
        return cached

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._rerender)  # once the new size is laid out

    def _rerender(self) -> None:
        width = self._render_width()
        if width == self._rendered_width:
            return
        if self.article_id is not None:
            self._render_article(self.article_id, self.article, width)
        elif self._message is not None:
            self.show_message(self._message.plain)

    # --- scrolling -------------------------------------------------------------------

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def page_up(self) -> None:
        self.scroll_page_up(animate=False)
