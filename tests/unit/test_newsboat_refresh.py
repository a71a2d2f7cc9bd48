"""After switching from newsboat, a refresh updates the imported articles instead of adding
them again, also for items whose identity newsboat's cache does not keep: an item without
a guid whose link is relative (newsboat's made-up guid holds the link as the feed wrote
it, its ``url`` the link resolved), an undated one, items without a link whose only link
is a ``media:player`` or ``media:content`` URL (newsboat keeps no media link but an
enclosure), and items without a title ("desc five", a ``media:group``'s title). The cache
is made by the real newsboat (Debian's) from feeds on a loopback server; read marks and
flags are set with SQL on it, as newsboat's keys store them (see test_newsboat_import).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.needs import need
from tests.netserver import FeedServer, Response
from tests.unit.newsboat_helpers import NEWSBOAT, articles, newsboat, tuinews
from tuinews.store import Store, View

MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'
DESC_FIVE = (
    "<item><description>desc five</description>"
    '<media:content url="http://media.example/five.mp4" type="video/mp4"/></item>'
)
MEDIA_GROUP = (
    "<item><media:group><media:title>Media group title</media:title>"
    '<media:content url="http://media.example/group.mp4" type="video/mp4"/></media:group>'
    "<pubDate>Sat, 22 Nov 2025 10:00:00 GMT</pubDate></item>"
)
UNTITLED = {"desc five": DESC_FIVE, "Media group title": MEDIA_GROUP}


def media_feed(untitled: list[str]) -> bytes:
    """An RSS feed of items without a guid; ``untitled``: which items without a title,
    link or guid it has (newsboat keeps one such item per cache: their made-up guid is
    empty)."""
    items = [
        "<item><title>Relative eight</title><link>rel/eight.html</link>"
        "<pubDate>Thu, 20 Nov 2025 10:00:00 GMT</pubDate>"
        "<description>Eight, a relative link.</description></item>",
        "<item><title>Relative nine</title><link>/nine.html</link>"
        "<description>Nine, relative and undated.</description></item>",
        "<item><title>Player only</title>"
        '<media:player url="http://media.example/player/6"/>'
        "<pubDate>Fri, 21 Nov 2025 10:00:00 GMT</pubDate>"
        "<description>Six, a video player.</description></item>",
        "<item><title>Enclosure only</title>"
        '<enclosure url="http://media.example/ep.mp3" type="audio/mpeg" length="1"/>'
        "<description>An undated episode.</description></item>",
        *(UNTITLED[name] for name in untitled),
    ]
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {MEDIA}><channel>'
        "<title>Media Loop</title><link>http://media.example/site/</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" {MEDIA}>
  <title>Atom Relative</title><id>urn:atom-rel</id>
  <link href="http://site.example/blog/"/>
  <updated>2025-11-20T00:00:00Z</updated>
  <entry>
    <title>Atom relative</title><link href="posts/1.html"/>
    <updated>2025-11-20T00:00:00Z</updated><summary>Resolved against the feed.</summary>
  </entry>
  <entry>
    <title>Atom player</title><media:player url="http://media.example/player/9"/>
    <updated>2025-11-21T00:00:00Z</updated><summary>A player.</summary>
  </entry>
</feed>""".encode()

# What the user did in newsboat, by title ("" is the item without a title).
READ = ("Relative eight", "Player only", "Enclosure only", "", "Atom relative")
FLAGGED = ("Relative nine", "Player only", "Atom player")


@dataclass
class Cache:
    urls: Path
    cache: Path
    rows: int  # items newsboat keeps


@pytest.fixture
def server() -> Iterator[FeedServer]:
    need(NEWSBOAT, "newsboat is not installed (apt-get install newsboat)")
    with FeedServer() as server:
        server.route("/feeds/atom.xml", Response(body=ATOM))
        yield server


def newsboat_cache(home: Path, server: FeedServer, untitled: list[str]) -> Cache:
    home.mkdir()
    server.route("/feeds/media.xml", Response(body=media_feed(untitled)))
    urls = home / "urls"
    urls.write_text(f"{server.url('/feeds/media.xml')}\n{server.url('/feeds/atom.xml')}\n")
    (home / "config").write_text("cleanup-on-quit no\n")
    newsboat(home, "-u", str(urls), "-x", "reload")
    cache = home / "cache.db"
    with closing(sqlite3.connect(cache)) as db, db:
        marks = ",".join("?" * len(READ))
        db.execute(f"UPDATE rss_item SET unread = 0 WHERE title IN ({marks})", READ)
        marks = ",".join("?" * len(FLAGGED))
        db.execute(f"UPDATE rss_item SET flags = 's' WHERE title IN ({marks})", FLAGGED)
        rows = db.execute("SELECT guid, title, url, enclosure_url FROM rss_item").fetchall()
    db.close()
    by_title = {row[1]: row for row in rows}
    # What newsboat keeps of these items (its guids made up, no media link).
    assert by_title["Relative eight"][0] == "rel/eight.htmlThu, 20 Nov 2025 10:00:00 GMT"
    assert by_title["Relative eight"][2] == "http://media.example/site/rel/eight.html"
    assert by_title["Relative nine"][:3] == (
        "/nine.html",
        "Relative nine",
        "http://media.example/nine.html",
    )
    assert by_title["Player only"][:3] == ("Player only", "Player only", "")
    assert by_title["Enclosure only"][2:] == ("", "http://media.example/ep.mp3")
    assert by_title["Atom relative"][2] == server.url("/feeds/posts/1.html")
    assert by_title[""][:3] == ("", "", "")
    return Cache(urls, cache, len(rows))


def marks(db: Path) -> dict[str, tuple[bool, bool]]:
    with Store(db) as store:
        return {h.title: (h.read, h.starred) for h in store.headlines(View(with_hidden=True))}


def state_file(db: Path, path: Path) -> dict[str, object]:
    done = tuinews(db, "export", "--state")
    assert done.returncode == 0, done.stderr
    path.write_text(done.stdout)
    state: dict[str, object] = json.loads(done.stdout)
    return state


def fetched_elsewhere(db: Path, urls: Path, state: Path) -> str:
    """Another machine: subscribes from the same urls, fetches the feeds itself, then
    applies the state file; what the import says."""
    assert tuinews(db, "import", str(urls)).returncode == 0
    refreshed = tuinews(db, "refresh")
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    applied = tuinews(db, "import", str(state))
    assert applied.returncode == 0, applied.stderr
    return applied.stdout


@pytest.mark.slow
@pytest.mark.parametrize("untitled", ["desc five", "Media group title"])
def test_a_refresh_after_the_import_adds_nothing_and_keeps_the_marks(
    server: FeedServer, tmp_path: Path, untitled: str
) -> None:
    nb = newsboat_cache(tmp_path / "newsboat", server, [untitled])
    db = tmp_path / "laptop.db"
    done = tuinews(db, "import", str(nb.urls), str(nb.cache))
    assert done.returncode == 0, done.stderr
    assert f"Imported {nb.rows} articles (5 read, 3 starred) of 2 feeds" in done.stdout
    before = state_file(db, tmp_path / "before.json")
    ids = json.dumps(before)
    assert "Nov 2025" not in ids and "rel/eight.html" in ids  # no made-up id of newsboat's

    refreshed = tuinews(db, "refresh", "--json")
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    report = json.loads(refreshed.stdout)
    assert (report["total"], report["new"]) == (2, 0), report
    expected = {
        "Relative eight": (True, False),
        "Relative nine": (False, True),
        "Player only": (True, True),
        "Enclosure only": (True, False),
        untitled: (True, False),
        "Atom relative": (True, False),
        "Atom player": (False, True),
    }
    assert marks(db) == expected
    with (
        closing(sqlite3.connect(db)) as connection,
        connection,
    ):  # every guess settled: later refreshes pay nothing
        guesses = connection.execute("SELECT COUNT(*) FROM articles WHERE guess != 0")
        assert guesses.fetchone() == (0,)
    connection.close()
    with Store(db) as store:
        links = {}
        for headline in store.headlines(View()):
            article = store.get_article(headline.id)
            assert article is not None
            links[article.title] = article.link
    assert links["Player only"] == "http://media.example/player/6"  # the feed's, now
    assert links["Relative eight"] == "http://media.example/site/rel/eight.html"

    # Nothing more on a second refresh, nor on importing the cache again.
    stored = articles(db)
    assert json.loads(tuinews(db, "refresh", "--json").stdout)["new"] == 0
    again = tuinews(db, "import", str(nb.urls), str(nb.cache))
    assert f"{nb.rows} articles already stored: 0 marked read, 0 starred now." in again.stdout
    assert [row[:2] + row[-2:] for row in articles(db)] == [row[:2] + row[-2:] for row in stored]

    # The state, written before the refresh and after it, on machines that fetched the
    # feeds themselves: every read and starred article is found there.
    after = state_file(db, tmp_path / "after.json")
    assert "Nov 2025" not in json.dumps(after)
    for name in ("before", "after"):
        other = tmp_path / f"{name}.db"
        said = fetched_elsewhere(other, nb.urls, tmp_path / f"{name}.json")
        assert "5 marked read, 3 starred (7 articles found)." in said, said
        assert "not in this store" not in said
        assert marks(other) == expected


@pytest.mark.slow
def test_two_items_newsboat_kept_as_one(server: FeedServer, tmp_path: Path) -> None:
    """Items without guid, link and title all get newsboat's empty guid: it keeps one
    row for them (one per cache). The refresh finds the one it stands for by its text;
    the other was never imported, so it is new."""
    nb = newsboat_cache(tmp_path / "newsboat", server, ["desc five", "Media group title"])
    db = tmp_path / "tuinews.db"
    assert tuinews(db, "import", str(nb.urls), str(nb.cache)).returncode == 0
    report = json.loads(tuinews(db, "refresh", "--json").stdout)
    assert report["new"] == 1, report
    shown = marks(db)
    assert (shown["desc five"], shown["Media group title"]) == ((True, False), (False, False))
    assert len(shown) == nb.rows + 1
