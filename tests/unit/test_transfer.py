"""Importing articles and read state into the store, hidden feeds, the state file format,
and reading odd or hostile newsboat caches (the real newsboat's cache is used in
test_newsboat_import.py; these files are made here to be what newsboat never writes)."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.newsboat_cache import item_id, to_articles
from tuinews.query import Query, parse_query
from tuinews.read_state import StateFileError, dump_state, load_state
from tuinews.store import Store, View
from tuinews.store.newsboat import CachedFeed, CachedItem, NewsboatCache, NotNewsboatCache

# --- the store ---------------------------------------------------------------------------


def test_merge_feed_only_adds_what_a_feed_lacks(store: Store) -> None:
    feed_id, outcome = store.merge_feed("https://a.example/f", "Mine", ["x"])
    assert outcome == "added"
    assert store.merge_feed("https://a.example/f", "Mine", ["x"]) == (feed_id, "unchanged")
    assert store.merge_feed("https://a.example/f", "Other", ["x"])[1] == "unchanged"
    assert store.merge_feed("https://a.example/f", tags=["y"], hidden=True)[1] == "updated"
    assert store.merge_feed("https://a.example/f", hidden=False)[1] == "unchanged"
    store.record_success(feed_id, title="Fetched title")
    assert store.merge_feed("https://a.example/f", feed_title="Cached title")[1] == "unchanged"
    feed = store.get_feed(feed_id)
    assert feed is not None
    assert (feed.user_title, feed.title, feed.tags, feed.hidden) == (
        "Mine",
        "Fetched title",
        ("x", "y"),
        True,
    )


def test_import_articles_adds_new_ones_and_only_marks_stored_ones(store: Store) -> None:
    feed = store.add_feed("https://a.example/f")
    store.upsert_articles(feed.id, [article("1", "Stored"), article("2", "Also stored")])
    counts = store.import_articles(
        feed.id,
        [
            article("1", "Changed elsewhere", read=True, starred=True),
            article("2", "Also stored"),
            article("3", "New and read", read=True),
            article("4", "New and starred", starred=True),
        ],
    )
    assert (counts.new, counts.new_read, counts.new_starred) == (2, 1, 1)
    assert (counts.existing, counts.marked_read, counts.marked_starred) == (2, 1, 1)
    marks = {h.title: (h.read, h.starred) for h in store.headlines()}
    assert marks == {
        "Stored": (True, True),  # marked, but its content is not replaced
        "Also stored": (False, False),
        "New and read": (True, False),
        "New and starred": (False, True),
    }
    store.set_read([h.id for h in store.headlines() if h.title == "Stored"], False)
    again = store.import_articles(feed.id, [article("1", "x", read=False)])
    assert (again.new, again.marked_read) == (0, 0)  # never marks unread
    assert store.pending_index() == 2  # indexed a thousand at a time...
    store.index_pending()
    assert len(store.headlines(query=parse_query("starred"))) == 1


def test_imported_articles_obey_retention(store: Store) -> None:
    feed = store.add_feed("https://a.example/f")
    imported = [article(str(day), day=day, starred=day == 1) for day in range(1, 6)]
    counts = store.import_articles(feed.id, imported, keep=2)
    assert counts.new == 3 and counts.new_starred == 1  # the newest two and the starred one
    assert sorted(h.title for h in store.headlines()) == ["Title 1", "Title 4", "Title 5"]


def test_hidden_feeds_are_out_of_all_and_unread_everywhere(store: Store) -> None:
    shown = store.add_feed("https://a.example/f", tags=["news"])
    hidden = store.add_feed("https://h.example/f", tags=["news"], hidden=True)
    store.upsert_articles(shown.id, [article("a", "Harbour story")])
    store.upsert_articles(hidden.id, [article("h", "Harbour secret"), article("s", "Starred")])
    store.set_starred(store.ids_for_uids(hidden.id, ["s"])[0], True)
    harbour = parse_query("harbour")

    def titles(view: View, query: Query | None = None) -> list[str]:
        return sorted(h.title for h in store.headlines(view, query))

    assert titles(View()) == titles(View(unread_only=True)) == ["Harbour story"]
    assert titles(View(), harbour) == ["Harbour story"]  # the search's shortcut too
    assert list(store.headline_ids(View(), harbour)) == [1]
    assert store.first_page(View(), harbour).rows[0].title == "Harbour story"
    assert titles(View(with_hidden=True), harbour) == ["Harbour secret", "Harbour story"]
    assert titles(View(feed_id=hidden.id)) == ["Harbour secret", "Starred"]
    assert len(titles(View(tag="news"))) == 3
    assert titles(View(starred_only=True)) == ["Starred"]
    assert store.counts() == (1, 1, 1)
    assert store.mark_view_read(View()) == 1  # "mark all read" in All leaves it alone
    assert store.get_feed(hidden.id).unread == 2  # type: ignore[union-attr]
    store.set_feed_hidden(hidden.id, False)
    assert store.counts() == (3, 2, 1)


def test_state_round_trip_and_only_adding_marks(store: Store, tmp_path: Path) -> None:
    feed = store.add_feed("https://a.example/f")
    store.upsert_articles(feed.id, [article("1"), article("2"), article("3")])
    one, two, _ = store.ids_for_uids(feed.id, ["1", "2", "3"])
    store.set_read([one])
    store.set_starred(two, True)
    local = store.local_feed_id()
    store.upsert_articles(local, [article("/home/me/notes.txt")])
    store.set_read(store.ids_for_uids(local, ["/home/me/notes.txt"]))
    text = dump_state(store.article_states(), now=datetime(2025, 1, 1, tzinfo=UTC))
    document = json.loads(text)
    assert document == {
        "format": "tuinews-state",
        "version": 1,
        "exported": "2025-01-01T00:00:00+00:00",
        "feeds": [{"url": "https://a.example/f", "read": ["1"], "starred": ["2"]}],
    }  # local files are not feeds: not in it
    other = Store(tmp_path / "other.db")
    copy = other.add_feed("https://a.example/f")
    other.upsert_articles(copy.id, [article("1"), article("2")])
    other.set_read(other.ids_for_uids(copy.id, ["2"]))
    counts = other.apply_state(load_state(text.encode()).feeds)
    assert (counts.matched, counts.marked_read, counts.marked_starred, counts.unknown) == (
        2,
        1,
        1,
        0,
    )
    marks = {h.title: (h.read, h.starred) for h in other.headlines()}
    assert marks == {"Title 1": (True, False), "Title 2": (True, True)}  # 2 stays read
    again = other.apply_state(load_state(text.encode()).feeds)
    assert (again.marked_read, again.marked_starred) == (0, 0)
    unknown = other.apply_state([("https://nowhere.example/", ["x"], ["x", "y"])])
    assert (unknown.matched, unknown.unknown) == (0, 2)
    other.close()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{oops", "broken JSON (at line 1)"),
        (b'{"format": "tuinews-state"}', "without a valid version"),
        (b'{"format": "tuinews-state", "version": true, "feeds": []}', "without a valid version"),
        (b'{"format": "tuinews-state", "version": 7, "feeds": []}', "newer tuinews (version 7"),
        (b'{"format": "tuinews-state", "version": 1}', "without its list of feeds"),
        (b'{"version": 1, "feeds": []}', "JSON, but not a tuinews state file"),
        (b"[1, 2]", "JSON, but not a tuinews state file"),
        (b"{" * 100_000, "broken JSON"),
        (b'{"a": "\xff"}', "broken JSON (at text)"),
    ],
)
def test_a_broken_state_file_says_why(data: bytes, message: str) -> None:
    with pytest.raises(StateFileError, match=re.escape(message)):
        load_state(data)


def test_state_entries_not_as_the_format_says_are_skipped_and_counted() -> None:
    data = json.dumps(
        {
            "format": "tuinews-state",
            "version": 1,
            "future key": {"ignored": True},
            "feeds": [
                {"url": "https://a.example/f", "read": ["1", 2, "\ud800", ""], "starred": "x"},
                {"url": 5},
                "not a feed",
                {"url": "https://b.example/f"},
            ],
        }
    ).encode()
    state = load_state(b"\xef\xbb\xbf" + data)
    assert state.feeds == [("https://a.example/f", ["1"], []), ("https://b.example/f", [], [])]
    assert state.skipped == 6


# --- newsboat's cache: mapping and odd files ------------------------------------------------


def cached(guid: str, title: str = "T", link: str = "", **extra: object) -> CachedItem:
    values: dict[str, object] = {
        "guid": guid,
        "title": title,
        "author": "",
        "link": link,
        "date": 1704103200,
        "content": "<p>x</p>",
        "unread": True,
        "flags": "",
    }
    values.update(extra)
    return CachedItem(**values)  # type: ignore[arg-type]


def test_newsboats_made_up_guids_are_recognised() -> None:
    link = "https://a.example/post?id=1"
    assert item_id(cached("tag:a.example,2024:1", link=link)) == "tag:a.example,2024:1"
    assert item_id(cached(link + "Mon, 01 Jan 2024 10:00:00 GMT", link=link)) == ""
    assert item_id(cached(link + "Fri, 05 Jan 2024 00:00:00 +0000", link=link)) == ""
    assert item_id(cached(link + "&page=2", link=link)) == link + "&page=2"  # a real guid
    assert item_id(cached(link, link=link)) == link
    assert item_id(cached("A title", title="A title")) == ""
    assert item_id(cached("A title", title="Another")) == "A title"


def test_cached_items_are_sanitised_like_fetched_ones() -> None:
    feed = CachedFeed("https://a.example/feed", "https://a.example/", "Feed \x1b[31m", 1)
    (one,), guesses = to_articles(
        feed,
        [
            cached(
                "g",
                title="Bad \u202etitle\x07",
                link="javascript:alert(1)",
                content='<p onclick="x()">Hi<script>bad()</script></p>',
                author="\x1b]0;pwned\x07Eve",
                flags="s",
                unread=False,
                date=10**15,
            )
        ],
    )
    assert one.title == "Bad title" and one.link == "" and one.source == "Feed [31m"
    assert one.body == "<p>Hi</p>" and one.author == "]0;pwnedEve"  # no ESC, no BEL
    assert one.read and one.starred and one.uid == "g" and one.date is None
    assert guesses == [0]


def make_cache(path: Path, item_columns: str, rows: list[tuple[object, ...]]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE rss_feed (rssurl TEXT, url TEXT, title TEXT)")
        db.execute("INSERT INTO rss_feed VALUES ('https://a.example/f', 'x', 'A')")
        db.execute(f"CREATE TABLE rss_item ({item_columns})")
        marks = ",".join("?" * len(rows[0]))
        db.executemany(f"INSERT INTO rss_item VALUES ({marks})", rows)
    db.close()


def test_an_old_cache_without_flags_or_deleted_columns_reads(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_cache(
        path,
        "id, guid, title, author, url, feedurl, pubDate, content, unread",
        [(1, "g", "T", "", "", "https://a.example/f", 5, "c", 0)],
    )
    with NewsboatCache(path) as cache:
        (feed,) = cache.feeds()
        assert (feed.url, feed.title, feed.articles) == ("https://a.example/f", "A", 1)
        ((item,),) = list(cache.items(feed.url))
        assert (item.guid, item.unread, item.flags, item.deleted) == ("g", False, "", False)


def test_crafted_values_are_coerced(tmp_path: Path) -> None:
    path = tmp_path / "odd.db"
    make_cache(
        path,
        "id, guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted",
        [
            (
                1,
                b"\xffblob",
                42,
                None,
                1.5,
                "https://a.example/f",
                "soon",
                "x" * 3_000_000,
                "1",
                7,
                "no",
            ),
        ],
    )
    with NewsboatCache(path) as cache:
        ((item,),) = list(cache.items("https://a.example/f"))
    assert (item.guid, item.title, item.author, item.link) == ("\ufffdblob", "42", "", "1.5")
    assert (item.date, item.unread, item.flags, item.deleted) == (0, True, "7", False)
    assert len(item.content) == 2_000_000


def test_sqlite_files_that_are_not_newsboat_caches_are_refused(tmp_path: Path) -> None:
    views = tmp_path / "views.db"
    with closing(sqlite3.connect(views)) as db, db:
        db.execute("CREATE TABLE t (x)")
        db.execute("CREATE VIEW rss_feed AS SELECT x AS rssurl FROM t")
        db.execute("CREATE VIEW rss_item AS SELECT x AS guid FROM t")
    db.close()
    with pytest.raises(NotNewsboatCache, match=r"a database, not a newsboat cache\.db"):
        NewsboatCache(views)
    partial = tmp_path / "partial.db"
    with closing(sqlite3.connect(partial)) as db, db:
        db.execute("CREATE TABLE rss_feed (rssurl, url, title)")
        db.execute("CREATE TABLE rss_item (guid, title)")
    db.close()
    with pytest.raises(NotNewsboatCache, match="no column author, url, feedurl"):
        NewsboatCache(partial)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    with pytest.raises(NotNewsboatCache, match="damaged SQLite file"):
        NewsboatCache(damaged)


def test_cached_feeds_that_run_commands_are_reported_not_imported(
    store: Store, tmp_path: Path
) -> None:
    from tuinews.importer import run_import
    from tuinews.settings import Settings

    path = tmp_path / "cache.db"
    make_cache(
        path,
        "id, guid, title, author, url, feedurl, pubDate, content, unread",
        [(1, "g", "T", "", "", "exec:~/bin/fetch.sh", 5, "c", 1)],
    )
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE rss_feed SET rssurl = 'exec:~/bin/fetch.sh'")
    db.close()
    said: list[str] = []
    assert run_import(store, Settings(), [path], said.append, said.append) == 0
    assert "  skipped exec:~/bin/fetch.sh (1 article): runs a command: not an http(s) feed URL" in (
        said
    )
    assert store.feeds() == [] and store.is_empty()
