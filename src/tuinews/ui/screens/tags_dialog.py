"""The dialog that retags a feed (``t``): its tags, separated by commas, where a ``/``
makes a folder (``world/europe``). Only the tags: the rest of a feed is set elsewhere."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from tuinews.store import Feed


def split_tags(text: str) -> tuple[str, ...]:
    """The tags typed, separated by commas (blanks around them dropped, each once)."""
    return tuple(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))


class TagsDialog(ModalScreen[tuple[str, ...] | None]):
    """Enter saves the tags (none: the feed has no tag), Escape leaves them."""

    DEFAULT_CSS = "TagsDialog { align: center middle; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, priority=True)]

    def __init__(self, feed: Feed) -> None:
        super().__init__()
        self.feed = feed

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(f"Tags of {self.feed.name}", classes="dialog-title", markup=False)
            yield Label(
                "Separated by commas; a / puts the feed in a folder (world/europe)",
                markup=False,
            )
            # (no select-all on focus: the keys typed just after `t` would replace the tags)
            yield Input(value=", ".join(self.feed.tags), id="tags", select_on_focus=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#tags", Input))

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss(split_tags(self.query_one("#tags", Input).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
