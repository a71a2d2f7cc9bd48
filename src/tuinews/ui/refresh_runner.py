"""Refreshing the feeds from the reader: on start and every interval (the feeds that are
due), and by hand (all, or one). One refresh of the store at a time: not while another
tuinews (cron's) refreshes it, whose articles the store watcher shows instead. The
accounts on feed servers are synced beside the feeds, with the same progress: every one
by hand, those not synced within the interval on start and every interval
(:func:`tuinews.sync.sync_accounts`, the code of ``tuinews sync``; no password prompt in
the app: an account whose login is refused fails and says so).

The runner is held by the main screen and runs its workers there (so that their errors
reach the screen's handler): the store is read in thread workers, the network in an async
one (:meth:`tuinews.ingest.Refresher.refresh`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import get_current_worker

from tuinews.store import Feed
from tuinews.store.lock import StoreLock, lockable
from tuinews.ui.new_articles import announce_new
from tuinews.ui.services import Services
from tuinews.ui.widgets.refresh_status import RefreshStatus

if TYPE_CHECKING:
    from tuinews.ingest import FeedResult
    from tuinews.store import Account
    from tuinews.sync import AccountResult


CHECK_EVERY = 60.0  # seconds between looks for the feeds whose interval is up


class RefreshRunner:
    """``reload_soon`` is called as new articles arrive (the screen reads the shown view
    and the counts again, in batches); ``rebase``, once a refresh is over (what it wrote
    is this app's own, not another process's)."""

    def __init__(
        self,
        screen: Screen[Any],
        services: Services,
        status: RefreshStatus,
        reload_soon: Callable[[], None],
        rebase: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.services = services
        self.status = status
        self.reload_soon = reload_soon
        self.rebase = rebase
        self.running = False

    def start_automatic(self) -> None:
        """After the first frame: the feeds that are due; then, once a minute, those
        whose interval is up (a feed's own, else ``refresh_interval``; with that 0, only
        feeds with an interval of their own are refreshed automatically)."""
        settings = self.services.settings
        if settings.refresh_on_start:  # its check imports the refresh code: after the frame
            self.screen.call_after_refresh(self.refresh_stale)
        self.screen.set_interval(CHECK_EVERY, lambda: self._due(manual=False, ticked=True))

    def prepare(self) -> None:
        """After the first frame: what a refresh needs, made ready in a thread (importing
        the HTTP stack on the event loop stalled the UI for ~100 ms when one began)."""
        self.screen.run_worker(
            lambda: self.services.refresher.prepare(),  # (made in the thread, too)
            thread=True,
            group="prepare",
            exit_on_error=False,
            description="Preparing to refresh",
        )

    def refresh_stale(self) -> None:
        """The feeds not fetched within the interval (and not held back by their own ttl
        or a Retry-After) and the accounts not synced within it, read in a thread."""
        self._due(manual=False)

    def refresh_all(self) -> None:
        """Every feed (but those gone, or asked to wait with a Retry-After), and every
        account synced."""
        self._due(manual=True)

    def _due(self, manual: bool, ticked: bool = False) -> None:
        """``ticked``: by the timer, where a ``refresh_interval`` of 0 means never (but
        for the feeds with their own); at start-up, 0 means every feed not fetched."""
        if ticked and self.running:
            return  # (a slow refresh: the next check comes after it)

        def due() -> None:
            from tuinews.ingest import due_feeds, stale_feeds  # (after the first frame)
            from tuinews.sync import stale_accounts

            store, settings = self.services.store, self.services.settings
            accounts: list[Account]
            if manual:
                feeds = due_feeds(store, force=True)
                accounts = store.accounts()
            else:
                interval: int | None = settings.refresh_interval
                if ticked and not interval:
                    interval = None
                feeds = stale_feeds(store, interval)
                # (an account has no interval of its own: none by the timer when it is 0)
                accounts = stale_accounts(store, interval) if interval is not None else []
                if not feeds and not accounts:
                    return
            if feeds or accounts:
                self.services.refresher.prepare()  # here, not on the event loop
            if not get_current_worker().is_cancelled:
                self.screen.app.call_from_thread(self.refresh, feeds, manual, accounts)

        self.screen.run_worker(
            due,
            thread=True,
            group="refresh-check",
            exit_on_error=False,
            description="Reading which feeds to refresh",
        )

    def refresh(self, feeds: list[Feed], manual: bool, accounts: Sequence[Account] = ()) -> None:
        """Refresh these feeds (and sync these accounts), unless a refresh is running
        (here or in another process); ``manual``: asked for with a key, so say why not."""
        notify = self.screen.notify
        if self.running:
            if manual:
                notify("A refresh is already running.")
            return
        if not feeds and not accounts:
            if manual:
                notify("No feeds to refresh: add one with a.")
            return
        # One refresh of the store at a time (see tuinews.store.lock): not while cron's
        # runs; the watcher shows its articles as they are stored.
        path = self.services.store.path
        lock = StoreLock(path) if lockable(path) else None
        try:
            holder = lock.try_acquire() if lock is not None else None
        except OSError:  # no lock file beside the database (a read-only folder)
            lock = holder = None
        if holder is not None:
            if manual:
                notify(
                    f"Another tuinews is refreshing the feeds ({holder}): "
                    "its new articles show here as they are stored."
                )
            return
        self.running = True
        self.screen.run_worker(
            self._refresh(feeds, manual, lock, accounts),
            group="refresh",
            exit_on_error=False,
            description="Refresh",
        )

    async def _refresh(
        self,
        feeds: list[Feed],
        manual: bool,
        lock: StoreLock | None,
        accounts: Sequence[Account] = (),
    ) -> None:
        """Over the network (an async worker; parsing and storing run in the refresher's
        worker processes and threads), the feeds and the accounts side by side."""
        status = self.status
        total = len(feeds) + len(accounts)
        status.start(total)
        failed: list[FeedResult] = []
        failed_accounts: list[AccountResult] = []
        done = [0]

        def progress(result: FeedResult, _done: int, _total: int) -> None:
            if result.failed:
                failed.append(result)
            done[0] += 1
            status.advance(done[0], total, len(failed) + len(failed_accounts))
            if result.new or result.updated:
                self.reload_soon()

        def synced(result: AccountResult, _done: int, _total: int) -> None:
            if result.failed:
                failed_accounts.append(result)
            done[0] += 1
            status.advance(done[0], total, len(failed) + len(failed_accounts))
            changed = (result.read, result.unread, result.starred, result.unstarred)
            if result.new or any(changed) or result.tagged or result.untagged:
                self.reload_soon()

        try:
            results, syncs = await asyncio.gather(
                self.services.refresher.refresh(feeds, progress) if feeds else _none(),
                self._sync(accounts, synced),
            )
        finally:
            self.running = False
            if lock is not None:
                lock.release()
            self.rebase()  # what the refresh's workers wrote is shown below
            status.stop()
        self.reload_soon()
        new = sum(result.new for result in results) + sum(result.new for result in syncs)
        hidden = sum(result.hidden for result in results)  # (by rules: not news to announce)
        announce_new(self.screen, new - hidden)  # (the notify command, the terminal's)
        if manual or new or failed or failed_accounts:
            parts = []
            if (refreshed := len(results) - len(failed)) or (feeds and not failed):
                # (with failures, "of" all: "5 feeds refreshed, 1 failed" read as 1 of 5)
                how_many = f"{refreshed} of {len(results)}" if failed else f"{refreshed}"
                plural = len(results) != 1 if failed else refreshed != 1
                parts.append(f"{how_many} feed{'s' * plural} refreshed")
            if in_sync := len(syncs) - len(failed_accounts):  # (a failed one is not synced)
                parts.append(f"{in_sync} account{'s' * (in_sync != 1)} synced")
            message = f"{', '.join(parts)}: {new} new" if parts else f"{new} new" if new else ""
            if failed:
                what = "" if message else f" feed{'s' * (len(failed) != 1)}"
                message += "; " * bool(message) + f"{len(failed)}{what} failed"
            if failed_accounts:
                count = len(failed_accounts)
                message += "; " * bool(message) + f"{count} account{'s' * (count != 1)} failed"
            if failed or failed_accounts:
                reasons = [(r.name, r.error) for r in failed_accounts] + [
                    (r.name, r.error) for r in failed
                ]
                message += "".join(f"\n{name}: {error}" for name, error in reasons[:3])
            bad = failed or failed_accounts
            self.screen.notify(message, severity="warning" if bad else "information")

    async def _sync(
        self, accounts: Sequence[Account], progress: Callable[[AccountResult, int, int], None]
    ) -> list[AccountResult]:
        """The accounts synced (on the refresher's fetcher: the same per-host slots; and
        its worker pool)."""
        if not accounts:
            return []
        from tuinews.sync import password_source, sync_accounts  # (httpx: ~120 ms)

        services = self.services
        return await sync_accounts(
            services.store,
            services.settings,
            accounts,
            fetcher=services.refresher.fetcher,
            password=password_source(ask=False),
            progress=progress,
            pool=services.refresher.pool,
        )


async def _none() -> list[FeedResult]:
    return []
