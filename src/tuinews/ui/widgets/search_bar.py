"""The search bar: filters the headlines as you type."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """An Input whose Escape clears the search and gives the focus back."""

    BINDINGS = [Binding("escape", "clear", "Clear search", show=False)]

    class Cleared(Message):
        """The search was cleared with Escape."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ to search: all words must match", id=id)

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())
