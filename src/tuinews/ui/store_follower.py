"""Keeping the main screen current with the store: the shown view and the feed counts
are read again in batches while a refresh stores new articles, and after other processes
commit (cron's refresh, ``tuinews add`` in a shell, flags set in another tuinews), which
the store watcher (:class:`tuinews.store.watch.StoreWatcher`, a thread) notices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from tuinews.store import Store
from tuinews.store.watch import StoreWatcher

# During a refresh, new articles are shown in batches at most this often: each reload
# re-reads the ids of the shown view (about 30 ms at 100,000 articles, in a worker), the
# rows on screen, and the feed counts (one GROUP BY, about 10 ms).
RELOAD_DELAY = 1.5


class StoreFollower:
    """``reload`` reads the view and the counts again (workers); ``refreshing``: this app
    refreshes (it reloads as its feeds arrive); ``searching``: a search is on its way (a
    reload waits for it)."""

    def __init__(
        self,
        screen: Screen[Any],
        store: Store,
        reload: Callable[[], None],
        refreshing: Callable[[], bool],
        searching: Callable[[], bool],
    ) -> None:
        self.screen = screen
        self.store = store
        self.reload = reload
        self.refreshing = refreshing
        self.searching = searching
        self.pending = False  # a reload is on its way
        self.watcher: StoreWatcher | None = None

    def watch(self) -> None:
        """Show what other processes commit, from the moment the store was opened (the
        thread starts after the first frame)."""
        if self.watcher is None:
            self.watcher = StoreWatcher(
                self.store,
                lambda: self.screen.call_later(self._changed),  # (thread-safe: a message)
                since=self.store.opened_version,
            )
            self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def rebase(self) -> None:
        """This app's refresh is over: what it wrote is not another process's."""
        if self.watcher is not None:
            self.watcher.rebase()

    def reload_soon(self) -> None:
        """Reload the view and the counts soon (new articles keep arriving in a refresh)."""
        if not self.pending:
            self.pending = True
            self.screen.set_timer(RELOAD_DELAY, self.reload_now)

    def reload_now(self) -> None:
        self.pending = False
        self.reload()

    def _changed(self) -> None:
        """Another process committed: the counts and the view's headlines are read again,
        the cursor stays on its article, and the article stays where it was read to."""
        if self.refreshing():
            return  # this app's own refresh: it reloads as its feeds arrive
        if self.searching():
            self.screen.set_timer(RELOAD_DELAY, self._changed)  # after the search in progress
            return
        self.reload_soon()
