"""What the keys ``r``, ``a``, ``d``, ``e`` and ``t`` do: refresh, add, remove a feed (or,
in the feed list, a saved search), edit its settings or its tags. The current feed is the
one the focused pane shows (``r`` on a folder or a tag in the feed list: its feeds); a
new one is asked for in a dialog, a removal confirmed in one, settings and tags changed
in one (the dialogs are imported when first opened, not before the first frame). The
work runs in workers of the main screen (subscribing goes over the network: an async
worker; reading, removing or changing a feed, the store: a thread).

On an account's feed (on a feed server), ``r`` syncs the account, ``a`` subscribes on
that account's server and ``d`` unsubscribes there (:mod:`tuinews.sync.remote`, the code
of ``tuinews add/remove --account``), with no password prompt: a login the server
refuses says so."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import WorkerCancelled, WorkerFailed

from tuinews.links import shown_url
from tuinews.store import Feed, View
from tuinews.ui.refresh_runner import RefreshRunner
from tuinews.ui.services import Services
from tuinews.ui.store_follower import StoreFollower
from tuinews.ui.widgets.feed_list import FeedList
from tuinews.ui.widgets.feed_tree import in_folder
from tuinews.ui.widgets.headline_list import HeadlineList

if TYPE_CHECKING:
    from tuinews.feed_settings import FeedChange
    from tuinews.store import Account, SavedSearch
    from tuinews.ui.screens.dialogs import NewFeed


class FeedCommands:
    """``follower`` reads the screen's view and the feed list again: soon after a feed
    is added (its articles arrive), at once after one is removed; ``view``: the view the
    screen shows."""

    def __init__(
        self,
        screen: Screen[Any],
        services: Services,
        panes: tuple[FeedList, HeadlineList],
        refresher: RefreshRunner,
        follower: StoreFollower,
        view: Callable[[], View],
    ) -> None:
        self.screen = screen
        self.services = services
        self.feed_list, self.headlines = panes
        self.refresher = refresher
        self.follower = follower
        self.view = view

    def current(self) -> Feed | int | None:
        """The feed the focused pane shows: in the feed list, the highlighted one; in the
        headlines or the article, the shown article's (else the highlighted one). Only its
        id when the feed list does not have it (yet)."""
        if self.screen.focused is self.feed_list:
            return self.feed_list.current_feed
        headline = self.headlines.current
        if headline is None:
            return self.feed_list.current_feed
        return self.feed_list.feed(headline.feed_id) or headline.feed_id

    def _read(self, feed_id: int, then: Callable[[Feed | None], Any]) -> None:
        """``then`` with this feed, read from the store in a thread (it is not in the feed
        list yet)."""
        store = self.services.store

        def read() -> None:
            self.screen.app.call_from_thread(then, store.get_feed(feed_id))

        self.screen.run_worker(
            read, thread=True, group="feed", exit_on_error=False, description="Reading the feed"
        )

    async def _read_now(self, found: Feed | int | None, fresh: bool = False) -> Feed | None:
        """The feed, read from the store in a thread worker if the feed list does not
        have it yet (``fresh``: in any case, as `tuinews feed set` may have changed it
        since the list was read), awaited: a dialog's key waits for it, so that the keys
        typed next land in the dialog (read with ``_read``, they reached the lists before
        the dialog was up, and the field's select-all on focus then replaced a feed's
        tags)."""
        if found is None or (isinstance(found, Feed) and not fresh):
            return found
        store, feed_id = self.services.store, found if isinstance(found, int) else found.id
        worker = self.screen.run_worker(
            lambda: store.get_feed(feed_id),
            thread=True,
            group="feed",
            exit_on_error=False,
            description="Reading the feed",
        )
        try:
            return await worker.wait()
        except (WorkerFailed, WorkerCancelled):
            return None  # (a failure is reported by the screen, as every worker's)

    # --- refresh ---------------------------------------------------------------------

    def refresh(self) -> None:
        entry = self.feed_list.current
        if self.screen.focused is self.feed_list and entry is not None and entry.feed is None:
            feeds = [feed for feed in self.feed_list.feeds_in(entry) if feed.kind == "feed"]
            if feeds:  # a folder's or a tag's
                self.refresher.refresh(feeds, True)
                return
        found = self.current()
        if isinstance(found, int):
            self._read(found, self._refresh)
        else:
            self._refresh(found)

    def _refresh(self, feed: Feed | None) -> None:
        account = None
        if feed is not None and feed.account_id is not None:  # its account is synced
            account = self.services.store.get_account(feed.account_id, counts=False)
        if account is not None:
            self.refresher.refresh([], True, [account])
        elif feed is None or feed.kind != "feed":
            self.screen.notify("Choose a feed to refresh (R refreshes them all).")
        else:
            self.refresher.refresh([feed], True)

    # --- add -------------------------------------------------------------------------

    async def add(self) -> None:
        """Ask for a feed's URL (or a page's that links to one), a title and tags. The
        key's action waits until the dialog is mounted and focused, so that what is typed
        next lands in it."""
        from tuinews.ui.screens.dialogs import AddFeedDialog  # (not before the first frame)

        found = self.current()
        account = None
        if isinstance(found, Feed) and found.account_id is not None:
            # (a lookup by key: the dialog must be up before the next key arrives)
            known = self.services.store.get_account(found.account_id, counts=False)
            account = (known.id, known.name) if known is not None else None
        await self.screen.app.push_screen(AddFeedDialog(account), self._add)

    def _add(self, new: NewFeed | None) -> None:
        if new is not None:
            self.screen.notify(f"Adding {shown_url(new.url)}…")
            self.screen.run_worker(
                self._subscribe(new),
                group="subscribe",
                exit_on_error=False,
                description="Adding a feed",
            )

    async def _subscribe(self, new: NewFeed) -> None:
        if new.account_id is not None:
            await self._subscribe_on_server(new, new.account_id)
            return
        from tuinews.add_feed import subscribe  # (the network stack: when first used)

        outcome = await subscribe(self.services.refresher, new.url, new.title, new.tags)
        self.screen.notify(
            outcome.message,
            severity="error" if outcome.error else "warning" if outcome.empty else "information",
        )
        self.follower.reload_soon()

    async def _subscribe_on_server(self, new: NewFeed, account_id: int) -> None:
        # (httpx and the sync, ~120 ms: only for an account's feed, after the first frame)
        from tuinews.fetch.greader import GReaderError
        from tuinews.sync import password_source
        from tuinews.sync.remote import subscribe

        services = self.services
        account = await asyncio.to_thread(services.store.get_account, account_id, counts=False)
        if account is None:
            self.screen.notify("That account was removed meanwhile.", severity="error")
            return
        try:
            done = await subscribe(
                services.store,
                services.settings,
                account,
                new.url,
                title=new.title,
                tags=new.tags,
                fetcher=services.refresher.fetcher,
                password=password_source(ask=False),
            )
        except GReaderError as error:
            self.screen.notify(f"{account.name}: {error}; not subscribed", severity="error")
            return
        if done.sync.failed:
            self.screen.notify(
                f"Subscribed to {done.title} on {account.name}, but the sync failed: "
                f"{done.sync.error}",
                severity="warning",
            )
        else:
            new_articles = f"{done.sync.new} new article{'s' * (done.sync.new != 1)}"
            self.screen.notify(f"Subscribed to {done.title} on {account.name}: {new_articles}.")
        self.follower.reload_soon()

    # --- remove ----------------------------------------------------------------------

    async def remove(self) -> None:
        """Ask, then remove the current feed and its articles (in the feed list, the saved
        search highlighted: the search only)."""
        search = self._highlighted_search()
        if search is not None:
            await self._remove_search(search)
            return
        await self._remove(await self._read_now(self.current()))

    async def _remove(self, feed: Feed | None) -> None:
        if feed is None or feed.kind not in ("feed", "account"):
            screen = self.screen
            shown = screen.focused is not self.feed_list and self.headlines.current is not None
            screen.notify(
                ("This article is not from a subscribed feed. " if shown else "")
                + "Choose a feed in the feed list to remove."
            )
            return

        account = None
        if feed.account_id is not None:
            account = self.services.store.get_account(feed.account_id, counts=False)

        def answered(yes: bool | None) -> None:
            if yes and account is not None:
                self.screen.run_worker(
                    self._unsubscribe(feed, account),
                    group="remove",
                    exit_on_error=False,
                    description="Unsubscribing",
                )
            elif yes:
                self.screen.run_worker(
                    lambda: self._delete(feed),
                    thread=True,
                    group="remove",
                    exit_on_error=False,
                    description="Removing a feed",
                )

        from tuinews.ui.screens.dialogs import ConfirmDialog  # (not before the first frame)

        count = f"{feed.total} article{'s' * (feed.total != 1)}"
        hidden = await asyncio.to_thread(self.services.store.hidden_articles, feed.id)
        if hidden:  # (the counts shown leave them out; they go with the feed all the same)
            count += f" (and {hidden} hidden by a rule)"
        if account is not None:
            question = f"Unsubscribe from {feed.name} on {account.name}, and remove its {count}?"
            dialog = ConfirmDialog(question, yes="Unsubscribe")
        else:
            dialog = ConfirmDialog(f"Remove {feed.name} and its {count}?")
        await self.screen.app.push_screen(dialog, answered)

    async def _unsubscribe(self, feed: Feed, account: Account) -> None:
        """On the account's server, then here (nothing here if the server refuses)."""
        # (httpx and the sync: see _subscribe_on_server)
        from tuinews.fetch.greader import GReaderError
        from tuinews.sync import password_source
        from tuinews.sync.remote import unsubscribe

        services = self.services
        try:
            await unsubscribe(
                services.store,
                account,
                feed,
                fetcher=services.refresher.fetcher,
                password=password_source(ask=False),
            )
        except GReaderError as error:
            self.screen.notify(f"{account.name}: {error}; not removed", severity="error")
            return
        self.screen.notify(f"Unsubscribed from {feed.name} on {account.name}.")
        self._removed(feed)

    def _delete(self, feed: Feed) -> None:
        self.services.store.remove_feed(feed.id)
        app = self.screen.app
        app.call_from_thread(self.screen.notify, f"Removed {feed.name}.")
        app.call_from_thread(self._removed, feed)

    def _removed(self, feed: Feed) -> None:
        """At once: the feed list and its counts; and the shown view, unless it goes with
        the feed (its own, or a tag only it had): then the list moves on to the next entry,
        whose headlines replace it (FeedList.Chosen). Read again first, the gone view would
        show "No articles here." (and the feed's last error) until then."""
        view = self.view()
        others = [e.feed for e in self.feed_list.entries if e.feed and e.feed.id != feed.id]
        gone = (
            view.feed_id == feed.id
            or (view.tag is not None and not any(view.tag in other.tags for other in others))
            or (view.folder is not None and not any(in_folder(o, view.folder) for o in others))
        )
        if gone and self.feed_list.current is not None and self.feed_list.current.view == view:
            self.feed_list.reload()
        else:
            self.follower.reload_now()

    # --- a saved search ----------------------------------------------------------------

    def _highlighted_search(self) -> SavedSearch | None:
        """The saved search highlighted in the feed list, when it has the focus."""
        entry = self.feed_list.current
        if self.screen.focused is not self.feed_list or entry is None:
            return None
        query = entry.view.search
        for search in self.feed_list.searches:
            if search.name == entry.label and search.query == query:
                return search
        return None

    async def _remove_search(self, search: SavedSearch) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.screen.run_worker(
                    lambda: self._delete_search(search),
                    thread=True,
                    group="remove",
                    exit_on_error=False,
                    description="Removing a saved search",
                )

        from tuinews.ui.screens.dialogs import ConfirmDialog  # (not before the first frame)

        question = f"Remove the saved search {search.name!r} ({search.query})? Its articles stay."
        await self.screen.app.push_screen(ConfirmDialog(question), answered)

    def _delete_search(self, search: SavedSearch) -> None:
        removed = self.services.store.remove_saved_search(search.name)
        app = self.screen.app
        if removed is not None:
            app.call_from_thread(self.screen.notify, f"Removed the saved search {search.name!r}.")
        # The list moves on from the gone entry (its headlines replace the search's).
        app.call_from_thread(self.feed_list.reload)

    # --- edit ------------------------------------------------------------------------

    async def edit(self) -> None:
        """The current feed's own settings, in a dialog; saved in a thread."""
        await self._edit(await self._read_now(self.current(), fresh=True))

    async def _edit(self, feed: Feed | None) -> None:
        if feed is None or feed.kind == "local":
            self.screen.notify("Choose a feed in the feed list to edit its settings.")
            return
        from tuinews.ui.screens.feed_dialog import FeedSettingsDialog  # (when first used)

        def answered(change: FeedChange | None) -> None:
            if change is None:
                return
            if not change:
                self.screen.notify("Nothing changed.")
                return
            if feed.account_id is not None and {"title", "tags"} & set(change.keys):
                self.screen.run_worker(self._save_on_server(feed, change), exit_on_error=False)
                return
            self.screen.run_worker(
                lambda: self._save(feed, change),
                thread=True,
                group="edit",
                exit_on_error=False,
                description="Saving the feed's settings",
            )

        dialog = FeedSettingsDialog(feed, self.services.settings)
        await self.screen.app.push_screen(dialog, answered)

    async def _save_on_server(self, feed: Feed, change: FeedChange) -> None:
        """An account's feed's title and tags: on its server first (as ``tuinews feed
        set`` does), then the rest of the change here; nothing here if the server refuses."""
        # (httpx and the sync: see _subscribe_on_server)
        from tuinews.accounts import PasswordError
        from tuinews.feed_settings import FeedChange
        from tuinews.fetch.greader import GReaderError
        from tuinews.sync import password_source
        from tuinews.sync.remote import edit_subscription

        services = self.services
        account = await asyncio.to_thread(services.store.get_account, feed.account_id or 0)
        if account is None:
            self.screen.notify(f"{feed.name}: its account is gone.", severity="error")
            return
        title = change.columns.get("user_title") if "title" in change.keys else None
        try:
            edited = await edit_subscription(
                services.store,
                account,
                feed,
                title=None if title is None else str(title),
                tags=change.tags,
                fetcher=services.refresher.fetcher,
                password=password_source(ask=False),
            )
        except (GReaderError, PasswordError) as error:
            self.screen.notify(
                f"{feed.name}: not changed on {account.name}: {error}", severity="error"
            )
            return
        said = ", ".join(edited.tags) or "no tags"
        self.screen.notify(f"{edited.title} (on {account.name}): {said}.")
        rest = FeedChange(
            {k: v for k, v in change.columns.items() if k != "user_title"},
            None,
            tuple(k for k in change.keys if k not in ("title", "tags")),
        )
        if rest:
            self.screen.run_worker(
                lambda: self._save(feed, rest),
                thread=True,
                group="edit",
                exit_on_error=False,
                description="Saving the feed's settings",
            )
        else:
            self.follower.reload_now()

    def _save(self, feed: Feed, change: FeedChange) -> None:
        from tuinews.feed_settings import changed_words  # (not needed by the first frame)

        saved = self.services.store.change_feed(feed.id, change.columns, change.tags)
        app = self.screen.app
        if saved is None:
            app.call_from_thread(self.screen.notify, f"{feed.name} is gone.", severity="error")
        else:
            words = changed_words(saved, change, self.services.settings)
            app.call_from_thread(self.screen.notify, f"{saved.name}: {words}.")
        app.call_from_thread(self.follower.reload_now)

    # --- tags ------------------------------------------------------------------------

    async def edit_tags(self) -> None:
        """Ask for the current feed's tags (a ``/`` in one makes a folder), then store
        them; the feed list is read again."""
        await self._edit_tags(await self._read_now(self.current(), fresh=True))

    async def _edit_tags(self, feed: Feed | None) -> None:
        if feed is None or feed.kind not in ("feed", "local"):
            self.screen.notify("Choose a feed in the feed list to tag.")
            return

        def answered(tags: tuple[str, ...] | None) -> None:
            if tags is not None and tags != feed.tags:
                self.screen.run_worker(
                    lambda: self._store_tags(feed, tags),
                    thread=True,
                    group="tags",
                    exit_on_error=False,
                    description="Tagging a feed",
                )

        from tuinews.ui.screens.tags_dialog import TagsDialog  # (not before the first frame)

        await self.screen.app.push_screen(TagsDialog(feed), answered)

    def _store_tags(self, feed: Feed, tags: tuple[str, ...]) -> None:
        self.services.store.set_tags(feed.id, tags)
        app = self.screen.app
        said = ", ".join(tags) if tags else "no tags"
        app.call_from_thread(self.screen.notify, f"{feed.name}: {said}.")
        app.call_from_thread(self.feed_list.reload)
