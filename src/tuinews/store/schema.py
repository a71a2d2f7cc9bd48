"""The SQLite schema, versioned with ``PRAGMA user_version``; each migration runs once."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

# A step is a script (run whole), or a function given the connection inside the step's
# transaction (for what a script cannot say: a table rebuilt with whatever columns the
# earlier steps gave it).
Migration = str | Callable[[sqlite3.Connection], None]

_ACCOUNT_TABLES = """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        api_url TEXT NOT NULL,                      -- the API root as the user gave it
        user TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'greader',       -- the protocol
        server TEXT NOT NULL DEFAULT '',            -- 'freshrss', 'miniflux', '': its quirks
        password_command TEXT NOT NULL DEFAULT '',  -- the command, never the password
        status TEXT NOT NULL DEFAULT 'new',         -- new, ok, failed
        last_error TEXT NOT NULL DEFAULT '',
        last_sync INTEGER,                          -- unix seconds of the last attempt
        last_success INTEGER,
        newest_usec INTEGER,                        -- the newest item's time (server clock)
        added INTEGER NOT NULL,
        UNIQUE (api_url, user)
    );
    CREATE TABLE remote_items (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,                    -- as the server gave it: sent back so
        number INTEGER NOT NULL,                    -- the id's 64 bits, signed
        timestamp_usec INTEGER,
        UNIQUE (account_id, number)
    );
    CREATE TABLE pending_changes (
        id INTEGER PRIMARY KEY,                     -- the order the changes were made in
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL DEFAULT '',         -- copied: a pruned article's change is sent
        number INTEGER,                             -- NULL for a change of a whole stream
        action TEXT NOT NULL,                       -- read, unread, star, unstar
        argument TEXT NOT NULL DEFAULT '',
        created INTEGER NOT NULL
    );
    CREATE INDEX pending_by_item ON pending_changes (account_id, number);
    CREATE UNIQUE INDEX feeds_by_url ON feeds (COALESCE(account_id, 0), url);
    CREATE UNIQUE INDEX feeds_by_remote_id ON feeds (account_id, remote_id);
"""


def _accounts(connection: sqlite3.Connection) -> None:
    """6: accounts on feed servers (issue 14). An account's feeds are feeds of their own
    kind ('account'), fetched through its server, never by a refresh; their URL may be a
    local feed's too, so ``feeds.url`` is unique per account (NULL: local) instead of
    everywhere. SQLite cannot drop a UNIQUE: the table is made again from its own
    definition (with every column earlier steps added), without it, and filled from the
    old one (foreign keys are off during migrations: nothing cascades)."""
    (definition,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feeds'"
    ).fetchone()
    new = re.sub(r"\burl TEXT NOT NULL UNIQUE\b", "url TEXT NOT NULL", str(definition), count=1)
    new = re.sub(r"^CREATE TABLE \"?feeds\"?", "CREATE TABLE feeds_new", new, count=1)
    assert "feeds_new" in new and "UNIQUE" not in new.upper(), "unexpected feeds table"
    columns = ", ".join(
        f'"{row[1]}"' for row in connection.execute("PRAGMA table_info(feeds)").fetchall()
    )
    connection.execute(new)
    connection.execute(f"INSERT INTO feeds_new ({columns}) SELECT {columns} FROM feeds")
    connection.execute("DROP TABLE feeds")
    connection.execute("ALTER TABLE feeds_new RENAME TO feeds")
    connection.execute(
        "ALTER TABLE feeds ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE"
    )
    connection.execute("ALTER TABLE feeds ADD COLUMN remote_id TEXT")  # the stream id
    for statement in _ACCOUNT_TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)


FTS_HASH = 8 << 20  # bytes of new index entries FTS5 keeps in memory before writing them
FTS_AUTOMERGE = 8  # segments of one size FTS5 lets be before merging them into one


def _fts_segments(connection: sqlite3.Connection) -> None:
    """14: fewer and bigger writes of the full-text index (issue 15: the index was half
    of the CPU of storing a cold refresh). FTS5 writes what it is given in segments of
    up to FTS_HASH bytes (its default: 1 MiB), and merges every FTS_AUTOMERGE segments of
    a size into one (its default: 4). A refresh's workers index 2,000 articles at a time
    (``search_index.INDEX_BATCH``, about 6 MiB): one segment, not six to merge, and
    merged half as often. Storing 19,000 articles as a cold refresh's workers do (950
    feeds): 3.37 -> 2.55 s of CPU with these and the bigger batches (1,000 before); the
    index then has about as many segments as before (11, was 10: a search reads each),
    and over three such refreshes in a row it stays so (9). The memory is used only while
    articles are indexed. Settings kept with the index (its ``_config`` table); an SQLite
    without one keeps its default."""
    for name, value in (("hashsize", FTS_HASH), ("automerge", FTS_AUTOMERGE)):
        with contextlib.suppress(sqlite3.OperationalError):
            connection.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES (?, ?)", (name, value)
            )


MIGRATIONS: list[Migration] = [
    # 1: feeds, tags, articles, full-text index
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT 'feed',          -- 'feed' (fetched) or 'local'
        title TEXT NOT NULL DEFAULT '',             -- from the feed
        user_title TEXT NOT NULL DEFAULT '',        -- given by the user: wins over title
        site_url TEXT NOT NULL DEFAULT '',
        etag TEXT,
        last_modified TEXT,
        last_fetch INTEGER,                         -- unix seconds of the last attempt
        last_success INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'new',         -- new, ok, failed, gone
        next_fetch INTEGER,                         -- not before, when automatic (ttl, max-age)
        retry_at INTEGER,                           -- not before, ever (Retry-After)
        moved_to TEXT NOT NULL DEFAULT '',          -- a permanent redirect seen once
        full_text INTEGER NOT NULL DEFAULT 0,       -- fetch new articles from their links
        added INTEGER NOT NULL
    );
    CREATE TABLE feed_tags (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (feed_id, tag)
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        uid TEXT NOT NULL,
        title TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',            -- local files: the file's own source
        author TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL DEFAULT '',
        published INTEGER,                          -- unix seconds
        added INTEGER NOT NULL,
        kind TEXT NOT NULL,                         -- body is 'html' or 'markdown'
        body TEXT NOT NULL,
        text TEXT NOT NULL,                         -- plain text, indexed for search
        markdown TEXT,                              -- converted body, cached when first shown
        full TEXT,                                  -- the full article fetched from its link (F)
        digest TEXT NOT NULL,                       -- of the content, to see changes
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, uid)
    );
    CREATE INDEX articles_by_date ON articles (published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles (feed_id, published DESC);
    CREATE INDEX articles_by_feed_state ON articles (feed_id, read, starred);  -- counts
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, author, text,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, author, text)
        VALUES (new.id, new.title, new.author, new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, old.author, old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, old.author, old.text);
        INSERT INTO articles_fts (rowid, title, author, text)
        VALUES (new.id, new.title, new.author, new.text);
    END;
    """,
    # 2: new and changed articles wait in fts_pending and are indexed in batches. FTS5
    # writes a segment per transaction, and one per feed (20 articles) cost three times
    # as much CPU as the same articles indexed a thousand at a time. A row is either in
    # the index with the values it had when indexed, or in fts_pending and not in the
    # index, so a delete never removes from the index what is not there.
    """
    CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
    DROP TRIGGER articles_ai;
    DROP TRIGGER articles_ad;
    DROP TRIGGER articles_au;
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO fts_pending (id) VALUES (new.id);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text)
        SELECT 'delete', old.id, old.title, old.author, old.text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
        DELETE FROM fts_pending WHERE id = old.id;
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text)
        SELECT 'delete', old.id, old.title, old.author, old.text
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
        INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);
    END;
    """,
    # 3: paging and searching at 100,000 articles (issue 6)
    # - articles_by_feed_state was added to migration 1 after it had shipped: make sure it
    #   is there (per-feed counts in one GROUP BY over this index);
    # - articles_list replaces articles_by_date: the same order, and it covers the flags and
    #   the feed, so the ids of any view (all, a feed, unread, starred) are one index scan;
    # - the full-text index gets a prefix index of 3 characters: a search for `the*` read
    #   every term with that prefix (200-300 ms at 100,000 articles), now one doclist
    #   (under 1 ms for the first screen). Two-character prefixes too would make `go*` as
    #   quick, but cost a refresh a sixth more CPU to index; the search bar waits for a
    #   third letter instead (search.SHORT_TYPING). The index is rebuilt once, from every
    #   article as it is now, so nothing waits in fts_pending any more (migration 2's
    #   triggers stay: they name the table, not this instance of it).
    """
    CREATE INDEX IF NOT EXISTS articles_by_feed_state ON articles (feed_id, read, starred);
    DROP INDEX IF EXISTS articles_by_date;
    CREATE INDEX articles_list ON articles (published DESC, id DESC, feed_id, read, starred);
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, author, text,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
    );
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    DELETE FROM fts_pending;
    """,
    # 4: hidden feeds (newsboat's "!" tag, issue 12): fetched as usual, listed with their
    # own counts, but their articles are not in the All and Unread views nor their counts.
    """
    ALTER TABLE feeds ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: the full article fetched from its link (F, or a feed set to --full-text) is
    # searchable, as it is what the reader shows: the index gets a fourth column, `full`
    # (the articles column of that name, Markdown as shown). FTS5 cannot add a column: the
    # index is made again and rebuilt once from every article (so full texts fetched before
    # are found too), and the triggers that take old values out of it name the new column.
    """
    DROP TRIGGER articles_ad;
    DROP TRIGGER articles_au;
    DROP TABLE articles_fts;
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, author, text, full,
        content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3'
    );
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text, full)
        SELECT 'delete', old.id, old.title, old.author, old.text, old.full
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
        DELETE FROM fts_pending WHERE id = old.id;
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text, full ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, author, text, full)
        SELECT 'delete', old.id, old.title, old.author, old.text, old.full
        WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
        INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id);
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    DELETE FROM fts_pending;
    """,
    # 6: articles imported with an identity that a refresh may not give them (newsboat's
    # cache keeps no guid for an item that had none, nor its media links): `guess` is
    # non-zero for them (bits: store.adopt.GUESSED, OWN_DATE, NO_TITLE), and a refresh
    # that brings an article it has no uid for lets it take over such an article of its
    # feed (same title, same date when both have one) instead of adding a second one. The
    # partial index holds only those articles: a feed without them pays one empty lookup.
    """
    ALTER TABLE articles ADD COLUMN guess INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_guessed ON articles (feed_id) WHERE guess != 0;
    """,
    # 7: accounts on feed servers, their feeds, the server's ids of their articles, and
    # the read and star changes waiting to be sent (see _accounts).
    _accounts,
    # 8: triage (issue 15). Saved searches (shown above the feeds) and the rules added by
    # `tuinews rule add` (the config file's own rules are not stored). Rules hide, read,
    # star or tag new articles: a hidden article is kept (so it is not fetched again) but
    # listed only by `is:hidden`; a rule's tag is the article's own (article_tags). Every
    # view leaves hidden articles out, so the two indexes that answer the views and their
    # counts cover the new column (each is rebuilt once: about 0.2 s at 100,000
    # articles); articles_hidden lists the hidden ones for the full-text fast path.
    """
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        added INTEGER NOT NULL
    );
    CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        match TEXT NOT NULL,
        action TEXT NOT NULL,                       -- hide, read, star, tag:NAME
        added INTEGER NOT NULL
    );
    ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,                          -- casefolded
        PRIMARY KEY (tag, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_by_article ON article_tags (article_id);
    DROP INDEX IF EXISTS articles_by_feed_state;
    CREATE INDEX articles_by_feed_state ON articles (feed_id, read, starred, hidden);
    DROP INDEX IF EXISTS articles_list;
    CREATE INDEX articles_list
        ON articles (published DESC, id DESC, feed_id, read, starred, hidden);
    CREATE INDEX articles_hidden ON articles (id) WHERE hidden = 1;
    """,
    # 9: per-feed settings (issue 15, `tuinews feed set`): NULL or '' is the global
    # setting. `refresh_interval` (minutes) overrides the global one for the feed (never
    # before its own ttl/max-age all the same: next_fetch); `keep` overrides
    # keep_articles; `user_agent` is sent instead of the global one when it is fetched.
    """
    ALTER TABLE feeds ADD COLUMN refresh_interval INTEGER;
    ALTER TABLE feeds ADD COLUMN keep INTEGER;
    ALTER TABLE feeds ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
    """,
    # 10: the headline list sorted by title or by feed (issue 15) at 100,000 articles: the
    # first page of either took 110-160 ms (a sort of every article), now an index scan
    # (0.1 ms), as newest first is over articles_list. Both indexes cover what the views
    # ask (the feed, the flags); articles_by_feed (feed_id, published DESC) becomes the
    # covering one a feed's articles are listed from (a listing by feed reads the feeds
    # in name order, each feed's articles newest first). About 3 s once at 100,000.
    """
    DROP INDEX IF EXISTS articles_by_feed;
    CREATE INDEX articles_by_feed
        ON articles (feed_id, published DESC, id DESC, read, starred, hidden);
    CREATE INDEX articles_by_title
        ON articles (title COLLATE NOCASE, id DESC, feed_id, read, starred, hidden);
    """,
    # 11: enclosures (issue 16: podcasts), an article's attached files in the feed's order;
    # downloads, one per enclosure URL: what is queued, done or failed, the file it goes to
    # (a ``.part`` beside it until complete) and how far it got. A download outlives its
    # article (retention): the file is the user's.
    """
    CREATE TABLE enclosures (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT '',
        length INTEGER,                             -- bytes, as the feed says
        duration INTEGER,                           -- seconds, as the feed says
        PRIMARY KEY (article_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE downloads (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        title TEXT NOT NULL DEFAULT '',
        path TEXT NOT NULL,                         -- the final file
        state TEXT NOT NULL DEFAULT 'queued',       -- queued, done, failed
        error TEXT NOT NULL DEFAULT '',
        received INTEGER NOT NULL DEFAULT 0,
        total INTEGER,
        added INTEGER NOT NULL,
        finished INTEGER
    );
    CREATE INDEX downloads_by_article ON downloads (article_id);
    """,
    # 12: the feed's own picture of an article (Media RSS thumbnail, JSON Feed image),
    # shown at its top when its body has none (issue 16): an http(s) URL or ''
    "ALTER TABLE articles ADD COLUMN image TEXT NOT NULL DEFAULT ''",
    # 13: headlines by title in natural order, as the feeds are ("item 2" before "item 10",
    # case left out): title_key is natural_key(title) (tuinews.query.orders; a function of
    # the store's connections), written with the title (store/articles.py, transfer.py),
    # and articles_by_title is over it (the first page stays an index scan). A column, not
    # an index on natural_key(title): any SQLite client may still write the table. Every
    # row is written once: about 10-20 s at 100,000 articles (1.4 GB).
    """
    ALTER TABLE articles ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
    UPDATE articles SET title_key = natural_key(title);
    DROP INDEX IF EXISTS articles_by_title;
    CREATE INDEX articles_by_title
        ON articles (title_key, id DESC, feed_id, read, starred, hidden);
    """,
    # 14: the full-text index's segments bigger and merged less often (see _fts_segments)
    _fts_segments,
    # 15: the tags the rules give a refresh's new articles wait in tags_pending, and go
    # into article_tags with the next batch of the full-text index (search_index.index_in)
    # (issue 15). Written into article_tags a feed at a time, each feed's tags dirtied a
    # page of it for every tag (~15 pages to write at each commit, under the write lock):
    # a killfile's 50 rules cost a cold refresh of 1,000 feeds ~0.3 s more with them than
    # without. Here they are appended, and copied sorted, 2,000 articles' at once. A
    # rule's tag:NAME reads both tables (query_sql), so nothing changes for a reader.
    """
    CREATE TABLE IF NOT EXISTS tags_pending (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,                          -- casefolded
        PRIMARY KEY (article_id, tag)
    ) WITHOUT ROWID;
    """,
    # 16: an article's tags (both tables) go with it by a trigger, not by a foreign key.
    # With the key, SQLite looked the article up for every tag written (a search of the
    # articles table): two thirds of what copying a tag into article_tags cost (4.7 ->
    # 1.6 us a tag), and as much again for each tag a rule gave, written into
    # tags_pending. Every writer of a tag writes an article's it has just read or
    # written; a deleted article takes its tags with it, as before.
    """
    DROP TRIGGER IF EXISTS articles_ad_tags;
    CREATE TABLE article_tags_16 (
        article_id INTEGER NOT NULL,                -- articles(id): see articles_ad_tags
        tag TEXT NOT NULL,                          -- casefolded
        PRIMARY KEY (tag, article_id)
    ) WITHOUT ROWID;
    INSERT INTO article_tags_16 (tag, article_id) SELECT tag, article_id FROM article_tags;
    DROP TABLE article_tags;
    ALTER TABLE article_tags_16 RENAME TO article_tags;
    CREATE INDEX article_tags_by_article ON article_tags (article_id);
    CREATE TABLE tags_pending_16 (
        article_id INTEGER NOT NULL,                -- articles(id): see articles_ad_tags
        tag TEXT NOT NULL,                          -- casefolded
        PRIMARY KEY (article_id, tag)
    ) WITHOUT ROWID;
    INSERT INTO tags_pending_16 (article_id, tag) SELECT article_id, tag FROM tags_pending;
    DROP TABLE tags_pending;
    ALTER TABLE tags_pending_16 RENAME TO tags_pending;
    CREATE TRIGGER articles_ad_tags AFTER DELETE ON articles BEGIN
        DELETE FROM article_tags WHERE article_id = old.id;
        DELETE FROM tags_pending WHERE article_id = old.id;
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
REBUILDS_INDEX = 5  # the migration to this version rebuilds the search index
WRITES_ARTICLES = 13  # the last migration that takes a while (it writes every article)


def upgrade_note(path: str | Path) -> str | None:
    """What opening this database file will do that takes a while (a minute or so for
    100,000 articles), worded for the user; None when nothing."""
    if not Path(path).is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return None  # damaged: opening it says so
    if 0 < version < REBUILDS_INDEX:
        return "updating the database for this version (once): rebuilding the search index"
    if 0 < version < WRITES_ARTICLES:  # (13 writes every article: ~15 s at 100,000)
        return "updating the database for this version (once)"
    return None


class SchemaTooNew(Exception):
    """The database was written by a newer tuinews."""


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection) -> bool:
    """Bring the schema up to date (each step in its own transaction); True if it was new.
    Two processes must not run it at once (the database's lock file is held around it)."""
    version = schema_version(connection)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the database is from a newer tuinews (schema {version}, "
            f"this one knows {SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        # A step may drop and make a table again: no cascade may delete what refers to it
        # (off by default; the store turns it on after migrating).
        connection.execute("PRAGMA foreign_keys = OFF")
    for number in range(version, SCHEMA_VERSION):
        try:
            step = MIGRATIONS[number]
            if isinstance(step, str):
                connection.executescript(
                    f"BEGIN IMMEDIATE; {step}; PRAGMA user_version = {number + 1}; COMMIT;"
                )
            else:
                connection.execute("BEGIN IMMEDIATE")
                step(connection)
                connection.execute(f"PRAGMA user_version = {number + 1}")
                connection.execute("COMMIT")
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return version == 0
