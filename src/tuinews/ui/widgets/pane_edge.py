"""A pane whose right border the mouse drags to resize it (the feed list, the headline
list). It only says how wide the pane should be (a message up); the screen's pane sizes
(:mod:`tuinews.ui.pane_sizes`) decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    _Pane = Widget
else:
    _Pane = object  # a mixin, not a Widget: Textual takes a widget's CSS and component
    # classes from its first base that is one (FeedList's must stay OptionList's)


class PaneEdge(_Pane):
    """A pane whose right border can be dragged with the mouse (a mixin, put before the
    widget class: its click handler runs first)."""

    class Dragged(Message):
        """The border was dragged: the pane should be this many cells wide."""

        def __init__(self, pane: PaneEdge, width: int) -> None:
            super().__init__()
            self.pane = pane
            self.width = width

    _dragging = False
    _dragged = False  # a drag just ended: the click that comes with its release is not one

    def _on_edge(self, event: events.MouseEvent) -> bool:
        """On the pane's right border (the events' x counts from the pane's outer edge)."""
        return self.styles.border_right[0] not in ("", "none") and (
            event.x == self.outer_size.width - 1
        )

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._dragged = False
        if event.button == 1 and self._on_edge(event):
            self._dragging = True
            self.capture_mouse()
            event.prevent_default()
            event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self.post_message(self.Dragged(self, event.screen_x - self.region.x + 1))
            event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self._dragged = True
            self.release_mouse()
            event.prevent_default()
            event.stop()

    def drag_ended(self) -> bool:
        """Whether a click is only the end of a drag (and so is not a click)."""
        dragged, self._dragged = self._dragged, False
        return dragged

    def on_click(self, event: events.Click) -> None:
        if self.drag_ended():
            event.prevent_default()  # e.g. OptionList's own click handler
            event.stop()
