"""Articles and read state moved in and out of the store (``tuinews import``, ``tuinews
export --state``). An import only ever adds: new articles, and the read and starred marks
an article lacks. It never clears a mark nor replaces a stored article's content, so
importing the same thing twice changes nothing, and two machines' states merge the same
in either order.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tuinews.models import Article
from tuinews.query.orders import natural_key
from tuinews.store.adopt import hint_match, hints, stored_match
from tuinews.store.articles import CHUNK, Articles, digest
from tuinews.store.database import Database
from tuinews.store.search_index import SearchIndex


@dataclass
class ImportCounts:
    """What importing articles into one feed did."""

    new: int = 0  # stored, and still there after the retention limits
    new_read: int = 0
    new_starred: int = 0
    existing: int = 0  # already stored (the same identity a refresh gives)
    marked_read: int = 0  # of those, marked read now
    marked_starred: int = 0
    new_ids: list[int] = field(default_factory=list)

    def add(self, other: ImportCounts) -> None:
        self.new += other.new
        self.new_read += other.new_read
        self.new_starred += other.new_starred
        self.existing += other.existing
        self.marked_read += other.marked_read
        self.marked_starred += other.marked_starred


def _insert_articles(
    db: sqlite3.Connection,
    feed_id: int,
    articles: Sequence[Article],
    guesses: Sequence[int],
    now: int,
) -> ImportCounts:
    """Store the articles this feed does not have (with their read and starred flags);
    for those it has, add the marks they lack. ``guesses``: per article, how sure its
    uid is (0: sure; else :mod:`tuinews.store.adopt`'s bits): an article with a guessed
    uid that the feed does not have under it may be stored under the uid a refresh gave
    it, found by the same rule that lets a refresh take it over."""
    counts = ImportCounts()
    taken: set[int] = set()
    marks = [*guesses[: len(articles)], *[0] * (len(articles) - len(guesses))]
    for article, guess in zip(articles, marks, strict=True):
        row = db.execute(
            "SELECT id, read, starred FROM articles WHERE feed_id = ? AND uid = ?",
            (feed_id, article.uid),
        ).fetchone()
        if row is None and guess:
            row = stored_match(db, feed_id, article, guess, taken)
        if row is not None:
            taken.add(int(row[0]))
        if row is None:
            published = int(article.date.timestamp()) if article.date is not None else now
            cursor = db.execute(
                "INSERT INTO articles (feed_id, uid, title, source, author, link, published, "
                "added, kind, body, text, digest, read, starred, guess, title_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    digest(article),
                    int(article.read),
                    int(article.starred),
                    guess,
                    natural_key(article.title),  # (the order by title)
                ),
            )
            counts.new_ids.append(int(cursor.lastrowid or 0))
            taken.add(counts.new_ids[-1])
            continue
        counts.existing += 1
        if article.read and not row[1]:
            db.execute("UPDATE articles SET read = 1 WHERE id = ?", (row[0],))
            counts.marked_read += 1
        if article.starred and not row[2]:
            db.execute("UPDATE articles SET starred = 1 WHERE id = ?", (row[0],))
            counts.marked_starred += 1
    return counts


def _count_kept(db: sqlite3.Connection, counts: ImportCounts) -> None:
    """Count the new articles still stored (after retention), and their flags."""
    for start in range(0, len(counts.new_ids), CHUNK):
        chunk = counts.new_ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        row = db.execute(
            f"SELECT COUNT(*), COALESCE(SUM(read), 0), COALESCE(SUM(starred), 0) "
            f"FROM articles WHERE id IN ({marks})",
            chunk,
        ).fetchone()
        counts.new += int(row[0])
        counts.new_read += int(row[1])
        counts.new_starred += int(row[2])


@dataclass
class StateCounts:
    """What applying a read state did."""

    matched: int = 0  # articles found here
    marked_read: int = 0
    marked_starred: int = 0
    unknown: int = 0  # not found: the feed or the article is not in this store


Hint = tuple[str, int | None]  # a guessed id's article: its title, its own date or None


def _apply_state(
    db: sqlite3.Connection,
    feed_url: str,
    read: Iterable[str],
    starred: Iterable[str],
    hints: Mapping[str, Hint],
) -> StateCounts:
    """Mark read and starred the articles of the feed at ``feed_url`` whose uids are
    given (articles not found are counted, never an error). An id not found here that
    ``hints`` names (an article whose id was a guess where the file was written: see
    :mod:`tuinews.store.adopt`) is looked for by its title and date."""
    counts = StateCounts()
    read_set, starred_set = set(read), set(starred)
    wanted = sorted(read_set | starred_set)
    row = db.execute("SELECT id FROM feeds WHERE url = ? AND kind = 'feed'", (feed_url,)).fetchone()
    if row is None:
        counts.unknown = len(wanted)
        return counts
    feed_id = int(row[0])
    found: list[tuple[str, int, bool, bool]] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        found += [
            (str(uid), int(article_id), bool(is_read), bool(is_starred))
            for article_id, uid, is_read, is_starred in db.execute(
                f"SELECT id, uid, read, starred FROM articles "
                f"WHERE feed_id = ? AND uid IN ({marks})",
                [feed_id, *chunk],
            )
        ]
    if hints:
        taken = {article_id for _, article_id, _, _ in found}
        missing = set(wanted) - {uid for uid, _, _, _ in found}
        for uid in sorted(missing & hints.keys()):
            title, date = hints[uid]
            match = hint_match(db, feed_id, title, date, taken)
            if match is not None:
                taken.add(match[0])
                found.append((uid, *match))
    counts.matched = len(found)
    counts.unknown = len(wanted) - len(found)
    for uid, article_id, is_read, is_starred in found:
        if uid in read_set and not is_read:
            db.execute("UPDATE articles SET read = 1 WHERE id = ?", (article_id,))
            counts.marked_read += 1
        if uid in starred_set and not is_starred:
            db.execute("UPDATE articles SET starred = 1 WHERE id = ?", (article_id,))
            counts.marked_starred += 1
    return counts


class Transfer:
    """Articles and their read state, in and out."""

    def __init__(self, database: Database, articles: Articles, index: SearchIndex) -> None:
        self.database = database
        self.articles = articles
        self.index = index

    def import_articles(
        self,
        feed_id: int,
        articles: Sequence[Article],
        *,
        guesses: Sequence[int] = (),
        keep: int = 0,
        keep_days: int = 0,
    ) -> ImportCounts:
        """Store imported articles (newsboat's cache) with their read and starred flags,
        in one transaction: new ones are added, stored ones only get the marks they lack.
        ``guesses``: per article, 0 when its uid is the one a refresh gives, else
        :mod:`tuinews.store.adopt`'s bits (a refresh may then take the article over).
        Retention then applies as after a refresh. Searchable once indexed (2,000 at
        a time; ``index_pending`` for the rest)."""
        with self.database.write() as db:
            counts = _insert_articles(db, feed_id, articles, guesses, int(time.time()))
            self.articles.retain_in(db, feed_id, [], keep, keep_days)
            _count_kept(db, counts)
            self.index.index_if_due(db)
        return counts

    def article_states(self) -> list[tuple[str, str, bool, bool]]:
        """(feed URL, article uid, read, starred) of every fetched feed's article that is
        read or starred, by feed URL, oldest article first: what ``tuinews export
        --state`` writes."""
        with self.database.reading() as db:
            cursor = db.execute(
                "SELECT f.url, a.uid, a.read, a.starred FROM articles a "
                "JOIN feeds f ON f.id = a.feed_id "
                "WHERE f.kind = 'feed' AND (a.read = 1 OR a.starred = 1) ORDER BY f.url, a.id"
            )
            return [
                (str(url), str(uid), bool(read), bool(starred))
                for url, uid, read, starred in cursor
            ]

    def state_hints(self) -> dict[tuple[str, str], Hint]:
        """(feed URL, uid) -> (title, own date or None) of the read or starred articles
        whose uid is a guess (imported: see :mod:`tuinews.store.adopt`), for ``tuinews
        export --state`` to name them on a machine that fetched the feed itself."""
        with self.database.reading() as db:
            return hints(db)

    def apply_state(
        self,
        feeds: Iterable[tuple[str, Sequence[str], Sequence[str]]],
        hints: Mapping[tuple[str, str], Hint] | None = None,
    ) -> StateCounts:
        """Mark read and starred the articles named by (feed URL, read uids, starred
        uids), in one transaction; never clears a mark. Unknown ones are only counted.
        ``hints``: (feed URL, uid) -> (title, date) of ids that were guesses where the
        state was written; such an id not found here names the article by them."""
        total = StateCounts()
        by_feed: dict[str, dict[str, Hint]] = {}
        for (url, uid), hint in (hints or {}).items():
            by_feed.setdefault(url, {})[uid] = hint
        with self.database.write() as db:
            for url, read, starred in feeds:
                counts = _apply_state(db, url, read, starred, by_feed.get(url, {}))
                total.matched += counts.matched
                total.marked_read += counts.marked_read
                total.marked_starred += counts.marked_starred
                total.unknown += counts.unknown
        return total
