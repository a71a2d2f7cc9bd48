"""Scrolling panes drawn line by line: their virtual size set without a layout of the
whole screen, and their base style computed once."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set ``view``'s scrollable size. Setting ``virtual_size`` asks for a layout of the
    whole screen, which repaints every pane (10-25 ms at 120x40, measured while typing a
    search); a pane's own size does not depend on its content, only its scrollbars do, so
    this updates them as Textual's own size update does (``_scroll_update``), and asks for
    a layout only when a scrollbar appears or goes."""
    if size != view.virtual_size:
        bars = (view.show_vertical_scrollbar, view.show_horizontal_scrollbar)
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
        if (view.show_vertical_scrollbar, view.show_horizontal_scrollbar) != bars:
            view.refresh(layout=True)  # the scrollbar's place is laid out
    view.refresh()


class LinesView(ScrollView):
    """A ScrollView drawn line by line, whose lines share one base style."""

    _base_style: Style | None = None

    @property
    def base_style(self) -> Style:
        """``rich_style``, computed once until the styles change: ``rich_style`` walks the
        styles of every ancestor (~40 µs), and every line drawn needs it (a search redraws
        70 lines a keystroke)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        self._base_style = None  # a theme, a class or the focus changed the styles
        super().notify_style_update()
