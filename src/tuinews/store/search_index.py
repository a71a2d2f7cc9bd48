"""The upkeep of the full-text index (the FTS5 table ``articles_fts``).

Triggers queue every new or changed article in ``fts_pending`` (migration 2); it is
searchable once indexed from there: at once for one article, otherwise 2,000 at a
time (a refresh indexes in batches, not one article at a time). Reading
the index is the listing's (``listing``) and the query's (``query_sql``) business."""

from __future__ import annotations

import sqlite3

from tuinews.store.database import Database

INDEX_BATCH = 2000  # articles indexed for search in one go, at most (see schema._fts_segments)


class SearchIndex:
    """Articles waiting to be indexed, and indexing them."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def index_pending(self) -> int:
        """Index every article waiting for it (in batches, each its own transaction);
        returns how many were indexed."""
        done = 0
        while True:
            with self.database.write() as db:
                indexed = self.index_in(db, INDEX_BATCH)
            done += indexed
            if indexed < INDEX_BATCH:
                return done

    def pending_index(self) -> int:
        """How many articles are waiting to be indexed for search."""
        with self.database.reading() as db:
            return self.pending_in(db)

    @staticmethod
    def pending_in(db: sqlite3.Connection) -> int:
        """How many articles are waiting, seen from the caller's transaction ``db``."""
        return int(db.execute("SELECT count(*) FROM fts_pending").fetchone()[0])

    @classmethod
    def index_if_due(cls, db: sqlite3.Connection) -> None:
        """Index what is waiting once INDEX_BATCH articles are (in ``db``)."""
        if cls.pending_in(db) >= INDEX_BATCH:
            cls.index_in(db)

    @staticmethod
    def index_in(db: sqlite3.Connection, limit: int = -1) -> int:
        """Index up to ``limit`` waiting articles (-1: all), oldest first, in the
        caller's transaction ``db``. The tags waiting in tags_pending (schema 15) go into
        article_tags with them, sorted: a few pages of it written, not a few a feed."""
        settle_tags_in(db)
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
    def index_one_in(db: sqlite3.Connection, article_id: int) -> None:
        """Index one article now, if it is waiting (its values as they are in ``db``)."""
        db.execute(
            "INSERT INTO articles_fts (rowid, title, author, text, full) "
            "SELECT id, title, author, text, full FROM articles "
            "WHERE id = ? AND id IN (SELECT id FROM fts_pending)",
            (article_id,),
        )
        db.execute("DELETE FROM fts_pending WHERE id = ?", (article_id,))


def settle_tags_in(db: sqlite3.Connection) -> None:
    """Move the tags waiting in tags_pending into article_tags (in ``db``'s transaction)."""
    if db.execute("SELECT 1 FROM tags_pending LIMIT 1").fetchone() is None:
        return
    db.execute(
        "INSERT OR IGNORE INTO article_tags (tag, article_id) "
        "SELECT tag, article_id FROM tags_pending ORDER BY tag, article_id"
    )
    db.execute("DELETE FROM tags_pending")
