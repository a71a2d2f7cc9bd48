"""The saved searches' unread counts, as the feed list shows them.

Counted in full, each is a query over every article: at 100,000 articles, 20 saved
searches with common words took 1-3 s (one full-text match of every article each). While
this app refreshes, the feed list is read again after each batch of new articles (every
1.5 s), so a batch's counts are the last counts plus the batch's own: only the articles
newer than the last ones counted are read, every search in one statement
(``Store.unread_counts_in``: 20 searches in ~20 ms for 2,000 new articles). A count is final up to
the id ``Store.countable_upto`` gives (a search with words: up to the first article
still waiting for the full-text index, counted at a later batch); after the refresh,
the counts are made in full again (a rule may have read an older article, ``keep``
dropped some).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tuinews.store import Store, View

Counted = dict[str, tuple[int, int]]  # by query: (every article up to this id counted, count)


class SearchCounts:
    """What was counted last (``counted``, replaced on the UI thread); ``count`` runs in
    a thread and returns what to set."""

    def __init__(self) -> None:
        self.counted: Counted = {}

    def get(self, query: str) -> int:
        return self.counted.get(query, (0, 0))[1]

    def count(
        self,
        store: Store,
        queries: Sequence[str],
        cancelled: Callable[[], bool] = lambda: False,
        new_only: bool = False,
    ) -> Counted | None:
        """The unread counts of ``queries`` (in a thread): with ``new_only``, the last
        ones plus the articles stored since (in full for a query not counted yet);
        None if cancelled."""
        known = self.counted  # (one snapshot: the UI thread replaces it whole)
        counts: Counted = {}
        added = [q for q in queries if new_only and q in known]  # (the others: in full)
        views = [View(search=query) for query in added]
        uptos = store.countable_upto_each(views, [known[q][0] for q in added]) if added else []
        ranges: dict[tuple[int, int], list[str]] = {}  # the queries of each new range
        for query, upto in zip(added, uptos, strict=True):
            last = known[query]
            if upto > last[0]:
                ranges.setdefault((last[0] + 1, upto), []).append(query)
            else:
                counts[query] = last  # (nothing new it can count yet)
        # The queries of one range (all of them after a batch, or two: with words and
        # without) in one read of its articles.
        for (low, upto), asked in ranges.items():
            if cancelled():
                return None
            more = store.unread_counts_in([View(search=q) for q in asked], (low, upto))
            for query, count in zip(asked, more, strict=True):
                counts[query] = (upto, known[query][1] + count)
        for query in queries:
            if query in counts or query in added:
                continue
            if cancelled():
                return None
            # In full: every article up to the newest (those waiting for the index are
            # not found by words until indexed, as in any search).
            upto = store.countable_upto(View())
            counts[query] = (upto, store.unread_count(View(search=query), between=(1, upto)))
        return {query: counts[query] for query in queries}
