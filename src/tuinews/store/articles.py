"""Articles: storing what a fetch or a file brings (new and changed articles, retention),
reading one article, and its flags (read, starred) and caches (Markdown, full text)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tuinews.models import Article, BodyKind
from tuinews.query.orders import natural_key
from tuinews.store.adopt import Guessed, adopt_in, confirm_in, guessed_in, settle_in
from tuinews.store.database import Database
from tuinews.store.enclosures import enclosures_of, store_enclosures_in
from tuinews.store.feeds import SHOWN_SOURCE, Feeds, FeedSuccess
from tuinews.store.pending import ACTIONS, queue_flag_in
from tuinews.store.search_index import SearchIndex

if TYPE_CHECKING:
    from tuinews.query.rules import Rule
    from tuinews.store.rule_match import Decided

CHUNK = 500  # values bound in one statement


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # by retention
    new_ids: list[int] = field(default_factory=list)
    ruled: list[int] = field(default_factory=list)  # articles each rule changed
    hidden: int = 0  # new articles a rule hid
    # The new articles as inserted (their date as stored), for the rules: not read back.
    inserted: list[tuple[int, Article]] = field(default_factory=list, repr=False, compare=False)


@dataclass
class Ahead:
    """What the rules will do to a feed's new articles, decided before the write
    transaction (``Articles.rules_ahead``): the uids it took as new, in order, and that."""

    uids: tuple[str, ...]
    decided: Decided


def digest(article: Article) -> str:
    """A fingerprint of what an article shows, to see that a fetch changed it."""
    import hashlib  # here: loading OpenSSL's hashes costs 2 ms before the first frame

    parts: tuple[str, ...] = (article.title, article.author, article.link, article.kind)
    parts += (article.body,)
    if article.enclosures:  # (only then: an article without any keeps its old digest)
        parts += tuple(repr(e) for e in article.enclosures)
    if article.image:  # (likewise: an article without one keeps its old digest)
        parts += (f"image {article.image}",)
    return hashlib.sha1(
        "\x00".join(parts).encode("utf-8", "replace"), usedforsecurity=False
    ).hexdigest()


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _stored_in(
    db: sqlite3.Connection, feed_id: int, articles: Sequence[Article]
) -> dict[str, tuple[int, str]]:
    """Which of a feed's articles are stored: their uid's id and digest."""
    stored: dict[str, tuple[int, str]] = {}
    for start in range(0, len(articles), CHUNK):
        chunk = [article.uid for article in articles[start : start + CHUNK]]
        chunk += chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))
        marks = ",".join("?" * len(chunk))  # (a power of two: few statements to prepare)
        for article_id, uid, fingerprint in db.execute(
            f"SELECT id, uid, digest FROM articles WHERE feed_id = ? AND uid IN ({marks})",
            [feed_id, *chunk],
        ):
            stored[uid] = (article_id, fingerprint)
    return stored


Dated = list[tuple[int, Article]]  # articles with their date as stored


def _new_in(
    db: sqlite3.Connection, feed_id: int, articles: Sequence[Article], now: int
) -> tuple[dict[str, tuple[int, str]], Dated, Dated]:
    """Which articles are stored (``_stored_in``), each one dated (``now`` if it has no
    date), and those to insert: the new ones, in order."""
    stored = _stored_in(db, feed_id, articles)
    dated = _dated(articles, now)
    return stored, dated, [pair for pair in dated if pair[1].uid not in stored]


def _dated(articles: Sequence[Article], now: int) -> Dated:
    """Each article with its date as stored (``now`` if it has none)."""
    return [(_timestamp(article.date) or now, article) for article in articles]


class Articles:
    """The articles table: writes of fetched articles, one article's reads and flags."""

    def __init__(self, database: Database, feeds: Feeds, index: SearchIndex) -> None:
        self.database = database
        self.feeds = feeds
        self.index = index

    def upsert_articles(
        self,
        feed_id: int,
        articles: Sequence[Article],
        *,
        keep: int = 0,
        keep_days: int = 0,
        index_now: bool = True,
        success: FeedSuccess | None = None,
        rules: Sequence[Rule] = (),
        now: int | None = None,
        ahead: Ahead | None = None,
    ) -> UpsertCounts:
        """Insert new articles and update changed ones, in one transaction.

        Read and starred flags are never reset. Retention then drops the oldest articles
        beyond ``keep`` per feed and those older than ``keep_days`` (0: no limit), but never
        starred ones and never one that is in this update.

        New and changed articles are searchable once indexed: at once with ``index_now``;
        otherwise when INDEX_BATCH of them are waiting, or at ``index_pending()`` (see
        :mod:`tuinews.store.search_index`). ``success``: the feed's fetch is recorded in
        the same transaction (validators and articles together). ``rules`` are applied to
        the new articles in that transaction too, before retention (a starred article is
        kept), so no one lists a new article before they have hidden, read, starred or
        tagged it.

        ``articles`` are all the feed has now: an imported article whose uid was a guess
        is found under its uid, taken over by a new article that is the same item, or
        else settled (:mod:`tuinews.store.adopt`).

        ``ahead``: what ``rules_ahead`` decided with the same ``now``, used if the new
        articles are still those it took as new (else the rules are matched here).
        """
        counts = UpsertCounts()
        now = int(time.time()) if now is None else now
        with self.database.write() as db:
            decided = self.upsert_in(db, feed_id, articles, counts, now, rules, ahead)
            if decided is not None:  # (the rules were matched before the INSERTs)
                counts.ruled = decided.changed
            elif rules and counts.new_ids:
                # (the query language, ~10 ms: only with rules, never for the first frame)
                from tuinews.store.rule_match import apply_rules_in

                inserted = (feed_id, counts.inserted)
                counts.ruled = apply_rules_in(
                    db, rules, counts.new_ids, now, inserted=inserted
                ).changed
            if counts.ruled:
                counts.hidden = sum(
                    changed
                    for rule, changed in zip(rules, counts.ruled, strict=True)
                    if rule.action.kind == "hide"
                )
            counts.removed = self.retain_in(db, feed_id, [a.uid for a in articles], keep, keep_days)
            if success is not None:
                self.feeds.record_success_in(db, feed_id, success)
            if index_now:
                self.index.index_in(db)
            else:
                self.index.index_if_due(db)
        return counts

    def rules_ahead(
        self,
        feed_id: int,
        articles: Sequence[Article],
        rules: Sequence[Rule],
        now: int,
        fresh: bool = False,
    ) -> Ahead | None:
        """The rules decided on a feed's new articles before its write transaction, for
        ``upsert_articles(..., now=now, ahead=...)``: a refresh's worker matches them while
        the other worker holds the write lock (the matching is pure CPU: it made a sixth
        of the time the lock was held). None when the rules cannot be decided so (the
        feed has articles to adopt, a uid twice, a rule needing SQL). ``fresh``: the feed
        was never fetched, so its articles are taken as all new without reading what is
        stored (a read beside the other worker's writes: a tenth of the rules' CPU); the
        write finds out if some were stored after all, and matches the rules again."""
        if not rules or len({article.uid for article in articles}) != len(articles):
            return None
        # (the query language, ~10 ms: only with rules, never for the first frame)
        from tuinews.store.rule_match import decide_rules_in

        with self.database.reading() as db:
            if fresh:
                inserting = _dated(articles, now)
            elif guessed_in(db, feed_id):
                return None
            else:
                _, _, inserting = _new_in(db, feed_id, articles, now)
            if not inserting:
                return None
            decided = decide_rules_in(db, rules, (feed_id, inserting), now)
        if decided is None:
            return None
        return Ahead(tuple(article.uid for _, article in inserting), decided)

    @staticmethod
    def upsert_in(
        db: sqlite3.Connection,
        feed_id: int,
        articles: Sequence[Article],
        counts: UpsertCounts,
        now: int,
        rules: Sequence[Rule] = (),
        ahead: Ahead | None = None,
    ) -> Decided | None:
        """Store a feed's articles in ``db`` (see ``upsert_articles``); what the
        ``rules`` did if they were applied here, before the new rows were inserted (the
        usual case: else None, and the caller applies them)."""
        guessed = guessed_in(db, feed_id)  # imported with a guessed uid (see store.adopt)
        if guessed:
            confirm_in(db, guessed, {article.uid for article in articles})
        elif len({article.uid for article in articles}) == len(articles):
            return Articles._store_new(db, feed_id, articles, counts, now, rules, ahead)
        Articles._store(db, feed_id, articles, counts, now, guessed)
        if guessed:
            settle_in(db, guessed)  # not in the feed: nothing will take them over later
        return None

    @staticmethod
    def _store_new(
        db: sqlite3.Connection,
        feed_id: int,
        articles: Sequence[Article],
        counts: UpsertCounts,
        now: int,
        rules: Sequence[Rule],
        ahead: Ahead | None = None,
    ) -> Decided | None:
        """``_store`` for articles whose uids are all different, none to adopt: the
        stored ones found in one statement, and the rules matched on the others before
        they are inserted, their flags in the INSERT (the same rows, a statement less
        per flag; an UPDATE of 20 rows cost a fifth of the rules' time)."""
        stored, dated, inserting = _new_in(db, feed_id, articles, now)
        decided = None
        if rules and inserting:
            if ahead is not None and ahead.uids == tuple(a.uid for _, a in inserting):
                decided = ahead.decided
            else:
                # (the query language, ~10 ms: only with rules, never for the first frame)
                from tuinews.store.rule_match import decide_rules_in

                decided = decide_rules_in(db, rules, (feed_id, inserting), now)
        facts = iter(decided.articles if decided is not None else ())
        before = len(counts.new_ids)  # (counts may be a caller's over several feeds)
        for published, article in dated:
            row = stored.get(article.uid)
            fingerprint = digest(article)
            if row is None:
                fact = next(facts, None)
                flags = (0, 0, 0) if fact is None else (fact.read, fact.starred, fact.hidden)
                Articles._insert(db, feed_id, article, counts, now, fingerprint, published, flags)
            elif row[1] != fingerprint:
                Articles._update(db, row[0], article, fingerprint, published)
                counts.updated += 1
            else:
                counts.unchanged += 1
        if decided is not None:
            decided.write_tags(db, counts.new_ids[before:])
        return decided

    @staticmethod
    def _insert(
        db: sqlite3.Connection,
        feed_id: int,
        article: Article,
        counts: UpsertCounts,
        now: int,
        fingerprint: str,
        published: int,
        flags: tuple[int, int, int] = (0, 0, 0),
    ) -> None:
        """Insert a new article (``flags``: read, starred, hidden), counted in ``counts``."""
        cursor = db.execute(
            "INSERT INTO articles (feed_id, uid, title, source, author, link, "
            "published, added, kind, body, text, digest, image, title_key, "
            "read, starred, hidden) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                fingerprint,
                article.image,
                natural_key(article.title),  # (the order by title)
                *flags,
            ),
        )
        counts.new += 1
        counts.new_ids.append(int(cursor.lastrowid or 0))
        counts.inserted.append((published, article))
        if article.enclosures:
            store_enclosures_in(db, counts.new_ids[-1], article.enclosures, False)

    @staticmethod
    def _update(
        db: sqlite3.Connection, article_id: int, article: Article, fingerprint: str, published: int
    ) -> None:
        """Write a stored article's new content (its flags kept)."""
        db.execute(
            "UPDATE articles SET title = ?, source = ?, author = ?, link = ?, "
            "published = ?, kind = ?, body = ?, text = ?, digest = ?, image = ?, "
            "title_key = ?, markdown = NULL WHERE id = ?",
            (
                article.title,
                article.source,
                article.author,
                article.link,
                published,
                article.kind,
                article.body,
                article.text,
                fingerprint,
                article.image,
                natural_key(article.title),
                article_id,
            ),
        )
        store_enclosures_in(db, article_id, article.enclosures, True)

    @staticmethod
    def _store(
        db: sqlite3.Connection,
        feed_id: int,
        articles: Sequence[Article],
        counts: UpsertCounts,
        now: int,
        guessed: list[Guessed],
    ) -> None:
        for article in articles:
            fingerprint = digest(article)
            published = _timestamp(article.date) or now
            row = db.execute(
                "SELECT id, digest FROM articles WHERE feed_id = ? AND uid = ?",
                (feed_id, article.uid),
            ).fetchone()
            if row is None and guessed:
                adopted = adopt_in(db, guessed, article)
                if adopted is not None:
                    row = (adopted, "")  # its content is the new article's now
            if row is None:
                Articles._insert(db, feed_id, article, counts, now, fingerprint, published)
            elif row[1] != fingerprint:
                Articles._update(db, row[0], article, fingerprint, published)
                if counts.new_ids and row[0] >= counts.new_ids[0]:  # (a uid twice in the feed)
                    new = counts.new_ids.index(row[0])
                    counts.inserted[new] = (published, article)
                counts.updated += 1
            else:
                counts.unchanged += 1

    @staticmethod
    def retain_in(
        db: sqlite3.Connection, feed_id: int, current: list[str], keep: int, keep_days: int
    ) -> int:
        """Drop a feed's oldest articles beyond ``keep`` and those older than
        ``keep_days`` (0: no limit), never starred ones nor those whose uids are
        ``current``, in the caller's transaction ``db``. Returns how many were dropped."""
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
        for start in range(0, len(uids), CHUNK):
            chunk = list(uids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for uid, article_id in self.database.read(
                f"SELECT uid, id FROM articles WHERE feed_id = ? AND uid IN ({marks})",
                [feed_id, *chunk],
            ):
                found[str(uid)] = int(article_id)
        return [found[uid] for uid in uids if uid in found]

    def get_article(self, article_id: int) -> Article | None:
        rows = self.database.read(
            "SELECT a.id, a.feed_id, a.uid, a.title, "
            f"{SHOWN_SOURCE}, "
            "a.author, a.link, a.published, a.kind, a.body, a.text, a.markdown, a.read, a.starred, "
            "a.full, a.image FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
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
            image=str(r[15] or ""),
            cached_markdown=str(r[11]) if r[11] is not None else None,
            enclosures=enclosures_of(self.database, int(r[0])),
        )

    def is_empty(self) -> bool:
        return not self.database.read("SELECT 1 FROM articles LIMIT 1")

    def set_full_text(self, article_id: int, markdown: str) -> None:
        """Keep the full article fetched from the link (the feed's summary stays too),
        searchable at once (the index's ``full`` column: migration 5)."""
        with self.database.write() as db:
            db.execute("UPDATE articles SET full = ? WHERE id = ?", (markdown, article_id))
            self.index.index_one_in(db, article_id)

    def cache_markdown(self, article_id: int, markdown: str) -> None:
        with self.database.write() as db:
            db.execute("UPDATE articles SET markdown = ? WHERE id = ?", (markdown, article_id))

    def set_read(self, article_ids: Iterable[int], read: bool = True) -> int:
        """Mark articles read or unread; committed at once. Returns how many changed. An
        account's article changed queues the change for its server in the same
        transaction (``pending``)."""
        return self._set_flag(article_ids, "read" if read else "unread")

    def set_starred(self, article_id: int, starred: bool) -> None:
        self._set_flag([article_id], "star" if starred else "unstar")

    def set_starred_ids(self, article_ids: Iterable[int], starred: bool) -> int:
        """Star or unstar articles (queued for an account's server like ``set_read``);
        returns how many changed."""
        return self._set_flag(article_ids, "star" if starred else "unstar")

    def _set_flag(self, article_ids: Iterable[int], action: str) -> int:
        column, value = ACTIONS[action]
        ids = list(article_ids)
        changed = 0
        with self.database.write() as db:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                queue_flag_in(db, chunk, action)
                marks = ",".join("?" * len(chunk))
                changed += db.execute(
                    f"UPDATE articles SET {column} = ? WHERE {column} != ? AND id IN ({marks})",
                    [value, value, *chunk],
                ).rowcount
        return changed
