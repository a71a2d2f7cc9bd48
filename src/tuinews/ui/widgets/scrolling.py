"""Scrolling panes drawn line by line, whose base style is computed once (their virtual
size is set with :func:`tuinews.ui.textual_private.set_virtual_size`)."""

from __future__ import annotations

from rich.style import Style
from textual.scroll_view import ScrollView


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
