"""The store: one SQLite file in WAL mode, used from the UI's thread workers and from
the headless commands. Every write is its own short ``BEGIN IMMEDIATE`` transaction
(a feed's update is one transaction; a read flag is committed when it is set)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuinews.models import Article, BodyKind
from tuinews.sanitise import clean_line
from tuinews.store.lock import StoreLock
from tuinews.store.schema import SchemaTooNew, migrate

LOCAL_URL = "local:"
LOCAL_TITLE = "Local"


class StoreError(Exception):
    """A problem with the database file, worded for the user."""


class CorruptStore(StoreError):
    """The file is not a usable SQLite database."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is damaged and cannot be read ({reason})")
        self.path = path


class FeedExists(StoreError):
    """The feed is already subscribed."""


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

    @property
    def name(self) -> str:
        """What to call the feed: the user's title, the feed's, else its URL."""
        return self.user_title or self.title or self.url


@dataclass(slots=True)
class Headline:
    """One row of the headline list: what is needed to draw it, no body. The UI updates
    ``read`` and ``starred`` in place when it changes them in the store."""

    id: int
    feed_id: int
    title: str
    source: str
    published: int | None
    read: bool
    starred: bool

    @property
    def date_text(self) -> str:
        if self.published is None:
            return ""
        return datetime.fromtimestamp(self.published, tz=UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class View:
    """Which headlines to list."""

    feed_id: int | None = None
    tag: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    ids: tuple[int, ...] | None = None  # exactly these articles (files opened this time)


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # by retention
    new_ids: list[int] = field(default_factory=list)


def _digest(article: Article) -> str:
    parts = (article.title, article.author, article.link, article.kind, article.body)
    return hashlib.sha1(
        "\x00".join(parts).encode("utf-8", "replace"), usedforsecurity=False
    ).hexdigest()


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


_FEED_COLUMNS = (
    "f.id, f.url, f.kind, f.title, f.user_title, f.site_url, f.etag, f.last_modified, "
    "f.last_fetch, f.last_success, f.last_error, f.status, f.next_fetch, f.retry_at, f.moved_to, "
    "f.full_text"
)
_FEED_FIELDS = [column.strip()[2:] for column in _FEED_COLUMNS.split(",")]
_HEADLINE_COLUMNS = (
    "a.id, a.feed_id, a.title, "
    "COALESCE(NULLIF(a.source, ''), NULLIF(f.user_title, ''), NULLIF(f.title, ''), f.url), "
    "a.published, a.read, a.starred"
)


class Store:
    """Thread-safe access to one database file (one connection, serialised by a lock)."""

    def __init__(self, path: str | Path, *, exclusive: bool = False) -> None:
        """Open (creating and migrating) the database. ``exclusive``: take the lock that
        makes this the only tuinews writing it (raises AlreadyRunning)."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self._file_lock: StoreLock | None = None
        if exclusive:
            self._file_lock = StoreLock(self.path)
            self._file_lock.acquire()
        try:
            self._db = sqlite3.connect(
                str(self.path), check_same_thread=False, isolation_level=None, timeout=10
            )
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self.created = migrate(self._db)
        except SchemaTooNew as error:
            self._unlock()
            raise StoreError(f"{self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            self._unlock()
            if "not a database" in str(error) or "malformed" in str(error):
                raise CorruptStore(self.path, str(error)) from None
            raise StoreError(f"{self.path}: cannot open the database ({error})") from None

    def _unlock(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self._unlock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ----------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # --- feeds -----------------------------------------------------------------------

    def add_feed(
        self, url: str, title: str = "", tags: Iterable[str] = (), kind: str = "feed"
    ) -> Feed:
        now = int(time.time())
        with self._write() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO feeds (url, kind, user_title, added) VALUES (?, ?, ?, ?)",
                    (url, kind, clean_line(title), now),
                )
            except sqlite3.IntegrityError:
                raise FeedExists(f"already subscribed: {url}") from None
            feed_id = int(cursor.lastrowid or 0)
            self._set_tags(db, feed_id, tags)
        feed = self.get_feed(feed_id)
        assert feed is not None
        return feed

    @staticmethod
    def _set_tags(db: sqlite3.Connection, feed_id: int, tags: Iterable[str]) -> None:
        db.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
        clean = dict.fromkeys(clean_line(tag, limit=200) for tag in tags)
        db.executemany(
            "INSERT INTO feed_tags (feed_id, tag) VALUES (?, ?)",
            [(feed_id, tag) for tag in clean if tag],
        )

    def set_tags(self, feed_id: int, tags: Iterable[str]) -> None:
        with self._write() as db:
            self._set_tags(db, feed_id, tags)

    def set_user_title(self, feed_id: int, title: str) -> None:
        with self._write() as db:
            db.execute("UPDATE feeds SET user_title = ? WHERE id = ?", (clean_line(title), feed_id))

    def set_feed_full_text(self, feed_id: int, on: bool) -> None:
        """Whether new articles of this feed get their full text fetched from their links."""
        with self._write() as db:
            db.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (int(on), feed_id))

    def remove_feed(self, feed_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self, kind: str | None = "feed") -> list[Feed]:
        """Feeds with unread and total counts, by name."""
        where = "WHERE f.kind = ?" if kind else ""
        params: tuple[object, ...] = (kind,) if kind else ()
        rows = self._read(
            f"SELECT {_FEED_COLUMNS}, "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0), "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id), "
            "(SELECT GROUP_CONCAT(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id) "
            f"FROM feeds f {where}",
            params,
        )
        feeds = [self._feed(row) for row in rows]
        return sorted(feeds, key=lambda feed: feed.name.casefold())

    @staticmethod
    def _feed(row: Sequence[Any]) -> Feed:
        count = len(_FEED_FIELDS)
        values = dict(zip(_FEED_FIELDS, row[:count], strict=True))
        values["full_text"] = bool(values["full_text"])
        unread, total, tags = row[count : count + 3]
        return Feed(
            **values,
            tags=tuple(sorted(str(tags).split("\x1f"))) if tags else (),
            unread=int(unread or 0),
            total=int(total or 0),
        )

    def get_feed(self, feed_id: int) -> Feed | None:
        rows = self._read(
            f"SELECT {_FEED_COLUMNS}, "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0), "
            "(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id), "
            "(SELECT GROUP_CONCAT(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id) "
            "FROM feeds f WHERE f.id = ?",
            (feed_id,),
        )
        return self._feed(rows[0]) if rows else None

    def find_feed(self, url_or_id: str) -> Feed | None:
        """A feed by its id (a number) or its URL."""
        if url_or_id.isdigit():
            return self.get_feed(int(url_or_id))
        rows = self._read("SELECT id FROM feeds WHERE url = ?", (url_or_id,))
        return self.get_feed(int(rows[0][0])) if rows else None

    def local_feed_id(self) -> int:
        """The feed that holds local files (made when first needed)."""
        rows = self._read("SELECT id FROM feeds WHERE url = ?", (LOCAL_URL,))
        if rows:
            return int(rows[0][0])
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO feeds (url, kind, title, added) VALUES (?, 'local', ?, ?)",
                (LOCAL_URL, LOCAL_TITLE, int(time.time())),
            )
            row = db.execute("SELECT id FROM feeds WHERE url = ?", (LOCAL_URL,)).fetchone()
        return int(row[0])

    def tags(self) -> list[str]:
        return [
            str(row[0]) for row in self._read("SELECT DISTINCT tag FROM feed_tags ORDER BY tag")
        ]

    # --- fetch bookkeeping -----------------------------------------------------------

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
        now = int(time.time())
        with self._write() as db:
            db.execute(
                "UPDATE feeds SET last_fetch = ?, last_success = ?, last_error = '', "
                "status = 'ok', next_fetch = ?, retry_at = NULL, moved_to = ?, "
                "title = COALESCE(?, title), site_url = COALESCE(?, site_url), "
                "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) "
                "WHERE id = ?",
                (now, now, next_fetch, moved_to, title, site_url, etag, last_modified, feed_id),
            )
            if new_url:
                db.execute(
                    "UPDATE OR IGNORE feeds SET url = ?, moved_to = '' WHERE id = ?",
                    (new_url, feed_id),
                )

    def record_failure(
        self, feed_id: int, error: str, *, gone: bool = False, retry_at: int | None = None
    ) -> None:
        """A fetch failed: say why; keep the articles and the validators."""
        with self._write() as db:
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

    # --- articles --------------------------------------------------------------------

    def upsert_articles(
        self,
        feed_id: int,
        articles: Sequence[Article],
        *,
        keep: int = 0,
        keep_days: int = 0,
    ) -> UpsertCounts:
        """Insert new articles and update changed ones, in one transaction.

        Read and starred flags are never reset. Retention then drops the oldest articles
        beyond ``keep`` per feed and those older than ``keep_days`` (0: no limit), but never
        starred ones and never one that is in this update.
        """
        counts = UpsertCounts()
        now = int(time.time())
        with self._write() as db:
            for article in articles:
                digest = _digest(article)
                published = _timestamp(article.date) or now
                row = db.execute(
                    "SELECT id, digest FROM articles WHERE feed_id = ? AND uid = ?",
                    (feed_id, article.uid),
                ).fetchone()
                if row is None:
                    cursor = db.execute(
                        "INSERT INTO articles (feed_id, uid, title, source, author, link, "
                        "published, added, kind, body, text, digest) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            feed_id,
                            article.uid,
                            article.title,
                            article.source,
                            article.author,
                            article.link,
                            published,
                            now,
                            article.kind,
                            article.body,
                            article.text,
                            digest,
                        ),
                    )
                    counts.new += 1
                    counts.new_ids.append(int(cursor.lastrowid or 0))
                elif row[1] != digest:
                    db.execute(
                        "UPDATE articles SET title = ?, source = ?, author = ?, link = ?, "
                        "published = ?, kind = ?, body = ?, text = ?, digest = ?, "
                        "markdown = NULL WHERE id = ?",
                        (
                            article.title,
                            article.source,
                            article.author,
                            article.link,
                            published,
                            article.kind,
                            article.body,
                            article.text,
                            digest,
                            row[0],
                        ),
                    )
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            counts.removed = self._retain(db, feed_id, [a.uid for a in articles], keep, keep_days)
        return counts

    @staticmethod
    def _retain(
        db: sqlite3.Connection, feed_id: int, current: list[str], keep: int, keep_days: int
    ) -> int:
        removed = 0
        db.execute("CREATE TEMP TABLE IF NOT EXISTS current_uids (uid TEXT PRIMARY KEY)")
        db.execute("DELETE FROM current_uids")
        db.executemany("INSERT OR IGNORE INTO current_uids VALUES (?)", [(u,) for u in current])
        spare = "starred = 0 AND uid NOT IN (SELECT uid FROM current_uids)"
        if keep > 0:
            removed += db.execute(
                f"DELETE FROM articles WHERE feed_id = ? AND {spare} AND id NOT IN "
                "(SELECT id FROM articles WHERE feed_id = ? "
                "ORDER BY published DESC, id DESC LIMIT ?)",
                (feed_id, feed_id, keep),
            ).rowcount
        if keep_days > 0:
            cutoff = int(time.time()) - keep_days * 86400
            removed += db.execute(
                f"DELETE FROM articles WHERE feed_id = ? AND {spare} AND published < ?",
                (feed_id, cutoff),
            ).rowcount
        return removed

    def ids_for_uids(self, feed_id: int, uids: Sequence[str]) -> list[int]:
        """Article ids of these uids in this feed, in the order given."""
        found: dict[str, int] = {}
        for start in range(0, len(uids), 500):
            chunk = list(uids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for uid, article_id in self._read(
                f"SELECT uid, id FROM articles WHERE feed_id = ? AND uid IN ({marks})",
                [feed_id, *chunk],
            ):
                found[str(uid)] = int(article_id)
        return [found[uid] for uid in uids if uid in found]

    def headlines(
        self,
        view: View = View(),
        *,
        match: str | None = None,
        where: Sequence[str] = (),
        params: Sequence[object] = (),
        ranked: bool = False,
        limit: int | None = None,
    ) -> list[Headline]:
        """Headlines in a view, newest first (or by rank for a full-text ``match``)."""
        clauses = list(where)
        values: list[object] = list(params)
        if view.feed_id is not None:
            clauses.append("a.feed_id = ?")
            values.append(view.feed_id)
        if view.tag is not None:
            clauses.append("a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)")
            values.append(view.tag)
        if view.unread_only:
            clauses.append("a.read = 0")
        if view.starred_only:
            clauses.append("a.starred = 1")
        if view.ids is not None:
            clauses.append("a.id IN (SELECT value FROM json_each(?))")
            values.append("[" + ",".join(str(i) for i in view.ids) + "]")
        source = "articles a JOIN feeds f ON f.id = a.feed_id"
        order = "a.published DESC, a.id DESC"
        if match is not None:
            source += " JOIN articles_fts ON articles_fts.rowid = a.id"
            clauses.insert(0, "articles_fts MATCH ?")
            values.insert(0, match)
            if ranked:
                order = "articles_fts.rank, a.published DESC"
        sql = f"SELECT {_HEADLINE_COLUMNS} FROM {source}"
        if clauses:
            sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._read(sql, values)
        return [
            Headline(
                int(r[0]),
                int(r[1]),
                str(r[2]),
                str(r[3]),
                r[4],
                bool(r[5]),
                bool(r[6]),
            )
            for r in rows
        ]

    def get_article(self, article_id: int) -> Article | None:
        rows = self._read(
            "SELECT a.id, a.feed_id, a.uid, a.title, "
            "COALESCE(NULLIF(a.source, ''), NULLIF(f.user_title, ''), NULLIF(f.title, ''), f.url), "
            "a.author, a.link, a.published, a.kind, a.body, a.text, a.markdown, a.read, a.starred, "
            "a.full FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        r = rows[0]
        kind: BodyKind = "html" if r[8] == "html" else "markdown"
        published = r[7]
        return Article(
            title=str(r[3]),
            source=str(r[4]),
            body=str(r[9]),
            kind=kind,
            text=str(r[10]),
            author=str(r[5]),
            date=datetime.fromtimestamp(published, tz=UTC) if isinstance(published, int) else None,
            link=str(r[6]),
            uid=str(r[2]),
            read=bool(r[12]),
            starred=bool(r[13]),
            id=int(r[0]),
            feed_id=int(r[1]),
            full=str(r[14] or ""),
            _markdown=str(r[11]) if r[11] is not None else None,
        )

    def set_full_text(self, article_id: int, markdown: str) -> None:
        """Keep the full article fetched from the link (the feed's summary stays too)."""
        with self._write() as db:
            db.execute("UPDATE articles SET full = ? WHERE id = ?", (markdown, article_id))

    def cache_markdown(self, article_id: int, markdown: str) -> None:
        with self._write() as db:
            db.execute("UPDATE articles SET markdown = ? WHERE id = ?", (markdown, article_id))

    def set_read(self, article_ids: Iterable[int], read: bool = True) -> int:
        """Mark articles read or unread; committed at once. Returns how many changed."""
        ids = list(article_ids)
        changed = 0
        with self._write() as db:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                changed += db.execute(
                    f"UPDATE articles SET read = ? WHERE read != ? AND id IN ({marks})",
                    [int(read), int(read), *chunk],
                ).rowcount
        return changed

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._write() as db:
            db.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def counts(self) -> tuple[int, int, int]:
        """(all, unread, starred) article counts."""
        row = self._read(
            "SELECT COUNT(*), COALESCE(SUM(read = 0), 0), COALESCE(SUM(starred), 0) FROM articles"
        )[0]
        return int(row[0]), int(row[1]), int(row[2])

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM articles LIMIT 1")
