"""The saved searches' unread counts, as the feed list shows them.

Counted in full, each is a query over every article: at 100,000 articles, 20 saved
searches with common words took 1-3 s (one full-text match of every article each). While
this app refreshes, the feed list is read again after each batch of new articles (every
1.5 s), so a batch's counts are the last counts plus the batch's own: only the articles
newer than the last ones counted are read (a few ms a search). Those counts are final up
to the newest article the full-text index has (``Store.searchable_upto``: the others
wait to be indexed and are counted at the next batch); after the refresh, the counts are
made in full again (a rule may have read an older article, ``keep`` dropped some).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tuinews.store import Store, View

Counted = tuple[int, dict[str, int]]  # (every article up to this id counted, counts by query)


class SearchCounts:
    """What was counted last (``counted``, set on the UI thread); ``count`` runs in a
    thread and returns what to set."""

    def __init__(self) -> None:
        self.counted: Counted = (0, {})

    def get(self, query: str) -> int:
        return self.counted[1].get(query, 0)

    def count(
        self,
        store: Store,
        queries: Sequence[str],
        cancelled: Callable[[], bool] = lambda: False,
        new_only: bool = False,
    ) -> Counted | None:
        """The unread counts of ``queries`` (in a thread): with ``new_only``, the last
        ones plus the articles stored since (in full if a query was not counted yet);
        None if cancelled."""
        upto, known = self.counted  # (one snapshot: the UI thread replaces it whole)
        if new_only and upto and all(query in known for query in queries):
            newest = store.searchable_upto(upto)
            counts = {query: known[query] for query in queries}
            if newest == upto:
                return upto, counts  # (nothing new indexed yet)
            for query in queries:
                if cancelled():
                    return None
                counts[query] += store.unread_count(View(search=query), between=(upto + 1, newest))
            return newest, counts
        newest = store.searchable_upto()
        counts = {}
        for query in queries:
            if cancelled():
                return None
            counts[query] = store.unread_count(View(search=query), between=(1, newest))
        return newest, counts
