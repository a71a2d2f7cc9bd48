"""Feeds: subscriptions, tags, and the bookkeeping of fetching them (the tables
``feeds`` and ``feed_tags``)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tuinews.links import shown_url
from tuinews.query.orders import FEED_ORDERS
from tuinews.sanitise import clean_line
from tuinews.store.database import Database, StoreError
from tuinews.store.order_sql import FEED_NAME_SQL


def clean_tag(tag: str) -> str:
    """A tag as stored: one clean line, its folders (``/``) without blanks around them
    nor empty ones ("/lead", "trail/" and "a//b" are "lead", "trail" and "a/b")."""
    parts = (part.strip() for part in clean_line(tag, limit=200).split("/"))
    return "/".join(part for part in parts if part)


# The source an article shows: the user's name for its feed first; for the local files'
# feed (which has none) each file's own source; for a fetched or synced feed its title
# now (the article keeps the name the feed had when it came: a feed renamed on its
# server showed its articles under the old name), then the article's, then the URL.
SHOWN_SOURCE = (
    "COALESCE(NULLIF(f.user_title, ''), "
    "CASE WHEN f.kind = 'local' THEN NULLIF(a.source, '') END, "
    "NULLIF(f.title, ''), NULLIF(a.source, ''), f.url)"
)

LOCAL_URL = "local:"
LOCAL_TITLE = "Local"


class FeedExists(StoreError):
    """The feed is already subscribed."""


@dataclass(frozen=True)
class FeedSuccess:
    """What a successful fetch records about its feed (None: leave the stored value)."""

    title: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_fetch: int | None = None
    moved_to: str = ""
    new_url: str | None = None


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    kind: str
    title: str
    user_title: str
    site_url: str
    etag: str | None
    last_modified: str | None
    last_fetch: int | None
    last_success: int | None
    last_error: str
    status: str
    next_fetch: int | None
    retry_at: int | None
    moved_to: str
    full_text: bool
    tags: tuple[str, ...] = ()
    unread: int = 0
    total: int = 0
    starred: int = 0
    hidden: bool = False  # not in the All and Unread views (newsboat's "!" tag)
    account_id: int | None = None  # kind 'account': its server's, never fetched by a refresh
    # Its own settings (`tuinews feed set`); None or "": the global one.
    refresh_interval: int | None = None  # minutes between automatic refreshes
    keep: int | None = None  # articles kept
    user_agent: str = ""

    @property
    def name(self) -> str:
        """What to call the feed: the user's title, the feed's, else its URL (without a
        password in it)."""
        return self.user_title or self.title or shown_url(self.url)


_FEED_COLUMNS = (
    "f.id, f.url, f.kind, f.title, f.user_title, f.site_url, f.etag, f.last_modified, "
    "f.last_fetch, f.last_success, f.last_error, f.status, f.next_fetch, f.retry_at, f.moved_to, "
    "f.full_text, f.hidden, f.account_id, f.refresh_interval, f.keep, f.user_agent"
)
# What ``Feeds.change_feed`` may set: a feed's own settings.
SETTING_COLUMNS = frozenset(
    {"user_title", "refresh_interval", "keep", "full_text", "hidden", "user_agent"}
)
_FEED_FIELDS = [column.strip()[2:] for column in _FEED_COLUMNS.split(",")]
_BY_NAME = f"natural_key({FEED_NAME_SQL}), f.id"
_FEED_ORDERS = {
    "name": _BY_NAME,
    "unread": f"COALESCE(c.unread, 0) DESC, {_BY_NAME}",
    "updated": "(SELECT MAX(published) FROM articles WHERE feed_id = f.id) DESC NULLS LAST, "
    + _BY_NAME,
    "added": "f.id",
}
assert set(_FEED_ORDERS) == set(FEED_ORDERS)


class Feeds:
    """The feeds and their tags."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add_feed(
        self,
        url: str,
        title: str = "",
        tags: Iterable[str] = (),
        kind: str = "feed",
        *,
        hidden: bool = False,
    ) -> Feed:
        now = int(time.time())
        with self.database.write() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO feeds (url, kind, user_title, hidden, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (url, kind, clean_line(title), int(hidden), now),
                )
            except sqlite3.IntegrityError:
                raise FeedExists(f"already subscribed: {url}") from None
            feed_id = int(cursor.lastrowid or 0)
            self.set_tags_in(db, feed_id, tags)
        feed = self.get_feed(feed_id)
        assert feed is not None
        return feed

    @staticmethod
    def set_tags_in(db: sqlite3.Connection, feed_id: int, tags: Iterable[str]) -> None:
        """Replace a feed's tags, in the caller's transaction ``db``."""
        db.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
        clean = dict.fromkeys(clean_tag(tag) for tag in tags)
        db.executemany(
            "INSERT INTO feed_tags (feed_id, tag) VALUES (?, ?)",
            [(feed_id, tag) for tag in clean if tag],
        )

    def set_tags(self, feed_id: int, tags: Iterable[str]) -> None:
        with self.database.write() as db:
            self.set_tags_in(db, feed_id, tags)

    def merge_feed(
        self,
        url: str,
        title: str = "",
        tags: Iterable[str] = (),
        *,
        hidden: bool = False,
        feed_title: str = "",
        site_url: str = "",
    ) -> tuple[int, str]:
        """Subscribe to ``url``, or give the feed what it lacks: ``title`` (the user's) if
        it has none, the ``tags`` it does not have, ``hidden`` if set (never unset), and the
        feed's own ``feed_title`` and ``site_url`` until a fetch gives them. What an import
        does, so importing the same thing again changes nothing. Returns the feed's id and
        "added", "updated" or "unchanged"."""
        title, feed_title = clean_line(title), clean_line(feed_title)
        tags = [tag for tag in dict.fromkeys(clean_tag(tag) for tag in tags) if tag]
        with self.database.write() as db:
            row = db.execute(
                "SELECT id FROM feeds WHERE url = ? AND account_id IS NULL", (url,)
            ).fetchone()
            if row is None:
                cursor = db.execute(
                    "INSERT INTO feeds (url, user_title, title, site_url, hidden, added) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (url, title, feed_title, site_url, int(hidden), int(time.time())),
                )
                feed_id = int(cursor.lastrowid or 0)
                self.set_tags_in(db, feed_id, tags)
                return feed_id, "added"
            feed_id = int(row[0])
            changed = db.execute(
                "UPDATE feeds SET "
                "user_title = CASE WHEN user_title = '' THEN ?1 ELSE user_title END, "
                "title = CASE WHEN title = '' THEN ?2 ELSE title END, "
                "site_url = CASE WHEN site_url = '' THEN ?3 ELSE site_url END, "
                "hidden = MAX(hidden, ?4) WHERE id = ?5 AND ("
                "(user_title = '' AND ?1 != '') OR (title = '' AND ?2 != '') "
                "OR (site_url = '' AND ?3 != '') OR hidden < ?4)",
                (title, feed_title, site_url, int(hidden), feed_id),
            ).rowcount
            changed += db.executemany(
                "INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)",
                [(feed_id, tag) for tag in tags],
            ).rowcount
        return feed_id, "updated" if changed else "unchanged"

    def set_feed_hidden(self, feed_id: int, hidden: bool) -> None:
        """Whether the feed's articles stay out of the All and Unread views."""
        with self.database.write() as db:
            db.execute("UPDATE feeds SET hidden = ? WHERE id = ?", (int(hidden), feed_id))

    def hidden_feed_ids(self) -> tuple[int, ...]:
        """The hidden feeds (a scan of the feeds table: well under 1 ms for 1,000 feeds)."""
        return tuple(
            int(row[0]) for row in self.database.read("SELECT id FROM feeds WHERE hidden = 1")
        )

    def hidden_articles(self, feed_id: int) -> int:
        """How many of the feed's articles a rule hid (counted nowhere else: removing the
        feed removes them too)."""
        rows = self.database.read(
            "SELECT COUNT(*) FROM articles WHERE feed_id = ? AND hidden = 1", (feed_id,)
        )
        return int(rows[0][0])

    def set_feed_full_text(self, feed_id: int, on: bool) -> None:
        """Whether new articles of this feed get their full text fetched from their links."""
        with self.database.write() as db:
            db.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (int(on), feed_id))

    def change_feed(
        self,
        feed_id: int,
        columns: Mapping[str, str | int | bool | None],
        tags: Iterable[str] | None = None,
    ) -> Feed | None:
        """Set a feed's own settings (``columns``: of SETTING_COLUMNS, values checked by
        the caller) and, unless None, replace its tags, all in one transaction. The feed
        as it is then; None when there is no such feed (nothing is changed)."""
        unknown = set(columns) - SETTING_COLUMNS
        if unknown:
            raise ValueError(f"not a feed setting: {', '.join(sorted(unknown))}")
        values = {
            column: clean_line(value) if isinstance(value, str) else value
            for column, value in columns.items()
        }
        with self.database.write() as db:
            if db.execute("SELECT 1 FROM feeds WHERE id = ?", (feed_id,)).fetchone() is None:
                return None
            if values:
                assignments = ", ".join(f"{column} = ?" for column in values)
                db.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = ?", (*values.values(), feed_id)
                )
            if tags is not None:
                self.set_tags_in(db, feed_id, tags)
        return self.get_feed(feed_id)

    def remove_feed(self, feed_id: int) -> None:
        with self.database.write() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self, kind: str | None = "feed", order: str = "name") -> list[Feed]:
        """Feeds with unread and total counts (of the articles shown: not those a rule
        hid), in ``order`` (``tuinews.query.orders``): by name (natural order: "feed 2"
        before "feed 10"), most unread first, the latest article first (a feed without
        dated articles last), or in the order they were added (imported)."""
        where = "WHERE f.kind = ?" if kind else ""
        params: tuple[object, ...] = (kind,) if kind else ()
        # One GROUP BY over the index articles_by_feed_state, not a count per feed: about
        # 7 ms for 1,000 feeds and 100,000 articles; the latest article of each feed is
        # the first of its entries in articles_by_feed (a lookup per feed: about 2 ms).
        rows = self.database.read(
            f"SELECT {_FEED_COLUMNS}, c.unread, c.total, "
            "(SELECT GROUP_CONCAT(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id), "
            "c.starred FROM feeds f LEFT JOIN (SELECT feed_id, SUM(read = 0) AS unread, "
            "COUNT(*) AS total, SUM(starred) AS starred FROM articles "
            "INDEXED BY articles_by_feed_state WHERE hidden = 0 GROUP BY feed_id) c "
            "ON c.feed_id = f.id "
            f"{where} ORDER BY {_FEED_ORDERS.get(order, _FEED_ORDERS['name'])}",
            params,
        )
        return [self._feed(row) for row in rows]

    @staticmethod
    def _feed(row: Sequence[Any]) -> Feed:
        count = len(_FEED_FIELDS)
        values = dict(zip(_FEED_FIELDS, row[:count], strict=True))
        values["full_text"] = bool(values["full_text"])
        values["hidden"] = bool(values["hidden"])
        unread, total, tags, starred = row[count : count + 4]
        return Feed(
            **values,
            tags=tuple(sorted(str(tags).split("\x1f"))) if tags else (),
            unread=int(unread or 0),
            total=int(total or 0),
            starred=int(starred or 0),
        )

    def get_feed(self, feed_id: int) -> Feed | None:
        rows = self.database.read(
            f"SELECT {_FEED_COLUMNS}, "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0 "
            "AND a.hidden = 0), "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.hidden = 0), "
            "(SELECT GROUP_CONCAT(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id), "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.starred = 1 "
            "AND a.hidden = 0) "
            "FROM feeds f WHERE f.id = ?",
            (feed_id,),
        )
        return self._feed(rows[0]) if rows else None

    def find_feed(self, url_or_id: str, account_id: int | None = None) -> Feed | None:
        """A feed by its id (a number) or its URL: a local one, or with ``account_id``
        that account's (the same URL may be both)."""
        if url_or_id.isdigit():
            return self.get_feed(int(url_or_id))
        rows = self.database.read(
            "SELECT id FROM feeds WHERE url = ? AND COALESCE(account_id, 0) = ?",
            (url_or_id, account_id or 0),
        )
        return self.get_feed(int(rows[0][0])) if rows else None

    def local_feed_id(self) -> int:
        """The feed that holds local files (made when first needed)."""
        rows = self.database.read("SELECT id FROM feeds WHERE url = ?", (LOCAL_URL,))
        if rows:
            return int(rows[0][0])
        with self.database.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO feeds (url, kind, title, added) VALUES (?, 'local', ?, ?)",
                (LOCAL_URL, LOCAL_TITLE, int(time.time())),
            )
            row = db.execute("SELECT id FROM feeds WHERE url = ?", (LOCAL_URL,)).fetchone()
        return int(row[0])

    def record_success(
        self,
        feed_id: int,
        *,
        title: str | None = None,
        site_url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        next_fetch: int | None = None,
        moved_to: str = "",
        new_url: str | None = None,
    ) -> None:
        """A fetch worked (200 or 304). Validators are replaced only when given."""
        success = FeedSuccess(title, site_url, etag, last_modified, next_fetch, moved_to, new_url)
        with self.database.write() as db:
            self.record_success_in(db, feed_id, success)

    def record_successes(self, successes: Sequence[tuple[int, FeedSuccess]]) -> None:
        """Several feeds' successful fetches (``(feed id, success)``), in one transaction:
        all recorded, or (on an error) none."""
        with self.database.write() as db:
            for feed_id, success in successes:
                self.record_success_in(db, feed_id, success)

    @staticmethod
    def record_success_in(db: sqlite3.Connection, feed_id: int, success: FeedSuccess) -> None:
        """Record a successful fetch in the caller's transaction ``db`` (with the
        articles it brought: see ``Articles.upsert_articles``)."""
        now = int(time.time())
        db.execute(
            "UPDATE feeds SET last_fetch = ?, last_success = ?, last_error = '', "
            "status = 'ok', next_fetch = ?, retry_at = NULL, moved_to = ?, "
            "title = COALESCE(?, title), site_url = COALESCE(?, site_url), "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) "
            "WHERE id = ?",
            (
                now,
                now,
                success.next_fetch,
                success.moved_to,
                success.title,
                success.site_url,
                success.etag,
                success.last_modified,
                feed_id,
            ),
        )
        if success.new_url:
            db.execute(
                "UPDATE OR IGNORE feeds SET url = ?, moved_to = '' WHERE id = ?",
                (success.new_url, feed_id),
            )

    def record_failure(
        self, feed_id: int, error: str, *, gone: bool = False, retry_at: int | None = None
    ) -> None:
        """A fetch failed: say why; keep the articles and the validators."""
        with self.database.write() as db:
            db.execute(
                "UPDATE feeds SET last_fetch = ?, last_error = ?, status = ?, retry_at = ? "
                "WHERE id = ?",
                (
                    int(time.time()),
                    clean_line(error, 300),
                    "gone" if gone else "failed",
                    retry_at,
                    feed_id,
                ),
            )
