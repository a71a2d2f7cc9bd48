"""Saved searches (listed above the feeds) and the rules added by ``tuinews rule add``
(the tables ``saved_searches`` and ``rules``, migration 8). What they hold is text as the
user wrote it, checked before it is stored (``tuinews.query.rules``); applying the rules
is :mod:`tuinews.store.rule_sql`'s."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Literal

from tuinews.sanitise import clean_line
from tuinews.store.database import Database, StoreError

MAX_NAME_CHARS = 200
MAX_QUERY_CHARS = 1000


class SearchExists(StoreError):
    """A saved search of that name is there already."""


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str


@dataclass(frozen=True)
class StoredRule:
    """A rule added by command: ``id`` is its number (``tuinews rule remove N``)."""

    id: int
    match: str
    action: str


Merged = Literal["added", "unchanged", "conflict"]


class Saved:
    """The saved searches and the stored rules."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- saved searches ------------------------------------------------------------------

    def add_saved_search(self, name: str, query: str) -> SavedSearch:
        """Save a search; SearchExists if the name (in any case) is taken."""
        name, query = clean_line(name, MAX_NAME_CHARS), clean_line(query, MAX_QUERY_CHARS)
        with self.database.write() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO saved_searches (name, query, added) VALUES (?, ?, ?)",
                    (name, query, int(time.time())),
                )
            except sqlite3.IntegrityError:
                raise SearchExists(f"a saved search called {name!r} exists already") from None
        return SavedSearch(int(cursor.lastrowid or 0), name, query)

    def merge_saved_search(self, name: str, query: str) -> Merged:
        """Save a search unless one of that name is there: "unchanged" when it has this
        query, "conflict" when another (an import does this: twice changes nothing)."""
        name, query = clean_line(name, MAX_NAME_CHARS), clean_line(query, MAX_QUERY_CHARS)
        with self.database.write() as db:
            row = db.execute("SELECT query FROM saved_searches WHERE name = ?", (name,)).fetchone()
            if row is not None:
                return "unchanged" if row[0] == query else "conflict"
            db.execute(
                "INSERT INTO saved_searches (name, query, added) VALUES (?, ?, ?)",
                (name, query, int(time.time())),
            )
        return "added"

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        rows = self.database.read("SELECT id, name, query FROM saved_searches")
        found = [SavedSearch(int(r[0]), str(r[1]), str(r[2])) for r in rows]
        return sorted(found, key=lambda s: s.name.casefold())

    def remove_saved_search(self, name: str) -> SavedSearch | None:
        """Remove the saved search of that name (in any case); the one removed, or None."""
        with self.database.write() as db:
            row = db.execute(
                "SELECT id, name, query FROM saved_searches WHERE name = ?", (name.strip(),)
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM saved_searches WHERE id = ?", (row[0],))
        return SavedSearch(int(row[0]), str(row[1]), str(row[2]))

    # --- rules ---------------------------------------------------------------------------

    def add_rule(self, match: str, action: str) -> StoredRule:
        match = clean_line(match, MAX_QUERY_CHARS)
        with self.database.write() as db:
            cursor = db.execute(
                "INSERT INTO rules (match, action, added) VALUES (?, ?, ?)",
                (match, action, int(time.time())),
            )
        return StoredRule(int(cursor.lastrowid or 0), match, action)

    def merge_rule(self, match: str, action: str) -> Merged:
        """Add the rule unless the same one is there ("unchanged")."""
        match = clean_line(match, MAX_QUERY_CHARS)
        with self.database.write() as db:
            if db.execute(
                "SELECT 1 FROM rules WHERE match = ? AND action = ?", (match, action)
            ).fetchone():
                return "unchanged"
            db.execute(
                "INSERT INTO rules (match, action, added) VALUES (?, ?, ?)",
                (match, action, int(time.time())),
            )
        return "added"

    def stored_rules(self) -> list[StoredRule]:
        """The rules added by command, in the order added."""
        rows = self.database.read("SELECT id, match, action FROM rules ORDER BY id")
        return [StoredRule(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def remove_rule(self, rule_id: int) -> StoredRule | None:
        with self.database.write() as db:
            row = db.execute(
                "SELECT id, match, action FROM rules WHERE id = ?", (rule_id,)
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM rules WHERE id = ?", (rule_id,))
        return StoredRule(int(row[0]), str(row[1]), str(row[2]))
