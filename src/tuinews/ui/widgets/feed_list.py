"""The feed list: All, Unread, Starred, then the saved searches, tags, the folder tree
(:mod:`tuinews.ui.widgets.feed_tree`), then feeds, with unread counts. Choosing an
entry filters the headlines. Folders fold and unfold with keys (their actions are the
focused widget's: ui.bindings) and a click on their marker; the feeds are in the order
the store lists them in (``order``: tuinews.query.orders)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.actions import SkipAction
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from tuinews.query.orders import FEED_ORDER_NAMES
from tuinews.store import Feed, Store, View
from tuinews.ui.services import report_failure
from tuinews.ui.textual_private import OneLineOptionList
from tuinews.ui.widgets.feed_tree import (
    Entry,
    host_of,
    in_folder,
    list_width,
    load_folded,
    prompt,
    save_folded,
    tag_entries,
    tree_entries,
)
from tuinews.ui.widgets.pane_edge import PaneEdge
from tuinews.ui.widgets.search_counts import Counted, SearchCounts

if TYPE_CHECKING:
    from tuinews.store import SavedSearch

__all__ = ["Entry", "FeedList"]

FIT_DELAY = 0.05  # seconds without a resize before the prompts are cut to the new width
SAVE_FOLDS_AFTER = 0.5  # seconds after the last fold, the folded folders are written


class FeedList(PaneEdge, OneLineOptionList):  # PaneEdge: its border is dragged to resize it
    """One line per view; the highlighted one is shown in the headline list. It reads its
    feeds and their counts from the store itself, in a thread (:meth:`reload`)."""

    class Chosen(Message):
        """The user moved to another feed (or All, Unread, Starred, a tag)."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    class Loaded(Message):
        """The feeds and their counts were read again (and are shown)."""

        def __init__(self, feeds: list[Feed]) -> None:
            super().__init__()
            self.feeds = feeds

    SAVED_MARK = "/"  # before a saved search's name (a tag's is "#")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []  # one per option (separators are not options)
        self.store: Store | None = None  # set by the screen
        self.first: Entry | None = None  # an extra entry on top (the files opened)
        self._prompts_width = 0  # the width the prompts were cut to
        self._fit_timer: Timer | None = None
        self.searches: list[SavedSearch] = []  # the saved searches listed
        self._search_counts = SearchCounts()  # their unread counts
        self.accounts: dict[int, str] = {}  # the accounts' API URLs by id (their feeds')
        self.order = "name"  # the feeds' (tuinews.query.orders.FEED_ORDERS)
        self.folded: set[str] | None = None  # the folded folders (None: not read yet)
        self._shown: tuple[list[Feed], tuple[int, int, int]] = ([], (0, 0, 0))
        self._save_timer: Timer | None = None

    # --- attributes down -------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,  # the newest reading wins
        group="feeds",
        exit_on_error=False,
        description="Loading the feed list",
    )
    def reload(self, new_only: bool = False) -> None:
        """Read the feeds and their counts again (one GROUP BY), and show them; then
        count the saved searches' unread articles (a query each: shown when counted;
        ``new_only``: a refresh's batch, only its articles are counted, and first)."""
        if self.store is None:
            return
        worker, listed = get_current_worker(), list(self.searches)
        if new_only and listed:  # (first: on a connection aside, see search_counts)
            self._count_searches(listed, lambda: worker.is_cancelled, new_only)
        if self.folded is None:
            self.folded = load_folded()  # (a few lines: the first time, here in the thread)
        feeds = self.store.feeds(kind=None, order=self.order)
        searches = self.store.saved_searches()
        accounts = dict(self.accounts)  # read once each (an account keeps its address)
        for account_id in {f.account_id for f in feeds if f.account_id is not None} - {*accounts}:
            account = self.store.get_account(account_id)
            accounts[account_id] = account.api_url if account is not None else ""
        counts = (  # hidden feeds are in Starred, not in All or Unread
            sum(feed.total for feed in feeds if not feed.hidden),
            sum(feed.unread for feed in feeds if not feed.hidden),
            sum(feed.starred for feed in feeds),
        )
        if worker.is_cancelled:  # (a newer reading is on its way)
            return
        self.app.call_from_thread(self._loaded, feeds, counts, searches, accounts)
        if not new_only or searches != listed:
            self._count_searches(searches, lambda: worker.is_cancelled)

    def _count_searches(
        self, searches: list[SavedSearch], cancelled: Callable[[], bool], new_only: bool = False
    ) -> None:
        """In a thread: the saved searches' unread counts, shown when all are counted."""
        if self.store is None or not searches:
            return
        queries = [search.query for search in searches]
        if counted := self._search_counts.count(self.store, queries, cancelled, new_only):
            self.app.call_from_thread(self._searches_counted, counted)

    @work(thread=True, exclusive=True, group="search-counts", exit_on_error=False)
    def recount_searches(self) -> None:
        """Count the saved searches' unread articles again (read marks were written)."""
        worker = get_current_worker()
        self._count_searches(list(self.searches), lambda: worker.is_cancelled)

    def _searches_counted(self, counted: Counted) -> None:
        self._search_counts.counted = counted
        counts = {query: count for query, (_, count) in counted.items()}
        width = list_width(self.scrollable_content_region.width, self._prompts_width)
        for index, entry in enumerate(self.entries):
            query = entry.view.search
            if query is not None and query in counts and entry.unread != counts[query]:
                entry.unread = counts[query]
                self.replace_option_prompt_at_index(index, self._prompt(entry, width))

    def _loaded(
        self,
        feeds: list[Feed],
        counts: tuple[int, int, int],
        searches: list[SavedSearch],
        accounts: dict[int, str],
    ) -> None:
        self.searches = searches
        self.accounts = accounts
        self.set_feeds(feeds, counts, first=self.first)
        self.post_message(self.Loaded(feeds))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def set_feeds(
        self, feeds: list[Feed], counts: tuple[int, int, int], first: Entry | None = None
    ) -> None:
        """Rebuild the list; keep the highlight on the same view if it is still there
        (else on the entry now at its place, announced: e.g. the next feed after one was
        removed). ``first`` is an extra entry on top (the files opened on the command
        line)."""
        current, at = self.current, self.highlighted
        self._shown = (feeds, counts)
        _, unread, starred = counts
        entries: list[Entry | None] = [first] if first else []
        entries += [
            Entry(View(), "All articles", unread),
            Entry(View(unread_only=True), "Unread", unread),
            Entry(View(starred_only=True), "Starred", starred),
        ]
        if self.searches:  # counted after the list is shown (the last counts until then)
            entries.append(None)
            entries += [
                Entry(View(search=s.query), s.name, self._search_counts.get(s.query))
                for s in self.searches
            ]
        tags, folders = tag_entries(feeds)
        tree, loose = tree_entries(feeds, folders, self.folded or set())
        for part in (tags, tree, loose):
            if part:
                entries.append(None)
                entries += part
        for entry in entries:
            if entry is not None and entry.feed is not None:
                entry.account = self._account_host(entry.feed)
        width = list_width(self.scrollable_content_region.width, self._prompts_width)
        self._prompts_width = width if self.scrollable_content_region.width else 0  # (guess)
        kept = [entry for entry in entries if entry is not None]
        if self._same_entries(kept):
            # Only counts changed (a refresh reloads every 1.5 s): redraw those prompts,
            # do not rebuild 1,000 options.
            for index, (old, new) in enumerate(zip(self.entries, kept, strict=True)):
                if old != new:
                    self.replace_option_prompt_at_index(index, self._prompt(new, width))
            self.entries = kept
            return
        self.entries = kept
        self.clear_options()
        self.add_options([Option(self._prompt(e, width)) if e else None for e in entries])
        # (a feed in several folders: its row nearest the one highlighted)
        places = [i for i, e in enumerate(self.entries) if current and e.view == current.view]
        kept_at = min(places, key=lambda i: abs(i - (at or 0))) if places else None
        if kept_at is None and current is not None and at is not None:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = min(at, len(self.entries) - 1)
            self.post_message(self.Chosen(self.entries[self.highlighted or 0]))  # (gone)
            return  # (announced before Loaded: the screen never shows the gone view again)
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = kept_at or 0

    def _account_host(self, feed: Feed) -> str:
        """An account's feed: its server's host (a local feed of the same name is listed
        too); "" for a local one."""
        if feed.account_id is None:
            return ""
        url = self.accounts.get(feed.account_id, "")
        return host_of(url) if url else "account"

    def _same_entries(self, entries: list[Entry]) -> bool:
        """The same views, labels and separators as shown (counts may differ)."""
        if len(entries) != len(self.entries) or not entries:
            return False
        return all(
            (a.view, a.label, a.failed, a.depth, a.folded, a.account)
            == (b.view, b.label, b.failed, b.depth, b.folded, b.account)
            for a, b in zip(self.entries, entries, strict=True)
        )

    @property
    def current(self) -> Entry | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    @property
    def current_feed(self) -> Feed | None:
        entry = self.current
        return entry.feed if entry else None

    def label_of(self, view: View) -> str | None:
        """What the list calls this view (None: it is not listed)."""
        for entry in self.entries:
            if entry.view == view:
                return entry.label
        if self.first is not None and self.first.view == view:
            return self.first.label
        return None

    def feed(self, feed_id: int | None) -> Feed | None:
        """The listed feed with this id (None: not listed, or not loaded yet)."""
        for entry in self.entries:
            if entry.feed is not None and entry.feed.id == feed_id:
                return entry.feed
        return None

    def adjust_unread(self, feed_id: int, delta: int) -> None:
        """Change the unread counts after marking articles read or unread (in the feeds
        read last too: folding a folder lists them again)."""
        feeds, (total, unread, starred) = self._shown
        changed = [replace(f, unread=max(0, f.unread + delta)) for f in feeds if f.id == feed_id]
        if changed:
            feeds = [changed[0] if f.id == feed_id else f for f in feeds]
            unread = unread if changed[0].hidden else max(0, unread + delta)
            self._shown = (feeds, (total, unread, starred))
        width = list_width(self.scrollable_content_region.width, self._prompts_width)
        # The feed looked up once, not for each entry (that was 1,000 x 1,000 steps at
        # 1,000 feeds: a 60-100 ms stall each time an article was marked read).
        feed, hidden = self.feed(feed_id), self._hidden(feed_id)
        for index, entry in enumerate(self.entries):
            if entry.view.starred_only:
                continue
            view = entry.view
            if view.search is not None:
                # The saved search shown: its other ones are counted again once the
                # marks are written (recount_searches).
                affected = index == self.highlighted
            else:
                affected = (
                    view.feed_id == feed_id
                    or (
                        view.feed_id is None
                        and view.tag is None
                        and view.folder is None
                        and not hidden
                    )
                    or (
                        view.tag is not None
                        and entry.feed is None
                        and feed is not None
                        and view.tag in feed.tags
                    )
                    or (
                        view.folder is not None
                        and feed is not None
                        and in_folder(feed, view.folder)
                    )
                )
            if affected:
                entry.unread = max(0, entry.unread + delta)
                self.replace_option_prompt_at_index(index, self._prompt(entry, width))

    def _hidden(self, feed_id: int) -> bool:
        """A hidden feed's articles are not counted in All and Unread."""
        return any(
            e.feed is not None and e.feed.id == feed_id and e.feed.hidden for e in self.entries
        )

    def adjust_starred(self, delta: int) -> None:
        """Change the Starred count after starring or unstarring an article."""
        feeds, (total, unread, starred) = self._shown
        self._shown = (feeds, (total, unread, max(0, starred + delta)))
        width = list_width(self.scrollable_content_region.width, self._prompts_width)
        for index, entry in enumerate(self.entries):
            if entry.view == View(starred_only=True):
                entry.unread = max(0, entry.unread + delta)
                self.replace_option_prompt_at_index(index, self._prompt(entry, width))

    @classmethod
    def _prompt(cls, entry: Entry, width: int) -> Text:
        return prompt(entry, width, cls.SAVED_MARK)  # (one line: see feed_tree.prompt)

    # --- drawing ---------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._prompts_width and self.entries and self.scrollable_content_region.width:
            self._fit_prompts()  # first shown: made for a guess, made again before drawn
        return super().render_lines(crop)

    def on_resize(self, event: events.Resize) -> None:
        # Once the size settles (a border dragged resizes it at every mouse move, and
        # cutting 1,000 prompts again takes ~80 ms).
        if self._fit_timer is not None:
            self._fit_timer.stop()
        self._fit_timer = self.set_timer(FIT_DELAY, self._fit_prompts)

    def _fit_prompts(self) -> None:
        """The prompts are cut to the width, the count on the right: made again when it
        changed (the pane was resized, or is shown for the first time: they were made for
        a guess)."""
        self._fit_timer = None
        width = list_width(self.scrollable_content_region.width, self._prompts_width)
        if width != self._prompts_width and self.scrollable_content_region.width:
            self._prompts_width = width
            for index, entry in enumerate(self.entries):
                self.replace_option_prompt_at_index(index, self._prompt(entry, width))

    # --- orders and folders ----------------------------------------------------------

    def set_order(self, order: str) -> None:
        """List the feeds in this order (read again, if they were read already)."""
        self.order = order
        name = FEED_ORDER_NAMES.get(order, order)
        self.border_title = f"Feeds · {name}"
        if self.entries:
            self.reload()

    def feeds_in(self, entry: Entry) -> list[Feed]:
        """The feeds an entry lists: its own, a tag's, a folder's (and below it)."""
        feeds = {e.feed.id: e.feed for e in self.entries if e.feed is not None}
        feeds.update((f.id, f) for f in self._shown[0])
        view = entry.view
        if view.feed_id is not None:
            return [f for f in feeds.values() if f.id == view.feed_id]
        if view.tag is not None:
            return [f for f in feeds.values() if view.tag in f.tags]
        if view.folder is not None:
            return [f for f in feeds.values() if in_folder(f, view.folder)]
        return []

    def fold(self, folder: str, folded: bool) -> None:
        """Fold or unfold a folder (its rows go, or come back), and remember it."""
        if self.folded is None:
            self.folded = set()
        if (folder in self.folded) == folded:
            return
        if folded:
            self.folded.add(folder)
        else:
            self.folded.discard(folder)
        feeds, counts = self._shown
        self.set_feeds(feeds, counts, first=self.first)
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_FOLDS_AFTER, self._save_folds)

    def _save_folds(self) -> None:
        self._save_timer = None
        save_folded(self.folded or ())  # a few lines (not written: unfolded next time)

    def on_unmount(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_folds()

    def _go_to_folder(self, folder: str) -> None:
        for index, entry in enumerate(self.entries):
            if entry.folder == folder:
                self.highlighted = index
                return

    # The folder keys' actions (ui.bindings: "focused.…", priority bindings tried before
    # Enter's and Escape's): SkipAction when the highlighted row is not theirs, so that the
    # key does what it does elsewhere.

    def action_toggle_folder(self) -> None:
        """Enter or space on a folder: fold it, or unfold it."""
        entry = self.current
        if entry is None or entry.folder is None:
            raise SkipAction()
        self.fold(entry.folder, not entry.folded)

    def action_unfold_folder(self) -> None:
        """→ or l on a folder: unfold it; unfolded, go to its first row."""
        entry = self.current
        if entry is None or entry.folder is None:
            raise SkipAction()
        if entry.folded:
            self.fold(entry.folder, False)
        else:
            self.action_cursor_down()

    def action_fold_folder(self) -> None:
        """← or h: fold the folder; on a folded one or a row in a folder, go to the
        folder it is in."""
        entry = self.current
        if entry is None or (entry.folder is None and entry.depth == 0):
            raise SkipAction()
        if entry.folder is not None and not entry.folded:
            self.fold(entry.folder, True)
            return
        parent = entry.parent
        if entry.folder is None:  # a feed: its folder is the row above it at a lesser depth
            index = self.highlighted or 0
            above = (e for e in reversed(self.entries[:index]) if e.depth < entry.depth)
            parent = next((e.folder for e in above), None)
        if parent is None:
            raise SkipAction()
        self._go_to_folder(parent)

    def on_click(self, event: events.Click) -> None:
        """A click on a folder's marker folds or unfolds it (elsewhere on the row, the
        row is chosen, as any)."""
        if self._dragged:
            return  # the border was dragged (PaneEdge's handler says so)
        index = event.style.meta.get("option")
        offset = event.get_content_offset(self)
        if not isinstance(index, int) or offset is None or not 0 <= index < len(self.entries):
            return
        entry = self.entries[index]
        if entry.marker is not None and entry.marker <= offset.x <= entry.marker + 1:
            event.prevent_default()  # (OptionList's own: choose the row)
            event.stop()
            self.highlighted = index
            if entry.folder is not None:
                self.fold(entry.folder, not entry.folded)

    # --- keys ------------------------------------------------------------------------
    # Handled here, in the order typed, not as bindings: a binding is looked up when the
    # key comes back from the widget, by which time a key typed after it (Enter, Escape,
    # f, Tab: priority bindings) may have moved the focus and the key would act there.

    def key_j(self, event: events.Key) -> None:
        event.stop()
        self.action_cursor_down()

    def key_k(self, event: events.Key) -> None:
        event.stop()
        self.action_cursor_up()

    def key_g(self, event: events.Key) -> None:
        event.stop()
        self.action_first()  # (as Home: the first entry, as in the headline list)

    def key_upper_g(self, event: events.Key) -> None:
        event.stop()
        self.action_last()

    key_down = key_j
    key_up = key_k

    # --- messages up -----------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        entry = self.current
        if entry is not None:
            self.post_message(self.Chosen(entry))
