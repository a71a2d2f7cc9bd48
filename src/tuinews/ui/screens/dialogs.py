"""Modal dialogs: add a feed, confirm a removal, name a saved search."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


@dataclass(frozen=True)
class NewFeed:
    url: str
    title: str
    tags: tuple[str, ...]
    account_id: int | None = None  # subscribe on this account's server


class AddFeedDialog(ModalScreen[NewFeed | None]):
    """Asks for a feed (or web page) URL, an optional title and tags. Typed fast, every
    key lands where it was typed: the screen's action opening the dialog waits until it
    is mounted and focused (so no key reaches it before), and Tab moves the focus before
    the next key is delivered (a priority binding; otherwise the letters after it were
    already handed to the field it left). With an account (``account``: its id and
    name), the feed is subscribed on its server and the tags are its folders."""

    BINDINGS = [
        # Escape with priority, in every dialog with a text field: it closes the dialog as
        # it arrives, so a key typed right after it goes to the screen below (it went to
        # the closing dialog's field, and was lost: `a` Escape `?`).
        Binding("escape", "cancel", "Cancel", show=False, priority=True),
        Binding("tab", "app.focus_next", "Next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, priority=True),
    ]

    def __init__(self, account: tuple[int, str] | None = None) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            if self.account is None:
                yield Label("Add a feed", classes="dialog-title", markup=False)
                yield Label("Feed or web page URL", markup=False)
            else:
                yield Label(
                    f"Add a feed to {self.account[1]}", classes="dialog-title", markup=False
                )
                yield Label("Subscribed on its server. Feed or web page URL", markup=False)
            yield Input(placeholder="https://example.com/feed.xml", id="url")
            yield Label("Title (optional)", markup=False)
            yield Input(id="title")
            what = "Tags" if self.account is None else "Folders"
            yield Label(f"{what}, separated by commas (optional)", markup=False)
            yield Input(id="tags")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#url", Input))

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        url = self.query_one("#url", Input).value.strip()
        if not url:
            self.notify("Type the URL of a feed or of a page that links to one.")
            return
        tags = tuple(
            t.strip() for t in self.query_one("#tags", Input).value.split(",") if t.strip()
        )
        title = self.query_one("#title", Input).value.strip()
        account_id = self.account[0] if self.account is not None else None
        self.dismiss(NewFeed(url, title, tags, account_id))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no: ``y``/Enter confirms, ``n``/Escape cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, yes: str = "Remove") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self.question, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NameDialog(ModalScreen[str | None]):
    """Asks for a name (a saved search's): Enter saves, Escape cancels. ``about`` says
    what is named (the query: plain text, never markup)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, priority=True)]

    def __init__(
        self, title: str, about: str, value: str = "", taken: Collection[str] = ()
    ) -> None:
        """``taken``: names already given (case aside): said in the dialog, which stays
        open for another (it closed, and the search was not saved)."""
        super().__init__()
        self.title_text = title
        self.about = about
        self.value = value
        self.taken = {name.casefold() for name in taken}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Label(self.about, markup=False)
            yield Label("Name", markup=False)
            yield Input(value=self.value, id="name")
            yield Label("", id="name-error", classes="setting-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#name", Input))

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.notify("Type a name for it.")
            return
        if name.casefold() in self.taken:
            error = f"{name!r} is taken: type another name (or Escape)"
            shown = self.query_one("#name-error", Label)
            shown.update(error)
            shown.add_class("-shown")
            return
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
