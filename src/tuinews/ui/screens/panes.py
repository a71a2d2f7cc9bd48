"""The panes of the main screen and the focus among them.

Each pane has a title bar, drawn in the accent colour while the pane has the focus, so
keys always visibly act on one pane. Below ``narrow_width`` columns one pane is shown at
a time: the focused one. ``f`` and ``Tab`` reach the feed list there too, ``Enter`` on a
feed shows its headlines and ``Escape`` goes back (the wide layout's choice to hide the
feed list is left alone)."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

from tuinews.store import View
from tuinews.ui.screens.feed_actions import FeedActions
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.search_bar import ALL_ARTICLES, SearchBar


class Panes(FeedActions):
    _headlines_title = ""

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def title_panes(self) -> None:
        self.feed_list.border_title = "Feeds"
        self.article_view.border_title = "Article"

    def watch_focused(self, focused: Widget | None) -> None:
        self.show_focused_pane()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.tuinews.settings.narrow_width, "-narrow")
        if not self.narrow and self.focused is self.feed_list and self._feeds_hidden:
            self.set_focus(self.headlines)  # hidden in the wide layout
        self.show_focused_pane()

    def show_focused_pane(self) -> None:
        """In the narrow layout, the focused pane is the one shown."""
        focused = self.focused
        self.set_class(focused is self.feed_list, "-feeds-pane")
        if focused is self.article_view:
            self.add_class("-reading")
        elif focused is self.feed_list or focused is self.headlines:
            self.remove_class("-reading")

    @property
    def _feeds_hidden(self) -> bool:
        """Whether the wide layout leaves the feed list out."""
        return self.has_class("-no-feeds") or self.has_class("-feeds-hidden")

    def action_focus_next_pane(self) -> None:
        panes: list[Widget] = [self.feed_list, self.headlines, self.article_view]
        if self.narrow:  # one pane at a time: each in turn, the feed list too
            panes = panes[1:] if self._feeds_hidden else panes
        else:
            panes = [pane for pane in panes if pane.display and pane.region.width]
        if panes:
            index = panes.index(self.focused) + 1 if self.focused in panes else 0
            self.set_focus(panes[index % len(panes)])

    def action_toggle_feeds(self) -> None:
        if self.narrow:  # the feed list as the one pane, or back to the headlines
            self.set_focus(self.headlines if self.focused is self.feed_list else self.feed_list)
        elif self._feeds_hidden:
            self.remove_class("-no-feeds", "-feeds-hidden")
        else:
            self.add_class("-feeds-hidden")
            if self.focused is self.feed_list:
                self.set_focus(self.headlines)

    # --- what the panes show ---------------------------------------------------------

    def view_name(self, view: View) -> str:
        """What the feed list calls this view ("Unread", a feed's name, a tag...)."""
        for entry in self.feed_list.entries:
            if entry.view == view:
                return entry.label
        if self.opened_entry is not None and self.opened_entry.view == view:
            return self.opened_entry.label
        return "All articles" if view == View() else "this view"

    def view_changed(self) -> None:
        """Say what is shown and where a search looks (and why a listed feed failed)."""
        super().view_changed()
        scope = ALL_ARTICLES if self.view == View() else self.view_name(self.view)
        self.search_bar.set_scope(scope, self.scope_key)
        self.title_headlines()

    def title_headlines(self) -> None:
        bar = self.search_bar
        title = f"Results in {bar.searched}" if bar.value.strip() else self.view_name(self.view)
        if title != self._headlines_title:  # (a new title redraws the pane)
            self._headlines_title = title
            self.headlines.border_title = Content(title)  # a feed's name: never markup

    @property
    def scope_key(self) -> str:
        """The key that switches the search between the view and all articles."""
        return self.tuinews.key_display("search_scope")
