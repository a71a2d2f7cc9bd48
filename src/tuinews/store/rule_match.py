"""Rules applied to a feed's new articles at ingest, matched in one pass in Python
(``tuinews.query.matcher``), then one statement per action that changed something.

The SQL of ``rule_sql`` searched a small index filled with the new articles, once per
action (and tag), for every feed stored: with 50 rules, a fifth more time for a cold
refresh. Here the new articles are read back as stored (the same texts the index
would get), their words cut once as the index cuts them, and every rule tested on
each; what an action's rules match is changed by one UPDATE (or INSERT of tags), none
if nothing changes. The meaning is ``rule_sql``'s, step for step: the rules grouped by
action in the order of their first rule, each group seeing what the groups before it
changed, an account's changes queued for its server first, the counts at each group's
first rule. A rule the matcher cannot match exactly (``is:downloaded``,
``has:enclosure``, ...) runs as SQL in its group (``rule_sql.matching_ids_in``); an
article with a character the tokenizer model does not know sends the whole feed to
``rule_sql``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tuinews.query.fts_tokens import OddText, beyond_ascii, folded
from tuinews.query.matcher import (
    COLUMNS,
    ArticleFacts,
    FeedFacts,
    Test,
    compile_query,
    query_chars,
    query_columns,
    sql_lower,
)
from tuinews.query.rules import Rule
from tuinews.query.terms import Age, All, Any, HasState, InAccount, InFeed, Not, Tagged, Term
from tuinews.store.fts_chars import learn_chars
from tuinews.store.pending import any_remote_in, queue_label_where_in, queue_where_in
from tuinews.store.rule_sql import RuleCounts, SqlMatcher, apply_rules_sql_in

_SETS = {"hide": "hidden", "read": "read", "star": "starred"}
_QUEUED = {"read": "read", "star": "star"}
_IDS = "SELECT value FROM json_each(?)"


@dataclass(frozen=True)
class _Plan:
    """The rules compiled: a test per rule (None: its SQL runs), grouped by action."""

    tests: tuple[Test | None, ...]
    groups: tuple[tuple[int, ...], ...]  # positions of each action's rules, in order
    columns: tuple[str, ...]  # the fields the compiled rules read
    feeds: bool  # some rule asks about the feed
    tags: bool  # some rule asks about (or adds) the article's own tags


def _asks(term: Term, kinds: tuple[type, ...]) -> bool:
    if isinstance(term, kinds):
        return not isinstance(term, HasState) or term.state in ("hidden", "local")
    if isinstance(term, Not):
        return _asks(term.term, kinds)
    if isinstance(term, All | Any):
        return any(_asks(t, kinds) for t in term.terms)
    return False


_plans: tuple[object, int | None, _Plan] | None = None  # the last plan made (see _plan)


def _plan(db: sqlite3.Connection, rules: Sequence[Rule], now: int) -> _Plan:
    """The rules' plan; the last one is kept (made again each second only if a rule has
    an ``age:``, whose test holds the time)."""
    global _plans
    key = tuple((rule.match, rule.action.text) for rule in rules)
    made = _plans
    if made is not None and made[0] == key and made[1] in (None, now):
        return made[2]
    chars: set[str] = set()
    for rule in rules:
        chars |= query_chars(rule.query)
    classes = learn_chars(db, chars)
    tests = tuple(compile_query(rule.query, classes, now) for rule in rules)
    columns: set[str] = set()
    for rule, test in zip(rules, tests, strict=True):
        if test is not None:
            columns |= query_columns(rule.query)
    positions: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        positions.setdefault(rule.action.text.casefold(), []).append(position)
    terms = [term for rule in rules for term in rule.query.terms]
    plan = _Plan(
        tests,
        tuple(tuple(p) for p in positions.values()),
        tuple(c for c in COLUMNS if c in columns),
        feeds=any(_asks(t, (InFeed, InAccount, Tagged, HasState)) for t in terms),
        tags=any(_asks(t, (Tagged,)) for t in terms) or any(r.action.kind == "tag" for r in rules),
    )
    timed = any(_asks(t, (Age,)) for t in terms)
    _plans = (key, now if timed else None, plan)
    return plan


def _feeds(db: sqlite3.Connection, feed_ids: set[int]) -> dict[int, FeedFacts]:
    listed = "[" + ",".join(str(i) for i in feed_ids) + "]"
    facts: dict[int, FeedFacts] = {}
    for fid, hidden, account, user_title, title, url, user, api in db.execute(
        "SELECT f.id, f.hidden, f.account_id, f.user_title, f.title, f.url, c.user, c.api_url "
        "FROM feeds f LEFT JOIN accounts c ON c.id = f.account_id "
        f"WHERE f.id IN ({_IDS})",
        (listed,),
    ):
        facts[int(fid)] = FeedFacts(
            hidden=bool(hidden),
            local=account is None,
            names=tuple(sql_lower(str(n)) for n in (user_title, title, url) if n is not None),
            account=None
            if account is None or user is None
            else tuple(sql_lower(str(n)) for n in (user, api) if n is not None),
        )
    for fid, tag in db.execute(
        f"SELECT feed_id, tag FROM feed_tags WHERE feed_id IN ({_IDS})", (listed,)
    ):
        facts[int(fid)].tags += (sql_lower(str(tag)),)
    return facts


def _articles(db: sqlite3.Connection, plan: _Plan, listed: str) -> list[ArticleFacts] | None:
    """The new articles' facts (None: a text has a character the model does not know)."""
    columns = "".join(f", {c}" for c in plan.columns)
    rows = db.execute(
        f"SELECT id, feed_id, published, read, starred, hidden{columns} FROM articles "
        f"WHERE id IN ({_IDS}) ORDER BY id",
        (listed,),
    ).fetchall()
    if plan.columns:
        texts = [str(text) for row in rows for text in row[6:] if text]
        classes = learn_chars(db, beyond_ascii(texts))
    feeds = _feeds(db, {int(row[1]) for row in rows}) if plan.feeds else {}
    found: list[ArticleFacts] = []
    try:
        for row in rows:
            fields = {
                column: folded(str(text or ""), classes)
                for column, text in zip(plan.columns, row[6:], strict=True)
            }
            found.append(
                ArticleFacts(
                    int(row[0]),
                    feeds.get(int(row[1])) or FeedFacts(),
                    None if row[2] is None else int(row[2]),
                    bool(row[3]),
                    bool(row[4]),
                    bool(row[5]),
                    fields=fields,
                )
            )
    except OddText:
        return None
    if plan.tags and found:
        by_id = {a.id: a for a in found}
        for article_id, tag in db.execute(
            f"SELECT article_id, tag FROM article_tags WHERE article_id IN ({_IDS})", (listed,)
        ):
            by_id[int(article_id)].tags.add(str(tag))
    return found


def apply_rules_in(
    db: sqlite3.Connection,
    rules: Sequence[Rule],
    ids: Sequence[int],
    now: int | None = None,
    *,
    queue: bool = False,
) -> RuleCounts:
    """Apply the rules to these (new) articles, in the caller's transaction ``db``;
    ``queue``: they are an account's (what a rule reads, stars or tags is sent to its
    server). The same changes and counts as ``rule_sql.apply_rules_sql_in``."""
    if not rules or not ids:
        return RuleCounts([0] * len(rules))
    clock = int(time.time()) if now is None else now
    plan = _plan(db, rules, clock)
    listed = "[" + ",".join(str(int(i)) for i in ids) + "]"
    articles = _articles(db, plan, listed)
    if articles is None:
        return apply_rules_sql_in(db, rules, ids, clock, queue=queue)
    counts = RuleCounts([0] * len(rules))
    queue = queue and any_remote_in(db)
    sql = SqlMatcher(db, listed, clock)
    try:
        for positions in plan.groups:
            first = rules[positions[0]]
            matched = [
                a
                for a in articles
                if any((test := plan.tests[p]) is not None and test(a) is True for p in positions)
            ]
            fallback = [rules[p] for p in positions if plan.tests[p] is None]
            if fallback:
                extra = sql.matching(fallback) - {a.id for a in matched}
                matched += [a for a in articles if a.id in extra]
            if matched:
                counts.changed[positions[0]] = _act(db, first, matched, queue, clock)
    finally:
        sql.close()
    return counts


def _act(
    db: sqlite3.Connection, rule: Rule, matched: list[ArticleFacts], queue: bool, now: int
) -> int:
    """Apply one action to the articles its rules matched; how many it changed."""
    kind = rule.action.kind
    if queue and kind != "hide":
        ids = "[" + ",".join(str(a.id) for a in matched) + "]"
        action = _QUEUED.get(kind)
        if action is not None:
            queue_where_in(db, action, _IDS, [ids], now)
        else:
            queue_label_where_in(db, rule.action.tag, _IDS, [ids], now)
    if kind == "tag":
        tag = rule.action.tag.casefold()
        fresh = [a for a in matched if tag not in a.tags]
        if fresh:
            ids = "[" + ",".join(str(a.id) for a in fresh) + "]"
            db.execute(
                "INSERT OR IGNORE INTO article_tags (tag, article_id) "
                "SELECT ?, value FROM json_each(?)",
                (tag, ids),
            )
            for a in fresh:
                a.tags.add(tag)
        return len(fresh)
    column = _SETS[kind]
    fresh = [a for a in matched if not getattr(a, column)]
    if fresh:
        ids = "[" + ",".join(str(a.id) for a in fresh) + "]"
        db.execute(f"UPDATE articles SET {column} = 1 WHERE id IN ({_IDS})", (ids,))
        for a in fresh:
            setattr(a, column, True)
    return len(fresh)
