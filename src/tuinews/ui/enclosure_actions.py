"""The enclosure keys of the main screen (a mixin, as its pane-size keys are): download
the shown article's enclosure (``D``: queued, then downloaded in a thread, its progress
in a status line of its own, resumed at the next start if the app closed first), cancel
that download (``X``: stopped, what came removed) and play it (``P``: the configured
player, on the downloaded file if there is one, else the URL).
The work is headless: :mod:`tuinews.downloads` and :mod:`tuinews.player`."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.notifications import SeverityLevel
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tuinews.enclosures import human_size
from tuinews.models import Article
from tuinews.ui.services import services

if TYPE_CHECKING:
    from textual.screen import Screen

    from tuinews.store import Download
    from tuinews.ui.widgets.article_view import ArticleView
    from tuinews.ui.widgets.download_status import DownloadStatus
    from tuinews.ui.widgets.headline_list import HeadlineList

RESUME_AFTER = 2.0  # seconds after the start: downloads the last run left are resumed


class _Panes(Protocol):
    @property
    def headlines(self) -> HeadlineList: ...
    @property
    def article_view(self) -> ArticleView: ...


class EnclosureActions:
    """The keys' actions, mixed into MainScreen; the work is its EnclosureCommands'."""

    def _enclosures(self) -> EnclosureCommands:
        commands = self.__dict__.get("_enclosure_commands")
        if commands is None:
            commands = EnclosureCommands(cast("Screen[None]", self), cast("_Panes", self))
            self.__dict__["_enclosure_commands"] = commands
        return cast("EnclosureCommands", commands)

    def on_mount(self) -> None:  # (Textual calls each class's own handler)
        screen = cast("Screen[None]", self)
        screen.set_timer(RESUME_AFTER, self._enclosures().resume)

    def action_download_enclosure(self) -> None:
        self._enclosures().download()

    def action_play_enclosure(self) -> None:
        self._enclosures().play()

    def action_cancel_download(self) -> None:
        self._enclosures().cancel()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self._enclosures().worker_changed(event)


class EnclosureCommands:
    def __init__(self, screen: Screen[None], panes: _Panes) -> None:
        self.screen = screen
        self.panes = panes
        self.worker: Worker[list[Download]] | None = None

    def notify(self, message: str, severity: SeverityLevel = "information") -> None:
        self.screen.notify(message, severity=severity)

    def shown_article(self) -> Article | None:
        """The article on screen, if it is the one under the headline cursor."""
        headline = self.panes.headlines.current
        article = self.panes.article_view.article
        if headline is None:
            return None
        if article is None or article.id != headline.id:
            self.notify("The article is still loading.", severity="warning")
            return None
        if not article.enclosures:
            self.notify("This article has no enclosure.", severity="warning")
            return None
        return article

    def download(self) -> None:
        from tuinews.downloads import DownloadRefused, queue_enclosure  # (when first used)

        article = self.shown_article()
        if article is None:
            return
        app = services(self.screen)
        try:
            queued = queue_enclosure(app.store, app.settings, article)
        except (DownloadRefused, OSError) as error:
            self.notify(f"Not downloaded: {error}", severity="error")
            return
        if queued.state == "done":
            self.notify(f"Already downloaded: {queued.path}")
            return
        self.notify(f"Downloading {Path(queued.path).name} to {Path(queued.path).parent}")
        self.start()

    def cancel(self) -> None:
        from tuinews.downloads import cancel_downloads, cancellable  # (when first used)

        article = self.shown_article()
        if article is None:
            return
        store = services(self.screen).store
        known = [store.get_download(enclosure.url) for enclosure in article.enclosures]
        going = [d for d in known if d is not None and cancellable(d)]
        if not going:
            self.notify("No download of this article's enclosure to cancel.", severity="warning")
            return
        for download in going:
            for cancelled in cancel_downloads(store, download.id):
                self.notify(f"Cancelled the download of {Path(cancelled.path).name}")

    def play(self) -> None:
        from tuinews.player import PlayerError, start_player, what_to_play  # (when first used)

        article = self.shown_article()
        if article is None:
            return
        app = services(self.screen)
        try:
            target = what_to_play(app.store, article)
            start_player(app.settings, target)
        except PlayerError as error:
            self.notify(f"Not played: {error}", severity="error")
            return
        self.notify(f"Playing {target} with {app.settings.player[0]}")

    # --- the downloads' thread ------------------------------------------------------

    def status(self) -> DownloadStatus:
        # (Label and its styles: with the first download, not before the first frame)
        from tuinews.ui.widgets.download_status import DownloadStatus

        found = self.screen.query(DownloadStatus)
        if found:
            return found.first()
        status = DownloadStatus()
        self.screen.mount(status, before=self.screen.query_one(Footer))
        return status

    def resume(self) -> None:
        if self.worker is None:
            self.start(only_if_queued=True)

    def start(self, only_if_queued: bool = False) -> None:
        if self.worker is not None and self.worker.is_running:
            return  # it takes what is queued meanwhile
        from tuinews.downloads import run_downloads, waiting  # (the HTTP stack: when used)

        app = services(self.screen)
        store, settings = app.store, app.settings
        if only_if_queued and not waiting(store, settings):
            return
        status = self.status()
        stop, call = status.stop, self.screen.app.call_from_thread

        def progress(download: Download, received: int, total: int | None) -> None:
            got = human_size(received)
            if total:
                got += f" of {human_size(total)} ({100 * received // max(1, total)}%)"
            with contextlib.suppress(RuntimeError):  # (the app is closing)
                call(status.show_progress, f"Downloading {Path(download.path).name}: {got}")

        self.worker = self.screen.run_worker(
            lambda: run_downloads(store, settings, progress, stop),
            thread=True,
            group="downloads",
            exit_on_error=False,
            description="Downloading enclosures",
        )

    def worker_changed(self, event: Worker.StateChanged) -> None:
        """The end of the downloads' thread (its failure is reported by the screen)."""
        worker = event.worker
        if worker is not self.worker or worker.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        self.status().done()
        for download in worker.result or () if worker.state == WorkerState.SUCCESS else ():
            name = Path(download.path).name
            if download.state == "done":
                self.notify(f"Downloaded {name}")
                if download.article_id is not None:  # (its header says where, if shown)
                    self.panes.article_view.reload(download.article_id)
            elif download.error != "cancelled":  # (said when it was cancelled)
                self.notify(f"Download of {name} failed: {download.error}", severity="error")
        if worker.state != WorkerState.SUCCESS or self.status().stop.is_set():
            return
        if services(self.screen).store.downloads("queued"):
            self.start()  # queued while it was finishing
