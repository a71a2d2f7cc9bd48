"""What a sync of an account stores (issue 14): items made articles with the server's
ids (``remote_items``) and flags, retention that spares what the server still lists, and
the server's read and starred sets taken where no change made here waits to be sent.
An item's labels on the server (``user/-/label/NAME``, not its feed's folders) are the
article's own tags (``article_tags``), as a rule's ``tag:NAME`` gives them. The accounts
themselves, their feeds and the queue are :mod:`.accounts`'."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tuinews.models import Article
from tuinews.query.rules import Rule
from tuinews.store.accounts import Accounts, RemoteFeed, signed
from tuinews.store.articles import Articles, UpsertCounts
from tuinews.store.database import Database
from tuinews.store.pending import ACTIONS, pending_labels_in
from tuinews.store.rule_match import apply_rules_in
from tuinews.store.search_index import SearchIndex


@dataclass(frozen=True)
class RemoteArticle:
    """An item made an article (sanitised like a fetched one; ``read`` and ``starred``
    as the server has them), with what the store keeps of the server's."""

    article: Article
    remote_id: str
    number: int  # the id's number, unsigned or signed
    timestamp_usec: int | None
    feed: str  # its subscription's stream id
    feed_title: str
    labels: tuple[str, ...] = ()  # its item labels (not its feed's folders): its own tags


@dataclass
class StateChanges:
    """What the server's state changed here."""

    read: int = 0
    unread: int = 0
    starred: int = 0
    unstarred: int = 0
    tagged: int = 0  # article tags added from the server's item labels
    untagged: int = 0


def _temp_numbers(db: sqlite3.Connection, name: str, numbers: Iterable[int]) -> None:
    """A temporary table ``name`` (number) holding these item numbers (signed)."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (number INTEGER PRIMARY KEY)")
    db.execute(f"DELETE FROM {name}")
    db.executemany(
        f"INSERT OR IGNORE INTO {name} (number) VALUES (?)", ((signed(n),) for n in numbers)
    )


def _no_pending(flag: str) -> str:
    """SQL: the article of ``remote_items r`` has no change of this flag waiting."""
    actions = "', '".join(a for a, (column, _v) in ACTIONS.items() if column == flag)
    return (
        "NOT EXISTS (SELECT 1 FROM pending_changes p WHERE p.account_id = r.account_id "
        f"AND p.number = r.number AND p.action IN ('{actions}'))"
    )


class SyncItems:
    """An account's items and their state, as its syncs write them."""

    def __init__(
        self, database: Database, accounts: Accounts, articles: Articles, index: SearchIndex
    ) -> None:
        self.database = database
        self.accounts = accounts
        self.articles = articles
        self.index = index

    # --- items -------------------------------------------------------------------------

    def known_numbers(self, account_id: int) -> set[int]:
        """The (signed) numbers of the account's items stored here."""
        with self.database.reading() as db:
            return {
                int(row[0])
                for row in db.execute(
                    "SELECT number FROM remote_items WHERE account_id = ?", (account_id,)
                )
            }

    def apply_remote_state(
        self, account_id: int, unread: Iterable[int], starred: Iterable[int]
    ) -> StateChanges:
        """Take the server's state, given as the complete sets of its unread and starred
        item numbers: an article here is read iff it is not in the unread set, starred
        iff it is in the starred set, unless a change of that flag made here waits to be
        sent (an unsent local change wins). One transaction; queues nothing."""
        changes = StateChanges()
        mine = "SELECT r.article_id FROM remote_items r WHERE r.account_id = ?"
        with self.database.write() as db:
            _temp_numbers(db, "sync_unread", unread)
            _temp_numbers(db, "sync_starred", starred)
            for column, table, flag in (
                ("read", "sync_unread", "read"),
                ("starred", "sync_starred", "starred"),
            ):
                inside = f"r.number IN (SELECT number FROM temp.{table})"
                # read: 1 when outside the unread set; starred: 1 when inside the starred set
                one, zero = (
                    (f"NOT {inside}", inside) if column == "read" else (inside, f"NOT {inside}")
                )
                for value, where in ((1, one), (0, zero)):
                    count = db.execute(
                        f"UPDATE articles SET {column} = ? WHERE {column} != ? AND id IN "
                        f"({mine} AND {where} AND {_no_pending(flag)})",
                        (value, value, account_id),
                    ).rowcount
                    if column == "read":
                        changes.read += count * value
                        changes.unread += count * (1 - value)
                    else:
                        changes.starred += count * value
                        changes.unstarred += count * (1 - value)
            db.execute("DELETE FROM temp.sync_unread")
            db.execute("DELETE FROM temp.sync_starred")
        return changes

    def apply_remote_labels(
        self, account_id: int, labels: Mapping[str, Iterable[int]]
    ) -> StateChanges:
        """Take the server's item labels, given as every label of the server (by name)
        with the complete set of its item numbers: each article of the account gets the
        tags of its labels (casefolded) and loses the others, but for a tag whose change
        made here waits to be sent. One transaction; queues nothing."""
        changes = StateChanges()
        with self.database.write() as db:
            waiting = pending_labels_in(db, account_id)
            wanted = {
                (signed(number), name.casefold())
                for name, numbers in labels.items()
                for number in numbers
            }
            for table, pairs in (("sync_labels", wanted - waiting), ("sync_waiting", waiting)):
                db.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {table} "
                    "(number INTEGER, tag TEXT, PRIMARY KEY (number, tag))"
                )
                db.execute(f"DELETE FROM temp.{table}")
                db.executemany(f"INSERT INTO temp.{table} VALUES (?, ?)", pairs)
            changes.tagged = db.execute(
                "INSERT OR IGNORE INTO article_tags (tag, article_id) "
                "SELECT l.tag, r.article_id FROM temp.sync_labels l "
                "JOIN remote_items r ON r.account_id = ? AND r.number = l.number",
                (account_id,),
            ).rowcount
            changes.untagged = db.execute(
                "DELETE FROM article_tags WHERE article_id IN "
                "(SELECT article_id FROM remote_items WHERE account_id = ?) "
                "AND NOT EXISTS (SELECT 1 FROM remote_items r JOIN temp.sync_labels l "
                "ON l.number = r.number WHERE r.article_id = article_tags.article_id "
                "AND l.tag = article_tags.tag) "
                "AND NOT EXISTS (SELECT 1 FROM remote_items r JOIN temp.sync_waiting w "
                "ON w.number = r.number WHERE r.article_id = article_tags.article_id "
                "AND w.tag = article_tags.tag)",
                (account_id,),
            ).rowcount
            db.execute("DELETE FROM temp.sync_labels")
            db.execute("DELETE FROM temp.sync_waiting")
        return changes

    def store_items(
        self,
        account_id: int,
        items: Sequence[RemoteArticle],
        *,
        keep: int = 0,
        keep_days: int = 0,
        rules: Sequence[Rule] = (),
    ) -> UpsertCounts:
        """Store items of the account in one transaction: each in its subscription's feed
        (made if the list did not have it yet), with the server's flags (unless a change
        of that flag waits to be sent) and id. The ``rules`` run on the articles new here
        (as on a fetched feed's, before anyone lists them); what they read or star is
        queued for the server. Then each feed keeps its newest ``keep`` articles (its own
        number, if it has one: tuinews feed set) and none older than ``keep_days`` (0: no
        limit), but every unread or starred one (the server still lists them). Returns
        the counts (``new``, ``ruled``, ``hidden``)."""
        by_feed: dict[str, list[RemoteArticle]] = {}
        for item in items:
            by_feed.setdefault(item.feed, []).append(item)
        counts = UpsertCounts()
        counts.ruled = [0] * len(rules)
        now = int(time.time())
        with self.database.write() as db:
            for stream, group in by_feed.items():
                sub = RemoteFeed(stream, "", group[0].feed_title, "", ())
                feed_id = self.accounts.feed_in(db, account_id, sub)
                before = len(counts.new_ids)
                self.articles.upsert_in(db, feed_id, [g.article for g in group], counts, now)
                new_ids = counts.new_ids[before:]
                fresh = set(new_ids)
                for entry in group:
                    self._remote_item_in(db, account_id, feed_id, entry, fresh)
                if rules and new_ids:
                    ruled = apply_rules_in(db, rules, new_ids, now, queue=True).changed
                    counts.ruled = [a + b for a, b in zip(counts.ruled, ruled, strict=True)]
                    counts.hidden += sum(
                        n
                        for rule, n in zip(rules, ruled, strict=True)
                        if rule.action.kind == "hide"
                    )
                own = db.execute("SELECT keep FROM feeds WHERE id = ?", (feed_id,)).fetchone()
                kept = keep if own is None or own[0] is None else int(own[0])  # its own
                self._retain_in(db, feed_id, [g.article.uid for g in group], kept, keep_days)
            self.index.index_if_due(db)
        return counts

    @staticmethod
    def _remote_item_in(
        db: sqlite3.Connection,
        account_id: int,
        feed_id: int,
        entry: RemoteArticle,
        fresh: set[int],
    ) -> None:
        """Its id, flags and labels (``fresh``: articles inserted just now, unread and
        unstarred as made: only a flag set needs writing)."""
        row = db.execute(
            "SELECT id FROM articles WHERE feed_id = ? AND uid = ?", (feed_id, entry.article.uid)
        ).fetchone()
        if row is None:
            return
        article_id, number = int(row[0]), signed(entry.number)
        usec = entry.timestamp_usec
        if usec is not None and not 0 < usec < 1 << 63:
            usec = None  # (a server's nonsense: SQLite could not even hold it)
        db.execute(
            "INSERT OR REPLACE INTO remote_items "
            "(article_id, account_id, remote_id, number, timestamp_usec) VALUES (?, ?, ?, ?, ?)",
            (article_id, account_id, entry.remote_id, number, usec),
        )
        for column, value in (("read", entry.article.read), ("starred", entry.article.starred)):
            if not value and article_id in fresh:
                continue
            db.execute(
                f"UPDATE articles SET {column} = ? WHERE id = ? AND {column} != ? AND id IN "
                f"(SELECT r.article_id FROM remote_items r WHERE r.article_id = ? "
                f"AND {_no_pending(column)})",
                (int(value), article_id, int(value), article_id),
            )
        if entry.labels:  # added (taken away only by apply_remote_labels' complete sets)
            waiting = pending_labels_in(db, account_id)
            db.executemany(
                "INSERT OR IGNORE INTO article_tags (tag, article_id) VALUES (?, ?)",
                [
                    (tag, article_id)
                    for tag in {label.casefold() for label in entry.labels}
                    if (number, tag) not in waiting
                ],
            )

    @staticmethod
    def _retain_in(
        db: sqlite3.Connection, feed_id: int, current: list[str], keep: int, keep_days: int
    ) -> None:
        if keep <= 0 and keep_days <= 0:
            return
        db.execute("CREATE TEMP TABLE IF NOT EXISTS current_uids (uid TEXT PRIMARY KEY)")
        db.execute("DELETE FROM current_uids")
        db.executemany("INSERT OR IGNORE INTO current_uids VALUES (?)", [(u,) for u in current])
        spare = "starred = 0 AND read = 1 AND uid NOT IN (SELECT uid FROM current_uids)"
        if keep > 0:
            db.execute(
                f"DELETE FROM articles WHERE feed_id = ? AND {spare} AND id NOT IN "
                "(SELECT id FROM articles WHERE feed_id = ? "
                "ORDER BY published DESC, id DESC LIMIT ?)",
                (feed_id, feed_id, keep),
            )
        if keep_days > 0:
            cutoff = int(time.time()) - keep_days * 86400
            db.execute(
                f"DELETE FROM articles WHERE feed_id = ? AND {spare} AND published < ?",
                (feed_id, cutoff),
            )
