"""Enclosures in a real SQLite store (migration 11): written with their articles, read
with them, replaced when the feed changes them, gone with the article; ``has:enclosure``
and ``is:downloaded`` in the search language, in searches and in rules."""

from __future__ import annotations

from pathlib import Path

from tests.builders import article
from tuinews.models import Enclosure
from tuinews.query import format_query, parse_query
from tuinews.query.rules import make_rule
from tuinews.store import Store

EPISODE = Enclosure("https://cdn.example/1.mp3", "audio/mpeg", 1234, 60)
VIDEO = Enclosure("https://cdn.example/1.mp4", "video/mp4")


def ids(store: Store, text: str) -> set[int]:
    query = parse_query(text)
    assert not query.hints, query.hints
    return set(store.headline_ids(query=query))


def test_enclosures_are_stored_and_read_with_the_article(store: Store) -> None:
    feed = store.add_feed("https://pod.example/feed")
    store.upsert_articles(feed.id, [article("1", enclosures=(EPISODE, VIDEO)), article("2", day=2)])
    one, two = store.ids_for_uids(feed.id, ["1", "2"])
    first = store.get_article(one)
    assert first is not None and first.enclosures == (EPISODE, VIDEO)
    second = store.get_article(two)
    assert second is not None and second.enclosures == ()


def test_a_changed_enclosure_replaces_the_old_one(store: Store) -> None:
    feed = store.add_feed("https://pod.example/feed")
    store.upsert_articles(feed.id, [article("1", enclosures=(EPISODE,))])
    counts = store.upsert_articles(feed.id, [article("1", enclosures=(VIDEO,))])
    assert counts.updated == 1  # only the enclosure changed: still a change
    (one,) = store.ids_for_uids(feed.id, ["1"])
    stored = store.get_article(one)
    assert stored is not None and stored.enclosures == (VIDEO,)
    again = store.upsert_articles(feed.id, [article("1", enclosures=(VIDEO,))])
    assert again.unchanged == 1


def test_an_article_without_enclosures_keeps_its_digest() -> None:
    """Articles stored before migration 11 are not all rewritten by the next refresh."""
    from tuinews.store.articles import digest

    plain = article("1")
    assert digest(plain) == digest(article("1", enclosures=()))
    assert digest(plain) != digest(article("1", enclosures=(EPISODE,)))


def test_retention_drops_the_enclosures_with_the_article(store: Store) -> None:
    feed = store.add_feed("https://pod.example/feed")
    store.upsert_articles(feed.id, [article("old", day=1, enclosures=(EPISODE,))])
    store.upsert_articles(feed.id, [article("new", day=5)], keep=1)
    rows = store.database.read("SELECT COUNT(*) FROM enclosures")
    assert rows[0][0] == 0


def test_has_enclosure_and_is_downloaded(store: Store, tmp_path: Path) -> None:
    feed = store.add_feed("https://pod.example/feed")
    store.upsert_articles(
        feed.id,
        [
            article("1", "Podcast episode", enclosures=(EPISODE,)),
            article("2", "Podcast notes"),
            article("3", "Video", enclosures=(VIDEO,)),
        ],
    )
    one, two, three = store.ids_for_uids(feed.id, ["1", "2", "3"])
    assert ids(store, "has:enclosure") == {one, three}
    assert ids(store, "-has:enclosure") == {two}
    assert ids(store, "podcast has:enclosure") == {one}
    assert ids(store, "has:enclosure OR notes") == {one, two, three}
    assert ids(store, "is:downloaded") == set()
    queued = store.queue_download(EPISODE.url, one, "Podcast episode", str(tmp_path / "1.mp3"))
    assert ids(store, "is:downloaded") == set()  # queued is not downloaded
    store.finish_download(queued.id, "done", 1234)
    assert ids(store, "is:downloaded") == {one}
    assert ids(store, "has:enclosure -is:downloaded") == {three}
    assert format_query(parse_query("has:enclosure -is:downloaded")) == (
        "has:enclosure -is:downloaded"
    )


def test_a_rule_on_has_enclosure_runs_at_ingest(store: Store) -> None:
    feed = store.add_feed("https://pod.example/feed")
    rule = make_rule("podcasts", "has:enclosure", "tag:podcast")
    store.upsert_articles(
        feed.id, [article("1", enclosures=(EPISODE,)), article("2")], rules=[rule]
    )
    assert ids(store, "tag:podcast") == set(store.ids_for_uids(feed.id, ["1"]))


def test_downloads_are_one_per_url(store: Store, tmp_path: Path) -> None:
    first = store.queue_download(EPISODE.url, None, "Ep", str(tmp_path / "a.mp3"))
    assert first.state == "queued" and first.received == 0
    store.finish_download(first.id, "failed", 10, "connection lost")
    failed = store.get_download(EPISODE.url)
    assert failed is not None and failed.state == "failed" and failed.error == "connection lost"
    again = store.queue_download(EPISODE.url, None, "Ep", str(tmp_path / "b.mp3"))
    assert again.id == first.id and again.state == "queued" and again.path == first.path
    store.finish_download(first.id, "done", 1234)
    done = store.queue_download(EPISODE.url, None, "Ep", str(tmp_path / "b.mp3"))
    assert done.state == "done"
    assert [d.url for d in store.downloads()] == [EPISODE.url]
    assert store.downloads("queued") == []
