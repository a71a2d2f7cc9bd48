"""The refresh status line: ``Refreshing 12/200`` and a progress bar, while it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal

if TYPE_CHECKING:
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

    # Its label and bar are made by the first refresh, not before the first frame
    # (their modules, styles and mounting: ~3 ms of start-up).
    _label: Label | None = None
    _bar: ProgressBar | None = None

    def _parts(self) -> tuple[Label, ProgressBar]:
        if self._label is None or self._bar is None:
            from textual.widgets import Label, ProgressBar  # (see the comment above)

            self._label = Label("", id="refresh-label", markup=False)
            self._bar = ProgressBar(show_eta=False, show_percentage=False, id="refresh-bar")
            self.mount(self._label, self._bar)
        return self._label, self._bar

    def start(self, total: int) -> None:
        self.add_class("-running")
        label, bar = self._parts()
        bar.update(total=max(1, total), progress=0)
        label.update(f"Refreshing 0/{total}")

    def advance(self, done: int, total: int, failed: int) -> None:
        label, bar = self._parts()
        bar.update(total=max(1, total), progress=done)
        failures = f", {failed} failed" if failed else ""
        label.update(f"Refreshing {done}/{total}{failures}")

    def stop(self) -> None:
        self.remove_class("-running")
