"""Rules applied to a feed's new articles at ingest, matched in one pass in Python
(``tuinews.query.matcher``), then one statement per action that changed something.

The SQL of ``rule_sql`` searched a small index filled with the new articles, once per
action (and tag), for every feed stored: with 50 rules, a fifth more time for a cold
refresh. Here the new articles are taken as just inserted (``inserted``: the texts
the index gets; else read back as stored), their words cut once as the index cuts
them, and every rule tested on each; what an action's rules match is changed by one
UPDATE (or INSERT of tags), none if nothing changes. The meaning is ``rule_sql``'s,
step for step: the rules grouped by action in the order of their first rule, each
group seeing what the groups before it changed, an account's changes queued for its
server first, the counts at each group's first rule. A rule the matcher cannot match
exactly (``is:downloaded``, ``has:enclosure``, ...) runs as SQL in its group
(``rule_sql.matching_ids_in``); an article with a character the tokenizer model does
not know sends the whole feed to ``rule_sql``.
"""

from __future__ import annotations

import json
import sqlite3
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from tuinews.models import Article
from tuinews.query.fts_tokens import OddText, beyond_ascii
from tuinews.query.matcher import (
    COLUMNS,
    ArticleFacts,
    FeedFacts,
    compile_query,
    query_chars,
    query_columns,
    sql_lower,
)
from tuinews.query.rule_code import FLAGS, Either, Pass, compile_either, compile_pass
from tuinews.query.rules import Rule
from tuinews.query.terms import Age, HasState, InAccount, InFeed, Tagged, Term, leaves
from tuinews.store.fts_chars import learn_chars
from tuinews.store.pending import any_remote_in
from tuinews.store.rule_sql import RuleCounts, SqlMatcher, apply_rules_sql_in, queue_action_in

T = TypeVar("T")
_IDS = "SELECT value FROM json_each(?)"
# A feed's id and its articles just inserted: each one's date (as stored) and itself.
Inserted = tuple[int, Sequence[tuple[int | None, Article]]]
_Row = tuple[typing.Any, ...]  # (an article's row: see _rows)


@dataclass(frozen=True)
class _Group:
    """One action's rules: ``positions`` in the rules given, ``test`` of those matched
    in Python (None: none is), ``fallback`` those whose SQL runs."""

    positions: tuple[int, ...]
    test: Either | None
    fallback: tuple[Rule, ...]


@dataclass(frozen=True)
class _Plan:
    """The rules compiled, grouped by action in the order of their first rule."""

    groups: tuple[_Group, ...]
    one_pass: Pass | None  # every group's test and effect, if no rule falls back to SQL
    columns: tuple[str, ...]  # the fields the compiled rules read
    feeds: bool  # some rule asks about the feed
    tags: bool  # some rule asks about (or adds) the article's own tags


def _asks(term: Term, kinds: tuple[type, ...]) -> bool:
    return any(
        isinstance(leaf, kinds)
        and (not isinstance(leaf, HasState) or leaf.state in ("hidden", "local"))
        for leaf in leaves(term)
    )


# The last plan made (see _plan): for these rules (the object, and as text), at this time.
_plans: tuple[object, int | None, _Plan, object] | None = None


def _plan(db: sqlite3.Connection, rules: Sequence[Rule], now: int) -> _Plan:
    """The rules' plan; the last one is kept (made again each second only if a rule has
    an ``age:``, whose test holds the time)."""
    global _plans
    made = _plans
    if made is not None and made[1] in (None, now) and made[0] is rules:
        return made[2]  # (the ingest passes the same tuple of rules feed after feed)
    key = tuple((rule.match, rule.action.text) for rule in rules)
    if made is not None and made[1] in (None, now) and made[3] == key:
        _plans = (rules if isinstance(rules, tuple) else key, made[1], made[2], key)
        return made[2]
    chars: set[str] = set()
    for rule in rules:
        chars |= query_chars(rule.query)
    classes = learn_chars(db, chars)
    compiled = [compile_query(rule.query, classes, now) is not None for rule in rules]
    if not _ascii_lower(db):  # (feed names and tags compared as this SQLite lowers them)
        names = (InFeed, InAccount, Tagged)
        compiled = [
            exact and not any(_asks(term, names) for term in rule.query.terms)
            for rule, exact in zip(rules, compiled, strict=True)
        ]
    columns: set[str] = set()
    for rule, exact in zip(rules, compiled, strict=True):
        if exact:
            columns |= query_columns(rule.query)
    positions: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        positions.setdefault(rule.action.text.casefold(), []).append(position)
    groups = []
    some_sql = not all(compiled)
    for group in positions.values():
        queries = [rules[p].query for p in group if compiled[p]]
        test = compile_either(queries, classes, now) if queries and some_sql else None
        fallback = tuple(rules[p] for p in group if not compiled[p])
        groups.append(_Group(tuple(group), test, fallback))
    terms = [term for rule in rules for term in rule.query.terms]
    one_pass = None
    if not some_sql:  # (no group then has rules falling back to SQL)
        actions = [
            (
                [rules[p].query for p in group.positions],
                rules[group.positions[0]].action.kind,
                rules[group.positions[0]].action.tag.casefold(),
            )
            for group in groups
        ]
        one_pass = compile_pass(actions, classes, now)
    plan = _Plan(
        tuple(groups),
        one_pass,
        tuple(c for c in COLUMNS if c in columns),
        feeds=any(_asks(t, (InFeed, InAccount, Tagged, HasState)) for t in terms),
        tags=any(_asks(t, (Tagged,)) for t in terms) or any(r.action.kind == "tag" for r in rules),
    )
    timed = any(_asks(t, (Age,)) for t in terms)
    _plans = (rules if isinstance(rules, tuple) else key, now if timed else None, plan, key)
    return plan


_lowers: list[bool] = []


def _ascii_lower(db: sqlite3.Connection) -> bool:
    """Whether SQLite's ``lower()`` lowers ASCII letters only (``sql_lower``), as it does
    unless built with ICU; asked once."""
    if not _lowers:
        _lowers.append(db.execute("SELECT lower('AÉΣ')").fetchone()[0] == "aÉΣ")
    return _lowers[0]


def _feeds(db: sqlite3.Connection, feed_ids: set[int]) -> dict[int, FeedFacts]:
    where = f"f.id IN ({_IDS})"
    params: tuple[object, ...] = ("[" + ",".join(str(i) for i in feed_ids) + "]",)
    if len(feed_ids) == 1:  # (a feed's new articles: a third of the query's time)
        where, params = "f.id = ?", (next(iter(feed_ids)),)
    facts: dict[int, FeedFacts] = {}
    for fid, hidden, account, user_title, title, url, user, api, tags in db.execute(
        "SELECT f.id, f.hidden, f.account_id, f.user_title, f.title, f.url, c.user, c.api_url, "
        "(SELECT json_group_array(t.tag) FROM feed_tags t WHERE t.feed_id = f.id) "
        "FROM feeds f LEFT JOIN accounts c ON c.id = f.account_id "
        f"WHERE {where}",
        params,
    ):
        facts[int(fid)] = FeedFacts(
            hidden=bool(hidden),
            local=account is None,
            names=tuple(sql_lower(str(n)) for n in (user_title, title, url) if n is not None),
            account=None
            if account is None or user is None
            else tuple(sql_lower(str(n)) for n in (user, api) if n is not None),
            tags=tuple(sql_lower(str(tag)) for tag in json.loads(tags)),
        )
    return facts


# An article's own tags (those a refresh's rules gave it may still wait in tags_pending).
_TAGS = (
    "(SELECT json_group_array(tag) FROM (SELECT x.tag FROM article_tags x "
    "WHERE x.article_id = a.id UNION SELECT p.tag FROM tags_pending p WHERE p.article_id = a.id))"
)


def _rows(db: sqlite3.Connection, plan: _Plan, ids: Sequence[int], listed: str) -> list[_Row]:
    """The articles as stored: id, feed, date, read, starred, hidden, own tags (JSON),
    then the fields the rules read."""
    columns = "".join(f", a.{c}" for c in plan.columns)
    low, high = min(ids), max(ids)
    params: tuple[object, ...] = (listed,)
    where = f"a.id IN ({_IDS})"
    if high - low + 1 == len(set(ids)):  # (a feed's new articles: ids in a row)
        where, params = "a.id BETWEEN ? AND ?", (low, high)
    return db.execute(
        f"SELECT a.id, a.feed_id, a.published, a.read, a.starred, a.hidden, "
        f"{_TAGS if plan.tags else 'NULL'}{columns} FROM articles a "
        f"WHERE {where} ORDER BY a.id",
        params,
    ).fetchall()


def _given_rows(plan: _Plan, ids: Sequence[int], inserted: Inserted) -> list[_Row]:
    """The same rows, made from the articles just inserted: the values the INSERT was
    given (a new row: not read, starred or hidden, no tag of its own), not read back."""
    feed_id, given = inserted
    return [
        (i, feed_id, published, 0, 0, 0, None, *(getattr(article, c) for c in plan.columns))
        for i, (published, article) in sorted(zip(ids, given, strict=True), key=_first)
    ]


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


def _articles(
    db: sqlite3.Connection,
    plan: _Plan,
    ids: Sequence[int],
    listed: str,
    inserted: Inserted | None,
) -> list[ArticleFacts] | None:
    """The new articles' facts (None: a text has a character the model does not know)."""
    rows = _rows(db, plan, ids, listed) if inserted is None else _given_rows(plan, ids, inserted)
    texts = [str(text) for row in rows for text in row[7:] if text]
    classes = learn_chars(db, beyond_ascii(texts)) if texts else {}
    feeds = _feeds(db, {int(row[1]) for row in rows}) if plan.feeds else {}
    found: list[ArticleFacts] = []
    try:
        for row in rows:
            article = ArticleFacts(
                int(row[0]),
                feeds.get(int(row[1])) or FeedFacts(),
                None if row[2] is None else int(row[2]),
                bool(row[3]),
                bool(row[4]),
                bool(row[5]),
                {c: str(text or "") for c, text in zip(plan.columns, row[7:], strict=True)},
                classes,
            )
            if row[6] is not None and row[6] != "[]":
                article.tags.update(str(tag) for tag in json.loads(row[6]))
            found.append(article)
    except OddText:
        return None
    return found


def apply_rules_in(
    db: sqlite3.Connection,
    rules: Sequence[Rule],
    ids: Sequence[int],
    now: int | None = None,
    *,
    queue: bool = False,
    inserted: Inserted | None = None,
) -> RuleCounts:
    """Apply the rules to these (new) articles, in the caller's transaction ``db``;
    ``queue``: they are an account's (what a rule reads, stars or tags is sent to its
    server). The same changes and counts as ``rule_sql.apply_rules_sql_in``.
    ``inserted``: the articles ``ids`` are, in that order, as the caller has just
    inserted them in one feed (its id, each one's date and parsed article), so that
    they are not read back (a third of the rules' time)."""
    if not rules or not ids:
        return RuleCounts([0] * len(rules))
    clock = int(time.time()) if now is None else now
    plan = _plan(db, rules, clock)
    listed = "[" + ",".join(str(int(i)) for i in ids) + "]"
    articles = _articles(db, plan, ids, listed, inserted)
    if articles is None:
        return apply_rules_sql_in(db, rules, ids, clock, queue=queue)
    counts = RuleCounts([0] * len(rules))
    queue = queue and any_remote_in(db)
    changes = _Changes()
    if plan.one_pass is not None:
        found, fresh = plan.one_pass(articles)
        for group, matched, changed in zip(plan.groups, found, fresh, strict=True):
            if matched:
                rule = rules[group.positions[0]]
                if queue:
                    _queue(db, rule, matched, clock)
                changes.record(rule, changed)
                counts.changed[group.positions[0]] = len(changed)
        changes.write(db)
        return counts
    sql = SqlMatcher(db, listed, clock)
    try:
        for group in plan.groups:
            matched = group.test(articles) if group.test is not None else []
            if group.fallback:
                changes.write(db)  # (their SQL reads what the groups before changed)
                extra = sql.matching(group.fallback) - {a.id for a in matched}
                matched += [a for a in articles if a.id in extra]
            if matched:
                first = group.positions[0]
                counts.changed[first] = changes.act(db, rules[first], matched, queue, clock)
        changes.write(db)
    finally:
        sql.close()
    return counts


@dataclass(frozen=True)
class Decided:
    """What the rules do to a feed's new articles, decided before they are inserted:
    ``articles`` in their order (each one's flags and tags as the rules leave them),
    ``changed`` as ``RuleCounts.changed``."""

    articles: list[ArticleFacts]
    changed: list[int]

    def write_tags(self, db: sqlite3.Connection, ids: Sequence[int]) -> None:
        """The tags the rules gave, once the articles are inserted (``ids``, in order):
        in tags_pending, until the next batch of the search index (see schema 15)."""
        changes = _Changes()
        changes.tags = [(tag, ids[a.id]) for a in self.articles for tag in a.tags]
        changes.write(db, tags="tags_pending")


def _facts_of(
    db: sqlite3.Connection, plan: _Plan, inserting: Inserted
) -> list[ArticleFacts] | None:
    """``_articles`` of articles about to be inserted, their ids their positions: made
    from the articles themselves (a new row: not read, starred or hidden, no tag)."""
    feed_id, given = inserting
    fields = [{c: getattr(article, c) for c in plan.columns} for _, article in given]
    beyond = [text for one in fields for text in one.values() if not text.isascii()]
    classes = learn_chars(db, beyond_ascii(beyond)) if beyond else {}
    feed = FeedFacts()
    if plan.feeds:
        feed = _feeds(db, {feed_id}).get(feed_id) or feed
    try:
        return [
            ArticleFacts(position, feed, published, False, False, False, one, classes)
            for position, ((published, _), one) in enumerate(zip(given, fields, strict=True))
        ]
    except OddText:
        return None


def decide_rules_in(
    db: sqlite3.Connection, rules: Sequence[Rule], inserting: Inserted, now: int
) -> Decided | None:
    """The rules on a feed's articles about to be inserted (``inserting``: the feed's
    id, each one's date as it will be stored and itself): the flags they set can then
    go in the INSERT, not in an UPDATE after it. The same changes and counts as
    ``apply_rules_in`` on them once inserted (a new row is not read, starred or hidden
    and has no tag: the rules read nothing else of the store but the feed); None when
    that needs the rows (a rule's SQL, a character the model does not know)."""
    plan = _plan(db, rules, now)
    if plan.one_pass is None:
        return None
    articles = _facts_of(db, plan, inserting)
    if articles is None:
        return None
    changed = [0] * len(rules)
    found, fresh = plan.one_pass(articles)
    for group, matched, done in zip(plan.groups, found, fresh, strict=True):
        if matched:
            changed[group.positions[0]] = len(done)
    return Decided(articles, changed)


_CHUNK = 256  # rows a statement (512 values: under the oldest limit of SQLite's, 999)


def _padded(items: list[T]) -> list[list[T]]:
    """The items in chunks of a multiple of 8 (the last one repeated: writing a flag or
    tag twice changes nothing), so that a few statements are prepared (32 at most), not
    one for each number of rows (a multi-row VALUES writes 40 tags in half the time of
    json_each; padded to a power of two, the repeated rows cost ~5% of the tags'
    writing)."""
    chunks = []
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        size = -(-len(chunk) // 8) * 8
        chunks.append(chunk + [chunk[-1]] * (size - len(chunk)))
    return chunks


def _queue(db: sqlite3.Connection, rule: Rule, matched: list[ArticleFacts], now: int) -> None:
    """Queue what an action does to an account's articles for its server, before the
    flag or tag is written (the queue leaves out those that have it already)."""
    ids = "[" + ",".join(str(a.id) for a in matched) + "]"
    queue_action_in(db, rule.action, _IDS, [ids], now)


class _Changes:
    """What the actions changed, kept in the articles' facts (the next groups see it) and
    written at the end, one statement per flag and one for the tags (not one per
    action: a killfile's many tags made most of the statements)."""

    def __init__(self) -> None:
        self.flags: dict[str, list[int]] = {}
        self.tags: list[tuple[str, int]] = []

    def act(
        self,
        db: sqlite3.Connection,
        rule: Rule,
        matched: list[ArticleFacts],
        queue: bool,
        now: int,
    ) -> int:
        """Apply one action to the articles its rules matched; how many it changed."""
        if queue:
            _queue(db, rule, matched, now)
        kind = rule.action.kind
        if kind == "tag":
            tag = rule.action.tag.casefold()
            fresh = [a for a in matched if tag not in a.tags]
            for a in fresh:
                a.tags.add(tag)
        else:
            column = FLAGS[kind]
            fresh = [a for a in matched if not getattr(a, column)]
            for a in fresh:
                setattr(a, column, True)
        self.record(rule, fresh)
        return len(fresh)

    def record(self, rule: Rule, changed: list[ArticleFacts]) -> None:
        """What an action changed (already in the articles' facts), to write."""
        if rule.action.kind == "tag":
            tag = rule.action.tag.casefold()
            self.tags += [(tag, a.id) for a in changed]
        else:
            self.flags.setdefault(FLAGS[rule.action.kind], []).extend(a.id for a in changed)

    def write(self, db: sqlite3.Connection, tags: str = "article_tags") -> None:
        """Write what was recorded (``tags``: the table of the tags, see write_tags)."""
        for column, ids in self.flags.items():
            for chunk in _padded(ids):
                marks = ",".join("?" * len(chunk))
                db.execute(f"UPDATE articles SET {column} = 1 WHERE id IN ({marks})", chunk)
        for pairs in _padded(self.tags):
            rows = ",".join(["(?, ?)"] * len(pairs))
            values = [value for pair in pairs for value in pair]
            db.execute(f"INSERT OR IGNORE INTO {tags} (tag, article_id) VALUES {rows}", values)
        self.flags.clear()
        self.tags.clear()
