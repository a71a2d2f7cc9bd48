"""Rules (``tuinews.query.rules``) applied as SQL: one statement per rule, over a set of
articles, never one per article.

At ingest, a feed's new articles are not in the full-text index yet (they are indexed a
thousand at a time: see ``search_index``), so the words of a rule are looked for in a
small index of their own, ``rule_fts`` (a TEMP table of the connection, with the same
columns and tokenizer as ``articles_fts``), filled with just these articles in the same
transaction that stores them: an article is hidden, read, starred or tagged before
anyone can list it. The small index keeps no content (it is emptied at once with
``delete-all``: deleting rows from an FTS5 table that keeps them tokenizes them again and
leaves tombstones that slowed every later match tenfold), and gets only the columns the
rules' words are in (a killfile of ``title:`` rules tokenizes no article text).
``tuinews rule apply`` runs the same statements over every stored
article of a fetched feed or an account, with the real index.

An account's article that a rule reads, stars or tags has the change queued for its
server in the same transaction (``pending``; a tag is an item label there), like one made
by hand: otherwise the server's state, unread, would win at the next sync.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from tuinews.query import All, Any, Not, Term, Words
from tuinews.query.rules import Rule
from tuinews.store.database import Database
from tuinews.store.pending import any_remote_in, queue_label_where_in, queue_where_in
from tuinews.store.query_sql import query_sql, reads_index
from tuinews.store.search_index import SearchIndex

NEW_INDEX = "rule_fts"
_MAKE_NEW_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{NEW_INDEX} USING fts5 ("
    "title, author, text, full, content = '', columnsize = 0, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_EMPTY_NEW_INDEX = f"INSERT INTO {NEW_INDEX} ({NEW_INDEX}) VALUES ('delete-all')"
_COLUMNS = ("title", "author", "text")  # (a new article has no full text yet)
_SETS = {"hide": "hidden", "read": "read", "star": "starred"}
_QUEUED = {"read": "read", "star": "star"}  # what is sent to an account's server


@dataclass
class RuleCounts:
    """How many articles each rule changed (by position in the rules given)."""

    changed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.changed)


def _uses_words(rules: Sequence[Rule]) -> bool:
    return any(reads_index(rule.query) for rule in rules)


def _word_columns(term: Term, out: set[str]) -> None:
    if isinstance(term, Words):
        out.update((term.field,) if term.field else _COLUMNS)
    elif isinstance(term, Not):
        _word_columns(term.term, out)
    elif isinstance(term, All | Any):
        for inner in term.terms:
            _word_columns(inner, out)


def _columns(rules: Sequence[Rule]) -> list[str]:
    """The columns the rules' words are looked for in."""
    found: set[str] = set()
    for rule in rules:
        for term in rule.query.terms:
            _word_columns(term, found)
    return [column for column in _COLUMNS if column in found]


def _statement(rule: Rule, scope: str) -> tuple[str, str]:
    """The statement applying a rule to the articles ``a`` that match it within
    ``scope`` (a condition on ``a`` with one parameter, or none): its SQL, with
    ``{conditions}`` to fill."""
    action = rule.action
    if action.kind == "tag":
        return (
            "INSERT OR IGNORE INTO article_tags (tag, article_id) "
            f"SELECT ?, a.id FROM articles a WHERE {scope} AND {{conditions}}",
            action.tag.casefold(),
        )
    column = _SETS[action.kind]
    return (
        f"UPDATE articles SET {column} = 1 WHERE {column} = 0 AND id IN "
        f"(SELECT a.id FROM articles a WHERE {scope} AND {{conditions}})",
        "",
    )


def _apply(
    db: sqlite3.Connection,
    rules: Sequence[Rule],
    scope: str,
    scope_params: Sequence[object],
    index: str,
    now: int,
    few: bool = False,
    queue: bool = False,
) -> RuleCounts:
    """``queue``: some of the articles may be an account's (their changes are queued)."""
    counts = RuleCounts()
    queue = queue and any_remote_in(db)
    for rule in rules:
        found = query_sql(rule.query, now, index=index, few=few)
        conditions, params = found.conditions()
        where = " AND ".join(f"({c})" for c in conditions) or "1"
        action = _QUEUED.get(rule.action.kind)
        if queue and rule.action.kind != "hide":
            matching = f"SELECT a.id FROM articles a WHERE {scope} AND {where}"
            if action is not None:
                queue_where_in(db, action, matching, [*scope_params, *params], now)
            else:  # a tag: the item's label
                queue_label_where_in(db, rule.action.tag, matching, [*scope_params, *params], now)
        sql, tag = _statement(rule, scope)
        sql = sql.format(conditions=where)
        values = ([tag] if tag else []) + [*scope_params, *params]
        counts.changed.append(int(db.execute(sql, values).rowcount))
    return counts


def apply_rules_in(
    db: sqlite3.Connection,
    rules: Sequence[Rule],
    ids: Sequence[int],
    now: int | None = None,
    *,
    queue: bool = False,
) -> RuleCounts:
    """Apply the rules to these (new) articles, in the caller's transaction ``db``;
    ``queue``: they are an account's (what a rule reads or stars is sent to its server)."""
    if not rules or not ids:
        return RuleCounts([0] * len(rules))
    clock = int(time.time()) if now is None else now
    listed = "[" + ",".join(str(int(i)) for i in ids) + "]"
    words = _uses_words(rules)
    if words:
        db.execute(_MAKE_NEW_INDEX)
        columns = ", ".join(_columns(rules))
        db.execute(
            f"INSERT INTO {NEW_INDEX} (rowid, {columns}) SELECT id, {columns} FROM articles "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (listed,),
        )
    try:
        scope = "a.id IN (SELECT value FROM json_each(?))"
        return _apply(db, rules, scope, [listed], NEW_INDEX, clock, few=True, queue=queue)
    finally:
        if words:
            db.execute(_EMPTY_NEW_INDEX)


class RuleRunner:
    """``tuinews rule apply``: the rules over every stored article of a fetched feed or
    an account."""

    def __init__(self, database: Database, index: SearchIndex) -> None:
        self.database = database
        self.index = index

    def apply_rules(self, rules: Sequence[Rule], now: int | None = None) -> RuleCounts:
        """Apply the rules to what is stored (after indexing what waits to be), in one
        transaction; local files' articles are left alone. An account's articles changed
        have the changes queued for its server."""
        self.index.index_pending()
        clock = int(time.time()) if now is None else now
        with self.database.write() as db:
            return _apply(
                db,
                rules,
                "a.feed_id IN (SELECT id FROM feeds WHERE kind IN (?, ?))",
                ["feed", "account"],
                "articles_fts",
                clock,
                queue=True,
            )
