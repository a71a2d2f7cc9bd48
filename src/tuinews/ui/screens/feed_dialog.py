"""The edit dialog of a feed's own settings (``e``): the keys of ``tuinews feed set``,
checked by the same code (:mod:`tuinews.feed_settings`). A value it refuses is said
under its field and nothing is saved; Escape cancels. Only the fields changed are
checked and saved (a field left alone is never refused). The feed's name and values are
shown as plain text, never markup. An account's feed's title and tags are its server's:
the dialog takes them, and the caller changes them there first (``on_server``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from tuinews.feed_settings import BadSetting, FeedChange, check, refusal, texts
from tuinews.settings import Settings
from tuinews.store import Feed

FIELDS = {  # the keys typed in, with their labels
    "title": "Title",
    "tags": "Tags",
    "interval": "Interval",
    "keep": "Keep",
    "user_agent": "User agent",
}
SWITCHES = {  # the keys that are on or off
    "full_text": "Full text: fetch each new article from its link",
    "hidden": "Hidden: not in All and Unread",
}


class FeedSettingsDialog(ModalScreen[FeedChange | None]):
    """Dismissed with the change checked (possibly empty), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False, priority=True),
        Binding("tab", "app.focus_next", "Next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, priority=True),
    ]

    def __init__(self, feed: Feed, settings: Settings) -> None:
        super().__init__()
        self.feed = feed
        self.settings = settings
        self.on_server = feed.account_id is not None  # title and tags: sent to its server
        self.before = texts(feed)

    def _hints(self) -> dict[str, str]:
        settings = self.settings
        return {
            "title": f"empty: {self.feed.title or 'the feed’s own'}",
            "tags": "separated by commas",
            "interval": f"minutes; empty: {settings.refresh_interval} (refresh_interval)",
            "keep": f"articles; 0: all; empty: {settings.keep_articles} (keep_articles)",
            "user_agent": f"empty: {settings.user_agent or 'tuinews’s own'}",
        }

    def compose(self) -> ComposeResult:
        hints = self._hints()
        refused = {
            key: refusal(self.feed, key, on_server=self.on_server) for key in (*FIELDS, *SWITCHES)
        }
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Content(f"Settings of {self.feed.name}"), classes="dialog-title", markup=False
            )
            for key, label in FIELDS.items():
                with Horizontal(classes="setting-row"):
                    yield Label(label, classes="setting-label", markup=False)
                    yield Input(
                        value=self.before[key],
                        placeholder=hints[key],
                        id=key,
                        compact=True,
                        disabled=bool(refused[key]),
                    )
                yield Label("", id=f"{key}-error", classes="setting-error", markup=False)
            for key, label in SWITCHES.items():
                yield Checkbox(
                    Content(label),
                    value=self.before[key] == "on",
                    id=key,
                    compact=True,
                    disabled=bool(refused[key]),
                )
                yield Label("", id=f"{key}-error", classes="setting-error", markup=False)
            notes = dict.fromkeys(why for why in refused.values() if why)
            for note in notes:
                yield Label(Content(note), classes="setting-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        first = next((i for i in self.query(Input) if not i.disabled), None)
        self.set_focus(first or self.query_one("#cancel", Button))

    def values(self) -> dict[str, str]:
        """Every field as text (a switch: on or off)."""
        found = {key: self.query_one(f"#{key}", Input).value for key in FIELDS}
        for key in SWITCHES:
            found[key] = "on" if self.query_one(f"#{key}", Checkbox).value else "off"
        return found

    def _changed(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.values().items() if v.strip() != self.before[k].strip()]

    def errors(self) -> dict[str, str]:
        """What is wrong with each changed field, by key (each checked on its own)."""
        found = {}
        for key, text in self._changed():
            try:
                check(self.feed, [(key, text)], on_server=self.on_server)
                if self.on_server and key == "title" and not text.strip():
                    raise BadSetting("title", "an account's feed has no title but its server's")
            except BadSetting as bad:
                found[key] = bad.problem
        return found

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        errors = self.errors()
        for key in (*FIELDS, *SWITCHES):
            error = self.query_one(f"#{key}-error", Label)
            error.update(Content(errors.get(key, "")))
            error.set_class(key in errors, "-shown")
            self.query_one(f"#{key}").set_class(key in errors, "-invalid")
        if errors:
            self.set_focus(self.query_one(f"#{next(iter(errors))}"))
            return
        try:
            change = check(self.feed, self._changed(), on_server=self.on_server)
        except BadSetting as bad:  # (each was fine on its own: cannot happen)
            self.notify(str(bad), severity="error")
            return
        self.dismiss(change)

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        """A field typed in loses its message until the next save."""
        key = event.input.id or ""
        if key in FIELDS:
            self.query_one(f"#{key}-error", Label).set_class(False, "-shown")
            event.input.set_class(False, "-invalid")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
