"""The search bar: filters the headlines as you type, in the view chosen in the feed list
or in all articles (its title says which, and which key switches)."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input

ALL_ARTICLES = "all articles"


class SearchBar(Input):
    """An Input whose Escape clears the search and gives the focus back."""

    BINDINGS = [Binding("escape", "clear", "Clear search", show=False)]

    class Cleared(Message):
        """The search was cleared with Escape."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ to search: all words must match", id=id)
        self.scope = ALL_ARTICLES  # what the view chosen in the feed list is called
        self.everywhere = False  # search all articles, whatever the view
        self.key = ""  # the key that switches

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
