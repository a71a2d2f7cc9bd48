"""The base of the main screen: its panes, and everything to do with feeds (the feed
list, refreshing, adding and removing), kept apart so neither module grows too long."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from tuinews.store import Feed, View
from tuinews.store.lock import StoreLock, lockable
from tuinews.store.watch import StoreWatcher
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.feed_list import Entry, FeedList
from tuinews.ui.widgets.feed_status import FeedStatus
from tuinews.ui.widgets.headline_list import HeadlineList
from tuinews.ui.widgets.refresh_status import RefreshStatus
from tuinews.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from tuinews.ingest import FeedResult
    from tuinews.ui.app import TuinewsApp
    from tuinews.ui.screens.dialogs import NewFeed


# During a refresh, new articles are shown in batches at most this often: each reload
# re-reads the ids of the shown view (about 30 ms at 100,000 articles, in a worker), the
# rows on screen, and the feed counts (one GROUP BY, about 10 ms).
RELOAD_DELAY = 1.5


class StoreChanged(Message):
    """Another process committed to the store (cron's refresh, ``tuinews add``...)."""


class FeedActions(Screen[None]):
    refreshing = False
    _reload_pending = False
    view_opened = False
    opened_entry: Entry | None = None
    view: View = View()
    shown_text = ""  # the search whose results are shown
    watcher: StoreWatcher | None = None

    @property
    def tuinews(self) -> TuinewsApp:
        return self.app  # type: ignore[return-value]

    @property
    def feed_list(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    def reload_headlines(self, refresh: bool = False) -> None:
        raise NotImplementedError

    # --- the feed list ---------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="feeds",
        exit_on_error=False,
        description="Loading the feed list",
    )
    def reload_feeds(self) -> None:
        feeds = self.tuinews.store.feeds(kind=None)  # with their counts: one GROUP BY
        counts = (  # hidden feeds are in Starred, not in All or Unread
            sum(feed.total for feed in feeds if not feed.hidden),
            sum(feed.unread for feed in feeds if not feed.hidden),
            sum(feed.starred for feed in feeds),
        )
        self.app.call_from_thread(self._show_feeds, feeds, counts)

    def _show_feeds(self, feeds: list[Feed], counts: tuple[int, int, int]) -> None:
        self.feed_list.set_feeds(feeds, counts, first=self.opened_entry)
        self.set_class(not any(f.kind == "feed" for f in feeds), "-no-feeds")
        self.view_changed()

    @on(FeedList.Chosen)
    def _feed_chosen(self, event: FeedList.Chosen) -> None:
        if event.entry.view != self.view:
            self.view = event.entry.view
            self.view_opened = True  # its first article is read once shown
            self.reload_headlines()
            self.view_changed()

    def schedule_reload(self) -> None:
        """Reload headlines and counts soon (new articles keep arriving in a refresh)."""
        if not self._reload_pending:
            self._reload_pending = True
            self.set_timer(RELOAD_DELAY, self._reload_now)

    def _reload_now(self) -> None:
        self._reload_pending = False
        self.query_one(ArticleView).forget()
        self.reload_headlines(refresh=True)
        self.reload_feeds()

    def current_feed(self) -> Feed | None:
        """The feed the focused pane shows: in the feed list, the highlighted one; in the
        headlines or the article, the shown article's (else the highlighted one)."""
        if self.focused is self.feed_list:
            return self.feed_list.current_feed
        headline = self.headlines.current
        if headline is None:
            return self.feed_list.current_feed
        for entry in self.feed_list.entries:
            if entry.feed is not None and entry.feed.id == headline.feed_id:
                return entry.feed
        return self.tuinews.store.get_feed(headline.feed_id)  # (the list is not loaded yet)

    def view_feed(self) -> Feed | None:
        """The feed whose articles are listed (the view is one feed's)."""
        for entry in self.feed_list.entries:
            if entry.feed is not None and entry.feed.id == self.view.feed_id:
                return entry.feed
        return None

    def view_changed(self) -> None:
        """The view or the feeds changed: why the listed feed failed, under the panes."""
        self.query_one(FeedStatus).show_feed(self.view_feed())

    # --- changes made by other processes -----------------------------------------------

    def watch_store(self) -> None:
        """Show what other processes commit (see StoreWatcher), from the moment the store
        was opened: the thread starts after the first frame."""
        if self.watcher is None:
            store = self.tuinews.store
            self.watcher = StoreWatcher(
                store, lambda: self.post_message(StoreChanged()), since=store.opened_version
            )
            self.watcher.start()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    @on(StoreChanged)
    def _store_changed(self) -> None:
        """New articles from cron's refresh, feeds added or removed from a shell, flags
        set in another tuinews: the counts and the view's headlines are read again, the
        cursor stays on its article, and the article stays where it was read to."""
        if self.refreshing:
            return  # this app's own refresh: it reloads as its feeds arrive
        if self.query_one(SearchBar).value != self.shown_text:
            self.set_timer(RELOAD_DELAY, self._store_changed)  # after the search in progress
            return
        self.schedule_reload()

    # --- refreshing ------------------------------------------------------------------

    def start_automatic_refresh(self) -> None:
        self.call_after_refresh(self.watch_store)
        settings = self.tuinews.settings
        if settings.refresh_on_start:  # its check imports the refresh code: after the frame
            self.call_after_refresh(self._refresh_stale)
        if settings.refresh_interval > 0:
            self.set_interval(settings.refresh_interval * 60, self._refresh_stale)

    @work(thread=True, group="refresh-check", exit_on_error=False)
    def _refresh_stale(self) -> None:
        from tuinews.ingest import stale_feeds

        feeds = stale_feeds(self.tuinews.store, self.tuinews.settings.refresh_interval)
        if feeds:
            self.tuinews.refresher.prepare()  # here, not on the event loop
            self.app.call_from_thread(self.refresh_feeds, feeds, False)

    @work(thread=True, group="prepare", exit_on_error=False)
    def prepare_refresh(self) -> None:
        """After the first frame: what a refresh needs, made ready in a thread (importing
        the HTTP stack on the event loop stalled the UI for ~100 ms when one began)."""
        self.tuinews.refresher.prepare()

    def action_refresh_all(self) -> None:
        from tuinews.ingest import due_feeds

        self.refresh_feeds(due_feeds(self.tuinews.store, force=True), True)

    def action_refresh_feed(self) -> None:
        feed = self.current_feed()
        if feed is None or feed.kind != "feed":
            self.notify("Choose a feed to refresh (R refreshes them all).")
            return
        self.refresh_feeds([feed], True)

    def refresh_feeds(self, feeds: list[Feed], manual: bool) -> None:
        if self.refreshing:
            if manual:
                self.notify("A refresh is already running.")
            return
        if not feeds:
            if manual:
                self.notify("No feeds to refresh: add one with a.")
            return
        # One refresh of the store at a time (see tuinews.store.lock): not while cron's
        # runs; the watcher shows its articles as they are stored.
        lock = StoreLock(self.tuinews.store.path) if lockable(self.tuinews.store.path) else None
        try:
            holder = lock.try_acquire() if lock is not None else None
        except OSError:  # no lock file beside the database (a read-only folder)
            lock = holder = None
        if holder is not None:
            if manual:
                self.notify(
                    f"Another tuinews is refreshing the feeds ({holder}): "
                    "its new articles show here as they are stored."
                )
            return
        self.refreshing = True
        self._refresh(feeds, manual, lock)

    @work(group="refresh", exit_on_error=False, description="Refresh")
    async def _refresh(
        self, feeds: list[Feed], manual: bool, lock: StoreLock | None = None
    ) -> None:
        status = self.query_one(RefreshStatus)
        status.start(len(feeds))
        failed: list[FeedResult] = []

        def progress(result: FeedResult, done: int, total: int) -> None:
            if result.failed:
                failed.append(result)
            status.advance(done, total, len(failed))
            if result.new or result.updated:
                self.schedule_reload()

        try:
            results = await self.tuinews.refresher.refresh(feeds, progress)
        finally:
            self.refreshing = False
            if lock is not None:
                lock.release()
            if self.watcher is not None:
                self.watcher.rebase()  # what the refresh's workers wrote is shown below
            status.stop()
        self.schedule_reload()
        new = sum(result.new for result in results)
        if manual or new or failed:
            message = f"{len(results)} feed{'s' * (len(results) != 1)} refreshed: {new} new"
            if failed:
                message += f", {len(failed)} failed"
                message += "".join(f"\n{r.name}: {r.error}" for r in failed[:3])
            self.notify(message, severity="warning" if failed else "information")

    # --- adding and removing ---------------------------------------------------------

    async def action_add_feed(self) -> None:
        from tuinews.ui.screens.dialogs import AddFeedDialog  # (not before the first frame)

        await self.app.push_screen(AddFeedDialog(), self._add_feed)

    def _add_feed(self, new: NewFeed | None) -> None:
        if new is not None:
            from tuinews.links import shown_url

            self.notify(f"Adding {shown_url(new.url)}…")
            self._subscribe(new)

    @work(group="subscribe", exit_on_error=False, description="Adding a feed")
    async def _subscribe(self, new: NewFeed) -> None:
        from tuinews.subscribe import subscribe

        outcome = await subscribe(self.tuinews.refresher, new.url, new.title, new.tags)
        self.notify(outcome.message, severity="error" if outcome.error else "information")
        self.schedule_reload()

    async def action_remove_feed(self) -> None:
        feed = self.current_feed()
        if feed is None or feed.kind != "feed":
            shown = self.focused is not self.feed_list and self.headlines.current is not None
            self.notify(
                ("This article is not from a subscribed feed. " if shown else "")
                + "Choose a feed in the feed list to remove."
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(feed)

        from tuinews.ui.screens.dialogs import ConfirmDialog

        count = f"{feed.total} article{'s' * (feed.total != 1)}"
        question = f"Remove {feed.name} and its {count}?"
        await self.app.push_screen(ConfirmDialog(question), answered)

    @work(thread=True, group="remove", exit_on_error=False, description="Removing a feed")
    def _remove(self, feed: Feed) -> None:
        self.tuinews.store.remove_feed(feed.id)
        self.app.call_from_thread(self.notify, f"Removed {feed.name}.")
        self.app.call_from_thread(self._reload_now)  # at once: the list and its counts

    def adjust_counts(self, feed_id: int, delta: int) -> None:
        self.feed_list.adjust_unread(feed_id, delta)

    def adjust_starred(self, delta: int) -> None:
        self.feed_list.adjust_starred(delta)
