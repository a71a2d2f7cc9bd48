"""Adding a feed whose document parses but lists no articles (an empty channel, or one
cut short before its first item) says so, instead of a quiet "0 articles"; a title
left without its end tag by the cut is still the feed's name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.netserver import FeedServer, Response
from tuinews.formats import parse_feed
from tuinews.store import Store


def add(db: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", "add", url, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (b"<rss><channel><title>Broken<item>", "Broken"),
        (b"<rss><channel><image><title>Logo</title></image><title>A &amp; B<item>", "A & B"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Cut', "Cut"),
    ],
)
def test_a_document_cut_inside_its_title_keeps_the_title(body: bytes, title: str) -> None:
    parsed = parse_feed(body, "http://127.0.0.1/feed.xml")
    assert (parsed.title, parsed.articles) == (title, [])


def test_a_cut_title_is_one_clean_line() -> None:
    body = "<rss><channel><title>\x1b[31mRed\u202e\nline<item>".encode()
    parsed = parse_feed(body, "http://h/f.xml")
    assert parsed.title == "[31mRed line"


def test_adding_a_feed_without_articles_says_so_and_takes_its_title(
    server: FeedServer, tmp_path: Path
) -> None:
    headers = {"Content-Type": "application/rss+xml"}
    server.route("/cut.xml", Response(body=b"<rss><channel><title>Broken<item>", headers=headers))
    server.route("/bare.xml", Response(body=b"<rss><channel>", headers=headers))
    db = tmp_path / "t.db"

    done = add(db, server.url("/cut.xml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Added Broken, but the feed has no articles")
    bare = add(db, server.url("/bare.xml"))
    assert bare.returncode == 0, bare.stderr
    assert f"Added {server.url('/bare.xml')}, but the feed has no articles" in bare.stdout
    with Store(db) as store:
        assert sorted(feed.name for feed in store.feeds()) == [
            "Broken",
            server.url("/bare.xml"),
        ]
