"""The main screen: search bar, feed list, headline list and article pane. It coordinates the
panes: it hands them data (attributes down) and reacts to their messages (up). What is not about
coordinating them is in helpers it holds: the pane widths (:mod:`tuinews.ui.pane_sizes`) and focus
(:mod:`tuinews.ui.pane_focus`), the read and starred flags (:mod:`tuinews.ui.read_marks`),
refreshing (:mod:`tuinews.ui.refresh_runner`), the feed keys (:mod:`tuinews.ui.feed_commands`),
following the store's changes (:mod:`tuinews.ui.store_follower`); and in the widgets themselves.
The store is read and written in thread workers, never on the UI thread; but for the headline
rows drawn, which the headline list reads on the store's second connection (it never waits for a
write: :meth:`tuinews.store.Store.headlines_by_id`), and the read flags not written yet when the
screen closes (ReadMarks.flush)."""

from __future__ import annotations

from typing import ClassVar

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tuinews.query.orders import HEADLINE_ORDER_NAMES
from tuinews.search_results import Results
from tuinews.startup import Opened
from tuinews.store import FirstPage, View
from tuinews.store.flags import ReadFlags
from tuinews.ui.bindings import FOCUS_ACTIONS, FOLDER_ACTIONS, MAIN_BINDINGS
from tuinews.ui.enclosure_actions import EnclosureActions
from tuinews.ui.feed_commands import FeedCommands
from tuinews.ui.frame_hold import FrameHold
from tuinews.ui.handoff_actions import HandoffActions
from tuinews.ui.pane_focus import PaneFocus
from tuinews.ui.pane_sizes import PaneSizeActions, PaneSizes
from tuinews.ui.read_marks import ReadMarks
from tuinews.ui.refresh_runner import RefreshRunner
from tuinews.ui.screens.list_keys import ListKeys
from tuinews.ui.screens.notices import no_match, nothing_here, skipped_summary
from tuinews.ui.search_saver import SearchSaver
from tuinews.ui.services import Services, report_failure, services
from tuinews.ui.store_follower import StoreFollower
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.feed_list import Entry, FeedList
from tuinews.ui.widgets.feed_status import FeedStatus
from tuinews.ui.widgets.headline_list import HeadlineList, Rows
from tuinews.ui.widgets.pane_edge import PaneEdge
from tuinews.ui.widgets.refresh_status import RefreshStatus
from tuinews.ui.widgets.search_bar import ALL_ARTICLES, SearchBar, parsed


class MainScreen(ListKeys, PaneSizeActions, HandoffActions, EnclosureActions, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]
    AUTO_FOCUS = "#headlines"  # not the search bar first (each focus change rebuilds the footer)

    def __init__(self) -> None:
        super().__init__(classes="-no-feeds")  # the feed list shows once there are feeds
        self.view = View()
        self.shown_text = ""  # the search whose results are shown
        self.loaded = False
        self.skipped_note = ""
        self.before_search: int | None = None  # the article selected when a search began
        self.restore: int | None = None  # ... selected again when it is left
        self._headlines_title = ""

    def compose(self) -> ComposeResult:
        panes = FeedList(id="feeds"), HeadlineList(id="headlines"), ArticleView(id="article")
        status = RefreshStatus()
        search = SearchBar(id="search")
        self._hold_helpers(panes, status, search)  # (before the first focus change)
        yield search
        with Horizontal(id="panes"):
            yield from panes
        yield FeedStatus(id="feed-status")
        yield status
        yield Footer()

    def _hold_helpers(
        self,
        panes: tuple[FeedList, HeadlineList, ArticleView],
        status: RefreshStatus,
        search: SearchBar,
    ) -> None:
        app = self.services
        store = app.store
        feed_list, headlines, _ = panes
        self.pane_sizes = PaneSizes(self, panes, app.settings.narrow_width)
        self.pane_focus = PaneFocus(self, panes, app.settings.narrow_width)
        self.follower = follower = StoreFollower(
            self,
            store,
            self._reload,
            refreshing=lambda: self.refreshing,
            searching=lambda: self.search_bar.value != self.shown_text,
        )
        self.read_marks = ReadMarks(  # (nor the results of a search still on their way)
            self, store, panes, lambda: not self.pane_focus.reading or follower.searching()
        )
        self.refresher = RefreshRunner(self, app, status, follower.reload_soon, follower.rebase)
        self.feed_commands = FeedCommands(
            self, app, (feed_list, headlines), self.refresher, follower, lambda: self.view
        )
        self.search_saver = SearchSaver(self, app, feed_list, search)

    def on_mount(self) -> None:
        app = self.services
        store = app.store
        self.frame_hold = FrameHold(self.app)
        self.search_bar.store = store
        self.feed_list.store = store
        self.article_view.store = store
        self.article_view.opener = app.open_link
        self.article_view.fetch_full = lambda article_id: app.refresher.fetch_full_text(article_id)
        self.article_view.last_input = lambda: app.last_input
        self.article_view.kept_big = app.idle_gc.keep_out
        self.article_view.images.configure(app.settings)
        self.headlines.fetch = store.headlines_by_id  # (the second connection: see above)
        self.headlines.empty_message = "Loading…"
        self.feed_list.set_order(app.settings.sort_feeds)  # (its title says which)
        self.search_bar.order = app.settings.sort_headlines  # (the first page's: early)
        self.article_view.border_title = "Article"
        self.set_focus(self.headlines)
        early = app.early
        if early.ready and early.first is not None:
            # The store answered while Textual was starting (so start did not fail): the
            # first frame shows the headlines (the rest of the ids follow from a worker).
            self._opened(early.opened(), early.first)
        else:
            self._open()  # waits for it in a thread; an error becomes a message
        self.pane_sizes.load()  # the remembered widths (a few lines)

    def on_unmount(self) -> None:
        self.read_marks.flush()
        self.pane_sizes.stop()
        self.follower.stop()

    # --- the panes and the services --------------------------------------------------

    @property
    def services(self) -> Services:
        return services(self)

    feed_list = getters.query_one(FeedList)
    headlines = getters.query_one(HeadlineList)
    article_view = getters.query_one(ArticleView)
    search_bar = getters.query_one(SearchBar)

    @property
    def shown(self) -> Rows:
        """The shown headlines (fetched from the store when read)."""
        return self.headlines.headlines

    @property
    def read_flags(self) -> ReadFlags:
        return self.read_marks.flags

    @property
    def refreshing(self) -> bool:
        return self.refresher.running

    @property
    def _reload_pending(self) -> bool:
        return self.follower.pending

    # --- loading ---------------------------------------------------------------------

    @work(thread=True, group="load", exit_on_error=False, description="Opening the articles")
    def _open(self) -> Opened:
        return self.services.early.opened()  # started with the app (quitting stops it)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The screen's workers and its helpers': what the load found, and any failure."""
        worker = event.worker
        if worker.group == "load" and worker.state == WorkerState.SUCCESS:
            opened = worker.result
            assert isinstance(opened, Opened)
            self._opened(opened)
        elif report_failure(self, event) and worker.group == "load":
            self.loaded = True
            self.feed_list.reload()
            self.headlines.empty_message = "Could not open the articles."
            self.headlines.set_headlines([])

    def _opened(self, opened: Opened, first: FirstPage | None = None) -> None:
        self.view = opened.view
        if opened.view.ids is not None:
            self.feed_list.first = Entry(opened.view, opened.description, 0)
        self.view_changed()
        if first is not None and not self.search_bar.value:
            found = Results(self.view, "", first.ids, first.rows, first.complete)
            self._show_results("", found, [], [])
            if not first.complete:  # the rest of the ids (the rows are fetched when drawn)
                self._search("", force=True, refresh=True)
        else:
            self.reload_headlines()  # the feed list follows the first frame (_show_results)
        self.call_after_refresh(self.follower.watch)
        self.refresher.start_automatic()
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

    # --- search ----------------------------------------------------------------------

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        if event.value.strip() and self.before_search is None:
            self.before_search = self.headlines.current_id  # selected again when it is left
        elif not event.value.strip() and self.before_search is not None:
            self.restore, self.before_search = self.before_search, None
        if self.loaded or event.value:
            query = parsed(event.value)
            if query.short:
                # A very short prefix matches most words (slow at 100,000 articles): keep
                # the previous results and wait for another letter, Enter, or a pause.
                hint = f"{', '.join(query.short)}: too short; searching when you stop typing"
                where = self.search_bar.searched_view(event.value, self.view)
                found = Results(where, event.value, deferred=True)
                self._show_results(event.value, found, query.words, [*query.hints, hint])
            else:
                self.frame_hold.hold()  # the letter shows with its results
            self._search(event.value)

    def _search(self, text: str, force: bool = False, refresh: bool = False) -> None:
        self.search_bar.search(text, self.view, force, refresh)

    @on(SearchBar.Found)
    def _found(self, event: SearchBar.Found) -> None:
        self._show_results(event.text, event.found, event.words, event.hints)

    def _show_results(self, text: str, found: Results, words: list[str], hints: list[str]) -> None:
        bar = self.search_bar
        if text != bar.value or found.view != bar.searched_view(text, self.view):
            return  # a newer query is on its way
        bar.border_subtitle = Content("; ".join(hints))  # plain text, no markup
        if found.deferred:
            self.frame_hold.release()  # nothing to wait for
            if self.loaded:
                return  # the previous results stay
            found = Results(found.view, text)
        if not self.loaded:
            self.call_after_refresh(self.feed_list.reload)  # after the first frame of headlines
            # Garbage collection: what exists by now is frozen, full collections wait
            # for idle moments (they stalled typing for 20-50 ms at 100,000 articles).
            self.call_after_refresh(self.services.idle_gc.start)
            self.call_after_refresh(self.refresher.prepare)
        self.loaded = True
        self.shown_text = text
        self.title_headlines()
        if text.strip():
            message = no_match(text, bar.searched, found.elsewhere, bar.key)
        else:
            failed = self.query_one(FeedStatus).text
            message = nothing_here(self.view, self.skipped_note, failed)
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
        if not found.reload:  # a view or search chosen (not a refresh): its article is read
            self.read_marks.mark_when_shown(self.headlines.current)  # once shown
        self.article_view.highlight(words)
        if not found.ids and found.complete:
            self.article_view.show_message(message)
        self.frame_hold.release(prompt=False)  # the panes just changed prompt the screen

    @on(SearchBar.Submitted)
    def _search_submitted(self) -> None:
        if self.follower.searching() and parsed(self.search_bar.value).short:
            self._search(self.search_bar.value, force=True)  # waited for Enter
        self.set_focus(self.headlines)

    @on(SearchBar.Cleared)
    def _search_cleared(self) -> None:
        self.set_focus(self.headlines)

    # --- what the panes show -----------------------------------------------------------

    def view_name(self, view: View) -> str:
        """What the feed list calls this view ("Unread", a feed's name, a tag...)."""
        name = self.feed_list.label_of(view)
        if name is None:
            return "All articles" if view == View() else "this view"
        return name

    def view_changed(self) -> None:
        """The view or the feeds changed: why the listed feed failed (under the panes),
        what is shown and where a search looks; the article shown before the feed list
        had its counts is read now."""
        self.query_one(FeedStatus).show_feed(self.feed_list.feed(self.view.feed_id))
        scope = ALL_ARTICLES if self.view == View() else self.view_name(self.view)
        self.search_bar.set_scope(scope, self.services.key_display("search_scope"))
        self.title_headlines()
        self.read_marks.entered()  # (shown before the feed list had its counts?)

    def title_headlines(self) -> None:
        bar = self.search_bar
        order = HEADLINE_ORDER_NAMES.get(bar.order, bar.order)
        title = f"{self.view_name(self.view)} · {order}"
        title = f"Results in {bar.searched}" if bar.value.strip() else title
        if title != self._headlines_title:  # (a new title redraws the pane)
            self._headlines_title = title
            self.headlines.border_title = Content(title)  # a feed's name: never markup

    @on(FeedList.Loaded)
    def _feeds_loaded(self, event: FeedList.Loaded) -> None:
        self.set_class(all(f.kind == "local" for f in event.feeds), "-no-feeds")  # (files)
        self.view_changed()

    @on(FeedList.Chosen)
    def _feed_chosen(self, event: FeedList.Chosen) -> None:
        if event.entry.view != self.view:
            self.frame_hold.hold()  # its title shows with its headlines
            self.view = event.entry.view
            self.reload_headlines()
            self.view_changed()

    # --- the article shown ------------------------------------------------------------

    def watch_focused(self, focused: Widget | None) -> None:
        self.pane_focus.show_focused()
        if focused not in (None, self.feed_list):
            self.read_marks.entered()  # the view browsed to is entered

    @on(HeadlineList.Highlighted)
    def _headline_highlighted(self, event: HeadlineList.Highlighted) -> None:
        self.read_marks.highlighted(event.headline, event.by_user)
        self.article_view.show(event.headline.id)

    @on(ArticleView.Shown)
    def _article_shown(self, event: ArticleView.Shown) -> None:
        self.read_marks.shown(event.article_id)

    @on(HeadlineList.Clicked)
    def _headline_clicked(self, event: HeadlineList.Clicked) -> None:
        if self.pane_focus.narrow:
            self.action_read()

    @on(ArticleView.Failed)
    def _article_failed(self, event: ArticleView.Failed) -> None:
        self.notify(f"Could not show {event.article.title!r}: {event.error}", severity="error")

    # --- the feeds ------------------------------------------------------------------

    def _reload(self) -> None:
        """The store changed: the view (the cursor stays on its article) and the feed
        list's counts read again; the articles kept rendered may be stale."""
        self.article_view.forget()
        self.reload_headlines(refresh=True)
        self.feed_list.reload(new_only=self.refreshing)  # (a batch: its new articles counted)

    # --- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the search bar has the focus, its keys are typed, not acted on; the
        # folders' keys are the feed list's (elsewhere, the key does what it always did).
        if action in FOLDER_ACTIONS:
            return self.focused is self.feed_list
        return not (action in FOCUS_ACTIONS and self.focused is self.search_bar)

    def action_next(self) -> None:
        self.headlines.move_by(1)

    def action_previous(self) -> None:
        self.headlines.move_by(-1)

    def action_first(self) -> None:
        self.headlines.move_to(0)

    def action_last(self) -> None:
        self.headlines.move_to(len(self.headlines.ids) - 1)

    def action_next_unread(self) -> None:
        if not self.headlines.move_to_unread(1):
            self.notify("No more unread articles.")

    def action_previous_unread(self) -> None:
        if not self.headlines.move_to_unread(-1):
            self.notify("No unread articles above.")

    def action_read(self) -> None:
        if self.focused is self.feed_list:
            self.set_focus(self.headlines)  # the chosen feed's headlines
            return
        headline = self.headlines.current
        if headline is None:
            return
        self.read_marks.read_now_or_later(headline)  # (as mark_read says)
        self.add_class("-reading")
        self.set_focus(self.article_view)

    def action_back(self) -> None:
        if self.focused is self.headlines and self.search_bar.value:
            self.search_bar.value = ""  # Escape in the results clears the search
        self.remove_class("-reading")
        self.set_focus(self.headlines)

    def action_page_down(self) -> None:
        if self.article_view.at_end:
            self.headlines.move_by(1)
        else:
            self.article_view.page_down()

    def action_page_up(self) -> None:
        self.article_view.page_up()

    def action_search(self) -> None:
        self.remove_class("-reading")
        self.set_focus(self.search_bar)

    def action_search_scope(self) -> None:
        self.search_bar.toggle_scope()
        self.title_headlines()
        if self.search_bar.value.strip():
            self.reload_headlines()

    def action_toggle_read(self) -> None:
        headline = self.headlines.current
        if headline is not None:
            self.read_marks.toggle_read(headline)

    def action_toggle_star(self) -> None:
        headline = self.headlines.current
        if headline is not None:
            self.read_marks.toggle_star(headline)

    def action_mark_all_read(self) -> None:
        """A: every shown article read (the view and its search), in one statement."""
        if self.headlines.ids:
            self.read_marks.mark_view_read(self.view, self.shown_text, self._marked_read)

    def _marked_read(self, changed: int) -> None:
        self.headlines.forget_rows()
        self.feed_list.reload()
        if changed:
            self.notify(f"Marked {changed} article{'s' * (changed != 1)} read.")

    def action_open_link(self) -> None:
        self.article_view.open_link(self.headlines.current)

    def action_copy_link(self) -> None:
        self.article_view.copy_link(self.headlines.current)

    def action_full_text(self) -> None:
        self.article_view.full_text(self.headlines.current)

    def action_refresh_all(self) -> None:
        self.refresher.refresh_all()  # which feeds: read in a thread

    def action_refresh_feed(self) -> None:
        self.feed_commands.refresh()

    async def action_add_feed(self) -> None:
        await self.feed_commands.add()

    async def action_remove_feed(self) -> None:
        await self.feed_commands.remove()

    async def action_edit_feed(self) -> None:
        await self.feed_commands.edit()

    async def action_edit_tags(self) -> None:
        await self.feed_commands.edit_tags()

    async def action_save_search(self) -> None:
        await self.search_saver.save(self.view)

    def action_focus_next_pane(self) -> None:
        self.pane_focus.next_pane()

    def action_toggle_feeds(self) -> None:
        self.pane_focus.toggle_feeds()

    def on_resize(self, event: events.Resize) -> None:
        self.pane_sizes.apply()  # (before the narrow class is set: it looks at the width)
        self.pane_focus.resized(event.size.width)

    def on_pane_edge_dragged(self, event: PaneEdge.Dragged) -> None:
        self.pane_sizes.dragged(event.pane, event.width)
