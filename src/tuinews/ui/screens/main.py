"""The main screen: search bar, headline list and article pane. It coordinates the
panes: it hands them data (attributes down) and reacts to their messages (up). The
store is only touched from thread workers."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from tuinews.library import Opened
from tuinews.query import parse_query
from tuinews.store import FirstPage, Headline, StoreError, View
from tuinews.store.flags import ReadFlags
from tuinews.ui.bindings import FOCUS_ACTIONS, MAIN_BINDINGS
from tuinews.ui.frame_hold import FrameHold
from tuinews.ui.pane_sizes import PaneSizes
from tuinews.ui.screens.article_actions import ArticleActions
from tuinews.ui.screens.results import (
    FIRST_SCREEN,
    HOLD_FRAME,
    MANY,
    RANKED_MAX,
    SHORT_PAUSE,
    TYPING_PAUSE,
    Results,
    no_match,
    skipped_summary,
    wait,
)
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.feed_list import Entry, FeedList
from tuinews.ui.widgets.feed_status import FeedStatus
from tuinews.ui.widgets.headline_list import HeadlineList, Rows
from tuinews.ui.widgets.refresh_status import RefreshStatus
from tuinews.ui.widgets.search_bar import SearchBar

EMPTY_LIBRARY = (
    "No articles to show.\n\n"
    "Open files or folders with `tuinews PATH...` (plain text, Markdown, HTML, RSS, Atom "
    "or JSON Feed files), or subscribe to a feed with `tuinews add URL`."
)


class MainScreen(PaneSizes, ArticleActions):  # PaneSizes: the pane widths (keys, mouse)
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]
    AUTO_FOCUS = "#headlines"  # not the search bar first (each focus change rebuilds the footer)

    def __init__(self) -> None:
        super().__init__(classes="-no-feeds")  # the feed list shows once there are feeds
        self.view = View()
        self.shown_text = ""  # the search whose results are shown
        self.loaded = False
        self.skipped_note = ""
        self.read_flags = ReadFlags()
        self._read_held: list[int] = []
        self.to_mark: Headline | None = None  # marked read once its article is shown
        self.before_search: int | None = None  # the article selected when a search began
        self.restore: int | None = None  # ... selected again when it is left

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield FeedList(id="feeds")
            yield HeadlineList(id="headlines")
            yield ArticleView(id="article")
        yield FeedStatus(id="feed-status")
        yield RefreshStatus()
        yield Footer()

    def on_mount(self) -> None:
        self.frame_hold = FrameHold(self.app, HOLD_FRAME)
        self.article_view.store = self.tuinews.store
        self.article_view.last_input = lambda: self.tuinews.last_input
        self.article_view.kept_big = self.tuinews.idle_gc.keep_out
        self.headlines.fetch = self.tuinews.store.headlines_by_id
        self.headlines.empty_message = "Loading…"
        self.title_panes()
        self.set_focus(self.headlines)
        early = self.tuinews.early
        if early.ready and early.first is not None:
            # The store answered while Textual was starting (so start did not fail): the
            # first frame shows the headlines (the rest of the ids follow from a worker).
            self._opened(early.opened(), early.first)
        else:
            self._open()  # waits for it in a thread; an error becomes a message

    # --- loading ---------------------------------------------------------------------

    @work(thread=True, group="load", exit_on_error=False)
    def _open(self) -> Opened:
        return self.tuinews.early.opened()  # started with the app (quitting stops it)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state != WorkerState.ERROR:
            if worker.group == "load" and worker.state == WorkerState.SUCCESS:
                opened = worker.result
                assert isinstance(opened, Opened)
                self._opened(opened)
            return
        if worker.group == "load":
            self.loaded = True
            self.reload_feeds()
            self.headlines.empty_message = "Could not open the articles."
            self.headlines.set_headlines([])
        self.notify(f"{worker.description or worker.group}: {worker.error}", severity="error")

    def _opened(self, opened: Opened, first: FirstPage | None = None) -> None:
        self.view = opened.view
        self.view_opened = True  # its first article is read once shown (not in this frame)
        if opened.view.ids is not None:
            self.opened_entry = Entry(opened.view, opened.description, 0)
        self.view_changed()
        if first is not None and not self.search_bar.value:
            found = Results(self.view, "", first.ids, first.rows, first.complete)
            self._show_results("", found, [], [])
            if not first.complete:  # the rest of the ids (the rows are fetched when drawn)
                self._search("", force=True, refresh=True)
        else:
            self.reload_headlines()  # the feed list follows the first frame (_show_results)
        self.start_automatic_refresh()
        if opened.skipped:
            self.skipped_note = "\n\nSkipped: " + skipped_summary(opened.skipped)
            self.notify(
                skipped_summary(opened.skipped),
                title="Some files were skipped",
                severity="warning",
                timeout=12,
            )

    def reload_headlines(self, refresh: bool = False) -> None:
        """Show the view (and the search in it) again; ``refresh``: the stored articles
        changed (a refresh), so fetch the ids at once and the rows only when drawn."""
        self._search(self.search_bar.value, force=True, refresh=refresh)

    @property
    def shown(self) -> Rows:
        """The shown headlines (fetched from the store when read)."""
        return self.headlines.headlines

    # --- search ----------------------------------------------------------------------

    def search_view(self, text: str) -> View:
        """Where a search for ``text`` looks: the view, or all articles (see SearchBar)."""
        return View() if self.search_bar.everywhere and text.strip() else self.view

    def action_search_scope(self) -> None:
        self.search_bar.toggle_scope()
        self.title_headlines()
        if self.search_bar.value.strip():
            self.reload_headlines()

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        if event.value.strip() and self.before_search is None:
            self.before_search = self.headlines.current_id  # selected again when it is left
        elif not event.value.strip() and self.before_search is not None:
            self.restore, self.before_search = self.before_search, None
        if self.loaded or event.value:
            query = parse_query(event.value)
            if query.short:
                # A very short prefix matches most words (slow at 100,000 articles): keep
                # the previous results and wait for another letter, Enter, or a pause.
                hint = f"{', '.join(query.short)}: too short; searching when you stop typing"
                found = Results(self.search_view(event.value), event.value, deferred=True)
                self._show_results(event.value, found, query.words, [*query.hints, hint])
            else:
                self.frame_hold.hold()  # the letter shows with its results
            self._search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, force: bool = False, refresh: bool = False) -> None:
        """Per keystroke: the first screen of results at once (newest matches first, or
        ranked when there are few), then, once typing pauses, the ids of the rest. A newer
        keystroke cancels this worker (exclusive), so stale work stops between steps."""
        worker: Worker[None] = get_current_worker()
        store = self.tuinews.store
        query = parse_query(text)
        view = self.search_view(text)
        show = partial(self.app.call_from_thread, self._show_results, text)
        if query.short and not force and not wait(SHORT_PAUSE, lambda: worker.is_cancelled):
            return  # a very short prefix waits for a pause (see _search_changed)
        first = store.first_page(
            view,
            query,
            rows=0 if refresh else FIRST_SCREEN,  # a refresh: the rows are fetched when drawn
            ranked_max=RANKED_MAX,
        )
        if worker.is_cancelled:
            return
        if first.complete or not refresh:
            found = Results(view, text, first.ids, first.rows, first.complete, reload=refresh)
            if not found.ids and text.strip() and view != View():  # in other views?
                found.elsewhere = len(store.headline_ids(View(), query, limit=MANY))
            show(found, query.words, query.hints)
            if first.complete:
                return
            if text.strip() and not wait(TYPING_PAUSE, lambda: worker.is_cancelled):
                return  # typing: a pause comes before reading every id
        ids = store.headline_ids(view, query, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            result = Results(view, text, ids, [], True, rest=not refresh, reload=refresh)
            show(result, query.words, query.hints)

    def _show_results(self, text: str, found: Results, words: list[str], hints: list[str]) -> None:
        if text != self.search_bar.value or found.view != self.search_view(text):
            return  # a newer query is on its way
        self.search_bar.border_subtitle = Content("; ".join(hints))  # plain text, no markup
        if found.deferred:
            self.frame_hold.release()  # nothing to wait for
            if self.loaded:
                return  # the previous results stay
            found = Results(found.view, text)
        if not self.loaded:
            self.call_after_refresh(self.reload_feeds)  # after the first frame of headlines
            # Garbage collection: what exists by now is frozen, full collections wait
            # for idle moments (they stalled typing for 20-50 ms at 100,000 articles).
            self.call_after_refresh(self.tuinews.idle_gc.start)
            self.call_after_refresh(self.prepare_refresh)
        self.loaded = True
        self.shown_text = text
        self.title_headlines()
        if text.strip():
            bar = self.search_bar
            message = no_match(text, bar.searched, found.elsewhere, bar.key)
        elif self.view == View() or self.view.ids is not None:
            message = EMPTY_LIBRARY + self.skipped_note
        else:
            failed = self.query_one(FeedStatus).text
            message = "No articles here." + (f"\n\n{failed}" if failed else "")
        self.headlines.empty_message = message
        restore = self.restore if not text.strip() else None
        if found.complete or (restore is not None and restore in found.ids):
            self.restore = None  # (the search was left: the article selected before it)
        self.headlines.set_ids(
            found.ids,
            words,
            found.rows,
            keep_rows=found.rest,
            keep_current=found.reload,
            prefer=restore,
        )
        if self.view_opened and not text.strip():
            self.view_opened = False  # (a refresh filling an empty view does not open it)
            self.mark_when_shown(self.headlines.current)
        self.article_view.highlight(words)
        if not found.ids and found.complete:
            self.article_view.show_message(message)
        self.frame_hold.release(prompt=False)  # the panes just changed prompt the screen

    @on(SearchBar.Submitted)
    def _search_submitted(self) -> None:
        if parse_query(self.search_bar.value).short:
            self._search(self.search_bar.value, force=True)  # waited for Enter
        self.set_focus(self.headlines)

    @on(SearchBar.Cleared)
    def _search_cleared(self) -> None:
        self.set_focus(self.headlines)

    # --- the panes -------------------------------------------------------------------

    def mark_when_shown(self, headline: Headline | None) -> None:
        """The first article of a view opened: read once it is shown (see ArticleView)."""
        if headline is None or headline.read:
            return
        self.to_mark = headline
        article = self.article_view.article
        if self.article_view.ready and article is not None and article.id == headline.id:
            self._article_shown(ArticleView.Shown(headline.id))  # already on screen

    def view_changed(self) -> None:
        super().view_changed()
        if self.to_mark is not None:  # shown before the feed list had its counts?
            self.mark_when_shown(self.to_mark)

    def watch_focused(self, focused: Widget | None) -> None:
        super().watch_focused(focused)
        if self.to_mark is not None and focused not in (None, self.feed_list):
            self.mark_when_shown(self.to_mark)  # the view browsed to is entered

    @on(HeadlineList.Highlighted)
    def _headline_highlighted(self, event: HeadlineList.Highlighted) -> None:
        headline = event.headline
        # Marked read once its article is shown: not every headline passed over on the way,
        # nor when a new search result lands on it.
        if event.by_user or (self.to_mark is not None and self.to_mark.id == headline.id):
            self.to_mark = None if headline.read else headline
        else:
            self.to_mark = None
        self.article_view.show(headline.id)

    @on(ArticleView.Shown)
    def _article_shown(self, event: ArticleView.Shown) -> None:
        headline = self.to_mark
        if headline is not None and headline.id == event.article_id:
            if not self.feed_list.entries or self.focused is self.feed_list:
                # Once the feed list has its counts (start-up), and once the view is
                # entered, not while the feed list is browsed (see watch_focused).
                return
            self.to_mark = None
            current = self.headlines.current  # (the rows may have been fetched again)
            if current is not None and current.id == headline.id:
                headline = current
            if not headline.read:
                self._set_read([headline], True)

    @on(HeadlineList.Clicked)
    def _headline_clicked(self, event: HeadlineList.Clicked) -> None:
        if self.has_class("-narrow"):
            self.action_read()

    @on(ArticleView.Failed)
    def _article_failed(self, event: ArticleView.Failed) -> None:
        self.notify(f"Could not show {event.article.title!r}: {event.error}", severity="error")

    # --- read and starred state (committed to the store at once, off the UI thread) ---

    def on_unmount(self) -> None:
        # What the writer has not written yet. Read-only or full: the writer said so.
        with suppress(StoreError):
            self.read_flags.flush(self.tuinews.store)

    def _set_read(self, headlines: Sequence[Headline], read: bool) -> None:
        for headline in headlines:
            if headline.read != read:
                headline.read = read
                self.adjust_counts(headline.feed_id, -1 if read else 1)
            self.headlines.hold(headline)
        if len(headlines) == 1 and headlines[0] is self.headlines.current:
            self.headlines.refresh_row(self.headlines.cursor)  # the usual case: one row
        else:
            self.headlines.refresh()
        self._store_read([h.id for h in headlines], read)

    def _store_read(self, ids: list[int], read: bool) -> None:
        self._read_held += ids  # held in the list until written (HeadlineList.hold)
        if self.read_flags.add(ids, read):
            self._write_read_flags()

    @work(thread=True, group="flags", exit_on_error=False, description="Saving read state")
    def _write_read_flags(self) -> None:
        try:
            self.read_flags.write(self.tuinews.store)  # coalesced: a burst is one transaction
        finally:
            with suppress(RuntimeError):  # the app is quitting
                self.app.call_from_thread(self._read_flags_written)

    def _read_flags_written(self) -> None:
        held, self._read_held = self._read_held, []
        self.headlines.saved(held)

    @work(thread=True, group="flags", exit_on_error=False, description="Saving the star")
    def _store_star(self, article_id: int, starred: bool) -> None:
        try:
            self.tuinews.store.set_starred(article_id, starred)
        finally:
            self._saved([article_id])

    def _saved(self, ids: list[int]) -> None:
        """From a flags worker: the store has these flags (unless the app is gone)."""
        with suppress(RuntimeError):  # the app is quitting
            self.app.call_from_thread(self.headlines.saved, ids)

    # --- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the search bar has the focus, its keys are typed, not acted on.
        return not (action in FOCUS_ACTIONS and self.focused is self.search_bar)

    def action_next(self) -> None:
        self.headlines.move_by(1)

    def action_previous(self) -> None:
        self.headlines.move_by(-1)

    def action_first(self) -> None:
        self.headlines.move_to(0)

    def action_last(self) -> None:
        self.headlines.move_to(len(self.headlines.ids) - 1)

    def action_read(self) -> None:
        if self.focused is self.feed_list:
            self.set_focus(self.headlines)  # the chosen feed's headlines
            return
        headline = self.headlines.current
        if headline is None:
            return
        if not headline.read:
            self._set_read([headline], True)
        self.add_class("-reading")
        self.set_focus(self.article_view)

    def action_back(self) -> None:
        if self.focused is self.headlines and self.search_bar.value:
            self.search_bar.value = ""  # Escape in the results clears the search
        self.remove_class("-reading")
        self.set_focus(self.headlines)

    def action_page_down(self) -> None:
        view = self.article_view
        if view.at_end:
            self.headlines.move_by(1)
        else:
            view.page_down()

    def action_page_up(self) -> None:
        self.article_view.page_up()

    def _move_to_unread(self, step: int) -> None:
        headlines = self.headlines
        index = headlines.cursor + step
        while 0 <= index < len(headlines.ids):
            headline = headlines.headline_at(index)  # fetched a page at a time
            if headline is not None and not headline.read:
                headlines.move_to(index)
                return
            index += step
        self.notify("No more unread articles." if step > 0 else "No unread articles above.")

    def action_next_unread(self) -> None:
        self._move_to_unread(1)

    def action_previous_unread(self) -> None:
        self._move_to_unread(-1)

    def action_search(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.search_bar)

    def action_toggle_read(self) -> None:
        headline = self.headlines.current
        if headline is self.to_mark and headline is not None:
            self.to_mark = None  # read by going there, then unread again: it stays unread
        elif headline is not None:
            self._set_read([headline], not headline.read)

    def action_toggle_star(self) -> None:
        headline = self.headlines.current
        if headline is not None:
            headline.starred = not headline.starred
            self.adjust_starred(1 if headline.starred else -1)
            self.headlines.hold(headline)
            self.headlines.refresh_row(self.headlines.cursor)
            self._store_star(headline.id, headline.starred)

    def action_mark_all_read(self) -> None:
        """A: every shown article read, in one statement for the view and its search (not
        by loading them); the rows drawn are marked at once."""
        if not self.headlines.ids:
            return
        for headline in self.headlines.cached:
            headline.read = True
        self.headlines.refresh()
        self._store_view_read(self.view, self.shown_text)

    @work(thread=True, group="flags", exit_on_error=False, description="Saving read state")
    def _store_view_read(self, view: View, text: str) -> None:
        changed = self.tuinews.store.mark_view_read(view, parse_query(text))
        self.app.call_from_thread(self._marked_read, changed)

    def _marked_read(self, changed: int) -> None:
        self.headlines.forget_rows()
        self.reload_feeds()
        if changed:
            self.notify(f"Marked {changed} article{'s' * (changed != 1)} read.")
