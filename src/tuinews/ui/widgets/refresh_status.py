"""The refresh status line: ``Refreshing 12/200`` and a progress bar, while it runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class RefreshStatus(Horizontal):
    DEFAULT_CSS = """
    RefreshStatus {
        height: 1;
        display: none;
        background: $panel;
    }
    RefreshStatus.-running {
        display: block;
    }
    RefreshStatus Label {
        width: auto;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="refresh-label", markup=False)
        yield ProgressBar(show_eta=False, show_percentage=False, id="refresh-bar")

    def start(self, total: int) -> None:
        self.add_class("-running")
        self.query_one(ProgressBar).update(total=max(1, total), progress=0)
        self.query_one(Label).update(f"Refreshing 0/{total}")

    def advance(self, done: int, total: int, failed: int) -> None:
        self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        failures = f", {failed} failed" if failed else ""
        self.query_one(Label).update(f"Refreshing {done}/{total}{failures}")

    def stop(self) -> None:
        self.remove_class("-running")
