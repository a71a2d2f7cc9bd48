"""The headline list: a virtual list drawn with the Line API. It holds the ids of the
shown articles in order (8 bytes each) and fetches the rows it draws, a page at a time,
into a small cache: memory does not grow with the number of articles. The headlines the
config's ``[[highlight]]`` queries match are drawn in their style: which ones, the store
says for each page fetched, in a thread (:class:`HighlightMarks`), so the rows are drawn
at once and their highlight follows."""

from __future__ import annotations

import textwrap
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import overload

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from tuinews.store import Headline
from tuinews.ui.services import services
from tuinews.ui.textual_private import set_virtual_size
from tuinews.ui.widgets.headline_rows import RowPainter
from tuinews.ui.widgets.highlight_marks import HighlightMarks
from tuinews.ui.widgets.pane_edge import PaneEdge
from tuinews.ui.widgets.scrolling import LinesView

PAGE = 100  # rows fetched at once around a row that is not cached
CACHE = 2000  # rows kept (least recently drawn go first)
STRIPS = 300  # drawn rows kept
KEPT_NEIGHBOURS = 200  # rows below the cursor looked at to put a kept article back

Fetch = Callable[[Sequence[int]], list[Headline]]


def _with_kept(ids: Sequence[int], kept: int, after: Sequence[int]) -> Sequence[int]:
    """``ids`` with ``kept`` (not in them) put back: before the first of the ids that
    followed it before (``after``, the nearest first) that is still there, else at the end.
    The sequence keeps its type (an array of 8-byte ids stays one)."""
    present = set(ids)
    index = len(ids)
    for neighbour in after[:KEPT_NEIGHBOURS]:
        if neighbour in present:
            index = ids.index(neighbour)
            break
    if isinstance(ids, array):
        return ids[:index] + array(ids.typecode, [kept]) + ids[index:]
    return [*ids[:index], kept, *ids[index:]]


class Rows(Sequence[Headline]):
    """The shown headlines as a sequence, fetched when read (for callers that iterate)."""

    def __init__(self, owner: HeadlineList) -> None:
        self.owner = owner

    def __len__(self) -> int:
        return len(self.owner.ids)

    @overload
    def __getitem__(self, index: int) -> Headline: ...
    @overload
    def __getitem__(self, index: slice) -> list[Headline]: ...
    def __getitem__(self, index: int | slice) -> Headline | list[Headline]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        headline = self.owner.headline_at(index)
        if headline is None:
            raise IndexError(index)
        return headline

    def __iter__(self) -> Iterator[Headline]:
        for index in range(len(self)):
            headline = self.owner.headline_at(index)
            if headline is not None:
                yield headline

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return id(self)


class HeadlineList(PaneEdge, LinesView, can_focus=True, inherit_bindings=False):
    """Title, source and date of each article, one row each, with unread and star marks."""

    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--unread",
        "headline-list--read",
        "headline-list--star",
        "headline-list--meta",
        "headline-list--match",
        "headline-list--empty",
    }

    class Highlighted(Message):
        """The cursor moved onto a headline: by the user (a key, a click, the results of
        a search or a view they chose), or (``by_user`` False) because a refresh changed
        the list under it."""

        def __init__(self, headline_list: HeadlineList, headline: Headline, by_user: bool) -> None:
            super().__init__()
            self.headline_list = headline_list
            self.headline = headline
            self.by_user = by_user

        @property
        def control(self) -> HeadlineList:
            return self.headline_list

    class Clicked(Message):
        """A headline was clicked: open it."""

        def __init__(self, headline_list: HeadlineList, headline: Headline) -> None:
            super().__init__()
            self.headline_list = headline_list
            self.headline = headline

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.ids: Sequence[int] = ()
        self.fetch: Fetch = lambda ids: []
        self._rows: OrderedDict[int, Headline] = OrderedDict()
        # Rows whose flags were changed here and are being saved (with how many saves are
        # on their way): they win over a row fetched meanwhile.
        self._held: dict[int, tuple[Headline, int]] = {}
        self._strips: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self.cursor = 0
        self.words: list[str] = []
        self.empty_message = "No articles."
        self._painter = RowPainter(self)
        self.marks = HighlightMarks(self, 2 * CACHE)

    def on_mount(self) -> None:
        """The config's highlights (none: nothing is asked of the store)."""
        app = services(self)
        highlights = getattr(getattr(app, "settings", None), "highlight", ())
        if highlights:
            queries = [highlight.query for highlight in highlights]
            self.marks.matcher = partial(app.store.highlight_matches, queries=queries)
            self.marks.styles = [Style.parse(highlight.style) for highlight in highlights]

    # --- attributes down -------------------------------------------------------------

    def set_ids(
        self,
        ids: Sequence[int],
        words: Sequence[str] = (),
        rows: Iterable[Headline] = (),
        *,
        keep_rows: bool = False,
        keep_current: bool = False,
        prefer: int | None = None,
    ) -> None:
        """Show the articles with these ids, in this order (``rows``: some of them, already
        fetched; ``keep_rows``: the cached rows are still current). The cursor stays on the
        same article if it is still here (on ``prefer`` if that one is); with
        ``keep_current`` (the same view read again, e.g. after a refresh), it stays even if
        the article left the view (read in the Unread view), among the neighbours it had."""
        current = was = self.current_id
        if keep_current and current is not None and current not in ids:
            kept = self.fetch([current])  # unless it is gone from the store
            if kept:
                ids = _with_kept(ids, current, self.ids[self.cursor + 1 :])
                rows = [*rows, *kept]
        if prefer is not None and prefer in ids:
            current = prefer
        self.ids = ids
        self.words = list(words)
        if not keep_rows:
            self._rows.clear()
            self.marks.stale()
        for row in rows:
            self._remember(row)
        self.marks.ask()
        cursor = 0
        if current is not None:
            try:
                cursor = ids.index(current)  # about 1 ms at 100,000 ids
            except ValueError:
                cursor = 0
        set_virtual_size(self, Size(self.size.width, len(ids)))
        if current == was and current is not None and cursor < len(ids) and ids[cursor] == current:
            # Still on the same article: nothing to announce (the article pane keeps its
            # reading position). Rows added or gone above it: it keeps its place on screen.
            if cursor != self.cursor:
                moved = cursor - self.cursor
                self.cursor = cursor
                self.scroll_to(
                    y=self.scroll_offset.y + moved, animate=False, force=True, immediate=True
                )
            self.refresh()
            return
        self.cursor = -1
        self.move_to(cursor, force=True, by_user=not keep_current)
        self.refresh()

    def set_headlines(self, headlines: Sequence[Headline], words: Sequence[str] = ()) -> None:
        """Show exactly these headlines (all of them already fetched)."""
        self.set_ids([headline.id for headline in headlines], words, headlines)

    def forget_rows(self) -> None:
        """The stored rows changed (e.g. all marked read): fetch them again when drawn."""
        self._rows.clear()
        self.marks.stale()
        self.refresh()

    @property
    def words_key(self) -> tuple[str, ...]:
        return tuple(self.words)

    @property
    def headlines(self) -> Rows:
        return Rows(self)

    @property
    def cached(self) -> Iterable[Headline]:
        """The rows fetched so far (to update their flags in place)."""
        return self._rows.values()

    @property
    def current_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    @property
    def current(self) -> Headline | None:
        return self.headline_at(self.cursor)

    def headline_at(self, index: int) -> Headline | None:
        """The row at ``index``, fetched with its neighbours if it is not cached (None if
        the article is gone from the store)."""
        if not 0 <= index < len(self.ids):
            return None
        article_id = self.ids[index]
        headline = self._rows.get(article_id)
        if headline is not None:
            self._rows.move_to_end(article_id)
            return headline
        window = self.ids[max(0, index - PAGE // 4) : index + PAGE]
        missing = [i for i in window if i not in self._rows]
        # A synchronous read, on the store's second connection: 100 rows take about
        # 0.1-1.5 ms at 100,000 articles (measured with benchmarks/scale.py's store), less
        # than a frame, and it never waits for a write in progress.
        for row in self.fetch(missing):
            self._remember(row)
        self.marks.ask()  # (in a thread: the rows are drawn first)
        return self._rows.get(article_id)

    def hold(self, headline: Headline) -> None:
        """Its flags were just changed here; a save is on its way to the store."""
        _, saves = self._held.get(headline.id, (headline, 0))
        self._held[headline.id] = (headline, saves + 1)

    def saved(self, ids: Iterable[int]) -> None:
        """A save started by ``hold`` is done: the store has these rows' flags."""
        for article_id in ids:
            headline, saves = self._held.pop(article_id, (None, 0))
            if headline is not None and saves > 1:
                self._held[article_id] = (headline, saves - 1)

    def _remember(self, headline: Headline) -> None:
        held = self._held.get(headline.id)
        if held is not None:
            headline.read, headline.starred = held[0].read, held[0].starred
        self._rows[headline.id] = headline
        self._rows.move_to_end(headline.id)
        self.marks.fetched(headline.id)
        while len(self._rows) > CACHE:
            self._rows.popitem(last=False)

    def move_to(self, index: int, *, force: bool = False, by_user: bool = True) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view, announce it."""
        if not self.ids:
            self.cursor = 0
            self.refresh()
            return
        index = max(0, min(index, len(self.ids) - 1))
        if index == self.cursor and not force:
            return
        old = self.cursor
        self.cursor = index
        self.refresh_row(old)
        self.refresh_row(index)
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, force=True, immediate=True)
        headline = self.headline_at(index)
        if headline is not None:
            self.post_message(self.Highlighted(self, headline, by_user))

    def move_by(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def move_to_unread(self, step: int) -> bool:
        """To the next unread row below (``step`` 1) or above (-1); False if there is
        none. The rows on the way are read a page at a time (see headline_at)."""
        index = self.cursor + step
        while 0 <= index < len(self.ids):
            headline = self.headline_at(index)
            if headline is not None and not headline.read:
                self.move_to(index)
                return True
            index += step
        return False

    def refresh_row(self, index: int) -> None:
        """Redraw one row (e.g. after its read or starred state changed)."""
        self.refresh_line(index)  # takes the row's virtual y

    # --- drawing ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.base_style
        if not self.ids:
            lines = self._empty_lines(width)
            if 1 <= y <= len(lines):
                style = self.get_component_rich_style("headline-list--empty")
                return self._strip(Text(f"  {lines[y - 1]}", style=style), width, base)
            return Strip.blank(width, base)
        headline = self.headline_at(row)
        if headline is None:
            return Strip.blank(width, base)
        # Drawn rows are kept: a row costs ~0.4 ms to build, and typing a search or
        # scrolling redraws rows that did not change (the cursor's row is never kept).
        key = (
            headline.id,
            headline.title,
            headline.source,
            headline.published,
            headline.read,
            headline.starred,
            self.words_key,
            width,
            base,
            self.has_focus,
            mark := self.marks.mark(headline.id),
        )
        if row != self.cursor and (strip := self._strips.get(key)) is not None:
            self._strips.move_to_end(key)
            return strip
        strip = self._painter.row(
            headline, row == self.cursor, width, base, self.words, self.marks.style(mark)
        )
        if row != self.cursor:
            self._strips[key] = strip
            if len(self._strips) > STRIPS:
                self._strips.popitem(last=False)
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()  # a new theme, or the focus changed the styles
        self._painter.forget_styles()
        super().notify_style_update()

    def _empty_lines(self, width: int) -> list[str]:
        """The empty-state message, wrapped to the pane (paragraphs kept)."""
        lines: list[str] = []
        for paragraph in self.empty_message.split("\n"):
            lines += textwrap.wrap(paragraph, max(10, width - 4)) or [""]
        return lines

    def _row_styles(self, base: Style) -> dict[str, Style]:
        """The row styles over ``base`` (see RowPainter.styles)."""
        return self._painter.styles(base)

    def _row_strip(self, headline: Headline, row: int, width: int, base: Style) -> Strip:
        """Row ``row``, showing ``headline``, with the search words highlighted."""
        style = self.marks.style(self.marks.mark(headline.id))
        return self._painter.row(headline, row == self.cursor, width, base, self.words, style)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console, end=""))
        strip = Strip(segments).apply_style(base)
        return strip.adjust_cell_length(width, base).crop(0, width)

    # --- mouse and resizing ----------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if self.drag_ended():
            return  # the border was dragged (PaneEdge): not a click on a row
        offset = event.get_content_offset(self)  # (the title bar above the rows)
        if offset is None:
            return  # on the title bar or a border: not a row
        row = round(self.scroll_offset.y) + offset.y
        headline = self.headline_at(row)
        if headline is not None:
            self.move_to(row)
            self.post_message(self.Clicked(self, headline))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.ids))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
