"""Reading newsboat's ``cache.db`` (its SQLite file of feeds and articles), read-only.

Recognised by its content: the SQLite header, then newsboat's tables ``rss_feed`` and
``rss_item`` (with the columns every newsboat since 2.x has; ``flags`` and ``deleted``
came later and are optional). The file is untrusted: it is opened read-only
(``mode=ro``, ``query_only``, ``trusted_schema=OFF``, so a view or trigger planted in it
runs no function it declares unsafe), the two names must be real tables, and every value
is coerced to the type expected (a crafted file may store anything in any column).
Strings are returned as stored: the caller sanitises them, as it does a fetched feed's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
MAX_CONTENT_CHARS = 2_000_000  # of one article's content
MAX_FIELD_CHARS = 10_000  # of a title, author, guid or URL
_ITEM_COLUMNS = ("guid", "title", "author", "url", "feedurl", "pubDate", "content", "unread")
_OPTIONAL = {"flags": "''", "deleted": "0", "enclosure_url": "''"}


class NotNewsboatCache(Exception):
    """The file is not a newsboat cache (the message completes "FILE is ...")."""


@dataclass(frozen=True)
class CachedFeed:
    url: str  # as in the urls file
    site_url: str
    title: str
    articles: int


@dataclass(frozen=True)
class CachedItem:
    guid: str
    title: str
    author: str
    link: str
    date: int  # unix seconds (newsboat stores the fetch time for an undated item)
    content: str  # HTML
    unread: bool
    flags: str  # newsboat's flag letters; any flag makes the article starred
    deleted: bool = False  # deleted in newsboat (kept in its cache while the feed has it)
    enclosure: str = ""  # an <enclosure> or media:content URL (newsboat keeps no other)


def is_sqlite(head: bytes) -> bool:
    return head.startswith(SQLITE_HEADER)


def _text(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif isinstance(value, int | float):
        value = str(value)
    elif not isinstance(value, str):
        return ""
    return value[:limit]


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str | bytes):
        return 0
    try:
        return int(value)
    except (ValueError, OverflowError):
        return 0


class NewsboatCache:
    """An open newsboat cache (use as a context manager)."""

    def __init__(self, path: Path) -> None:
        try:
            uri = path.resolve().as_uri() + "?mode=ro"
            self._db = sqlite3.connect(uri, uri=True)
        except (sqlite3.Error, ValueError) as error:
            raise NotNewsboatCache(f"an SQLite file that cannot be opened ({error})") from None
        try:
            self._db.execute("PRAGMA query_only = 1")
            self._db.execute("PRAGMA trusted_schema = OFF")
            tables = {
                str(row[0])
                for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not {"rss_feed", "rss_item"} <= tables:
                what = "a tuinews database" if {"articles", "feeds"} <= tables else "a database"
                raise NotNewsboatCache(
                    f"{what}, not a newsboat cache.db (it has no rss_feed and rss_item tables)"
                )
            columns = {str(row[1]) for row in self._db.execute("PRAGMA table_info(rss_item)")}
            feed_columns = {str(row[1]) for row in self._db.execute("PRAGMA table_info(rss_feed)")}
        except sqlite3.Error as error:
            self._db.close()
            raise NotNewsboatCache(f"a damaged SQLite file ({error})") from None
        except NotNewsboatCache:
            self._db.close()
            raise
        missing = [c for c in _ITEM_COLUMNS if c not in columns]
        missing += [c for c in ("rssurl", "url", "title") if c not in feed_columns]
        if missing:
            self._db.close()
            raise NotNewsboatCache(
                f"not a newsboat cache.db this tuinews can read (no column {', '.join(missing)})"
            )
        optional = [name if name in columns else default for name, default in _OPTIONAL.items()]
        self._item_select = ", ".join([*_ITEM_COLUMNS, *optional])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> NewsboatCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def feeds(self) -> list[CachedFeed]:
        """The cached feeds with how many articles each has."""
        try:
            rows = self._db.execute(
                "SELECT f.rssurl, f.url, f.title, COUNT(i.feedurl) FROM rss_feed f "
                "LEFT JOIN rss_item i ON i.feedurl = f.rssurl GROUP BY f.rssurl ORDER BY f.rssurl"
            ).fetchall()
        except sqlite3.Error as error:
            raise NotNewsboatCache(f"a damaged newsboat cache ({error})") from None
        return [
            CachedFeed(_text(url), _text(site), _text(title), _int(count))
            for url, site, title, count in rows
        ]

    def items(self, feed_url: str, batch: int = 500) -> Iterator[list[CachedItem]]:
        """A feed's articles, newest first, ``batch`` at a time."""
        try:
            cursor = self._db.execute(
                f"SELECT {self._item_select} FROM rss_item WHERE feedurl = ? "
                "ORDER BY pubDate DESC, id DESC",
                (feed_url,),
            )
            while rows := cursor.fetchmany(batch):
                items = [
                    CachedItem(
                        guid=_text(row[0]),
                        title=_text(row[1]),
                        author=_text(row[2]),
                        link=_text(row[3]),
                        date=_int(row[5]),
                        content=_text(row[6], MAX_CONTENT_CHARS),
                        unread=bool(_int(row[7])),
                        flags=_text(row[8]).strip(),
                        deleted=bool(_int(row[9])),
                        enclosure=_text(row[10]),
                    )
                    for row in rows
                ]
                yield items
        except sqlite3.Error as error:
            raise NotNewsboatCache(f"a damaged newsboat cache ({error})") from None
