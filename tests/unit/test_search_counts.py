"""The saved searches' unread counts (ui/widgets/search_counts.py) on a real store: a
refresh's batch is counted by its new articles only (the counts of 20 saved searches at
100,000 articles took 1-3 s in full), and the result is the full count, articles waiting
for the full-text index counted once, when indexed."""

from __future__ import annotations

from tests.builders import article
from tuinews.store import Store, View
from tuinews.ui.widgets.search_counts import SearchCounts

QUERIES = ["kyiv OR kharkiv", "is:unread", "markets -sponsored", "tag:world"]


def full(store: Store) -> dict[str, int]:
    return {query: store.unread_count(View(search=query)) for query in QUERIES}


def test_a_range_of_ids_counts_only_its_articles(store: Store) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily", tags=["world"])
    store.upsert_articles(feed.id, [article(str(i), f"Kyiv {i}", "Markets.") for i in range(6)])
    ids = sorted(h.id for h in store.headlines(View()))
    store.set_read([ids[1]], True)
    for query in QUERIES:
        whole = store.unread_count(View(search=query))
        low = store.unread_count(View(search=query), between=(1, ids[2]))
        high = store.unread_count(View(search=query), between=(ids[2] + 1, ids[-1]))
        assert low + high == whole, query
    assert store.unread_count(View(search="kyiv"), between=(ids[3], ids[4])) == 2
    assert store.unread_count(View(search="kyiv"), between=(ids[1], ids[1])) == 0  # read


def test_a_count_with_words_is_final_up_to_the_first_article_waiting_for_the_index(
    store: Store,
) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily")
    store.upsert_articles(feed.id, [article("1", "Kyiv", "x"), article("2", "Kyiv", "y")])
    indexed = store.countable_upto(View(search="kyiv"))
    assert indexed == max(h.id for h in store.headlines(View()))
    store.upsert_articles(feed.id, [article("3", "Kyiv", "z")], index_now=False)  # (waits)
    assert store.countable_upto(View(search="kyiv"), indexed) == indexed
    assert store.countable_upto(View(search="is:unread"), indexed) == indexed + 1  # no words
    store.index_pending()
    assert store.countable_upto(View(search="kyiv"), indexed) == indexed + 1


def test_the_bounds_of_many_views_are_those_of_each(store: Store) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily")
    store.upsert_articles(feed.id, [article("1", "Kyiv", "x"), article("2", "Kyiv", "y")])
    first = store.countable_upto(View())
    store.upsert_articles(feed.id, [article("3", "Kyiv", "z")], index_now=False)  # (waits)
    views = [View(search="kyiv"), View(search="is:unread"), View(), View(search="kyiv")]
    after = [first, first, 0, first + 5]
    each = [store.countable_upto(view, last) for view, last in zip(views, after, strict=True)]
    assert (
        store.countable_upto_each(views, after) == each == [first, first + 1, first + 1, first + 5]
    )


def test_a_batch_is_counted_by_its_new_articles_and_matches_the_full_count(
    store: Store,
) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily", tags=["world"])
    store.upsert_articles(
        feed.id,
        [article("1", "Kyiv at night", "Lights."), article("2", "Markets rally", "Shares.")],
    )
    store.index_pending()
    counts = SearchCounts()
    counts.counted = counts.count(store, QUERIES) or {}
    assert {q: counts.get(q) for q in QUERIES} == full(store)
    first = max(upto for upto, _ in counts.counted.values())

    # A batch: new articles, waiting for the index (a refresh's: a thousand at a time).
    store.upsert_articles(
        feed.id,
        [
            article("3", "Kharkiv", "Shelling."),
            article("4", "Sponsored markets", "An advert."),
            article("5", "Markets fall", "Shares."),
        ],
        index_now=False,
    )
    asked: list[tuple[tuple[str | None, ...], tuple[int, int]]] = []
    real = store.unread_counts_in

    def spy(views: list[View], between: tuple[int, int]) -> list[int]:
        asked.append((tuple(v.search for v in views), between))
        return real(views, between)

    store.unread_counts_in = spy  # type: ignore[method-assign]
    counted = counts.count(store, QUERIES, new_only=True)
    assert counted is not None
    # The searches without words count the new articles now, the others once indexed.
    assert {q: c for q, (_, c) in counted.items()} == {
        "kyiv OR kharkiv": 1,
        "is:unread": 5,
        "markets -sponsored": 1,
        "tag:world": 5,
    }
    # Only the new articles were read, the searches without words in one statement.
    assert asked == [(("is:unread", "tag:world"), (first + 1, first + 3))]
    counts.counted = counted
    store.index_pending()
    asked.clear()
    counted = counts.count(store, QUERIES, new_only=True)
    assert counted is not None
    # Only the new articles were read (the two searches with words: one statement),
    # and the counts are the full ones.
    assert asked == [(("kyiv OR kharkiv", "markets -sponsored"), (first + 1, first + 3))]
    store.unread_counts_in = real  # type: ignore[method-assign]
    assert {q: c for q, (_, c) in counted.items()} == full(store)
    assert full(store) == {
        "kyiv OR kharkiv": 2,
        "is:unread": 5,
        "markets -sponsored": 2,
        "tag:world": 5,
    }
    counts.counted = counted
    # Nothing new: nothing read again.
    asked.clear()
    store.unread_counts_in = spy  # type: ignore[method-assign]
    assert counts.count(store, QUERIES, new_only=True) == counted
    assert asked == []


def test_a_query_not_counted_yet_is_counted_in_full(store: Store) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily")
    store.upsert_articles(feed.id, [article("1", "Kyiv", "x")])
    counts = SearchCounts()
    counts.counted = counts.count(store, QUERIES[:1]) or {}
    counted = counts.count(store, QUERIES, new_only=True)
    assert counted is not None and {q: c for q, (_, c) in counted.items()} == full(store)


def test_an_older_article_waiting_for_the_index_does_not_stop_a_full_count(
    store: Store,
) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily")
    store.upsert_articles(feed.id, [article(str(i), f"Kyiv {i}", "x") for i in range(4)])
    store.upsert_articles(  # the first one changed: waits to be indexed again
        feed.id, [article("0", "Kyiv 0", "changed")], index_now=False
    )
    counts = SearchCounts()
    counted = counts.count(store, QUERIES)
    assert counted is not None
    assert counted["is:unread"] == (max(h.id for h in store.headlines(View())), 4)
    assert {q: c for q, (_, c) in counted.items()} == full(store)
