"""The focus among the main screen's three panes, and which of them are shown.

Each pane has a title bar, drawn in the accent colour while the pane has the focus, so
keys always visibly act on one pane. Below ``narrow_width`` columns one pane is shown at
a time: the focused one. ``f`` and ``Tab`` reach the feed list there too, ``Enter`` on a
feed shows its headlines, ``Escape`` goes back to them and ``f`` to the pane it was
pressed in (the wide layout's choice to hide the feed list is left alone). The screen's
classes say what is shown (styles/panes.tcss): ``-narrow``, ``-feeds-pane`` (the feed
list is the one pane), ``-reading`` (the article is), ``-no-feeds`` (nothing to list
yet) and ``-feeds-hidden`` (``f`` in the wide layout).
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


class PaneFocus:
    def __init__(
        self, screen: Screen[Any], panes: tuple[Widget, Widget, Widget], narrow_width: int
    ) -> None:
        self.screen = screen
        self.feeds, self.headlines, self.article = panes
        self.narrow_width = narrow_width
        self.came_from = self.headlines  # the pane ``f`` left for the feed list (narrow)

    @property
    def narrow(self) -> bool:
        return self.screen.has_class("-narrow")

    @property
    def feeds_hidden(self) -> bool:
        """Whether the wide layout leaves the feed list out."""
        return self.screen.has_class("-no-feeds") or self.screen.has_class("-feeds-hidden")

    @property
    def reading(self) -> bool:
        """Whether the article shown is being read: the user is in a view (not browsing
        the feed list, nor typing a search) and the article pane is on screen (in the narrow
        layout, only while it is the pane shown)."""
        screen = self.screen
        focused = screen.focused
        if focused is self.feeds or isinstance(focused, Input):
            return False
        return not self.narrow or screen.has_class("-reading")

    def resized(self, width: int) -> None:
        screen = self.screen
        screen.set_class(width < self.narrow_width, "-narrow")
        if not self.narrow and screen.focused is self.feeds and self.feeds_hidden:
            screen.set_focus(self.headlines)  # hidden in the wide layout
        self.show_focused()

    def show_focused(self) -> None:
        """In the narrow layout, the focused pane is the one shown."""
        screen = self.screen
        focused = screen.focused
        screen.set_class(focused is self.feeds, "-feeds-pane")
        if focused is self.article:
            screen.add_class("-reading")
        elif focused is self.feeds or focused is self.headlines:
            screen.remove_class("-reading")

    def next_pane(self) -> None:
        panes: list[Widget] = [self.feeds, self.headlines, self.article]
        if self.narrow:  # one pane at a time: each in turn, the feed list too
            panes = panes[1:] if self.feeds_hidden else panes
        else:
            panes = [pane for pane in panes if pane.display and pane.region.width]
        if panes:
            focused = self.screen.focused
            index = panes.index(focused) + 1 if focused in panes else 0
            self.screen.set_focus(panes[index % len(panes)])

    def toggle_feeds(self) -> None:
        screen = self.screen
        if self.narrow:  # the feed list as the one pane, or back to the pane left for it
            focused = screen.focused
            if focused is self.feeds:
                screen.set_focus(self.came_from)
            else:
                self.came_from = self.article if focused is self.article else self.headlines
                screen.set_focus(self.feeds)
        elif self.feeds_hidden:
            screen.remove_class("-no-feeds", "-feeds-hidden")
        else:
            screen.add_class("-feeds-hidden")
            if screen.focused is self.feeds:
                screen.set_focus(self.headlines)
