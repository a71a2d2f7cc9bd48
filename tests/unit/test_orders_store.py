"""Sorting, folders and highlights in the store (issue 15), on a real SQLite file: each
headline order and each feed order as SQL, the natural order of names, a folder as a
view, which headlines highlight queries match, and the indexes that keep the first page
of every order an index scan."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.query import parse_query
from tuinews.query.orders import FEED_ORDERS, HEADLINE_ORDERS, natural_key, next_in
from tuinews.search_results import search_steps
from tuinews.store import Store, View
from tuinews.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_natural_order_sorts_numbers_by_value_and_ignores_case() -> None:
    names = ["feed 10", "Feed 2", "feed 1", "feed 007", "alpha", "Feed 2b", "feed", "feed 9"]
    assert sorted(names, key=natural_key) == [
        "alpha",
        "feed",
        "feed 1",
        "Feed 2",
        "Feed 2b",
        "feed 007",
        "feed 9",
        "feed 10",
    ]
    assert natural_key("a 007") == natural_key("A 7")
    assert natural_key("v" + "9" * 150) > natural_key("v" + "9" * 120)  # (very long numbers)
    assert next_in(HEADLINE_ORDERS, "unread") == "newest"
    assert next_in(FEED_ORDERS, "nonsense") == "name"


def sorted_store(store: Store) -> dict[str, int]:
    """Three feeds ("feed 10", "Feed 2", "feed 1", added in that order) with articles
    whose titles, dates and read flags differ in every order."""
    ids = {}
    for name in ("feed 10", "Feed 2", "feed 1"):
        ids[name] = store.add_feed(f"https://x.example/{name.replace(' ', '')}", name).id
    store.upsert_articles(
        ids["feed 10"],
        [
            article("a", title="banana", day=5),
            article("b", title="Apple", day=1),
        ],
    )
    store.upsert_articles(ids["Feed 2"], [article("c", title="cherry", day=3)])
    store.upsert_articles(
        ids["feed 1"],
        [article("d", title="date", day=4), article("e", title="apricot", day=2)],
    )
    read = [h.id for h in store.headlines() if h.title in ("Apple", "cherry")]
    store.set_read(read)
    return ids


def titles(store: Store, order: str, view: View | None = None, **options: object) -> list[str]:
    found = store.headline_ids(view or View(), order=order, **options)  # type: ignore[arg-type]
    return [h.title for h in store.headlines_by_id(found)]


def test_each_headline_order_lists_the_ids_in_it(store: Store) -> None:
    sorted_store(store)
    assert titles(store, "newest") == ["banana", "date", "cherry", "apricot", "Apple"]
    assert titles(store, "oldest") == ["Apple", "apricot", "cherry", "date", "banana"]
    assert titles(store, "title") == ["Apple", "apricot", "banana", "cherry", "date"]
    # By feed: the feeds by name, naturally ("feed 1", "Feed 2", "feed 10"), newest first.
    assert titles(store, "feed") == ["date", "apricot", "cherry", "banana", "Apple"]
    assert titles(store, "unread") == ["banana", "date", "apricot", "cherry", "Apple"]
    # The first page is the start of the same list, in every order.
    for order in HEADLINE_ORDERS:
        assert titles(store, order, limit=2) == titles(store, order)[:2], order
        page = store.first_page(View(), rows=3, ranked_max=2, order=order)
        assert [h.title for h in page.rows] == titles(store, order)[:3], order
        # The rows of the headline list (store.headlines) are in the same order.
        assert [h.title for h in store.headlines(View(), order=order)] == titles(store, order)


def test_orders_hold_in_views_and_with_a_query(store: Store) -> None:
    ids = sorted_store(store)
    one = View(feed_id=ids["feed 10"])
    assert titles(store, "title", one) == ["Apple", "banana"]
    assert titles(store, "oldest", one) == ["Apple", "banana"]
    assert titles(store, "unread", View(unread_only=True)) == ["banana", "date", "apricot"]
    assert titles(store, "feed", View(unread_only=True)) == ["date", "apricot", "banana"]
    assert titles(store, "title", View(), query=parse_query("is:read")) == ["Apple", "cherry"]
    words = parse_query("body")  # (every article's text: "Body of a.")
    assert titles(store, "title", View(), query=words)[0] == "Apple"
    assert titles(store, "feed", View(), query=words) == titles(store, "feed")
    # The unread first, with a limit that ends among them or among the read ones.
    assert titles(store, "unread", limit=2) == ["banana", "date"]
    assert titles(store, "unread", limit=4) == ["banana", "date", "apricot", "cherry"]


def test_a_search_typed_lists_its_matches_best_first_whatever_the_order(store: Store) -> None:
    sorted_store(store)
    text = "title:banana OR title:apple"
    steps = list(search_steps(store, View(), text, parse_query(text), lambda: False, order="title"))
    ranked = store.first_page(View(), parse_query(text))
    assert [h.title for h in steps[0].rows] == [h.title for h in ranked.rows]
    shown = list(search_steps(store, View(), "", parse_query(""), lambda: False, order="title"))
    assert [h.title for h in shown[0].rows] == titles(store, "title")


def test_each_feed_order(store: Store) -> None:
    ids = sorted_store(store)
    empty = store.add_feed("https://x.example/empty", "feed 3")
    names = {order: [f.name for f in store.feeds(order=order)] for order in FEED_ORDERS}
    assert names["name"] == ["feed 1", "Feed 2", "feed 3", "feed 10"]
    assert names["unread"] == ["feed 1", "feed 10", "Feed 2", "feed 3"]  # 2, 1, 0, 0
    assert names["updated"] == ["feed 10", "feed 1", "Feed 2", "feed 3"]  # none last
    assert names["added"] == ["feed 10", "Feed 2", "feed 1", "feed 3"]
    assert store.feeds(order="nonsense") == store.feeds()
    assert empty.id > ids["feed 1"]


def folder_store(store: Store) -> dict[str, int]:
    ids = {}
    for name, tags in (
        ("europe", ["world/europe"]),
        ("paris", ["world/europe/france", "cities"]),
        ("plain", ["world"]),
        ("wide", ["worldwide"]),
        ("other", ["world2/x"]),
    ):
        ids[name] = store.add_feed(f"https://x.example/{name}", name, tags=tags).id
        store.upsert_articles(ids[name], [article(name, title=f"news from {name}")])
    return ids


def test_a_folder_lists_its_feeds_and_those_below_it(store: Store) -> None:
    folder_store(store)

    def listed(folder: str) -> set[str]:
        return {h.title[10:] for h in store.headlines(View(folder=folder))}

    assert listed("world") == {"europe", "paris", "plain"}
    assert listed("world/europe") == {"europe", "paris"}
    assert listed("world/europe/france") == {"paris"}
    assert store.unread_count(View(folder="world/europe")) == 2
    assert store.mark_view_read(View(folder="world/europe")) == 2
    assert {h.title[10:] for h in store.headlines(View(unread_only=True))} == {
        "plain",
        "wide",
        "other",
    }


def test_highlights_match_a_page_of_headlines_by_the_first_query(store: Store) -> None:
    feed = store.add_feed("https://x.example/f", "Tech news")
    store.upsert_articles(
        feed.id,
        [
            article("1", title="Rust 2.0 released", body="A language."),
            article("2", title="Weather", body="Rust on the bridge.", author="Ann Rust"),
            article("3", title="Cooking", body="Nothing to see."),
            article("4", title="Politics", body="The vote."),
        ],
    )
    store.index_pending()
    by_title = {h.title: h.id for h in store.headlines()}
    store.set_starred(by_title["Cooking"], True)
    ids = list(by_title.values())
    queries = [parse_query(q + " ") for q in ("title:rust", "rust", "is:starred", "author:ann")]
    found = store.highlight_matches(ids, queries)
    assert found == {
        by_title["Rust 2.0 released"]: 0,
        by_title["Weather"]: 1,
        by_title["Cooking"]: 2,
    }
    assert store.highlight_matches(ids, queries[3:]) == {by_title["Weather"]: 0}
    assert store.highlight_matches([by_title["Politics"]], queries) == {}
    assert store.highlight_matches([], queries) == {}
    # The small index of the page is emptied after: the next page finds only its own.
    assert store.highlight_matches([by_title["Weather"]], queries[:1]) == {}


def explained(db: Path, sql: str) -> str:
    with closing(sqlite3.connect(db)) as connection, connection:
        rows = connection.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    return " | ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    ("order", "index"),
    [
        ("a.published DESC, a.id DESC", "articles_list"),
        ("a.published ASC, a.id ASC", "articles_list"),
        ("a.title_key, a.id DESC", "articles_by_title"),  # (natural order: title_key)
    ],
)
def test_the_first_page_of_an_order_is_an_index_scan(
    tmp_path: Path, order: str, index: str
) -> None:
    path = tmp_path / "t.db"
    Store(path).close()
    plan = explained(
        path,
        f"SELECT a.id FROM articles a WHERE a.hidden = 0 AND a.read = 0 ORDER BY {order} LIMIT 60",
    )
    assert index in plan and "TEMP B-TREE" not in plan, plan


def test_by_feed_reads_each_feed_in_order_from_its_index(store: Store) -> None:
    sorted_store(store)
    from tuinews.store.order_sql import FEED_ORDER_SOURCE, fill_feed_order, order_sql

    with store.database.reading() as db:
        fill_feed_order(db)
        plan = " | ".join(
            str(row[-1])
            for row in db.execute(
                f"EXPLAIN QUERY PLAN SELECT a.id FROM {FEED_ORDER_SOURCE} "
                f"WHERE a.hidden = 0 ORDER BY {order_sql('feed')} LIMIT 60"
            )
        )
    assert "articles_by_feed" in plan and "TEMP B-TREE" not in plan, plan


def test_an_older_database_gets_the_indexes_of_the_orders(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        for number, step in enumerate(MIGRATIONS[:8], start=1):
            if isinstance(step, str):
                old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
            else:
                old.execute("BEGIN")
                step(old)
                old.execute(f"PRAGMA user_version = {number}")
                old.execute("COMMIT")
    old.close()
    with Store(path) as store:
        feed = store.add_feed("https://x.example/f", "f")
        store.upsert_articles(feed.id, [article("1", date=datetime(2024, 1, 1, tzinfo=UTC))])
        assert [h.title for h in store.headlines(order="title")] == ["Title 1"]
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    assert {"articles_by_title", "articles_by_feed"} <= indexes
