"""Rules (``tuinews.query.rules``) applied as SQL: one statement per rule, over a set of
articles, never one per article: ``tuinews rule apply`` (``RuleRunner``), the rules the
matcher of ``rule_match`` cannot match exactly at ingest (``SqlMatcher``), and
``apply_rules_sql_in``, what ``rule_match.apply_rules_in`` must do the same as (the
ingest's path before it, kept as the reference of the tests).

At ingest here, a feed's new articles are not in the full-text index yet (they are indexed a
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

from tuinews.query import Age, Term
from tuinews.query.matcher import query_columns
from tuinews.query.rule_code import FLAGS
from tuinews.query.rules import Action, Rule
from tuinews.query.terms import leaves
from tuinews.store.database import Database
from tuinews.store.found_sql import QuerySql
from tuinews.store.pending import any_remote_in, queue_label_where_in, queue_where_in
from tuinews.store.query_sql import query_sql, reads_index
from tuinews.store.search_index import SearchIndex, settle_tags_in

NEW_INDEX = "rule_fts"
_MAKE_NEW_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{NEW_INDEX} USING fts5 ("
    "title, author, text, full, content = '', columnsize = 0, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_EMPTY_NEW_INDEX = f"INSERT INTO {NEW_INDEX} ({NEW_INDEX}) VALUES ('delete-all')"
NEW_IDS = "rule_ids"  # the new articles' ids (a TEMP table of the connection)
_MAKE_NEW_IDS = f"CREATE TABLE IF NOT EXISTS temp.{NEW_IDS} (id INTEGER PRIMARY KEY)"
_COLUMNS = ("title", "author", "text")  # (a new article has no full text yet)
_QUEUED = {"read": "read", "star": "star"}  # what is sent to an account's server


@dataclass
class RuleCounts:
    """How many articles each rule changed (by position in the rules given)."""

    changed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.changed)


def queue_action_in(
    db: sqlite3.Connection, action: Action, matching: str, params: Sequence[object], now: int
) -> None:
    """Queue for an account's server what ``action`` does to the articles ``matching``
    (SQL of their ids) selects: read, starred, a tag as the item's label (hiding stays
    here)."""
    if action.kind == "hide":
        return
    sent = _QUEUED.get(action.kind)
    if sent is not None:
        queue_where_in(db, sent, matching, params, now)
    else:  # a tag: the item's label
        queue_label_where_in(db, action.tag, matching, params, now)


def _uses_words(rules: Sequence[Rule]) -> bool:
    return any(reads_index(rule.query) for rule in rules)


def _columns(rules: Sequence[Rule]) -> list[str]:
    """The columns the rules' words are looked for in."""
    found = set().union(*(query_columns(rule.query) for rule in rules))
    return [column for column in _COLUMNS if column in found]


_columns_made: tuple[object, str] | None = None  # (see _small_index_columns)


def _small_index_columns(rules: Sequence[Rule]) -> str:
    """The columns of the rules' small index ("": no rule has words); the last ones
    made are kept (walking 50 rules' terms for every feed stored: 0.1 ms)."""
    global _columns_made
    key = tuple((rule.match, rule.action.text) for rule in rules)
    made = _columns_made
    if made is not None and made[0] == key:
        return made[1]
    columns = ", ".join(_columns(rules)) if _uses_words(rules) else ""
    _columns_made = (key, columns)
    return columns


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
    column = FLAGS[action.kind]
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
        if queue:
            matching = f"SELECT a.id FROM articles a WHERE {scope} AND {where}"
            queue_action_in(db, rule.action, matching, [*scope_params, *params], now)
        sql, tag = _statement(rule, scope)
        sql = sql.format(conditions=where)
        values = ([tag] if tag else []) + [*scope_params, *params]
        counts.changed.append(int(db.execute(sql, values).rowcount))
    return counts


@dataclass(frozen=True)
class _Group:
    """The rules of one action (and tag), as one condition: ``first`` is the position
    of the first of them, ``where`` their conditions joined by OR, with ``params``."""

    first: int
    positions: tuple[int, ...]
    where: str
    params: tuple[object, ...]


# The last groups made: for these rules, at this time (None: no rule has an ``age:``).
_made: tuple[object, int | None, list[_Group]] | None = None


def _timed(term: Term) -> bool:
    """Whether the SQL of a term depends on the clock (``age:``)."""
    return any(isinstance(leaf, Age) for leaf in leaves(term))


def _groups(rules: Sequence[Rule], now: int) -> list[_Group]:
    """The rules grouped by action; the last ones made are kept (a refresh stores feed
    after feed with the same rules: making the SQL of 50 rules took 3.5 ms a feed),
    made again each second only if a rule has an ``age:`` (its SQL holds the time)."""
    global _made
    key = tuple((rule.match, rule.action.text) for rule in rules)
    made = _made
    if made is not None and made[0] == key and made[1] in (None, now):
        return made[2]
    positions_by: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        positions_by.setdefault(rule.action.text.casefold(), []).append(position)
    groups = []
    for positions in positions_by.values():
        wheres: list[str] = []
        params: list[object] = []
        words: list[str] = []  # the rules that are only words: one MATCH for them all
        for position in positions:
            found = query_sql(rules[position].query, now, index=NEW_INDEX, few=True)
            if found.match is not None and not found.where:
                words.append(found.match)
                continue
            conditions, values = found.conditions()
            wheres.append(" AND ".join(f"({c})" for c in conditions) or "1")
            params += values
        if words:
            either = QuerySql(match=" OR ".join(f"({w})" for w in words), index=NEW_INDEX)
            wheres.insert(0, either.matching)
            params.insert(0, either.match)
        where = " OR ".join(f"({w})" for w in wheres)
        groups.append(_Group(positions[0], tuple(positions), where, tuple(params)))
    timed = any(_timed(term) for rule in rules for term in rule.query.terms)
    _made = (key, now if timed else None, groups)
    return groups


def _apply_grouped(
    db: sqlite3.Connection, rules: Sequence[Rule], scope: str, now: int, queue: bool
) -> RuleCounts:
    """As ``_apply`` over a few new articles (``scope``: a condition on ``a`` without
    parameters), but one statement per action (and tag) for all its rules, their
    conditions joined by OR: a killfile of 50 rules ran 50 statements for every feed's
    new articles (more time than storing them). What a group changed is counted at
    its first rule (the others' 0): the totals by action are those of ``_apply``."""
    counts = RuleCounts([0] * len(rules))
    queue = queue and any_remote_in(db)
    for group in _groups(rules, now):
        first = rules[group.first]
        params = list(group.params)
        if queue:
            matching = f"SELECT a.id FROM articles a WHERE {scope} AND ({group.where})"
            queue_action_in(db, first.action, matching, params, now)
        sql, tag = _statement(first, scope)
        sql = sql.format(conditions=f"({group.where})")
        values = ([tag] if tag else []) + params
        counts.changed[group.first] = int(db.execute(sql, values).rowcount)
    return counts


def apply_rules_sql_in(
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
    columns = _small_index_columns(rules)
    words = bool(columns)
    if words:
        db.execute(_MAKE_NEW_INDEX)
        db.execute(
            f"INSERT INTO {NEW_INDEX} (rowid, {columns}) SELECT id, {columns} FROM articles "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (listed,),
        )
    # The ids in a TEMP table, read by every rule's statement (``json_each`` in each
    # parsed the list and made an index of it again: half of a rule's time).
    db.execute(_MAKE_NEW_IDS)
    db.execute(f"INSERT OR IGNORE INTO {NEW_IDS} (id) SELECT value FROM json_each(?)", (listed,))
    try:
        scope = f"a.id IN temp.{NEW_IDS}"
        return _apply_grouped(db, rules, scope, clock, queue)
    finally:
        db.execute(f"DELETE FROM temp.{NEW_IDS}")
        if words:
            db.execute(_EMPTY_NEW_INDEX)


class SqlMatcher:
    """The new articles (``listed``: their ids as a JSON array) that rules match, by
    their SQL: for the rules ``rule_match`` cannot match in Python. The small index and
    the ids' table are made at the first call, emptied by ``close``."""

    def __init__(self, db: sqlite3.Connection, listed: str, now: int) -> None:
        self.db = db
        self.listed = listed
        self.now = now
        self.made = False

    def matching(self, rules: Sequence[Rule]) -> set[int]:
        db = self.db
        if not self.made:
            self.made = True
            db.execute(_MAKE_NEW_INDEX)
            columns = ", ".join(_COLUMNS)
            db.execute(
                f"INSERT INTO {NEW_INDEX} (rowid, {columns}) SELECT id, {columns} "
                "FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                (self.listed,),
            )
            db.execute(_MAKE_NEW_IDS)
            db.execute(
                f"INSERT OR IGNORE INTO {NEW_IDS} (id) SELECT value FROM json_each(?)",
                (self.listed,),
            )
        found: set[int] = set()
        for rule in rules:
            conditions, params = query_sql(
                rule.query, self.now, index=NEW_INDEX, few=True
            ).conditions()
            where = " AND ".join(f"({c})" for c in conditions) or "1"
            sql = f"SELECT a.id FROM articles a WHERE a.id IN temp.{NEW_IDS} AND {where}"
            found.update(int(row[0]) for row in db.execute(sql, params))
        return found

    def close(self) -> None:
        if self.made:
            self.db.execute(f"DELETE FROM temp.{NEW_IDS}")
            self.db.execute(_EMPTY_NEW_INDEX)


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
            settle_tags_in(db)  # (a refresh's since: a tag there is one the article has)
            return _apply(
                db,
                rules,
                "a.feed_id IN (SELECT id FROM feeds WHERE kind IN (?, ?))",
                ["feed", "account"],
                "articles_fts",
                clock,
                queue=True,
            )
