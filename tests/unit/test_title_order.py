"""Headlines sorted by title (``O``) are in natural order, as the feeds are: "apple item
2" before "apple item 10", case left out. The store sorts (on a real SQLite file): each
article's title_key is written with its title, by every path that writes one (a refresh,
an update, an import), and an older database gets the keys of what it holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.builders import article
from tuinews.query.orders import natural_key
from tuinews.store import Store, View
from tuinews.store.schema import MIGRATIONS, SCHEMA_VERSION, WRITES_ARTICLES, upgrade_note

TITLES = ["apple item 10", "Apple item 2", "banana", "apple item 1", "apple item 02b", "Apple"]
NATURAL = ["Apple", "apple item 1", "Apple item 2", "apple item 02b", "apple item 10", "banana"]


def titles(store: Store, view: View | None = None) -> list[str]:
    found = store.headline_ids(view or View(), order="title")
    return [h.title for h in store.headlines_by_id(found)]


def test_headlines_by_title_are_in_natural_order(store: Store) -> None:
    feed = store.add_feed("https://x.example/a", "a")
    store.upsert_articles(feed.id, [article(str(n), title=t) for n, t in enumerate(TITLES)])
    assert titles(store) == NATURAL
    assert titles(store, View(feed_id=feed.id)) == NATURAL
    assert [h.title for h in store.first_page(View(), rows=3, order="title").rows] == NATURAL[:3]
    assert [h.title for h in store.headlines(View(), order="title")] == NATURAL
    # A title changed by the feed: its place changes with it.
    store.upsert_articles(feed.id, [article("2", title="apple item 3")])  # was "banana"
    assert titles(store)[-2:] == ["apple item 3", "apple item 10"]


def test_imported_articles_are_sorted_by_title_too(store: Store) -> None:
    feed = store.add_feed("https://x.example/b", "b")
    store.import_articles(feed.id, [article(str(n), title=t) for n, t in enumerate(TITLES)])
    assert titles(store) == NATURAL


def test_an_older_database_gets_the_title_keys_of_its_articles(tmp_path: Path) -> None:
    own = next(
        number
        for number, step in enumerate(MIGRATIONS)
        if isinstance(step, str) and "title_key" in step
    )
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    for number, step in enumerate(MIGRATIONS[:own], start=1):
        if isinstance(step, str):
            old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
        else:
            old.execute("BEGIN")
            step(old)
            old.execute(f"PRAGMA user_version = {number}")
            old.execute("COMMIT")
    old.execute("INSERT INTO feeds (url, title, added) VALUES ('https://x.example/c', 'c', 0)")
    old.executemany(
        "INSERT INTO articles (feed_id, uid, title, source, author, link, published, added, "
        "kind, body, text, digest) VALUES (1, ?, ?, '', '', '', ?, 0, 'markdown', '', '', '')",
        [(str(n), title, n) for n, title in enumerate(TITLES)],
    )
    old.close()
    with Store(path) as store:
        assert titles(store) == NATURAL
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        keys = db.execute("SELECT title, title_key FROM articles").fetchall()
    assert all(key == natural_key(title) for title, key in keys)


def test_the_user_is_told_that_the_database_is_updated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        old.execute(f"PRAGMA user_version = {WRITES_ARTICLES - 1}")
    assert upgrade_note(path) == "updating the database for this version (once)"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        old.execute(f"PRAGMA user_version = {WRITES_ARTICLES}")
    assert upgrade_note(path) is None  # (the steps left are quick: nothing to say)
