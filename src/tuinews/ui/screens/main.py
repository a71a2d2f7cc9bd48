"""The main screen: search bar, headline list and article pane. It coordinates the
panes: it hands them articles (attributes down) and reacts to their messages (up)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from tuinews.links import safe_link
from tuinews.models import Article, Library
from tuinews.search import filter_articles, query_words
from tuinews.ui.bindings import FOCUS_ACTIONS, MAIN_BINDINGS
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.headline_list import HeadlineList
from tuinews.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from tuinews.ui.app import TuinewsApp

EMPTY_LIBRARY = (
    "No articles to show.\n\n"
    "Open files or folders with `tuinews PATH...` (plain text, Markdown, HTML, RSS, Atom "
    "or JSON Feed files), or run `tuinews` with no arguments for the welcome library."
)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]

    def __init__(self) -> None:
        super().__init__()
        self.library = Library()
        self.shown: list[Article] = []
        self.loaded = False

    @property
    def tuinews(self) -> TuinewsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield HeadlineList(id="headlines")
            yield ArticleView(id="article")
        yield Footer()

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def on_mount(self) -> None:
        self.headlines.empty_message = "Loading…"
        self.set_focus(self.headlines)
        self._load()

    # --- loading ---------------------------------------------------------------------

    @work(thread=True, group="load", exit_on_error=False)
    def _load(self) -> Library:
        return self.tuinews.loader()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "load":
            if worker.state == WorkerState.SUCCESS and isinstance(worker.result, Library):
                self.set_library(worker.result)
            elif worker.state == WorkerState.ERROR:
                self.set_library(Library())
                self.notify(f"Could not load articles: {worker.error}", severity="error")
        elif worker.group == "search" and worker.state == WorkerState.ERROR:
            self.notify(f"Search failed: {worker.error}", severity="error")

    def set_library(self, library: Library) -> None:
        self.library = library
        self.loaded = True
        self.headlines.empty_message = "No articles."
        self._apply_filter(self.shown_query(), library.articles)
        if library.skipped:
            self.notify(
                skipped_summary(library),
                title="Some files were skipped",
                severity="warning",
                timeout=12,
            )

    # --- search ----------------------------------------------------------------------

    def shown_query(self) -> str:
        return self.search_bar.value

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        self._search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: str) -> None:
        found = filter_articles(self.library.articles, query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, query, found)

    def _show_results(self, query: str, found: list[Article]) -> None:
        if query != self.search_bar.value:
            return  # a newer query is on its way
        self._apply_filter(query, found)

    def _apply_filter(self, query: str, found: list[Article]) -> None:
        self.shown = found
        words = query_words(query)
        if not self.library.articles:
            self.headlines.empty_message = "No articles."
        else:
            self.headlines.empty_message = f"No headlines match {query!r}."
        self.headlines.set_articles(found, words)
        self.article_view.highlight(words)
        if not found:
            self.article_view.show_message(
                EMPTY_LIBRARY if not self.library.articles else "No matches. Escape clears."
            )

    @on(SearchBar.Submitted)
    def _search_submitted(self) -> None:
        self.set_focus(self.headlines)

    @on(SearchBar.Cleared)
    def _search_cleared(self) -> None:
        self.set_focus(self.headlines)

    # --- the panes -------------------------------------------------------------------

    @on(HeadlineList.Highlighted)
    def _headline_highlighted(self, event: HeadlineList.Highlighted) -> None:
        article = event.article
        self.article_view.show(article)
        if not article.read:
            article.read = True
            self.headlines.refresh_article(article)

    @on(HeadlineList.Clicked)
    def _headline_clicked(self, event: HeadlineList.Clicked) -> None:
        if self.has_class("-narrow"):
            self.action_read()

    @on(ArticleView.Failed)
    def _article_failed(self, event: ArticleView.Failed) -> None:
        self.notify(f"Could not show {event.article.title!r}: {event.error}", severity="error")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.tuinews.settings.narrow_width, "-narrow")

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
        self.headlines.move_to(len(self.shown) - 1)

    def action_read(self) -> None:
        if self.headlines.current is None:
            return
        self.add_class("-reading")
        self.set_focus(self.article_view)

    def action_back(self) -> None:
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
        index = self.headlines.cursor + step
        while 0 <= index < len(self.shown):
            if not self.shown[index].read:
                self.headlines.move_to(index)
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

    def _current_link(self) -> str | None:
        article = self.headlines.current
        if article is None:
            return None
        if not article.link:
            self.notify("This article has no link.", severity="warning")
            return None
        link = safe_link(article.link)
        if link is None:
            self.notify("Refused to open a link that is not http or https.", severity="warning")
        return link

    def action_open_link(self) -> None:
        link = self._current_link()
        if link is not None:
            self.tuinews.open_link(link)
            self.notify(f"Opening {link}")

    def action_copy_link(self) -> None:
        link = self._current_link()
        if link is not None:
            self.app.copy_to_clipboard(link)
            self.notify(f"Copied {link}")


def skipped_summary(library: Library, limit: int = 5) -> str:
    """One short text: how many files were skipped, why, and the first few names."""
    reasons = Counter(item.reason for item in library.skipped)
    lines = [", ".join(f"{count} {reason}" for reason, count in reasons.most_common())]
    for item in library.skipped[:limit]:
        lines.append(f"{item.path}: {item.reason}")
    if len(library.skipped) > limit:
        lines.append(f"… and {len(library.skipped) - limit} more")
    return "\n".join(lines)
