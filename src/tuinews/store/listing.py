"""Listing articles: the ids of a view or a search in order, and the rows of the
headlines to draw, a page at a time (a virtual list never loads every headline); the
counts of the views; marking a whole view read. A view (:class:`View`) becomes SQL here,
a query (``tuinews.query``) in ``query_sql``."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from tuinews.store.database import Database
from tuinews.store.feeds import SHOWN_SOURCE, Feeds
from tuinews.store.found_sql import Expand, QuerySql
from tuinews.store.order_sql import FEED_ORDER_SOURCE, fill_feed_order, order_sql
from tuinews.store.pending import queue_read_in

if TYPE_CHECKING:
    from tuinews.query import Query


@dataclass(slots=True)
class Headline:
    """One row of the headline list: what is needed to draw it, no body. The UI updates
    ``read`` and ``starred`` in place when it changes them in the store."""

    id: int
    feed_id: int
    title: str
    source: str
    published: int | None
    read: bool
    starred: bool

    @property
    def date_text(self) -> str:
        if self.published is None:
            return ""
        return datetime.fromtimestamp(self.published, tz=UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class View:
    """Which headlines to list."""

    feed_id: int | None = None
    tag: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    ids: tuple[int, ...] | None = None  # exactly these articles (files opened this time)
    with_hidden: bool = False  # All and Unread include the hidden feeds' articles too
    search: str | None = None  # a saved search: the articles its query finds
    folder: str | None = None  # feeds tagged this ("world/europe") or below ("world/...")

    @property
    def hides(self) -> bool:
        """Whether hidden feeds' articles stay out: in All and Unread, not in a feed's,
        a tag's, a folder's or the Starred view."""
        return (
            self.feed_id is None
            and self.tag is None
            and self.folder is None
            and not self.starred_only
            and self.ids is None
            and not self.with_hidden
        )


EVERYTHING = View()


@lru_cache(maxsize=256)
def _saved_query(text: str) -> Query:
    """A saved search's query, parsed once (its counts are asked for at each refresh
    batch, in a thread beside the app's drawing: 20 parsed twice took ~10 ms there)."""
    # (the query language, ~10 ms: loaded with the first query, not for the first frame)
    from tuinews.query import parse_query

    return parse_query(text + " ")  # (a blank after it: not being typed)


def view_query(view: View, query: Query | None) -> Query | None:
    """The query a view's listing runs: a saved search's own, and the search typed in it
    (both must hold)."""
    if view.search is None:
        return query
    saved = _saved_query(view.search)
    if query is None or query.empty:
        return saved
    # (the query language: loaded with the saved search's)
    from tuinews.query import Query

    return Query([*saved.terms, *query.terms], query.words, query.hints, query.short)


def found_sql(
    query: Query | None, now: int | None = None, expand: Expand | None = None
) -> QuerySql:
    """The SQL of a view's query (``query_sql``; none for a view without one)."""
    if query is None:
        return QuerySql()
    # (the query language, ~10 ms: loaded with the first query, not for the first frame)
    from tuinews.store.query_sql import query_sql

    return query_sql(query, now, expand=expand)


# (SHOWN_SOURCE: the feed's name, or a local file's own source.)
HEADLINE_COLUMNS = f"a.id, a.feed_id, a.title, {SHOWN_SOURCE}, a.published, a.read, a.starred"
DATE_ORDER = "a.published DESC, a.id DESC"
NEWEST_MATCH_ORDER = "articles_fts.rowid DESC"  # FTS5 reads its index backwards: no sort
RANK_ORDER = "articles_fts.rank, a.published DESC"


def view_clauses(
    view: View,
    where: Sequence[str] = (),
    params: Sequence[object] = (),
    hidden: Sequence[int] = (),
    hidden_articles: bool = True,
) -> tuple[list[str], list[object]]:
    """SQL conditions on ``articles a`` for a view, after the search's own ones.
    ``hidden``: the hidden feeds' ids (left out of All and Unread); ``hidden_articles``:
    leave out the articles a rule hid (every view does, unless the search asks for
    ``is:hidden``)."""
    clauses = list(where)
    values: list[object] = list(params)
    if hidden_articles:
        clauses.append("a.hidden = 0")
    if hidden and view.hides:
        clauses.append(f"a.feed_id NOT IN ({','.join(str(int(i)) for i in hidden)})")
    if view.feed_id is not None:
        clauses.append("a.feed_id = ?")
        values.append(view.feed_id)
    if view.tag is not None:
        clauses.append("a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)")
        values.append(view.tag)
    if view.folder is not None:
        clauses.append(
            "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ? OR substr(tag, 1, ?) = ?)"
        )
        values += [view.folder, len(view.folder) + 1, view.folder + "/"]
    if view.unread_only:
        clauses.append("a.read = 0")
    if view.starred_only:
        clauses.append("a.starred = 1")
    if view.ids is not None:
        clauses.append("a.id IN (SELECT value FROM json_each(?))")
        values.append("[" + ",".join(str(i) for i in view.ids) + "]")
    return clauses, values


def select_sql(
    columns: str,
    view: View,
    found: QuerySql,
    *,
    order: str,
    feeds: bool = False,
    hidden: Sequence[int] = (),
    by_feed: bool = False,
) -> tuple[str, list[object]]:
    """``SELECT columns`` over a view and a query's SQL (``found``: its full-text match,
    if any, and its conditions); ``order`` "": in no order; ``by_feed``: ordered by
    feed, with ``temp.feed_order`` (see order_sql) filled. A saved search's own query
    is in ``found`` already (see ``view_query``)."""
    clauses, values = view_clauses(
        view, found.where, found.params, hidden, hidden_articles=not found.with_hidden
    )
    source = FEED_ORDER_SOURCE if by_feed else "articles a"
    if found.match is not None:
        source = "articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        if by_feed:
            source += " JOIN temp.feed_order ON feed_order.feed_id = a.feed_id"
        clauses.insert(0, "articles_fts MATCH ?")
        values.insert(0, found.match)
    if feeds:
        source += " JOIN feeds f ON f.id = a.feed_id"
    sql = f"SELECT {columns} FROM {source}"
    if clauses:
        sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
    return (f"{sql} ORDER BY {order}" if order else sql), values


def make_headline(row: Sequence[object]) -> Headline:
    published = row[4]
    return Headline(
        int(row[0]),  # type: ignore[call-overload]
        int(row[1]),  # type: ignore[call-overload]
        str(row[2]),
        str(row[3]),
        published if isinstance(published, int) else None,
        bool(row[5]),
        bool(row[6]),
    )


@dataclass
class FirstPage:
    """The start of a listing's results: ``ids`` (all of them if ``complete``, else the
    first page's) and the ``rows`` of the first page."""

    ids: Sequence[int]
    rows: list[Headline]
    complete: bool


class Listing:
    """Views and searches: ids in order, then rows by id (what a virtual list of
    headlines needs), or the headlines at once; the views' counts."""

    def __init__(self, database: Database, feeds: Feeds) -> None:
        self.database = database
        self.feeds = feeds

    def hidden_for(self, view: View, with_hidden: bool = False) -> tuple[int, ...]:
        """The hidden feeds a view leaves out (none for a feed's, a tag's or Starred, nor
        ``with_hidden``: for a search that decides itself, ``QuerySql.with_hidden``)."""
        return self.feeds.hidden_feed_ids() if view.hides and not with_hidden else ()

    def headline_ids(
        self,
        view: View = EVERYTHING,
        query: Query | None = None,
        *,
        ranked: bool = False,
        limit: int | None = None,
        cancelled: Callable[[], bool] | None = None,
        order: str = "newest",
    ) -> array[int]:
        """The ids of a view's articles, in ``order`` (``tuinews.query.orders``: newest
        first by default); with a query that finds words, newest first is the newest
        matches first (in the order they were stored: FTS5 gives them without sorting, so
        the first page of a word in every article costs under 1 ms), or by relevance if
        ``ranked`` (bm25: cheap for a few matches, 150 ms for a common word at 100,000
        articles). At 100,000 articles all the ids of a view take about 30 ms (one scan
        of the index articles_list, or of the order's own: see order_sql) and 0.8 MB.
        ``cancelled``: asked while the query runs; when it says so, the query stops and
        no ids are returned."""
        found = found_sql(view_query(view, query))
        return self.ids(view, found, ranked=ranked, limit=limit, cancelled=cancelled, order=order)

    def ids(
        self,
        view: View,
        found: QuerySql,
        *,
        ranked: bool = False,
        limit: int | None = None,
        cancelled: Callable[[], bool] | None = None,
        order: str = "newest",
    ) -> array[int]:
        """``headline_ids`` for a query already made SQL (``found``)."""
        if order == "unread" and not view.unread_only:
            # The unread articles, then the read ones: articles_list read twice, each
            # newest first, instead of a sort of every article.
            unread = replace(view, unread_only=True)
            first = self.ids(unread, found, limit=limit, cancelled=cancelled)
            if limit is not None and len(first) >= limit:
                return first
            read = replace(found, where=[*found.where, "a.read = 1"])
            left = None if limit is None else limit - len(first)
            return first + self.ids(view, read, limit=left, cancelled=cancelled)
        hidden = self.hidden_for(view, found.with_hidden)
        match = found.match
        newest = order not in ("oldest", "title", "feed")
        if (
            match is not None
            and not found.where
            and view == EVERYTHING
            and not ranked
            and not hidden
            and newest
        ):
            # The index alone, read backwards (the articles a rule hid: a lookup in the
            # partial index articles_hidden, read once).
            sql = (
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "AND rowid NOT IN (SELECT id FROM articles INDEXED BY articles_hidden "
                "WHERE hidden = 1) "
                "ORDER BY rowid DESC"
            )
            values: list[object] = [match]
        else:
            by = order_sql(order) if not newest else DATE_ORDER
            if match is not None and newest:
                by = RANK_ORDER if ranked else NEWEST_MATCH_ORDER
            if view.search is not None and not ranked and newest:
                by = DATE_ORDER  # a saved search is listed as a feed is (a sort of its matches)
            sql, values = select_sql(
                "a.id", view, found, order=by, hidden=hidden, by_feed=order == "feed"
            )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        # ``cancelled`` is asked every 10,000 steps: a newer keystroke stops this within
        # a millisecond instead of waiting (up to 100 ms for every id of a common word).
        with self.database.reading(cancelled) as db:
            try:
                if order == "feed":
                    fill_feed_order(db)
                return array("q", [row[0] for row in db.execute(sql, values)])
            except sqlite3.OperationalError:
                if cancelled is not None and cancelled():
                    return array("q")
                raise

    def first_page(
        self,
        view: View = EVERYTHING,
        query: Query | None = None,
        *,
        rows: int = 60,
        ranked_max: int = 200,
        order: str = "newest",
    ) -> FirstPage:
        """What a search shows first (a few milliseconds at 100,000 articles): up to
        ``ranked_max`` matches are all fetched, ranked (bm25 over a few is cheap) when
        the order is the default (newest first; in another order, as that order says);
        beyond that, the first ``rows`` (the rest comes from ``headline_ids``)."""
        found = found_sql(view_query(view, query))
        ids = self.ids(view, found, limit=ranked_max + 1, order=order)
        complete = len(ids) <= ranked_max
        # A saved search lists its articles newest first, as a feed does; a search typed
        # in it ranks its matches.
        typed = view.search is None or (query is not None and query.has_text)
        newest = order not in ("oldest", "title", "feed", "unread")
        if complete and found.match is not None and typed and len(ids) > 1 and newest:
            ids = self.ids(view, found, ranked=True)
        elif not complete:
            ids = ids[:rows]
        return FirstPage(ids, self.headlines_by_id(ids[:rows]), complete)

    def headlines(
        self,
        view: View = EVERYTHING,
        query: Query | None = None,
        *,
        ranked: bool = False,
        limit: int | None = None,
        now: int | None = None,
        order: str = "newest",
    ) -> list[Headline]:
        """Headlines in a view (or a search in it), in ``order`` (newest first by
        default), or by relevance if ``ranked`` and the query finds words: all of them,
        or the first ``limit`` (``now``: what ``age:`` counts from, the clock by default).
        The headline list pages with ``headline_ids`` and ``headlines_by_id`` instead."""
        found = found_sql(view_query(view, query), now)
        ranks = found.match is not None and ranked
        by_feed = order == "feed" and not ranks
        sql, values = select_sql(
            HEADLINE_COLUMNS,
            view,
            found,
            order=RANK_ORDER if ranks else order_sql(order),
            feeds=True,
            hidden=self.hidden_for(view, found.with_hidden),
            by_feed=by_feed,
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.database.reading() as db:
            if by_feed:
                fill_feed_order(db)
            return [make_headline(row) for row in db.execute(sql, values)]

    def headlines_by_id(self, ids: Iterable[int]) -> list[Headline]:
        """The rows of these articles, in the order given (ids no longer stored are left
        out). Read on a second connection, so a write in progress (a refresh) never makes
        the caller wait: 100 rows take about 0.1 ms at 100,000 articles (primary-key
        lookups), cheap enough for the UI thread to draw the rows it shows."""
        wanted = list(ids)
        found: dict[int, Headline] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.database.peek(
                f"SELECT {HEADLINE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.id IN ({marks})",
                chunk,
            ):
                headline = make_headline(row)
                found[headline.id] = headline
        return [found[i] for i in wanted if i in found]

    def mark_view_read(self, view: View = EVERYTHING, query: Query | None = None) -> int:
        """Mark every article of a view (or a search in it) read, in one statement.
        Returns how many changed."""
        found = found_sql(view_query(view, query))
        sql, values = select_sql(
            "a.id", view, found, order="a.id", hidden=self.hidden_for(view, found.with_hidden)
        )
        with self.database.write() as db:
            queue_read_in(db, sql, values)  # an account's articles: for its server
            return int(
                db.execute(
                    f"UPDATE articles SET read = 1 WHERE read = 0 AND id IN ({sql})", values
                ).rowcount
            )

    def counts(self) -> tuple[int, int, int]:
        """(all, unread, starred) article counts, as the All, Unread and Starred views
        have them (hidden feeds only in Starred): one scan of the index
        articles_by_feed_state (about 7 ms at 100,000 articles)."""
        hidden = ",".join(str(i) for i in self.feeds.hidden_feed_ids())
        shown = f"feed_id NOT IN ({hidden})" if hidden else "1"
        row = self.database.read(
            f"SELECT COALESCE(SUM({shown}), 0), COALESCE(SUM(read = 0 AND {shown}), 0), "
            "COALESCE(SUM(starred), 0) FROM articles INDEXED BY articles_by_feed_state "
            "WHERE hidden = 0"
        )[0]
        return int(row[0]), int(row[1]), int(row[2])

    def unread_count(
        self, view: View, query: Query | None = None, between: tuple[int, int] | None = None
    ) -> int:
        """How many unread articles a view (a saved search) lists, and a search in it;
        ``between``: only those whose ids are in this range, from the first (a range of
        new articles: ``RangeCounts``, which the Store's ``unread_count`` hands it to)."""
        unread = replace(view, unread_only=True)
        found = found_sql(view_query(unread, query))
        hidden = self.hidden_for(unread, found.with_hidden)
        if between is not None:
            if between[0] > 1:
                raise ValueError("a range of new articles is counted by RangeCounts")
            found.where.append(f"a.id <= {int(between[1])}")
        sql, values = select_sql("COUNT(*)", unread, found, order="", hidden=hidden)
        return int(self.database.read(sql, values)[0][0])

    def countable_upto(self, view: View, after: int = 0) -> int:
        """The newest article id up to which a view's count (a saved search's) is final
        for the articles newer than ``after``: with words to find, the first article
        still waiting for the full-text index stops it (new articles are indexed a
        thousand at a time); without, the newest article."""
        return self.countable_upto_each([view], [after])[0]

    def countable_upto_each(self, views: Sequence[View], after: Sequence[int]) -> list[int]:
        """``countable_upto`` of each view, after the id given for it, in one statement
        for each id (one statement a view was 20 for 20 saved searches)."""
        asked = [view_query(view, None) for view in views]
        words = [False] * len(asked)
        if any(query is not None for query in asked):
            # (the query language, ~10 ms: loaded with the first query)
            from tuinews.store.query_sql import reads_index

            words = [query is not None and reads_index(query) for query in asked]
        found: dict[int, tuple[int, int | None]] = {}
        with self.database.aside() as db:  # (as the counts of a range: range_counts)
            for last in sorted(set(after)):
                newest, waiting = db.execute(
                    "SELECT (SELECT max(id) FROM articles), "
                    "(SELECT min(id) FROM fts_pending WHERE id > ?)",
                    (last,),
                ).fetchone()
                found[last] = (int(newest or 0), None if waiting is None else int(waiting))
        upto: list[int] = []
        for last, reads in zip(after, words, strict=True):
            newest, waiting = found[last]
            upto.append(max(last, newest if waiting is None or not reads else waiting - 1))
        return upto
