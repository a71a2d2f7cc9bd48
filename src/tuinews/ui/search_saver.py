"""What ``S`` does: the search typed, where it looks (the view chosen, or all articles),
saved as a saved search, listed above the feeds. Its name is asked for in a dialog; the
query is checked first (one with mistakes is not saved: the search bar's hints say
why), and stored in a thread worker of the screen. The query language and the saved
searches' part of the store load when ``S`` is first pressed, not for the first frame."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from tuinews.store import View
from tuinews.ui.services import Services
from tuinews.ui.widgets.feed_list import FeedList
from tuinews.ui.widgets.feed_tree import host_of
from tuinews.ui.widgets.search_bar import SearchBar


def grouped(text: str) -> str:
    """``text`` as one term of a query that adds others to it: bracketed if it is a choice
    (``a OR b``: joined as it is, ``feed:x a OR b`` would mean ``(feed:x a) OR b``); as
    typed otherwise (``kernel python``, ``a (b OR c)``: their terms are ANDed anyway)."""
    # (the query language, ~10 ms: when S is pressed, see the module's docstring)
    from tuinews.query import format_query, parse_query
    from tuinews.query.terms import Any as AnyOf

    query = parse_query(text + " ")  # (a trailing blank: nothing is being typed)
    if query.hints or len(query.terms) != 1 or not isinstance(query.terms[0], AnyOf):
        return text  # (one with mistakes is not saved: parse_match says why)
    return f"({format_query(query)})"  # (not bracketed twice: "(a OR b)" typed)


class SearchSaver:
    def __init__(
        self, screen: Screen[Any], services: Services, feed_list: FeedList, search_bar: SearchBar
    ) -> None:
        self.screen = screen
        self.services = services
        self.feed_list = feed_list
        self.search_bar = search_bar

    def query_text(self, view: View) -> str:
        """The search typed, with what the view chosen adds to it (a feed, a tag, unread,
        starred, a saved search's own query) unless the search looks in all articles. A
        feed is named by its URL, and by its account's host (``account:``) or ``is:local``:
        a local feed and an account's may have the same URL."""
        # (the query language, ~10 ms: when S is pressed, see the module's docstring)
        from tuinews.query import format_query
        from tuinews.query.terms import InAccount, InFeed, Tagged

        text = self.search_bar.value.strip()
        if self.search_bar.everywhere or view == View() or view.ids is not None:
            return text
        scope: list[str] = []
        if view.search is not None:
            scope.append(grouped(view.search))
        if view.feed_id is not None:
            feed = self.feed_list.feed(view.feed_id)
            if feed is not None:
                scope.append(format_query(InFeed(feed.url.casefold())))
                api_url = self.feed_list.accounts.get(feed.account_id or 0, "")
                if feed.account_id is None:
                    scope.append("is:local")
                elif api_url:
                    scope.append(format_query(InAccount(host_of(api_url).casefold())))
        if view.tag is not None:  # (tag:NAME is the tag and the folders under it)
            scope.append(format_query(Tagged(view.tag.casefold())))
        if view.folder is not None:
            scope.append(format_query(Tagged(view.folder.casefold())))
        if view.unread_only:
            scope.append("is:unread")
        if view.starred_only:
            scope.append("is:starred")
        return " ".join([*scope, grouped(text)]) if scope else text

    async def save(self, view: View) -> None:
        if not self.search_bar.value.strip():
            key = self.services.key_display("search")
            self.screen.notify(f"Type a search first ({key}); then this key saves it as a feed.")
            return
        # (the query language, ~10 ms: when S is pressed, see the module's docstring)
        from tuinews.query.rules import BadRule, parse_match

        query = self.query_text(view)
        try:
            parse_match(query)
        except BadRule as error:
            self.screen.notify(f"Not saved: {error}", severity="error")
            return
        from tuinews.ui.screens.dialogs import NameDialog  # (not before the first frame)

        def named(name: str | None) -> None:
            if name:
                self.screen.run_worker(
                    lambda: self._store(name, query),
                    thread=True,
                    group="save-search",
                    exit_on_error=False,
                    description="Saving the search",
                )

        dialog = NameDialog(
            "Save the search",
            f"Listed above the feeds: {query}",
            self.search_bar.value.strip(),
            taken=[search.name for search in self.feed_list.searches],
        )
        await self.screen.app.push_screen(dialog, named)

    def _store(self, name: str, query: str) -> None:
        # (the saved searches' part of the store: when S is pressed)
        from tuinews.store import SearchExists

        app = self.screen.app
        try:
            saved = self.services.store.add_saved_search(name, query)
        except SearchExists as error:
            app.call_from_thread(self.screen.notify, f"Not saved: {error}.", severity="error")
            return
        app.call_from_thread(self.screen.notify, f"Saved the search {saved.name!r}.")
        app.call_from_thread(self.feed_list.reload)
