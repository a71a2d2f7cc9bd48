"""Pane widths the user chooses: with keys (``[`` ``]`` the headline list, ``{`` ``}`` the
feed list, ``=`` back to the defaults) and by dragging the border between two panes with
the mouse. They are remembered across runs in the state file (tuinews.remembered), never in the
settings file.

The feed list's width is kept in cells; the headline list's as its share of the room
right of the feed list (so the article pane grows with the terminal, and showing or
hiding the feed list keeps the proportion). Both are given to Textual as widths (cells,
and ``fr`` for the headline list and the article pane), so a resize needs no work here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.css.scalar import Scalar, Unit
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from tuinews.remembered import load_state, save_state, state_path

FEEDS_MIN = 12  # cells
FEEDS_MAX = 80
HEADLINES_MIN = 30  # cells, as styles/headlines.tcss (min-width)
ARTICLE_MIN = 30  # cells, as styles/article.tcss (min-width)
DEFAULT_SHARE = 0.5  # the headline list's share of the room right of the feed list
SHARE_MIN, SHARE_MAX = 0.15, 0.85
STEP = 4  # cells a key moves a border
SAVE_AFTER = 0.5  # seconds after the last change, the widths are written


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


def fr(parts: int) -> Scalar:
    """``parts`` fr: whole numbers (a fractional fr left a column empty at some widths)."""
    return Scalar(float(parts), Unit.FRACTION, Unit.WIDTH)


class PaneSizes(Screen[None]):
    """The main screen's pane widths (a mixin): keys, dragging, remembering."""

    feeds_width: int | None = None  # cells; None: the stylesheet's (a share of the screen)
    headlines_share: float | None = None  # None: DEFAULT_SHARE
    _save_timer: Timer | None = None

    def _panes(self) -> tuple[Widget, Widget, Widget]:
        """The feed list, the headline list and the article pane."""
        return self.query_one("#feeds"), self.query_one("#headlines"), self.query_one("#article")

    def on_mount(self) -> None:
        state = load_state(state_path())  # a few lines, before the first frame
        feeds, share = state.get("feeds_width"), state.get("headlines_share")
        if feeds is not None and FEEDS_MIN <= feeds <= FEEDS_MAX:
            self.feeds_width = round(feeds)
        if share is not None and SHARE_MIN <= share <= SHARE_MAX:
            self.headlines_share = share
        self._apply_widths()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_widths()  # the feed list is kept narrow enough for the other two

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_widths()

    def _narrow(self) -> bool:
        """One pane at a time (the stylesheet's widths), whether or not the screen's class
        says so yet: this runs on a resize before the handler that sets it."""
        return self.size.width < self.app.settings.narrow_width  # type: ignore[attr-defined,no-any-return]

    def _apply_widths(self) -> None:
        feeds, headlines, article = self._panes()
        if self.feeds_width is not None and not self._narrow():  # else the stylesheet's
            room = self.size.width - HEADLINES_MIN - ARTICLE_MIN
            feeds.styles.width = max(FEEDS_MIN, min(self.feeds_width, room))
            feeds.styles.min_width, feeds.styles.max_width = FEEDS_MIN, FEEDS_MAX
        else:
            feeds.styles.width = feeds.styles.min_width = feeds.styles.max_width = None
        share = DEFAULT_SHARE if self.headlines_share is None else self.headlines_share
        # In parts of the room as it is (cells), so that a key's step is exact: Textual
        # rounds each pane's share down.
        room = headlines.outer_size.width + article.outer_size.width
        if not (self._shown(headlines) and self._shown(article)) or room < 2:
            room = 1000
        parts = round(share * room)
        headlines.styles.width = fr(parts)
        article.styles.width = fr(room - parts)

    def _changed(self) -> None:
        self._apply_widths()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_widths)

    def _save_widths(self) -> None:
        self._save_timer = None
        state: dict[str, float] = {}
        if self.feeds_width is not None:
            state["feeds_width"] = self.feeds_width
        if self.headlines_share is not None:
            state["headlines_share"] = round(self.headlines_share, 4)
        save_state(state_path(), state)  # a few lines; not written: the defaults next time

    # --- changing them ---------------------------------------------------------------

    def _shown(self, pane: Widget) -> bool:
        return bool(pane.display and pane.region.width)

    def set_feeds_width(self, width: int) -> None:
        room = self.size.width - HEADLINES_MIN - ARTICLE_MIN
        self.feeds_width = max(FEEDS_MIN, min(width, room, FEEDS_MAX))
        self._changed()

    def set_headlines_width(self, width: int) -> None:
        """The headline list this many cells wide (kept as its share of the room right of
        the feed list: the headline list and the article pane)."""
        _, headlines, article = self._panes()
        if not (self._shown(headlines) and self._shown(article)):
            return  # one pane at a time (a narrow terminal): nothing to share
        room = headlines.outer_size.width + article.outer_size.width
        width = max(HEADLINES_MIN, min(width, room - ARTICLE_MIN))
        self.headlines_share = max(SHARE_MIN, min(width / room, SHARE_MAX))
        self._changed()

    def _cannot_resize(self, pane: Widget, what: str) -> bool:
        _, headlines, article = self._panes()
        if self._shown(pane) and self._shown(article) and self._shown(headlines):
            return False
        self.notify(f"The {what} cannot be resized now: it is not shown beside the others.")
        return True

    def action_wider_feeds(self) -> None:
        feeds = self._panes()[0]
        if not self._cannot_resize(feeds, "feed list"):
            self.set_feeds_width(feeds.outer_size.width + STEP)

    def action_narrower_feeds(self) -> None:
        feeds = self._panes()[0]
        if not self._cannot_resize(feeds, "feed list"):
            self.set_feeds_width(feeds.outer_size.width - STEP)

    def action_wider_headlines(self) -> None:
        headlines = self._panes()[1]
        if not self._cannot_resize(headlines, "headline list"):
            self.set_headlines_width(headlines.outer_size.width + STEP)

    def action_narrower_headlines(self) -> None:
        headlines = self._panes()[1]
        if not self._cannot_resize(headlines, "headline list"):
            self.set_headlines_width(headlines.outer_size.width - STEP)

    def action_default_widths(self) -> None:
        self.feeds_width = self.headlines_share = None
        self._changed()

    def on_pane_edge_dragged(self, event: PaneEdge.Dragged) -> None:
        feeds, headlines, _ = self._panes()
        if event.pane is feeds:
            self.set_feeds_width(event.width)
        elif event.pane is headlines:
            self.set_headlines_width(event.width)
