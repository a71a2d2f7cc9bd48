"""The main screen's keys for how its lists are shown: the orders of the headlines and
of the feeds (a key cycles each: tuinews.query.orders; the settings give the first), and
the feed list's folders (their keys act while it has the focus: MainScreen.check_action;
on a row that is not a folder's, the feed list steps aside and the key does what it
always did). A mixin of the main screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinews.query.orders import FEED_ORDERS, HEADLINE_ORDERS, next_in

if TYPE_CHECKING:
    from tuinews.ui.widgets.feed_list import FeedList
    from tuinews.ui.widgets.search_bar import SearchBar


class ListKeys:
    if TYPE_CHECKING:  # (the main screen's)

        @property
        def feed_list(self) -> FeedList: ...

        @property
        def search_bar(self) -> SearchBar: ...

        def title_headlines(self) -> None: ...

        def reload_headlines(self, refresh: bool = False) -> None: ...

    def action_toggle_folder(self) -> None:
        self.feed_list.action_toggle_folder()  # (SkipAction: not on a folder)

    def action_unfold_folder(self) -> None:
        self.feed_list.action_unfold_folder()

    def action_fold_folder(self) -> None:
        self.feed_list.action_fold_folder()

    def action_sort_headlines(self) -> None:
        """The next order of the headlines (the search bar lists them: its order)."""
        self.search_bar.order = next_in(HEADLINE_ORDERS, self.search_bar.order)
        self.title_headlines()
        self.reload_headlines()

    def action_sort_feeds(self) -> None:
        self.feed_list.set_order(next_in(FEED_ORDERS, self.feed_list.order))
