"""The headline list: a virtual list drawn with the Line API (only visible rows render)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuinews.store import Headline

SOURCE_WIDTH = 18
DATE_WIDTH = 10
UNREAD_MARK = "●"
STAR_MARK = "★"


class HeadlineList(ScrollView, can_focus=True, inherit_bindings=False):
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
        """The cursor moved onto a headline: by the user (a key, a click), or because the
        list itself changed (``by_user`` False: a new search result, a refresh)."""

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
        self.headlines: Sequence[Headline] = ()
        self.cursor = 0
        self.words: list[str] = []
        self.empty_message = "No articles."

    # --- attributes down -------------------------------------------------------------

    def set_headlines(self, headlines: Sequence[Headline], words: Sequence[str] = ()) -> None:
        """Show these headlines; keep the cursor on the same article if it is still here."""
        current = self.current
        self.headlines = headlines
        self.words = list(words)
        cursor = 0
        if current is not None:
            for index, headline in enumerate(headlines):
                if headline.id == current.id:
                    cursor = index
                    break
        self.virtual_size = Size(self.size.width, len(headlines))
        same = current is not None and self.current is not None and self.current.id == current.id
        if same and cursor == self.cursor:
            self.refresh()  # still on the same article: nothing to announce
            return
        self.cursor = -1
        self.move_to(cursor, force=True, by_user=False)
        self.refresh()

    @property
    def current(self) -> Headline | None:
        if 0 <= self.cursor < len(self.headlines):
            return self.headlines[self.cursor]
        return None

    def move_to(self, index: int, *, force: bool = False, by_user: bool = True) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view, announce it."""
        if not self.headlines:
            self.cursor = 0
            self.refresh()
            return
        index = max(0, min(index, len(self.headlines) - 1))
        if index == self.cursor and not force:
            return
        old = self.cursor
        self.cursor = index
        self.refresh_row(old)
        self.refresh_row(index)
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, force=True, immediate=True)
        self.post_message(self.Highlighted(self, self.headlines[index], by_user))

    def move_by(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def refresh_row(self, index: int) -> None:
        """Redraw one row (e.g. after its read or starred state changed)."""
        self.refresh_line(index)  # takes the row's virtual y

    # --- drawing ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.headlines:
            lines = self._empty_lines(width)
            if 1 <= y <= len(lines):
                style = self.get_component_rich_style("headline-list--empty")
                return self._strip(Text(f"  {lines[y - 1]}", style=style), width, base)
            return Strip.blank(width, base)
        if row >= len(self.headlines):
            return Strip.blank(width, base)
        return self._strip(self._row_text(self.headlines[row], row, width), width, base)

    def _empty_lines(self, width: int) -> list[str]:
        """The empty-state message, wrapped to the pane (paragraphs kept)."""
        lines: list[str] = []
        for paragraph in self.empty_message.split("\n"):
            lines += textwrap.wrap(paragraph, max(10, width - 4)) or [""]
        return lines

    def _row_text(self, headline: Headline, row: int, width: int) -> Text:
        meta_style = self.get_component_rich_style("headline-list--meta", partial=True)
        state = "headline-list--read" if headline.read else "headline-list--unread"
        title_style = self.get_component_rich_style(state, partial=True)
        star_style = self.get_component_rich_style("headline-list--star", partial=True)
        show_date = width >= 40
        source_width = min(SOURCE_WIDTH, width // 5) if width >= 50 else 0
        meta_width = (DATE_WIDTH + 1) * show_date + (source_width + 1 if source_width else 0)
        title_width = max(1, width - 3 - meta_width)
        title = Text(headline.title or "(untitled)", style=title_style, no_wrap=True)
        if self.words:
            match_style = self.get_component_rich_style("headline-list--match", partial=True)
            title.highlight_words(self.words, match_style, case_sensitive=False)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        parts = [
            Text(" " if headline.read else UNREAD_MARK, style=title_style),
            Text(STAR_MARK if headline.starred else " ", style=star_style),
            Text(" "),
            title,
        ]
        if source_width:
            source = Text(headline.source, style=meta_style, no_wrap=True)
            source.truncate(source_width, overflow="ellipsis", pad=True)
            parts += [Text(" "), source]
        if show_date:
            parts += [Text(" "), Text(headline.date_text.rjust(DATE_WIDTH), style=meta_style)]
        line = Text.assemble(*parts, no_wrap=True)
        if row == self.cursor:
            line.stylize(self.get_component_rich_style("headline-list--cursor", partial=True))
        return line

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console, end=""))
        strip = Strip(segments).apply_style(base)
        return strip.adjust_cell_length(width, base).crop(0, width)

    # --- mouse and resizing ----------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_offset.y) + event.y
        if 0 <= row < len(self.headlines):
            self.move_to(row)
            self.post_message(self.Clicked(self, self.headlines[row]))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.headlines))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
