"""The changes of an account's articles waiting to be sent to its server (the table
``pending_changes``), written in the transaction that changes the flag: a crash can never
keep the flag and lose the change, nor the reverse. A row holds the state wanted (read,
not "toggle"), so sending one twice is harmless; the sync sends the last one per article
and flag, and deletes exactly the rows it sent (``store.sync``).

The functions here run in the caller's transaction ``db``: ``Articles.set_read`` and
``set_starred``, ``Listing.mark_view_read``, the rules (``rule_sql``: what a rule reads,
stars or tags on an account's article goes to its server too). Articles of no account
have no ``remote_items`` row and queue nothing."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

# The flag each action changes, and its value.
ACTIONS = {
    "read": ("read", 1),
    "unread": ("read", 0),
    "star": ("starred", 1),
    "unstar": ("starred", 0),
}
# An article's own tag (``article_tags``) is an item label on the server: ``argument``
# holds the label's name as written (the tag is kept casefolded).
LABELS = ("label", "unlabel")


def queue_flag_in(db: sqlite3.Connection, article_ids: Sequence[int], action: str) -> int:
    """Queue ``action`` for those of these articles that belong to an account and whose
    flag it changes (call before the UPDATE). Returns how many rows were queued."""
    column, value = ACTIONS[action]
    if not article_ids:
        return 0
    marks = ",".join("?" * len(article_ids))
    return int(
        db.execute(
            "INSERT INTO pending_changes (account_id, remote_id, number, action, created) "
            "SELECT r.account_id, r.remote_id, r.number, ?, ? FROM remote_items r "
            f"JOIN articles a ON a.id = r.article_id WHERE r.article_id IN ({marks}) "
            f"AND a.{column} != ?",
            [action, int(time.time()), *article_ids, value],
        ).rowcount
    )


def queue_read_in(db: sqlite3.Connection, ids_sql: str, params: Sequence[object]) -> int:
    """Queue "read" for the unread articles of an account among those ``ids_sql`` (a
    SELECT of article ids) gives: a whole view marked read. Nothing is read when no
    article belongs to an account."""
    if db.execute("SELECT 1 FROM remote_items LIMIT 1").fetchone() is None:
        return 0
    return int(
        db.execute(
            "INSERT INTO pending_changes (account_id, remote_id, number, action, created) "
            "SELECT r.account_id, r.remote_id, r.number, 'read', ? FROM remote_items r "
            "JOIN articles a ON a.id = r.article_id "
            f"WHERE a.read = 0 AND r.article_id IN ({ids_sql})",
            [int(time.time()), *params],
        ).rowcount
    )


def any_remote_in(db: sqlite3.Connection) -> bool:
    """Whether any article belongs to an account (else nothing can be queued)."""
    return db.execute("SELECT 1 FROM remote_items LIMIT 1").fetchone() is not None


def queue_where_in(
    db: sqlite3.Connection, action: str, ids_sql: str, params: Sequence[object], now: int
) -> int:
    """Queue ``action`` (read, unread, star, unstar) for the articles of an account among
    those ``ids_sql`` (a SELECT of article ids, its ``params``) whose flag it changes (call
    before the UPDATE). Returns how many rows were queued."""
    column, value = ACTIONS[action]
    return int(
        db.execute(
            "INSERT INTO pending_changes (account_id, remote_id, number, action, created) "
            "SELECT r.account_id, r.remote_id, r.number, ?, ? FROM remote_items r "
            "JOIN articles a ON a.id = r.article_id "
            f"WHERE a.{column} != ? AND r.article_id IN ({ids_sql})",
            [action, now, value, *params],
        ).rowcount
    )


def queue_label_where_in(
    db: sqlite3.Connection, name: str, ids_sql: str, params: Sequence[object], now: int
) -> int:
    """Queue the label ``name`` for the articles of an account among those ``ids_sql``
    gives that do not have that tag yet (call before tagging them)."""
    return int(
        db.execute(
            "INSERT INTO pending_changes "
            "(account_id, remote_id, number, action, argument, created) "
            "SELECT r.account_id, r.remote_id, r.number, 'label', ?, ? FROM remote_items r "
            "WHERE NOT EXISTS (SELECT 1 FROM article_tags t WHERE t.tag = ? "
            f"AND t.article_id = r.article_id) AND r.article_id IN ({ids_sql})",
            [name, now, name.casefold(), *params],
        ).rowcount
    )


def pending_labels_in(db: sqlite3.Connection, account_id: int) -> set[tuple[int, str]]:
    """(item number, tag) of the account's label changes waiting to be sent: the server's
    labels are not taken for those."""
    rows = db.execute(
        "SELECT number, argument FROM pending_changes WHERE account_id = ? "
        "AND action IN ('label', 'unlabel') AND number IS NOT NULL",
        (account_id,),
    )
    return {(int(number), str(name).casefold()) for number, name in rows}
