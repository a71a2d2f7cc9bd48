"""Imported articles whose identity is a guess (newsboat's cache keeps no guid for an item
that had none, nor its media links): how the cache's items are classified, how a refresh
takes such an article over instead of adding a second one, and how a state file names
them on another machine. The real newsboat's cache: test_newsboat_refresh.py."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from tests.builders import article
from tuinews.models import Article
from tuinews.newsboat_cache import Identity, identity, to_articles
from tuinews.read_state import dump_state, load_state
from tuinews.store import Store
from tuinews.store.adopt import GUESSED, NO_TITLE, OWN_DATE
from tuinews.store.newsboat import CachedFeed, CachedItem

FEED = CachedFeed("https://feeds.example/f.xml", "https://site.example/blog/", "F", 1)
DATE = 1763632800  # Thu, 20 Nov 2025 10:00:00 GMT


def cached(guid: str, title: str = "T", link: str = "", **extra: object) -> CachedItem:
    values: dict[str, object] = {
        "guid": guid,
        "title": title,
        "author": "",
        "link": link,
        "date": DATE,
        "content": "<p>x</p>",
        "unread": True,
        "flags": "",
    }
    values.update(extra)
    return CachedItem(**values)  # type: ignore[arg-type]


# --- newsboat's items --------------------------------------------------------------------


def test_made_up_guids_of_relative_links_are_recognised() -> None:
    resolved = "https://site.example/blog/rel/eight.html"
    rfc, iso = "Thu, 20 Nov 2025 10:00:00 GMT", "2025-11-20T10:00:00Z"
    for guid in ("rel/eight.html" + rfc, "rel/eight.html" + iso):
        assert identity(cached(guid, link=resolved), FEED) == Identity("", GUESSED | OWN_DATE)
    # Undated: the link as written, resolved against the site (RSS) or the feed (Atom).
    assert identity(cached("rel/eight.html", link=resolved), FEED) == Identity("", GUESSED)
    atom = "https://feeds.example/posts/1.html"
    assert identity(cached("posts/1.html", link=atom), FEED) == Identity("", GUESSED)
    # A link newsboat could not resolve (no site to resolve it against).
    assert identity(cached("x.html" + rfc, link="x.html"), FEED) == Identity("", GUESSED | OWN_DATE)
    assert identity(cached("x.html", link="x.html"), FEED) == Identity("", GUESSED)
    # Real guids: not the item's date, or not a form of its link.
    other_day = "rel/eight.htmlFri, 21 Nov 2025 10:00:00 GMT"
    assert identity(cached(other_day, link=resolved), FEED) == Identity(other_day, 0)
    assert identity(cached("post-8", link=resolved), FEED) == Identity("post-8", 0)
    assert identity(cached("urn:x", link=resolved), FEED) == Identity("urn:x", 0)


def test_items_without_a_link_are_guesses() -> None:
    assert identity(cached("Player only", title="Player only"), FEED) == Identity("", GUESSED)
    assert identity(cached("", title=""), FEED) == Identity("", GUESSED | NO_TITLE)
    assert identity(cached("urn:own", title="T"), FEED) == Identity("urn:own", 0)


def test_an_item_without_a_link_tries_its_enclosure_as_the_link() -> None:
    items = [
        cached("", title="", content="desc five", enclosure="https://m.example/5.mp4"),
        cached("urn:own", title="Own guid", enclosure="https://m.example/6.mp3"),
    ]
    (untitled, own), guesses = to_articles(FEED, items)
    assert (untitled.title, untitled.link, untitled.uid) == (
        "desc five",
        *["https://m.example/5.mp4"] * 2,
    )
    assert (own.link, own.uid) == ("", "urn:own")  # as a refresh gives it
    assert guesses == [GUESSED | NO_TITLE, 0]
    # The enclosure is the article's enclosure too (podboat's queue, for tuinews's D).
    assert [e.url for e in own.enclosures] == ["https://m.example/6.mp3"]


# --- a refresh takes them over -----------------------------------------------------------


def guess_of(store: Store, title: str) -> tuple[str, int]:
    with closing(sqlite3.connect(store.path)) as db, db:
        row = db.execute(
            "SELECT uid, guess FROM articles WHERE title = ? ORDER BY id", (title,)
        ).fetchone()
    db.close()
    return str(row[0]), int(row[1])


def test_a_refreshed_article_takes_over_a_guessed_one(store: Store) -> None:
    feed = store.add_feed("https://a.example/f")
    imported = [
        article("hash-1", "Player only", read=True, starred=True),
        article("guess-2", "Dated", day=2, read=True),
        article("guess-3", "desc five", body="desc five", read=True),
    ]
    store.import_articles(
        feed.id, imported, guesses=[GUESSED, GUESSED | OWN_DATE, GUESSED | NO_TITLE]
    )
    counts = store.upsert_articles(
        feed.id,
        [
            article("https://p.example/6", "Player only", body="Now with a body.", day=9),
            article("https://e.example/2", "Dated", day=3),  # another day: another item
            article("https://m.example/5", "Media title", body="desc five"),
        ],
    )
    assert (counts.new, counts.updated) == (1, 2)
    marks = sorted((h.title, h.published, h.read, h.starred) for h in store.headlines())
    day = 86400
    assert marks == [
        ("Dated", 1704153600, True, False),  # imported, stays as it was
        ("Dated", 1704153600 + day, False, False),  # of another day: new
        ("Media title", 1704067200, True, False),
        ("Player only", 1704067200 + 8 * day, True, True),
    ]
    assert guess_of(store, "Player only") == ("https://p.example/6", 0)
    assert guess_of(store, "Media title") == ("https://m.example/5", 0)
    again = store.upsert_articles(feed.id, [article("https://p.example/6", "Player only")])
    assert again.new == 0
    # The guess the refresh did not bring is settled: an item that comes later with the
    # same title and date is another item, not that one.
    assert guess_of(store, "Dated") == ("guess-2", 0)
    later = store.upsert_articles(feed.id, [article("https://e.example/2b", "Dated", day=2)])
    assert later.new == 1


def test_an_article_found_under_its_guessed_uid_is_confirmed_first(store: Store) -> None:
    feed = store.add_feed("https://a.example/f")
    store.import_articles(
        feed.id, [article("https://a.example/8", "Eight", read=True)], guesses=[GUESSED]
    )
    counts = store.upsert_articles(
        feed.id,
        [article("urn:other", "Eight"), article("https://a.example/8", "Eight")],
    )
    assert counts.new == 1  # the other "Eight" does not take it from its own item
    with closing(sqlite3.connect(store.path)) as db, db:
        rows = db.execute("SELECT uid, read, guess FROM articles ORDER BY uid").fetchall()
    db.close()
    assert rows == [("https://a.example/8", 1, 0), ("urn:other", 0, 0)]


def test_importing_again_after_the_refresh_changes_nothing(store: Store) -> None:
    feed = store.add_feed("https://a.example/f")

    def imported() -> list[Article]:
        return [article("hash-1", "Player only", read=True, starred=True)]

    store.import_articles(feed.id, imported(), guesses=[GUESSED])
    store.upsert_articles(feed.id, [article("https://p.example/6", "Player only")])
    again = store.import_articles(feed.id, imported(), guesses=[GUESSED])
    assert (again.new, again.existing, again.marked_read) == (0, 1, 0)
    # Fetched first, imported after: the import marks the fetched article.
    other = store.add_feed("https://b.example/f")
    store.upsert_articles(other.id, [article("https://p.example/7", "Player only")])
    first = store.import_articles(other.id, imported(), guesses=[GUESSED])
    assert (first.new, first.existing, first.marked_read, first.marked_starred) == (0, 1, 1, 1)
    # A sure uid is never matched by its title, nor two guesses by each other.
    sure = store.import_articles(other.id, [article("urn:z", "Player only")], guesses=[0])
    assert sure.new == 1
    third = store.add_feed("https://c.example/f")
    twins = [article("/a", "Weekly"), article("/b", "Weekly")]
    assert store.import_articles(third.id, twins, guesses=[GUESSED] * 2).new == 2
    assert store.import_articles(third.id, twins, guesses=[GUESSED] * 2).existing == 2


def test_feeds_without_guessed_articles_pay_one_empty_index_lookup(store: Store) -> None:
    with closing(sqlite3.connect(store.path)) as db, db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT id, uid, title, text, published, guess FROM articles "
            "WHERE feed_id = ? AND guess != 0 ORDER BY id",
            (1,),
        ).fetchall()
    db.close()
    assert "articles_guessed" in " ".join(str(row[-1]) for row in plan)


# --- the state file names them -----------------------------------------------------------


def test_a_state_file_names_guessed_ids_by_title_and_date(store: Store, tmp_path: Path) -> None:
    url = "https://a.example/f"
    feed = store.add_feed(url)
    untitled = article("guess-3", "Untitled", read=True)
    untitled.text = ""
    store.import_articles(
        feed.id,
        [
            article("hash-1", "Player only", starred=True),
            article("guess-2", "Dated", day=2, read=True),
            untitled,
            article("urn:4", "Sure", read=True),
        ],
        guesses=[GUESSED, GUESSED | OWN_DATE, GUESSED | NO_TITLE, 0],
    )
    text = dump_state(
        store.article_states(), now=datetime(2025, 1, 1, tzinfo=UTC), hints=store.state_hints()
    )
    (entry,) = json.loads(text)["feeds"]
    assert entry["guessed"] == {
        "hash-1": {"title": "Player only", "date": None},
        "guess-2": {"title": "Dated", "date": "2024-01-02T00:00:00+00:00"},
    }  # nothing names an untitled article without text; a sure id needs no name
    state = load_state(text.encode())
    assert state.hints == {
        (url, "hash-1"): ("Player only", None),
        (url, "guess-2"): ("Dated", 1704153600),
    }

    with Store(tmp_path / "elsewhere.db") as other:
        copy = other.add_feed(url)
        other.upsert_articles(
            copy.id,
            [
                article("https://p.example/6", "Player only"),
                article("https://e.example/2", "Dated", day=3),  # not that day's
                article("urn:4", "Sure"),
            ],
        )
        counts = other.apply_state(state.feeds, state.hints)
        assert (counts.matched, counts.unknown, counts.marked_read, counts.marked_starred) == (
            2,
            2,
            1,
            1,
        )
        marks = {h.title: (h.read, h.starred) for h in other.headlines()}
    assert marks == {"Player only": (False, True), "Dated": (False, False), "Sure": (True, False)}


def test_hints_not_as_the_format_says_are_skipped_and_counted() -> None:
    data = json.dumps(
        {
            "format": "tuinews-state",
            "version": 1,
            "feeds": [
                {
                    "url": "https://a.example/f",
                    "read": ["1", "2", "3", "4"],
                    "guessed": {
                        "1": {"title": "One", "date": "2024-01-02T00:00:00+00:00"},
                        "2": {"title": "", "date": None},
                        "3": {"title": "Three", "date": "yesterday"},
                        "5": {"title": "Not listed"},
                        "4": "no",
                    },
                },
                {"url": "https://b.example/f", "read": ["1"], "guessed": ["1"]},
            ],
        }
    ).encode()
    state = load_state(data)
    assert state.hints == {("https://a.example/f", "1"): ("One", 1704153600)}
    assert state.skipped == 5
