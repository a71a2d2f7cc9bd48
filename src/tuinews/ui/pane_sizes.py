"""Pane widths the user chooses: with keys (``[`` ``]`` the headline list, ``{`` ``}`` the
feed list, ``=`` back to the defaults) and by dragging the border between two panes with
the mouse (:class:`tuinews.ui.widgets.pane_edge.PaneEdge`). They are remembered across runs
in the state file (tuinews.remembered), never in the settings file.

The feed list's width is kept in cells; the headline list's as its share of the room
right of the feed list (so the article pane grows with the terminal, and showing or
hiding the feed list keeps the proportion). Both are given to Textual as widths (cells,
and ``fr`` for the headline list and the article pane), so a resize needs no work here.
"""

from __future__ import annotations

from typing import Any

from textual.css.scalar import Scalar, Unit
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from tuinews.remembered import load_state, state_path, update_state

FEEDS_MIN = 12  # cells
FEEDS_MAX = 80
HEADLINES_MIN = 30  # cells, as styles/headlines.tcss (min-width)
ARTICLE_MIN = 30  # cells, as styles/article.tcss (min-width)
DEFAULT_SHARE = 0.5  # the headline list's share of the room right of the feed list
SHARE_MIN, SHARE_MAX = 0.15, 0.85
STEP = 4  # cells a key moves a border
SAVE_AFTER = 0.5  # seconds after the last change, the widths are written


def fr(parts: int) -> Scalar:
    """``parts`` fr: whole numbers (a fractional fr left a column empty at some widths)."""
    return Scalar(float(parts), Unit.FRACTION, Unit.WIDTH)


def _shown(pane: Widget) -> bool:
    return bool(pane.display and pane.region.width)


class PaneSizes:
    """The widths of a screen's three panes, side by side: the feed list, the headline
    list and the article pane. Below ``narrow_width`` columns the screen shows one pane at
    a time, at the stylesheet's widths."""

    def __init__(
        self,
        screen: Screen[Any],
        panes: tuple[Widget, Widget, Widget],
        narrow_width: int,
    ) -> None:
        self.screen = screen
        self.feeds, self.headlines, self.article = panes
        self.narrow_width = narrow_width
        self.feeds_width: int | None = None  # cells; None: the stylesheet's
        self.headlines_share: float | None = None  # None: DEFAULT_SHARE
        self._save_timer: Timer | None = None

    def load(self) -> None:
        """The remembered widths (a few lines, read before the first frame)."""
        state = load_state(state_path())
        feeds, share = state.get("feeds_width"), state.get("headlines_share")
        if feeds is not None and FEEDS_MIN <= feeds <= FEEDS_MAX:
            self.feeds_width = round(feeds)
        if share is not None and SHARE_MIN <= share <= SHARE_MAX:
            self.headlines_share = share
        self.apply()

    def stop(self) -> None:
        """The screen goes: a change not written yet is written now."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save()

    def _narrow(self) -> bool:
        """One pane at a time (the stylesheet's widths), whether or not the screen's class
        says so yet: this runs on a resize before the screen sets it."""
        return self.screen.size.width < self.narrow_width

    def apply(self) -> None:
        """Give the panes their widths (on a resize, too: the feed list is kept narrow
        enough for the other two)."""
        feeds, headlines, article = self.feeds, self.headlines, self.article
        if self.feeds_width is not None and not self._narrow():  # else the stylesheet's
            room = self.screen.size.width - HEADLINES_MIN - ARTICLE_MIN
            feeds.styles.width = max(FEEDS_MIN, min(self.feeds_width, room))
            feeds.styles.min_width, feeds.styles.max_width = FEEDS_MIN, FEEDS_MAX
        else:
            feeds.styles.width = feeds.styles.min_width = feeds.styles.max_width = None
        share = DEFAULT_SHARE if self.headlines_share is None else self.headlines_share
        # In parts of the room as it is (cells), so that a key's step is exact: Textual
        # rounds each pane's share down.
        room = headlines.outer_size.width + article.outer_size.width
        if not (_shown(headlines) and _shown(article)) or room < 2:
            room = 1000
        parts = round(share * room)
        headlines.styles.width = fr(parts)
        article.styles.width = fr(room - parts)

    def _changed(self) -> None:
        self.apply()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.screen.set_timer(SAVE_AFTER, self._save)

    def _save(self) -> None:
        self._save_timer = None
        share = None if self.headlines_share is None else round(self.headlines_share, 4)
        changes = {"feeds_width": self.feeds_width, "headlines_share": share}
        # A few lines (the folds' kept); not written: the defaults next time.
        update_state(state_path(), changes)

    # --- changing them ---------------------------------------------------------------

    def set_feeds_width(self, width: int) -> None:
        room = self.screen.size.width - HEADLINES_MIN - ARTICLE_MIN
        self.feeds_width = max(FEEDS_MIN, min(width, room, FEEDS_MAX))
        self._changed()

    def set_headlines_width(self, width: int) -> None:
        """The headline list this many cells wide (kept as its share of the room right of
        the feed list: the headline list and the article pane)."""
        headlines, article = self.headlines, self.article
        if not (_shown(headlines) and _shown(article)):
            return  # one pane at a time (a narrow terminal): nothing to share
        room = headlines.outer_size.width + article.outer_size.width
        width = max(HEADLINES_MIN, min(width, room - ARTICLE_MIN))
        self.headlines_share = max(SHARE_MIN, min(width / room, SHARE_MAX))
        self._changed()

    def step(self, pane: Widget, cells: int) -> None:
        """A key: ``pane`` (the feed list or the headline list) ``cells`` wider (or
        narrower), if it is shown beside the others."""
        what = "feed list" if pane is self.feeds else "headline list"
        if not (_shown(pane) and _shown(self.article) and _shown(self.headlines)):
            self.screen.notify(
                f"The {what} cannot be resized now: it is not shown beside the others."
            )
            return
        self.dragged(pane, pane.outer_size.width + cells)

    def dragged(self, pane: Widget, width: int) -> None:
        """``pane``'s border was moved: it should be ``width`` cells wide."""
        if pane is self.feeds:
            self.set_feeds_width(width)
        elif pane is self.headlines:
            self.set_headlines_width(width)

    def reset(self) -> None:
        """Back to the default widths (and nothing remembered)."""
        self.feeds_width = self.headlines_share = None
        self._changed()


class PaneSizeActions:
    """The keys' actions on the widths (``[`` ``]`` ``{`` ``}`` ``=``: ui.bindings), for
    the screen that holds the PaneSizes (a mixin of the main screen)."""

    pane_sizes: PaneSizes

    def action_wider_feeds(self) -> None:
        self.pane_sizes.step(self.pane_sizes.feeds, STEP)

    def action_narrower_feeds(self) -> None:
        self.pane_sizes.step(self.pane_sizes.feeds, -STEP)

    def action_wider_headlines(self) -> None:
        self.pane_sizes.step(self.pane_sizes.headlines, STEP)

    def action_narrower_headlines(self) -> None:
        self.pane_sizes.step(self.pane_sizes.headlines, -STEP)

    def action_default_widths(self) -> None:
        self.pane_sizes.reset()
