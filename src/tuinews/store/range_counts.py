"""The unread counts of views (saved searches) over a range of article ids: a refresh
batch's new articles, which the feed list adds to the counts it had
(``ui/widgets/search_counts.py``; counted in full, 20 saved searches with common words
took 1-3 s at 100,000 articles).

Every view is counted in ONE statement over the range's articles, read one by one by id
(``NOT INDEXED``: never an index of the whole store): one ``SUM`` per view, where one
statement per view read the 2,000 articles of a batch again for each (1.3 ms each). The
words are read from the full-text index in the range only, and each prefix as the terms
of the index it stands for (``prefix_terms``): FTS5 merges a prefix's entries over the
whole index whatever the ids asked for (3-4 ms for a common word at 100,000 articles).
The terms are read in the transaction that counts, so the counts are those a count in
full finds for these articles. On the store's connection aside: not behind the reload
of the headlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tuinews.store.database import Database
from tuinews.store.listing import Listing, View, found_sql, view_clauses, view_query
from tuinews.store.prefix_terms import prefix_terms, prefix_words

if TYPE_CHECKING:
    from tuinews.query import Query


class RangeCounts:
    """Counts over a range of article ids (with ``Listing``'s for the rest)."""

    def __init__(self, database: Database, listing: Listing) -> None:
        self.database = database
        self.listing = listing

    def unread_count(
        self, view: View, query: Query | None = None, between: tuple[int, int] | None = None
    ) -> int:
        """How many unread articles a view (a saved search) lists, and a search in it;
        ``between``: only those whose ids are in this range (``unread_counts_in``)."""
        if between is not None and between[0] > 1:
            return self.unread_counts_in([view], between, query)[0]
        return self.listing.unread_count(view, query, between)

    def unread_counts_in(
        self, views: Sequence[View], between: tuple[int, int], query: Query | None = None
    ) -> list[int]:
        """How many unread articles each view lists (and a search in it) among those
        whose ids are in the range ``between`` (inclusive), in one statement."""
        if not views:
            return []
        low, high = int(between[0]), int(between[1])
        unread = [replace(view, unread_only=True) for view in views]
        wanted = [view_query(view, query) for view in unread]
        prefixes = set().union(*(prefix_words(asked) for asked in wanted if asked is not None))
        with self.database.aside() as db:
            db.execute("BEGIN")  # (the terms and the counts: one snapshot)
            try:
                expand = prefix_terms(db, prefixes)
                # (here, not on the store's main connection: behind the headlines' reload)
                rows = db.execute("SELECT id FROM feeds WHERE hidden = 1").fetchall()
                hidden_feeds = tuple(int(row[0]) for row in rows)
                sums: list[str] = []
                values: list[object] = []
                for view, asked in zip(unread, wanted, strict=True):
                    found = found_sql(asked, expand=expand)
                    found.within = (low, high)
                    hidden = hidden_feeds if view.hides and not found.with_hidden else ()
                    clauses, params = view_clauses(
                        view, *found.conditions(), hidden, hidden_articles=not found.with_hidden
                    )
                    condition = " AND ".join(f"({clause})" for clause in clauses) or "1"
                    sums.append(f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)")
                    values += params
                row = db.execute(
                    f"SELECT {', '.join(sums)} FROM articles a NOT INDEXED "
                    f"WHERE a.id BETWEEN {low} AND {high}",
                    values,
                ).fetchone()
            finally:
                db.execute("COMMIT")
        return [int(count) for count in row]
