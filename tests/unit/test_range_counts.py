"""The saved searches' counts over a refresh batch's new articles (store/range_counts.py:
every search in one statement, each prefix read as the terms of the index it stands for,
store/prefix_terms.py) are exactly what counting in full finds: over many queries
(words, prefixes short and long, phrases, OR, NOT, fields, start of a field, tags, feeds,
states, words with diacritics), on a real store, with a batch that brings terms the index
did not have."""

from __future__ import annotations

import random

from tests.builders import article
from tuinews.query import Words, parse_query
from tuinews.query.rules import make_rule
from tuinews.store import Store, View
from tuinews.store.prefix_terms import MAX_TERMS, prefix_terms, prefix_words
from tuinews.store.query_sql import fts_term
from tuinews.ui.widgets.search_counts import SearchCounts

# Prefix families (elect..., market..., vote...), a prefix standing for more terms than
# are looked up (vot + many), words with diacritics, and words of the batch only.
WORDS = [
    "election",
    "elections",
    "electoral",
    "electricity",
    "élection",
    "Électeurs",
    "market",
    "markets",
    "marketing",
    "vote",
    "voters",
    "rally",
    "shares",
    "kyiv",
    "kharkiv",
    "police",
    "minister",
    "Straße",
    "naïve",
    "sponsored",
    *[f"vot{a}{b}" for a in "abcdef" for b in "xyz"],
]
BATCH_WORDS = ["electioneering", "marketeer", "votes", "électorat", "kyivan", "zzyzx"]
QUERIES = [
    "elect",
    "election",
    "elections",
    "electi",
    "ele",
    "el",
    "vot",
    "vote",
    "vota",
    "market OR vote",
    "market -rally",
    '"market rally"',
    '"market ral"*',
    "title:elect",
    "title:^elect",
    'title:^"market rally"',
    "author:ann",
    "author:élec",
    "-elect",
    "-(vote OR market)",
    "(elect OR market) -kyiv",
    "elect OR is:starred",
    "tag:world elect",
    "tag:world/europe",
    "tag:money",
    "feed:daily vote",
    "is:starred",
    "is:hidden",
    "is:hidden elect",
    "is:read",
    "élect",
    "électeur",
    "naïve",
    "naive",
    "strasse",
    "straße",
    "kyiv OR kharkiv",
    "zzyzx",
    "marketee",
    "world -tag:sport",
]


def text(rng: random.Random, words: list[str], count: int) -> str:
    return " ".join(rng.choice(words) for _ in range(count))


def batch(rng: random.Random, start: int, count: int, words: list[str]) -> list[object]:
    return [
        article(
            f"a{start + i}",
            text(rng, words, 4).capitalize(),
            text(rng, words, 12) + ".",
            author=rng.choice(["Ann Writer", "Bob", "Électre Desk", ""]),
            read=rng.random() < 0.2,
            starred=rng.random() < 0.2,
        )
        for i in range(count)
    ]


def full(store: Store) -> dict[str, int]:
    return {query: store.unread_count(View(search=query)) for query in QUERIES}


def test_the_counts_of_a_batch_are_those_of_counting_in_full(store: Store) -> None:
    rng = random.Random(7)
    rules = [
        make_rule("r1", "title:sponsored", "hide"),
        make_rule("r2", "title:market", "tag:money"),
    ]
    feeds = [
        store.add_feed("https://a.example/feed", title="Daily World", tags=["world"]),
        store.add_feed("https://b.example/feed", title="Sport Desk", tags=["sport"]),
        store.add_feed("https://c.example/feed", title="Europe Wire", tags=["world/europe"]),
        store.add_feed("https://d.example/feed", title="Hidden Daily"),
    ]
    store.set_feed_hidden(feeds[3].id, True)
    for n, feed in enumerate(feeds):
        store.upsert_articles(feed.id, batch(rng, 100 * n, 25, WORDS), rules=rules)
    before = full(store)
    counts = SearchCounts()
    counts.counted = counts.count(store, QUERIES) or {}
    assert {q: counts.get(q) for q in QUERIES} == before
    after = max(upto for upto, _ in counts.counted.values())

    # A refresh batch: new articles, with terms the index did not have, indexed.
    for n, feed in enumerate(feeds):
        new = batch(rng, 1000 + 100 * n, 20, WORDS + BATCH_WORDS)
        store.upsert_articles(feed.id, new, index_now=False, rules=rules)
    store.index_pending()
    newest = max(h.id for h in store.headlines(View(with_hidden=True)))
    now = full(store)
    assert sum(now[q] != before[q] for q in QUERIES) > len(QUERIES) // 2

    added = store.unread_counts_in([View(search=q) for q in QUERIES], (after + 1, newest))
    assert dict(zip(QUERIES, added, strict=True)) == {q: now[q] - before[q] for q in QUERIES}
    for query in QUERIES:  # (one at a time, as the Store's unread_count)
        assert store.unread_count(View(search=query), between=(after + 1, newest)) == (
            now[query] - before[query]
        ), query
    counted = counts.count(store, QUERIES, new_only=True)
    assert counted is not None
    assert {q: c for q, (_, c) in counted.items()} == now


def test_a_prefix_stands_for_the_terms_of_the_index_that_begin_with_it(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed", title="Daily")
    many = [f"vote{i:02d}" for i in range(MAX_TERMS + 1)]
    body = " ".join(["Election", "elections", "électoral", "elk", *many])
    store.upsert_articles(feed.id, [article("1", "Markets", body)])
    with store.database.aside() as db:
        asked = ["elect", "ELECTIONS", "electz", "ele", "élect", "vote0", "vote", "Elk"]
        expand = prefix_terms(db, asked)
        assert expand("elect") == ["election", "elections", "electoral"]  # (folded)
        assert expand("ELECTIONS") == ["elections"]
        assert expand("elk") is None  # (three letters)
        assert expand("markets") is None  # not asked for: a prefix
        assert expand("electz") is None  # none: a prefix finding nothing, as it is
        assert expand("ele") is None  # three letters: the index's own prefix entries
        assert expand("élect") is None  # not ASCII: as FTS5 tokenizes it
        assert expand("vote0") == many[:10]
        assert expand("vote") is None  # more terms than are looked up: a prefix
    query = parse_query('title:elect -(c OR "d e") "f g" h* ')
    assert prefix_words(query) == {"elect", "c", "h"}  # (a phrase is no prefix)
    words = Words(("climate", "chan"), field="title", start=True)
    assert fts_term(words, lambda word: ["change", "changes"]) == (
        'title : (^"climate change" OR ^"climate changes")'
    )
    assert fts_term(words, lambda word: None) == 'title : ^"climate chan"*'
    assert fts_term(Words(("chan",)), lambda word: ["change"]) == '"change"'
