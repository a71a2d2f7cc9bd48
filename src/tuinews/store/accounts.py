"""Accounts on feed servers (issue 14): the accounts, their feeds (kind ``account``, never
fetched by a refresh: a refresh takes the feeds of kind ``feed``), and the read and star
changes waiting to be sent (``pending_changes``, queued by :mod:`.pending` with the change
itself). What a sync stores of items and state is :mod:`.sync`'s.

Item ids are 64-bit numbers the server may give in two forms; they are kept as the
server gave them (``remote_id``, sent back so) and as a signed number (``number``: SQLite
integers are signed), by which the same item is known whatever form it came in.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tuinews.links import shown_url
from tuinews.sanitise import clean_line
from tuinews.store.adopt import GUESSED, OWN_DATE
from tuinews.store.articles import CHUNK
from tuinews.store.database import Database
from tuinews.store.feeds import Feeds

_U64 = 1 << 64


def signed(number: int) -> int:
    """An item id's 64 bits as SQLite keeps them (signed)."""
    number %= _U64
    return number - _U64 if number >= 1 << 63 else number


@dataclass(frozen=True)
class Account:
    id: int
    api_url: str
    user: str
    kind: str
    server: str
    password_command: str
    status: str  # new, ok, failed
    last_error: str
    last_sync: int | None
    last_success: int | None
    newest_usec: int | None
    added: int
    feeds: int = 0
    articles: int = 0
    unread: int = 0
    pending: int = 0  # changes waiting to be sent

    @property
    def name(self) -> str:
        """How the account is called in messages: "alice at https://host/api/greader.php"
        (never a password the URL may hold)."""
        return f"{self.user} at {shown_url(self.api_url)}"


@dataclass(frozen=True)
class RemoteFeed:
    """A subscription as the server lists it, sanitised."""

    remote_id: str  # the stream id ("feed/12")
    url: str  # the feed's http(s) address, "" when the server does not say
    title: str
    site_url: str
    tags: tuple[str, ...]  # its folders


@dataclass(frozen=True)
class PendingChange:
    id: int
    remote_id: str
    number: int | None
    action: str  # read, unread, star, unstar, label, unlabel
    argument: str = ""  # label, unlabel: the label's name


@dataclass
class SubscriptionChanges:
    added: int = 0
    updated: int = 0
    removed: int = 0


_ACCOUNT_COLUMNS = (
    "a.id, a.api_url, a.user, a.kind, a.server, a.password_command, a.status, a.last_error, "
    "a.last_sync, a.last_success, a.newest_usec, a.added"
)
_ACCOUNT_COUNTS = (
    "(SELECT COUNT(*) FROM feeds f WHERE f.account_id = a.id), "
    "(SELECT COUNT(*) FROM remote_items r WHERE r.account_id = a.id), "
    "(SELECT COUNT(*) FROM remote_items r JOIN articles x ON x.id = r.article_id "
    "WHERE r.account_id = a.id AND x.read = 0), "
    "(SELECT COUNT(*) FROM pending_changes p WHERE p.account_id = a.id)"
)


def _account(row: Sequence[Any]) -> Account:
    return Account(*row)


class Accounts:
    """The accounts, their feeds, and the changes waiting to be sent."""

    def __init__(self, database: Database, feeds: Feeds) -> None:
        self.database = database
        self.feeds = feeds

    # --- the accounts ------------------------------------------------------------------

    def add_account(
        self, api_url: str, user: str, *, server: str = "", password_command: str = ""
    ) -> tuple[Account, bool]:
        """Add the account (its login was checked), or update the one with this address
        and user; returns it and whether it is new."""
        with self.database.write() as db:
            row = db.execute(
                "SELECT id FROM accounts WHERE api_url = ? AND user = ?", (api_url, user)
            ).fetchone()
            if row is None:
                cursor = db.execute(
                    "INSERT INTO accounts (api_url, user, server, password_command, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (api_url, user, server, password_command, int(time.time())),
                )
                account_id, new = int(cursor.lastrowid or 0), True
            else:
                account_id, new = int(row[0]), False
                db.execute(
                    "UPDATE accounts SET server = ?, password_command = ?, "
                    "last_error = CASE WHEN status = 'failed' THEN '' ELSE last_error END, "
                    "status = CASE WHEN status = 'failed' THEN 'new' ELSE status END "
                    "WHERE id = ?",
                    (server, password_command, account_id),
                )
        account = self.get_account(account_id)
        assert account is not None
        return account, new

    def accounts(self, *, counts: bool = True) -> list[Account]:
        """Every account, with its counts (which read its articles), in the order they
        were added."""
        extra = f", {_ACCOUNT_COUNTS}" if counts else ""
        rows = self.database.read(f"SELECT {_ACCOUNT_COLUMNS}{extra} FROM accounts a ORDER BY a.id")
        return [_account(row) for row in rows]

    def get_account(self, account_id: int, *, counts: bool = True) -> Account | None:
        """The account (``counts``: with its counts, which read its articles; without,
        a lookup by key, for the app's event loop)."""
        extra = f", {_ACCOUNT_COUNTS}" if counts else ""
        rows = self.database.read(
            f"SELECT {_ACCOUNT_COLUMNS}{extra} FROM accounts a WHERE a.id = ?", (account_id,)
        )
        return _account(rows[0]) if rows else None

    def remove_account(self, account_id: int, *, keep_articles: bool) -> int:
        """Remove the account, its ids and its waiting changes. Its feeds and articles
        go with it, or with ``keep_articles`` stay as local feeds (fetched by a refresh
        from now on; one whose URL a local feed has joins it, an article both have by its
        link kept once). Returns how many articles were kept or dropped."""
        with self.database.write() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM articles WHERE feed_id IN "
                "(SELECT id FROM feeds WHERE account_id = ?)",
                (account_id,),
            ).fetchone()
            if keep_articles:
                self._keep_feeds_in(db, account_id)
            db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
        return int(count)

    @staticmethod
    def _keep_feeds_in(db: sqlite3.Connection, account_id: int) -> None:
        feeds = db.execute(
            "SELECT id, url FROM feeds WHERE account_id = ?", (account_id,)
        ).fetchall()
        for feed_id, url in feeds:
            local = db.execute(
                "SELECT id FROM feeds WHERE url = ? AND account_id IS NULL", (url,)
            ).fetchone()
            # Their uids are the server's item ids, not what a refresh gives (the guid):
            # guessed, so that the first refresh takes them over by title and date
            # (store.adopt) instead of adding each again, unread.
            db.execute(
                "UPDATE articles SET guess = guess | ? WHERE feed_id = ?",
                (GUESSED | OWN_DATE, feed_id),
            )
            if local is None:
                # The name it had (the server's, maybe given here) stays: the user's now.
                db.execute(
                    "UPDATE feeds SET account_id = NULL, remote_id = NULL, kind = 'feed', "
                    "status = 'new', last_error = '', "
                    "user_title = COALESCE(NULLIF(user_title, ''), title) WHERE id = ?",
                    (feed_id,),
                )
                continue
            # The same article, fetched by the local feed too (its own uid, the same link):
            # one copy, read or starred if either was, not two.
            db.execute(
                "UPDATE articles AS l SET read = MAX(l.read, a.read), "
                "starred = MAX(l.starred, a.starred) FROM articles AS a "
                "WHERE l.feed_id = ?1 AND a.feed_id = ?2 AND a.link != '' AND a.link = l.link",
                (local[0], feed_id),
            )
            db.execute(
                "DELETE FROM articles WHERE feed_id = ?2 AND link != '' AND link IN "
                "(SELECT link FROM articles WHERE feed_id = ?1)",
                (local[0], feed_id),
            )
            db.execute(
                "UPDATE OR IGNORE articles SET feed_id = ? WHERE feed_id = ?", (local[0], feed_id)
            )
            db.execute(
                "INSERT OR IGNORE INTO feed_tags (feed_id, tag) "
                "SELECT ?, tag FROM feed_tags WHERE feed_id = ?",
                (local[0], feed_id),
            )
            db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def record_sync(
        self, account_id: int, *, error: str | None = None, newest_usec: int | None = None
    ) -> None:
        """A sync ended: failed with ``error``, or worked (``newest_usec``: the newest item
        time seen, kept if it is later than the one stored)."""
        now = int(time.time())
        with self.database.write() as db:
            if error is not None:
                db.execute(
                    "UPDATE accounts SET status = 'failed', last_error = ?, last_sync = ? "
                    "WHERE id = ?",
                    (clean_line(error, 300), now, account_id),
                )
                return
            db.execute(
                "UPDATE accounts SET status = 'ok', last_error = '', last_sync = ?1, "
                "last_success = ?1, newest_usec = CASE WHEN ?2 IS NULL THEN newest_usec "
                "ELSE MAX(COALESCE(newest_usec, 0), ?2) END WHERE id = ?3",
                (now, newest_usec, account_id),
            )

    # --- subscriptions -----------------------------------------------------------------

    def account_feeds(self, account_id: int) -> dict[str, int]:
        """The account's feeds: stream id -> feed id."""
        rows = self.database.read(
            "SELECT remote_id, id FROM feeds WHERE account_id = ?", (account_id,)
        )
        return {str(remote): int(feed_id) for remote, feed_id in rows}

    def apply_subscriptions(
        self, account_id: int, subscriptions: Sequence[RemoteFeed]
    ) -> SubscriptionChanges:
        """Make the account's feeds the server's list, in one transaction: new ones added,
        titles, addresses and folders (tags) updated, those gone removed with their
        articles."""
        changes = SubscriptionChanges()
        with self.database.write() as db:
            existing = {
                str(row[0]): row
                for row in db.execute(
                    "SELECT remote_id, id, url, title, site_url, "
                    "(SELECT GROUP_CONCAT(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id) "
                    "FROM feeds f WHERE account_id = ?",
                    (account_id,),
                )
            }
            listed = set()
            for sub in subscriptions:
                listed.add(sub.remote_id)
                row = existing.get(sub.remote_id)
                if row is None:
                    self.feed_in(db, account_id, sub)
                    changes.added += 1
                    continue
                feed_id = int(row[1])
                tags = tuple(sorted(str(row[5]).split("\x1f"))) if row[5] else ()
                changed = False
                if (sub.title, sub.site_url) != (row[3], row[4]):
                    db.execute(
                        "UPDATE feeds SET title = ?, site_url = ? WHERE id = ?",
                        (sub.title, sub.site_url, feed_id),
                    )
                    changed = True
                if sub.url and sub.url != row[2]:
                    changed |= (
                        db.execute(
                            "UPDATE OR IGNORE feeds SET url = ? WHERE id = ?", (sub.url, feed_id)
                        ).rowcount
                        > 0
                    )
                if tuple(sorted(sub.tags)) != tags:
                    self.feeds.set_tags_in(db, feed_id, sub.tags)
                    changed = True
                changes.updated += changed
            for remote_id, row in existing.items():
                if remote_id not in listed:
                    db.execute("DELETE FROM feeds WHERE id = ?", (row[1],))
                    changes.removed += 1
        return changes

    def feed_in(self, db: sqlite3.Connection, account_id: int, sub: RemoteFeed) -> int:
        """The account's feed for this subscription (made if missing), in ``db``."""
        row = db.execute(
            "SELECT id FROM feeds WHERE account_id = ? AND remote_id = ?",
            (account_id, sub.remote_id),
        ).fetchone()
        if row is not None:
            return int(row[0])
        values = (sub.title, sub.site_url, account_id, sub.remote_id, int(time.time()))
        try:
            cursor = db.execute(
                "INSERT INTO feeds (url, kind, title, site_url, status, account_id, remote_id, "
                "added) VALUES (?, 'account', ?, ?, 'ok', ?, ?, ?)",
                (sub.url or sub.remote_id, *values),
            )
        except sqlite3.IntegrityError:  # another of its feeds has that address: the id then
            cursor = db.execute(
                "INSERT INTO feeds (url, kind, title, site_url, status, account_id, remote_id, "
                "added) VALUES (?, 'account', ?, ?, 'ok', ?, ?, ?)",
                (sub.remote_id, *values),
            )
        feed_id = int(cursor.lastrowid or 0)
        self.feeds.set_tags_in(db, feed_id, sub.tags)
        return feed_id

    # --- changes to send ---------------------------------------------------------------

    def pending_changes(self, account_id: int) -> list[PendingChange]:
        """The changes waiting to be sent, in the order they were made."""
        rows = self.database.read(
            "SELECT id, remote_id, number, action, argument FROM pending_changes "
            "WHERE account_id = ? ORDER BY id",
            (account_id,),
        )
        return [PendingChange(int(i), str(r), n, str(a), str(x)) for i, r, n, a, x in rows]

    def forget_pending(self, change_ids: Sequence[int]) -> None:
        """These changes were sent: delete exactly them (one transaction)."""
        with self.database.write() as db:
            for start in range(0, len(change_ids), CHUNK):
                chunk = list(change_ids[start : start + CHUNK])
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM pending_changes WHERE id IN ({marks})", chunk)
