"""The orders of the headline list (``tuinews.query.orders``) as SQL over ``articles a``.

Each is read from an index in its order, so the first page of 100,000 articles is an
index scan, not a sort (benchmarks/scale.py): newest and oldest first from articles_list
(read forwards, or backwards), by title from articles_by_title (over ``title_key``:
the title's natural sort key, "item 2" before "item 10"), unread first from
articles_list twice (the unread, then the read: ``Listing.ids``). By feed, the feeds'
order (their names, naturally sorted) is put in a small table of the connection,
``temp.feed_order``, made again before each listing (1,000 feeds: about 1 ms); SQLite
reads it in order and each feed's articles from articles_by_feed, newest first. A search
that finds words is sorted after its matches are found (a sort of the matches)."""

from __future__ import annotations

import sqlite3

from tuinews.query.orders import HEADLINE_ORDERS

# The name a feed is listed by (Feed.name: the user's title, the feed's, its URL).
FEED_NAME_SQL = "COALESCE(NULLIF(f.user_title, ''), NULLIF(f.title, ''), f.url)"

ORDER_SQL = {
    "newest": "a.published DESC, a.id DESC",
    "oldest": "a.published ASC, a.id ASC",
    "title": "a.title_key, a.id DESC",  # natural order (schema: migration 13)
    "feed": "feed_order.rank, a.published DESC, a.id DESC",
    "unread": "a.read, a.published DESC, a.id DESC",
}
assert set(ORDER_SQL) == set(HEADLINE_ORDERS)

# The table of the feeds' order, joined so that SQLite reads it first (CROSS JOIN: the
# outer loop), then each feed's articles.
FEED_ORDER_SOURCE = "temp.feed_order CROSS JOIN articles a ON a.feed_id = feed_order.feed_id"
_MAKE = (
    "CREATE TEMP TABLE IF NOT EXISTS feed_order "
    "(rank INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL UNIQUE)"
)


def order_sql(order: str) -> str:
    """The ORDER BY of a headline order (newest first for an unknown one)."""
    return ORDER_SQL.get(order, ORDER_SQL["newest"])


def fill_feed_order(db: sqlite3.Connection) -> None:
    """Make ``temp.feed_order`` list the feeds by name (naturally sorted) on ``db``, the
    connection the listing then runs on (outside a transaction, or in the caller's: only
    the connection's own temporary table is written)."""
    db.execute(_MAKE)
    db.execute("DELETE FROM temp.feed_order")
    db.execute(
        "INSERT INTO temp.feed_order (feed_id) "
        f"SELECT f.id FROM feeds f ORDER BY natural_key({FEED_NAME_SQL}), f.id"
    )
