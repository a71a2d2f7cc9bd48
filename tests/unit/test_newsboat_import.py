"""Switching from newsboat: ``tuinews import urls cache.db`` on a cache made by the real
newsboat (Debian's package) from feeds on a loopback server, then read state moved
between two stores with ``export --state`` / ``import``.

How the cache gets its state: newsboat itself fetches the feeds (``-x reload``) and marks
articles read (``-I``, its "import list of read articles"). newsboat has no
non-interactive way to set flags or delete an article, so those two are set with SQL on
the cache newsboat made (``flags = 's'``, ``deleted = 1``, as its ^E and D keys store
them)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.needs import need
from tests.netserver import FeedServer, Response
from tests.unit.newsboat_helpers import NEWSBOAT, articles, newsboat, tuinews
from tuinews.query import parse_query
from tuinews.store import Store, View

FEEDS = FIXTURES / "newsboat"


@dataclass
class Newsboat:
    """A newsboat home: its urls file, config and the cache it made."""

    dir: Path
    urls: Path
    cache: Path
    server: FeedServer

    def url(self, name: str) -> str:
        return self.server.url(f"/{name}.xml")


@pytest.fixture
def nb(tmp_path: Path) -> Iterator[Newsboat]:
    need(NEWSBOAT, "newsboat is not installed (apt-get install newsboat)")
    home = tmp_path / "newsboat"
    home.mkdir()
    with FeedServer() as server:
        for name in ("news", "atom", "hidden"):
            server.route(f"/{name}.xml", Response(body=(FEEDS / f"{name}.xml").read_bytes()))
        old = (FEEDS / "hidden.xml").read_bytes().replace(b"Hidden", b"Old")
        server.route("/old.xml", Response(body=old.replace(b"hidden", b"old")))
        box = Newsboat(home, home / "urls", home / "cache.db", server)
        (home / "config").write_text("cleanup-on-quit no\n")
        # The cache first holds a feed the user has since removed from urls ("old").
        (home / "urls-before").write_text(
            "".join(f"{box.url(name)}\n" for name in ("news", "atom", "hidden", "old"))
        )
        newsboat(home, "-u", str(home / "urls-before"), "-x", "reload")
        box.urls.write_text(
            f'{box.url("news")} news "~My News"\n'
            f"{box.url('atom')} tech\n"
            f'{box.url("hidden")} "!" secret\n'
            '"query:Unread:unread = \\"yes\\""\n'
            "exec:~/bin/fetch-secret.sh\n"
        )
        (home / "read").write_text("news-1\nurn:atom-1\nhidden-1\n")
        newsboat(home, "-u", str(box.urls), "-I", str(home / "read"))
        with closing(sqlite3.connect(box.cache)) as cache, cache:
            flagged = cache.execute(
                "UPDATE rss_item SET flags = 's' WHERE title IN (?, ?)",
                ("Link and date, no guid", "Hidden story two"),
            ).rowcount
            deleted = cache.execute(
                "UPDATE rss_item SET deleted = 1 WHERE guid = 'news-5'"
            ).rowcount
        cache.close()
        assert (flagged, deleted) == (2, 1)
        yield box


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_switching_from_newsboat_in_one_command(nb: Newsboat, tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    before = sha(nb.cache)
    done = tuinews(db, "import", str(nb.urls), str(nb.cache))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"Imported 3 feeds from {nb.urls} (newsboat urls)." in out
    # The query feed is a saved search now (issue 15).
    assert "line 4: query feed 'Unread' saved as the search: is:unread" in out
    assert "skipped line 5: exec:~/bin/fetch-secret.sh: runs a command" in out
    assert '1 feed hidden (newsboat\'s "!")' in out
    # 5 + 2 + 2 cached ("old" is no longer in urls); the one deleted in newsboat comes
    # in read (tuinews deletes nothing, and a refresh must not bring it back as new).
    assert (
        f"Imported 9 articles (4 read, 2 starred) of 3 feeds from {nb.cache} (newsboat cache)."
        in out
    )
    assert f"skipped {nb.url('old')} (2 articles): not in the urls file given" in out
    assert sha(nb.cache) == before  # read only

    with Store(db) as store:
        feeds = {feed.url: feed for feed in store.feeds()}
        assert set(feeds) == {nb.url("news"), nb.url("atom"), nb.url("hidden")}
        news, atom, hidden = feeds[nb.url("news")], feeds[nb.url("atom")], feeds[nb.url("hidden")]
        # Titles: the user's from urls, the feed's own from the cache.
        assert (news.user_title, news.title, news.name) == ("My News", "Loop News", "My News")
        assert (atom.name, atom.tags, hidden.name, hidden.tags) == (
            "Atom Loop",
            ("tech",),
            "Hidden Feed",
            ("secret",),
        )
        assert news.site_url == "http://news.example/" and news.tags == ("news",)
        assert (news.hidden, atom.hidden, hidden.hidden) == (False, False, True)
        assert (news.total, news.unread, news.starred) == (5, 3, 1)
        assert (atom.total, atom.unread, hidden.total, hidden.unread) == (2, 1, 2, 1)

        rows = {h.title: h for h in store.headlines(View(with_hidden=True)) if h.feed_id == news.id}
        assert set(rows) == {
            "Kharkiv rebuilds its tram depot",
            "Link and date, no guid",
            "Link only reversed",  # U+202E removed by the sanitiser
            "Title and date only",
            "Fifth",
        }
        assert rows["Kharkiv rebuilds its tram depot"].read and rows["Fifth"].read
        assert rows["Link and date, no guid"].starred and not rows["Link and date, no guid"].read
        first = store.get_article(rows["Kharkiv rebuilds its tram depot"].id)
        assert first is not None
        assert first.author == "Ann Author" and first.link == "http://news.example/tram"
        assert "<b>twelve</b>" in first.body  # the same sanitiser as a fetched item's
        assert "script" not in first.body and "alert" not in first.body
        assert "javascript" not in first.body
        assert first.date is not None and first.date.isoformat() == "2024-01-01T10:00:00+00:00"
        # Searchable at once (the body, not only the title).
        assert store.pending_index() == 0
        found = store.headlines(View(), parse_query("depot trams"))
        assert [h.title for h in found] == ["Kharkiv rebuilds its tram depot"]

        # The hidden feed: its own view and its tag's, not All, Unread or their counts.
        everything = {h.title for h in store.headlines(View())}
        assert "Hidden story one" not in everything and len(everything) == 7
        assert len(store.headlines(View(unread_only=True))) == 4
        assert {h.title for h in store.headlines(View(feed_id=hidden.id))} == {
            "Hidden story one",
            "Hidden story two",
        }
        assert len(store.headlines(View(tag="secret"))) == 2
        assert [h.title for h in store.headlines(View(starred_only=True))] == [
            "Hidden story two",
            "Link and date, no guid",
        ]
        assert store.counts() == (7, 4, 2)
        assert not store.headlines(View(), parse_query("gardens"))
        assert len(store.headlines(View(with_hidden=True), parse_query("gardens")))

    listing = tuinews(db, "feeds")
    assert "Hidden Feed [secret] (hidden: not in All or Unread)" in listing.stdout
    as_json = json.loads(tuinews(db, "feeds", "--json").stdout)["feeds"]
    assert {(f["title"], f["hidden"]) for f in as_json} == {
        ("My News", False),
        ("Atom Loop", False),
        ("Hidden Feed", True),
    }

    # Importing the same files again changes nothing.
    stored = articles(db)
    again = tuinews(db, "import", str(nb.urls), str(nb.cache))
    assert again.returncode == 0, again.stderr
    assert "Imported 0 feeds" in again.stdout and "3 already subscribed." in again.stdout
    assert "Imported 0 articles (0 read, 0 starred) of 3 feeds" in again.stdout
    assert "9 articles already stored: 0 marked read, 0 starred now." in again.stdout
    assert "Run `tuinews refresh`" not in again.stdout
    assert articles(db) == stored

    # A refresh gives the same identities: nothing new (the hidden feed is fetched too).
    refreshed = tuinews(db, "refresh", "--json")
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    report = json.loads(refreshed.stdout)
    assert report["total"] == 3 and report["new"] == 0, report
    after = articles(db)
    assert len(after) == len(stored)
    assert [row[:2] + row[-2:] for row in after] == [row[:2] + row[-2:] for row in stored]


@pytest.mark.slow
def test_the_cache_alone_imports_every_cached_feed(nb: Newsboat, tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    done = tuinews(db, "import", str(nb.cache))
    assert done.returncode == 0, done.stderr
    assert "Imported 11 articles (4 read, 2 starred) of 4 feeds" in done.stdout
    assert "(newsboat cache); 4 feeds newly subscribed." in done.stdout
    with Store(db) as store:
        feeds = {feed.name: feed for feed in store.feeds()}
        assert set(feeds) == {"Loop News", "Atom Loop", "Hidden Feed", "Old Feed"}
        assert not any(feed.hidden or feed.tags or feed.user_title for feed in feeds.values())
    # The urls file afterwards gives the titles, tags and hidden mark the feeds lacked.
    later = tuinews(db, "import", str(nb.urls))
    assert "3 already subscribed (3 given the tags, title or hidden mark they lacked)" in (
        later.stdout
    )
    with Store(db) as store:
        feeds = {feed.url: feed for feed in store.feeds()}
        assert feeds[nb.url("news")].name == "My News"
        assert feeds[nb.url("hidden")].hidden and feeds[nb.url("hidden")].tags == ("secret",)
    assert "already subscribed." in tuinews(db, "import", str(nb.urls)).stdout  # no change


@pytest.mark.slow
def test_retention_applies_to_imported_articles_but_keeps_flagged_ones(
    nb: Newsboat, tmp_path: Path
) -> None:
    config = tmp_path / "keep.toml"
    config.write_text("keep_articles = 1\n")
    db = tmp_path / "tuinews.db"
    done = tuinews(db, "import", str(nb.urls), str(nb.cache), config=config)
    assert done.returncode == 0, done.stderr
    assert "5 older articles left out (keep_articles = 1; flagged ones are always kept)" in (
        done.stdout
    )
    with Store(db) as store:
        kept = {h.title for h in store.headlines(View(with_hidden=True))}
    assert kept == {
        "Link only reversed",  # news: its newest (undated: newsboat dated it when fetched)
        "Link and date, no guid",  # flagged
        "Atom without an id",
        "Hidden story two",  # the newest, and flagged
    }
    again = tuinews(db, "import", str(nb.urls), str(nb.cache), config=config)
    assert "Imported 0 articles" in again.stdout


@pytest.mark.slow
def test_read_state_moves_between_machines(nb: Newsboat, tmp_path: Path) -> None:
    first, second = tmp_path / "laptop.db", tmp_path / "desktop.db"
    assert tuinews(first, "import", str(nb.urls), str(nb.cache)).returncode == 0
    with Store(first) as store:
        (lighthouse,) = store.headlines(View(), parse_query("lighthouses"))
        store.set_read([lighthouse.id], False)  # unread on the laptop: not exported as read
        (third,) = [h for h in store.headlines(View()) if h.title == "Link only reversed"]
        store.set_read([third.id])
        store.set_starred(third.id, True)
    exported = tuinews(first, "export", "--state")
    assert exported.returncode == 0, exported.stderr
    state = json.loads(exported.stdout)
    assert (state["format"], state["version"]) == ("tuinews-state", 1)
    by_url = {feed["url"]: feed for feed in state["feeds"]}
    assert sorted(by_url[nb.url("news")]["read"]) == [
        "http://news.example/three",
        "news-1",
        "news-5",  # deleted in newsboat
    ]
    assert sorted(by_url[nb.url("news")]["starred"]) == [
        "http://news.example/three",
        "http://news.example/two",
    ]
    assert by_url[nb.url("hidden")]["read"] == ["hidden-1"]
    # Nothing read or starred there now: listed for its own settings (its tags) only.
    atom = by_url[nb.url("atom")]
    assert (atom["read"], atom["starred"], atom["settings"]) == ([], [], {"tags": ["tech"]})
    # A feed the other machine does not have, and an article it does not have.
    state["feeds"].append({"url": "https://elsewhere.example/feed", "read": ["a", "b"]})
    by_url[nb.url("hidden")]["starred"] = ["hidden-9"]
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(state))

    # The desktop subscribes from the same urls and fetches: everything unread.
    assert tuinews(second, "import", str(nb.urls)).returncode == 0
    assert tuinews(second, "refresh").returncode == 0
    applied = tuinews(second, "import", str(state_file))
    assert applied.returncode == 0, applied.stderr
    assert (
        f"Applied the read state in {state_file}: 4 marked read, 2 starred (5 articles found);"
        " 3 not in this store" in applied.stdout
    )
    with Store(second) as store:
        marks = {h.title: (h.read, h.starred) for h in store.headlines(View(with_hidden=True))}
    assert marks["Kharkiv rebuilds its tram depot"] == (True, False)
    assert marks["Link only reversed"] == (True, True)
    assert marks["Link and date, no guid"] == (False, True)
    assert marks["Hidden story one"] == (True, False)
    assert marks["Hidden story two"] == (False, False)  # its id was replaced by hidden-9
    assert marks["Atom with an id"] == (False, False)
    stored = articles(second)
    again = tuinews(second, "import", str(state_file))
    assert "0 marked read, 0 starred (5 articles found); 3 not in this store" in again.stdout
    assert articles(second) == stored


@pytest.mark.slow
def test_files_that_are_none_of_these_stop_the_import(nb: Newsboat, tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    other = tmp_path / "other.db"
    Store(other).close()  # a tuinews database is SQLite too
    json_file = tmp_path / "feed.json"
    json_file.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": []}')
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "tuinews-state", "version": 2, "feeds": []}')
    done = tuinews(db, "import", str(nb.urls), str(other), str(json_file), str(newer))
    assert done.returncode == 2
    assert f"{other} is a tuinews database, not a newsboat cache.db" in done.stderr
    assert f"{json_file} is JSON, but not a tuinews state file" in done.stderr
    assert f"{newer} is a state file from a newer tuinews (version 2" in done.stderr
    assert "nothing was imported" in done.stderr and "Traceback" not in done.stderr
    with Store(db) as store:
        assert store.feeds() == []


def test_a_truncated_opml_file_is_imported_as_far_as_it_reads(tmp_path: Path) -> None:
    opml = (FIXTURES / "subscriptions" / "opml2-categories.opml").read_bytes()
    broken = tmp_path / "subscriptions.opml"
    broken.write_bytes(opml[: opml.index(b"Run me") + 3])
    db = tmp_path / "tuinews.db"
    done = tuinews(db, "import", str(broken))
    assert done.returncode == 0, done.stderr
    assert f"{broken} is malformed XML (unclosed token at line 16, column 3)" in done.stderr
    assert "the 3 feed outlines that could be read were imported" in done.stderr
    assert f"Imported 3 feeds from {broken} (OPML)." in done.stdout
