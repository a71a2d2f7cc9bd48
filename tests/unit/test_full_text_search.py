"""The full article fetched from its link (``F`` in the app, feeds set to ``--full-text``)
is searchable: the search index covers what the reader shows (issue 12, defect 14). Real
SQLite files, a real HTTP server on 127.0.0.1, the real command."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.netserver import FeedServer, Response
from tests.unit.store_helpers import index_is_consistent
from tuinews.ingest import Refresher, run_refresh
from tuinews.models import Article
from tuinews.query import parse_query
from tuinews.settings import Settings
from tuinews.store import Store
from tuinews.store.schema import MIGRATIONS, SCHEMA_VERSION, upgrade_note

PAGE = (
    "<html><head><title>Story</title></head><body><nav>Home | About</nav><article>"
    + "".join(
        f"<p>Paragraph {i} of the whole story, where the zeppelin finally lands.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
).encode()


def feed_body(link: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Short</title>'
        f"<item><guid>1</guid><title>Story</title><link>{link}</link>"
        "<description>Only a summary.</description></item></channel></rss>"
    ).encode()


def search(store: Store, words: str) -> list[str]:
    return [h.title for h in store.headlines(query=parse_query(words), ranked=True)]


def test_full_text_fetched_with_f_is_searchable_at_once(tmp_path: Path) -> None:
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/story", Response(body=PAGE, headers={"Content-Type": "text/html"}))
        server.route("/feed.xml", Response(body=feed_body(server.url("/story"))))
        feed = store.add_feed(server.url("/feed.xml"))
        run_refresh(store, Settings(), [feed])
        (headline,) = store.headlines()
        assert search(store, "zeppelin") == []  # only the summary so far

        async def press_f() -> str:  # what the app's F does
            refresher = Refresher(store, Settings())
            try:
                return await refresher.fetch_full_text(headline.id)
            finally:
                await refresher.close()

        assert asyncio.run(press_f()) == ""
        assert search(store, "zeppelin") == ["Story"]
        assert search(store, "zepp") == ["Story"]  # as typed in the search bar
        assert search(store, "summary") == ["Story"]  # the summary is still indexed
        assert store.pending_index() == 0
    index_is_consistent(tmp_path / "t.db")


def test_full_text_feed_is_searchable_from_the_command(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with FeedServer() as server:
        server.route("/story", Response(body=PAGE, headers={"Content-Type": "text/html"}))
        server.route("/feed.xml", Response(body=feed_body(server.url("/story"))))
        with Store(db) as store:
            feed = store.add_feed(server.url("/feed.xml"))
            store.set_feed_full_text(feed.id, True)
        env = dict(os.environ, TUINEWS_DB=str(db))
        command = [sys.executable, "-m", "tuinews"]
        refresh = subprocess.run([*command, "refresh"], capture_output=True, text=True, env=env)
        assert refresh.returncode == 0, refresh.stderr
    found = subprocess.run(
        [*command, "search", "zeppelin", "--json"], capture_output=True, text=True, env=env
    )
    assert found.returncode == 0, found.stderr
    assert [a["title"] for a in json.loads(found.stdout)["articles"]] == ["Story"]


def test_changing_the_full_text_again_keeps_the_index_exact(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        feed = store.add_feed("https://e.example/feed.xml")
        store.upsert_articles(
            feed.id,
            [Article(title="One", source="", body="apple", text="apple", uid="1")],
            index_now=False,  # still waiting to be indexed when the full text comes
        )
        (headline,) = store.headlines()
        store.set_full_text(headline.id, "banana split")
        assert search(store, "banana") == ["One"] and search(store, "apple") == ["One"]
        store.set_full_text(headline.id, "cherry pie")
        assert search(store, "banana") == [] and search(store, "cherry") == ["One"]
        store.remove_feed(feed.id)
        assert search(store, "cherry") == []
    index_is_consistent(tmp_path / "t.db")


def test_full_texts_fetched_before_the_upgrade_become_searchable(tmp_path: Path) -> None:
    """A database of schema 3 (full texts stored, not indexed) is migrated once."""
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        for number, step in enumerate(MIGRATIONS[:3], 1):
            old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
        old.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://x.example/', 0)")
        old.execute(
            "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, text, "
            "full, digest) VALUES (1, 'u', 'Fetched', 1, 0, 'markdown', 's', 'summary', "
            "'The zeppelin story in full.', '')"
        )
        old.execute("DELETE FROM fts_pending")  # indexed by schema 3's own rules
        old.execute(
            "INSERT INTO articles_fts (rowid, title, author, text) "
            "SELECT id, title, author, text FROM articles"
        )
    assert upgrade_note(path) is not None  # the user is told why this start takes longer
    with Store(path) as store:
        assert search(store, "zeppelin") == ["Fetched"]
        assert search(store, "summary") == ["Fetched"]
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert upgrade_note(path) is None
    index_is_consistent(path)
