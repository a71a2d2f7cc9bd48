"""The downloads' status line: ``Downloading ep 1.mp3: 12 MB of 56 MB (21%)``, while
enclosures download. Mounted by the first download (never before the first frame); when
it goes (the app closing) the downloads stop, to resume at the next start."""

from __future__ import annotations

import threading

from textual.widgets import Label


class DownloadStatus(Label):
    DEFAULT_CSS = """
    DownloadStatus {
        height: 1;
        width: 1fr;
        display: none;
        background: $panel;
        padding: 0 1;
    }
    DownloadStatus.-running {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="download-status", markup=False)
        self.stop = threading.Event()  # set: the running downloads stop (and stay queued)

    def show_progress(self, text: str) -> None:
        self.add_class("-running")
        self.update(text)

    def done(self) -> None:
        self.remove_class("-running")
        self.update("")

    def on_unmount(self) -> None:
        self.stop.set()
