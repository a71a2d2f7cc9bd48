"""The saved searches' unread counts, as the feed list shows them.

Counted in full, each is a query over every article: at 100,000 articles, 20 saved
searches with common words took 1-3 s (one full-text match of every article each). While
this app refreshes, the feed list is read again after each batch of new articles (every
1.5 s), so a batch's counts are the last counts plus the batch's own: only the articles
newer than the last ones counted are read (a few ms a search). A count is final up to
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
        for query in queries:
            if cancelled():
                return None
            view = View(search=query)
            last = known.get(query) if new_only else None
            if last is None:  # in full: every article up to the newest (those waiting
                # for the index are not found by words until indexed, as in any search)
                upto = store.countable_upto(View())
                counts[query] = (upto, store.unread_count(view, between=(1, upto)))
                continue
            after = last[0]
            upto = store.countable_upto(view, after)
            if upto > after:
                more = store.unread_count(view, between=(after + 1, upto))
                counts[query] = (upto, last[1] + more)
            else:
                counts[query] = last  # (nothing new it can count yet)
        return counts
