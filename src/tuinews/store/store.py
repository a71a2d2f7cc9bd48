"""The store: feeds (see :mod:`tuinews.store.feeds`), articles, read and starred state,
and full-text search."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tuinews.models import Article, BodyKind
from tuinews.query import Query
from tuinews.store import transfer
from tuinews.store.base import CorruptStore, FeedExists, StoreError
from tuinews.store.feeds import LOCAL_TITLE, LOCAL_URL, Feed, FeedSuccess
from tuinews.store.query_sql import query_sql
from tuinews.store.transfer import ImportCounts, StateCounts
from tuinews.store.views import (
    DATE_ORDER,
    EVERYTHING,
    HEADLINE_COLUMNS,
    RANK_ORDER,
    Headline,
    ListingStore,
    View,
    make_headline,
    select_sql,
)

__all__ = [
    "LOCAL_TITLE",
    "LOCAL_URL",
    "CorruptStore",
    "Feed",
    "FeedExists",
    "FeedSuccess",
    "Headline",
    "Store",
    "StoreError",
    "UpsertCounts",
    "View",
]


INDEX_BATCH = 1000  # articles indexed for search in one go, at most


def _pending(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # by retention
    new_ids: list[int] = field(default_factory=list)


def _digest(article: Article) -> str:
    import hashlib  # here: loading OpenSSL's hashes costs 2 ms before the first frame

    parts = (article.title, article.author, article.link, article.kind, article.body)
    return hashlib.sha1(
        "\x00".join(parts).encode("utf-8", "replace"), usedforsecurity=False
    ).hexdigest()


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


class Store(ListingStore):
    """Thread-safe access to one database file: feeds and articles."""

    # --- articles --------------------------------------------------------------------

    def upsert_articles(
        self,
        feed_id: int,
        articles: Sequence[Article],
        *,
        keep: int = 0,
        keep_days: int = 0,
        index_now: bool = True,
        success: FeedSuccess | None = None,
    ) -> UpsertCounts:
        """Insert new articles and update changed ones, in one transaction.

        Read and starred flags are never reset. Retention then drops the oldest articles
        beyond ``keep`` per feed and those older than ``keep_days`` (0: no limit), but never
        starred ones and never one that is in this update.

        New and changed articles are searchable once indexed: at once with ``index_now``;
        otherwise when INDEX_BATCH of them are waiting, or at ``index_pending()`` (a
        refresh indexes a thousand at a time: see migration 2). ``success``: the feed's
        fetch is recorded in the same transaction (validators and articles together).
        """
        counts = UpsertCounts()
        now = int(time.time())
        with self._write() as db:
            self._upsert(db, feed_id, articles, counts, now)
            counts.removed = self._retain(db, feed_id, [a.uid for a in articles], keep, keep_days)
            if success is not None:
                self._record_success(db, feed_id, success)
            if index_now or _pending(db) >= INDEX_BATCH:
                self._index(db)
        return counts

    def import_articles(
        self, feed_id: int, articles: Sequence[Article], *, keep: int = 0, keep_days: int = 0
    ) -> ImportCounts:
        """Store imported articles (newsboat's cache) with their read and starred flags,
        in one transaction: new ones are added, stored ones only get the marks they lack
        (see :mod:`tuinews.store.transfer`). Retention then applies as after a refresh.
        Searchable once indexed (a thousand at a time; ``index_pending`` for the rest)."""
        with self._write() as db:
            counts = transfer.insert_articles(db, feed_id, articles, int(time.time()), _digest)
            self._retain(db, feed_id, [], keep, keep_days)
            transfer.count_kept(db, counts)
            if _pending(db) >= INDEX_BATCH:
                self._index(db)
        return counts

    def article_states(self) -> list[tuple[str, str, bool, bool]]:
        """(feed URL, article uid, read, starred) of the read or starred articles of
        fetched feeds: what ``tuinews export --state`` writes."""
        with self._lock:
            return list(transfer.article_states(self._db))

    def apply_state(self, feeds: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> StateCounts:
        """Mark read and starred the articles named by (feed URL, read uids, starred
        uids), in one transaction; never clears a mark. Unknown ones are only counted."""
        total = transfer.StateCounts()
        with self._write() as db:
            for url, read, starred in feeds:
                counts = transfer.apply_state(db, url, read, starred)
                total.matched += counts.matched
                total.marked_read += counts.marked_read
                total.marked_starred += counts.marked_starred
                total.unknown += counts.unknown
        return total

    def index_pending(self) -> int:
        """Index every article waiting for it (in batches, each its own transaction);
        returns how many were indexed."""
        done = 0
        while True:
            with self._write() as db:
                indexed = self._index(db, INDEX_BATCH)
            done += indexed
            if indexed < INDEX_BATCH:
                return done

    def pending_index(self) -> int:
        """How many articles are waiting to be indexed for search."""
        with self._lock:
            return _pending(self._db)

    @staticmethod
    def _index(db: sqlite3.Connection, limit: int = -1) -> int:
        """Index up to ``limit`` waiting articles (-1: all), oldest first."""
        last = db.execute(
            "SELECT max(id) FROM (SELECT id FROM fts_pending ORDER BY id LIMIT ?)", (limit,)
        ).fetchone()[0]
        if last is None:
            return 0
        db.execute(
            "INSERT INTO articles_fts (rowid, title, author, text, full) "
            "SELECT a.id, a.title, a.author, a.text, a.full FROM fts_pending p "
            "JOIN articles a ON a.id = p.id WHERE p.id <= ?",
            (last,),
        )
        return int(db.execute("DELETE FROM fts_pending WHERE id <= ?", (last,)).rowcount)

    @staticmethod
    def _index_one(db: sqlite3.Connection, article_id: int) -> None:
        """Index one article now, if it is waiting (its values as they are now)."""
        db.execute(
            "INSERT INTO articles_fts (rowid, title, author, text, full) "
            "SELECT id, title, author, text, full FROM articles "
            "WHERE id = ? AND id IN (SELECT id FROM fts_pending)",
            (article_id,),
        )
        db.execute("DELETE FROM fts_pending WHERE id = ?", (article_id,))

    @staticmethod
    def _upsert(
        db: sqlite3.Connection,
        feed_id: int,
        articles: Sequence[Article],
        counts: UpsertCounts,
        now: int,
    ) -> None:
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
        view: View = EVERYTHING,
        query: Query | None = None,
        *,
        ranked: bool = False,
        limit: int | None = None,
        now: int | None = None,
    ) -> list[Headline]:
        """Headlines in a view (or a search in it), newest first, or by relevance if
        ``ranked`` and the query finds words: all of them, or the first ``limit``
        (``now``: what ``age:`` counts from, the clock by default). The headline list
        pages with ``headline_ids`` and ``headlines_by_id`` instead."""
        found = query_sql(query, now)
        order = RANK_ORDER if found.match is not None and ranked else DATE_ORDER
        sql, values = select_sql(
            HEADLINE_COLUMNS,
            view,
            found,
            order=order,
            feeds=True,
            hidden=self.hidden_for(view, found.with_hidden),
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [make_headline(row) for row in self._read(sql, values)]

    def get_article(self, article_id: int) -> Article | None:
        rows = self._read(
            "SELECT a.id, a.feed_id, a.uid, a.title, "
            "COALESCE(NULLIF(f.user_title, ''), NULLIF(a.source, ''), NULLIF(f.title, ''), f.url), "
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
            cached_markdown=str(r[11]) if r[11] is not None else None,
        )

    def set_full_text(self, article_id: int, markdown: str) -> None:
        """Keep the full article fetched from the link (the feed's summary stays too),
        searchable at once (the index's ``full`` column: migration 4)."""
        with self._write() as db:
            db.execute("UPDATE articles SET full = ? WHERE id = ?", (markdown, article_id))
            self._index_one(db, article_id)

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
        """(all, unread, starred) article counts, as the All, Unread and Starred views
        have them (hidden feeds only in Starred): one scan of the index
        articles_by_feed_state (about 7 ms at 100,000 articles)."""
        hidden = ",".join(str(i) for i in self.hidden_feed_ids())
        shown = f"feed_id NOT IN ({hidden})" if hidden else "1"
        row = self._read(
            f"SELECT COALESCE(SUM({shown}), 0), COALESCE(SUM(read = 0 AND {shown}), 0), "
            "COALESCE(SUM(starred), 0) FROM articles INDEXED BY articles_by_feed_state"
        )[0]
        return int(row[0]), int(row[1]), int(row[2])

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM articles LIMIT 1")
