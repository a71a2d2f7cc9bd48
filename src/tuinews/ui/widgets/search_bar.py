"""The search bar: filters the headlines as you type, in the view chosen in the feed list
or in all articles (its title says which, and which key switches). It searches the store
itself, in a thread worker (the newest keystroke wins), and says what it found (a message
up, in steps: :func:`tuinews.search_results.search_steps`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, get_current_worker

from tuinews.search_results import Results, search_steps
from tuinews.store import Store, View
from tuinews.ui.services import report_failure

if TYPE_CHECKING:
    from tuinews.query import Query

ALL_ARTICLES = "all articles"


def parsed(text: str) -> Query:
    """The search typed (``parse_query``)."""
    # (the query language, ~10 ms: loaded with the first search, not for the first frame)
    from tuinews.query import parse_query

    return parse_query(text)


class SearchBar(Input):
    """An Input that searches the store as it is typed (Found, up), whose Escape clears
    the search and gives the focus back."""

    BINDINGS = [Binding("escape", "clear", "Clear search", show=False)]

    class Cleared(Message):
        """The search was cleared with Escape."""

    class Found(Message):
        """What the search for ``text`` found (a step of it), with its words (highlighted)
        and hints (what was left out of the query, and why)."""

        def __init__(self, text: str, found: Results, words: list[str], hints: list[str]) -> None:
            super().__init__()
            self.text = text
            self.found = found
            self.words = words
            self.hints = hints

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ to search: all words must match", id=id)
        self.scope = ALL_ARTICLES  # what the view chosen in the feed list is called
        self.everywhere = False  # search all articles, whatever the view
        self.key = ""  # the key that switches
        self.store: Store | None = None  # set by the screen
        self.order = "newest"  # the headlines' (tuinews.query.orders), set by the screen

    def searched_view(self, text: str, view: View) -> View:
        """Where a search for ``text`` looks: ``view`` (the one chosen in the feed list),
        or all articles."""
        return View() if self.everywhere and text.strip() else view

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="Search")
    def search(self, text: str, view: View, force: bool = False, refresh: bool = False) -> None:
        """Search for ``text`` in ``view`` (see searched_view), the first screen of
        results then the rest (see search_results.search_steps); ``force``: a very short
        prefix too, at once; ``refresh``: the store changed (the view is read again). A
        newer search cancels this one (exclusive: the newest wins), so stale work stops
        between steps."""
        worker: Worker[None] = get_current_worker()
        if self.store is None:
            return
        query = parsed(text)

        def cancelled() -> bool:
            return worker.is_cancelled

        view = self.searched_view(text, view)
        for found in search_steps(
            self.store, view, text, query, cancelled, force=force, refresh=refresh, order=self.order
        ):
            self.post_message(self.Found(text, found, query.words, query.hints))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    @property
    def searched(self) -> str:
        """Where a search looks: the view's name, or all articles."""
        return ALL_ARTICLES if self.everywhere else self.scope

    def set_scope(self, scope: str, key: str) -> None:
        """The view is called ``scope``; ``key`` switches to all articles and back."""
        if (scope, key) != (self.scope, self.key):
            self.scope, self.key = scope, key
            self._show_scope()

    def toggle_scope(self) -> None:
        self.everywhere = not self.everywhere
        self._show_scope()

    def _show_scope(self) -> None:
        where = self.searched
        self.placeholder = f"/ to search {where}: all words must match"
        other = self.scope if self.everywhere else ALL_ARTICLES
        switch = f" · {self.key}: search {other}" if other != where and self.key else ""
        self.border_title = Content(f"Search in {where}{switch}")  # a feed's name: no markup

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())
