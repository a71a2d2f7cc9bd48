"""Read and starred flags changed in the reader: the article shown is read (once it is on
screen, and not while the feed list is browsed or a search typed: once the view or the
results are entered), ``m``, ``s`` and ``A``. Each change is
shown at once (the headline rows, the feed list's counts) and committed to the store from
thread workers. A burst of changes (``j``
held down over unread articles) is one transaction (:class:`tuinews.store.flags.
ReadFlags`); until a row's change is written, the headline list keeps it over a row read
again meanwhile (:meth:`HeadlineList.hold`).

When the article shown is read is the ``mark_read`` setting: once shown (``"shown"``, the
default), once it has been on screen ``mark_read_delay`` seconds (``"delay"``: moving on
before that leaves it unread), or only by hand (``"manual"``: ``m``, ``A``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from textual.screen import Screen
from textual.timer import Timer

from tuinews.store import Headline, Store, StoreError, View
from tuinews.store.flags import ReadFlags
from tuinews.ui.services import services
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.feed_list import FeedList
from tuinews.ui.widgets.headline_list import HeadlineList


class ReadMarks:
    """Held by the main screen, whose workers write the flags (their errors are reported
    there). ``browsing``: whether the article shown is not being read (the feed list or
    the search bar has the focus: views and results are looked at, not entered; the
    narrow layout shows the headlines, not the article; or the results of the search
    typed are still on their way)."""

    def __init__(
        self,
        screen: Screen[Any],
        store: Store,
        panes: tuple[FeedList, HeadlineList, ArticleView],
        browsing: Callable[[], bool],
    ) -> None:
        self.screen = screen
        self.store = store
        self.feed_list, self.headlines, self.article_view = panes
        self.browsing = browsing
        self.flags = ReadFlags()
        self._held: list[int] = []  # ids held in the headline list until written
        self.to_mark: Headline | None = None  # marked read once its article is shown
        settings = services(screen).settings
        self.mode, self.delay = settings.mark_read, settings.mark_read_delay
        self._later: tuple[Headline, Timer] | None = None  # read once the delay is over

    # --- the article shown -----------------------------------------------------------

    def mark_when_shown(self, headline: Headline | None) -> None:
        """The first article of a view or of a search's results: read once it is shown
        (see ArticleView)."""
        if headline is None or headline.read:
            return
        self.to_mark = headline
        article = self.article_view.article
        if self.article_view.ready and article is not None and article.id == headline.id:
            self.shown(headline.id)  # already on screen

    def entered(self) -> None:
        """The view or the results were entered (or the feed list has its counts, or the
        article pane appeared): the article shown meanwhile is read now."""
        if self.to_mark is not None:
            self.mark_when_shown(self.to_mark)

    def highlighted(self, headline: Headline, by_user: bool) -> None:
        """The cursor is on ``headline``: marked read once its article is shown, not every
        headline passed over on the way, nor when a refresh moves the cursor."""
        if self._later is not None and self._later[0].id != headline.id:
            self._cancel_later()  # moved on before the delay was over: left unread
        if by_user or (self.to_mark is not None and self.to_mark.id == headline.id):
            self.to_mark = None if headline.read else headline
        else:
            self.to_mark = None

    def shown(self, article_id: int) -> None:
        """An article is on screen."""
        headline = self.to_mark
        if headline is not None and headline.id == article_id:
            if not self.feed_list.entries or self.browsing():
                # Once the feed list has its counts (start-up), and once the view is
                # entered and the article is on screen.
                return
            self.to_mark = None
            current = self.headlines.current  # (the rows may have been fetched again)
            if current is not None and current.id == headline.id:
                headline = current
            self.read_now_or_later(headline)

    def read_now_or_later(self, headline: Headline) -> None:
        """The article shown (or opened with Enter) is read: now, after the delay, or not
        at all (only by hand), as ``mark_read`` says."""
        if headline.read or self.mode == "manual":
            return
        if self.mode == "delay" and self.delay > 0:
            if self._later is None or self._later[0].id != headline.id:
                self._cancel_later()
                timer = self.screen.set_timer(self.delay, self._delay_over)
                self._later = (headline, timer)
            return
        self.set_read([headline], True)

    def _cancel_later(self) -> None:
        if self._later is not None:
            self._later[1].stop()
            self._later = None

    def _delay_over(self) -> None:
        """Read, if it is still the article shown (and not being browsed past)."""
        if self._later is None:
            return
        headline, self._later = self._later[0], None
        current, article = self.headlines.current, self.article_view.article
        if current is None or current.id != headline.id or self.browsing():
            return
        if article is None or article.id != headline.id or current.read:
            return
        self.set_read([current], True)

    def toggle_read(self, headline: Headline) -> None:
        """``m``: the headline under the cursor read, or unread."""
        if self.mode != "shown":  # (nothing read behind the user's back to undo)
            self.to_mark = None
            self._cancel_later()
            self.set_read([headline], not headline.read)
            return
        pending, reading = headline is self.to_mark, not self.browsing()
        if pending:
            self.to_mark = None
        if not (pending and reading):  # (read by going there, then unread again: it stays)
            self.set_read([headline], not headline.read)

    # --- changes, written in threads ---------------------------------------------------

    def flush(self) -> None:
        """What the writer has not written yet, now (the screen goes). Read-only or full:
        the writer said so."""
        with suppress(StoreError):
            self.flags.flush(self.store)

    def set_read(self, headlines: Sequence[Headline], read: bool) -> None:
        for headline in headlines:
            if headline.read != read:
                headline.read = read
                self.feed_list.adjust_unread(headline.feed_id, -1 if read else 1)
            self.headlines.hold(headline)
        if len(headlines) == 1 and headlines[0] is self.headlines.current:
            self.headlines.refresh_row(self.headlines.cursor)  # the usual case: one row
        else:
            self.headlines.refresh()
        self._held += [h.id for h in headlines]
        if self.flags.add([h.id for h in headlines], read):
            self._run(self._write_flags, "Saving read state")

    def _write_flags(self) -> None:
        try:
            self.flags.write(self.store)  # coalesced: a burst is one transaction
        finally:
            with suppress(RuntimeError):  # the app is quitting
                self.screen.app.call_from_thread(self._flags_written)

    def _flags_written(self) -> None:
        held, self._held = self._held, []
        self.headlines.saved(held)
        self._recount()

    def _recount(self) -> None:
        """The saved searches' counts, read again now that the marks are written."""
        if self.feed_list.searches:
            self.feed_list.recount_searches()

    def toggle_star(self, headline: Headline) -> None:
        """The headline under the cursor starred, or no longer."""
        headline.starred = not headline.starred
        self.feed_list.adjust_starred(1 if headline.starred else -1)
        self.headlines.hold(headline)
        self.headlines.refresh_row(self.headlines.cursor)
        article_id, starred = headline.id, headline.starred

        def store_star() -> None:
            try:
                self.store.set_starred(article_id, starred)
            finally:
                with suppress(RuntimeError):  # the app is quitting
                    self.screen.app.call_from_thread(self.headlines.saved, [article_id])
                    self.screen.app.call_from_thread(self._recount)

        self._run(store_star, "Saving the star")

    def mark_view_read(self, view: View, text: str, done: Callable[[int], None]) -> None:
        """Every article of ``view`` (and of the search ``text`` in it) read, in one
        statement (not by loading them); the rows drawn are marked at once. ``done`` is
        told how many changed."""
        for headline in self.headlines.cached:
            headline.read = True
        self.headlines.refresh()

        def store_read() -> None:
            # (the query language, ~10 ms: not for the first frame; in this thread)
            from tuinews.query import parse_query

            changed = self.store.mark_view_read(view, parse_query(text))
            self.screen.app.call_from_thread(done, changed)

        self._run(store_read, "Saving read state")

    def _run(self, write: Callable[[], None], description: str) -> None:
        self.screen.run_worker(
            write, thread=True, group="flags", exit_on_error=False, description=description
        )
