"""Highlights (``[[highlight]]`` in the config): which of a page of headlines each query
matches, in SQL, one statement per query over the page's ids (the headline list asks
for the rows it fetched, in a thread, after drawing them).

A query whose words are only in titles and authors (``title:rust``, newsboat's
``title =~ "..."``) looks for them in a small index of the page's own articles,
``highlight_fts`` (a TEMP table of the connection, titles and authors only, emptied
after): about 0.5 ms to fill for 100 articles, and its matches cost nothing. Words that
may be in the text are looked for in the full-text index (their list of articles is read
once per page: well under 1 ms for a word in 1 article in 100, about 20 ms for a word in
most articles); tokenizing the page's texts instead would cost a second for 100 articles
of 500 KB. Conditions without words (``is:starred``, ``feed:``) are looked up for each
article of the page."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from tuinews.query import All, Any, Not, Query, Term, Words
from tuinews.store.database import Database
from tuinews.store.query_sql import query_sql

PAGE_INDEX = "highlight_fts"
_MAKE_PAGE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{PAGE_INDEX} USING fts5 ("
    "title, author, text, full, content = '', columnsize = 0, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_EMPTY_PAGE_INDEX = f"INSERT INTO {PAGE_INDEX} ({PAGE_INDEX}) VALUES ('delete-all')"


def _fields(term: Term, out: set[str]) -> None:
    """The fields the words of ``term`` are looked for in ("any": every column)."""
    if isinstance(term, Words):
        out.add(term.field or "any")
    elif isinstance(term, Not):
        _fields(term.term, out)
    elif isinstance(term, All | Any):
        for inner in term.terms:
            _fields(inner, out)


def fields(query: Query) -> set[str]:
    found: set[str] = set()
    for term in query.terms:
        _fields(term, found)
    return found


def _matching(
    db: sqlite3.Connection, query: Query, ids: Sequence[int], index: str, now: int
) -> list[int]:
    # The words' articles are read from the index between the page's first and last ids
    # only (a page of the newest articles: a small part of the index).
    listed = "[" + ",".join(str(int(i)) for i in ids) + "]"
    found = query_sql(query, now, index=index, few=True, within=(min(ids), max(ids)))
    conditions, params = found.conditions()
    sql = "SELECT a.id FROM articles a WHERE a.id IN (SELECT value FROM json_each(?))"
    sql += "".join(f" AND ({condition})" for condition in conditions)
    return [int(row[0]) for row in db.execute(sql, [listed, *params])]


class Highlights:
    """Which articles highlight queries match."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def highlight_matches(
        self, ids: Sequence[int], queries: Sequence[Query], now: int | None = None
    ) -> dict[int, int]:
        """For each of these articles that one of the queries matches, the position of
        the first query that does (articles no query matches are left out). Hidden
        articles and hidden feeds' are matched too (they are listed by ``is:hidden``)."""
        if not ids or not queries:
            return {}
        clock = int(time.time()) if now is None else now
        wanted = [int(i) for i in ids]
        listed = "[" + ",".join(map(str, wanted)) + "]"
        small = [bool(f) and f <= {"title", "author"} for f in map(fields, queries)]
        found: dict[int, int] = {}
        with self.database.aside() as db:  # (a search typed meanwhile does not wait)
            if any(small):
                db.execute(_MAKE_PAGE_INDEX)
                db.execute(
                    f"INSERT INTO {PAGE_INDEX} (rowid, title, author) SELECT id, title, author "
                    "FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                    (listed,),
                )
            try:
                for position, query in enumerate(queries):
                    index = PAGE_INDEX if small[position] else "articles_fts"
                    for article_id in _matching(db, query, wanted, index, clock):
                        found.setdefault(article_id, position)
            finally:
                if any(small):
                    db.execute(_EMPTY_PAGE_INDEX)
        return found
