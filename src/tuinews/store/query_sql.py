"""A query (``tuinews.query``) as SQL over ``articles a`` and the FTS5 index.

The words the query must find become one FTS5 ``MATCH`` (the index's fast path): the
query's own words and its choices between words only (``a OR "b c"``), joined with AND.
Every other term becomes a condition with its parameters; words inside such a term
(``a OR is:starred``, ``-(a b)``) become ``a.id [NOT] IN`` a ``MATCH`` of the index, the
words of one group in one ``MATCH``. Every word reaches FTS5 inside a quoted string, so
nothing typed is ever FTS5 syntax (``AND``, ``NEAR(``, ``*``, ``c++``): the only
operators in a ``MATCH`` are the ``AND``, ``OR``, brackets, ``^`` and ``:`` written here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from tuinews.query import (
    Age,
    All,
    Any,
    Has,
    HasState,
    InAccount,
    InFeed,
    Not,
    Published,
    Query,
    Tagged,
    Term,
    Words,
    mentions_hidden,
    words_only,
)
from tuinews.store.found_sql import INDEX, Expand, QuerySql

__all__ = ["INDEX", "Expand", "QuerySql", "fts_expression", "fts_term", "query_sql", "reads_index"]

_STATE_SQL = {
    "unread": "a.read = 0",
    "read": "a.read = 1",
    "starred": "a.starred = 1",
    # hidden by a rule (migration 8), or in a hidden feed
    "hidden": "(a.hidden = 1 OR a.feed_id IN (SELECT id FROM feeds WHERE hidden = 1))",
    "downloaded": "a.id IN (SELECT article_id FROM downloads WHERE state = 'done')",
    # a feed of no account's: a subscription fetched here, or the local files
    "local": "a.feed_id IN (SELECT id FROM feeds WHERE account_id IS NULL)",
}
_IN_ACCOUNT = (
    "a.feed_id IN (SELECT f.id FROM feeds f JOIN accounts c ON c.id = f.account_id "
    "WHERE instr(lower(c.user), ?) OR instr(lower(c.api_url), ?))"
)
_FEW_IN_ACCOUNT = (
    "EXISTS (SELECT 1 FROM feeds f JOIN accounts c ON c.id = f.account_id WHERE "
    "f.id = a.feed_id AND (instr(lower(c.user), ?) OR instr(lower(c.api_url), ?)))"
)
_HAS_ENCLOSURE = "a.id IN (SELECT article_id FROM enclosures)"  # (migration 11)
_IN_FEED = (
    "a.feed_id IN (SELECT id FROM feeds WHERE instr(lower(user_title), ?) "
    "OR instr(lower(title), ?) OR instr(lower(url), ?))"
)
# A feed's tag, or the article's own (given by a rule: stored casefolded, in article_tags
# or, for a refresh's new articles, in tags_pending until the next batch: see schema 15);
# a tag is a folder too: tag:world is also world/europe (between "world/" and "world0",
# "0" being the character after "/").
_TAGGED = (
    "(a.feed_id IN (SELECT feed_id FROM feed_tags WHERE lower(tag) = ? "
    "OR lower(tag) >= ? AND lower(tag) < ?) "
    "OR a.id IN (SELECT article_id FROM article_tags WHERE tag = ? OR tag >= ? AND tag < ?) "
    "OR a.id IN (SELECT article_id FROM tags_pending WHERE tag = ? OR tag >= ? AND tag < ?))"
)
# For a few articles (a feed's new ones, as rules run on them): the same conditions
# looked up for each article (a primary-key lookup) instead of listing every feed that
# matches first (a scan of the feeds with lower() and instr(): 3 ms at 1,000 feeds).
_FEW_STATE_SQL = {
    **_STATE_SQL,
    "hidden": "(a.hidden = 1 OR EXISTS (SELECT 1 FROM feeds f WHERE f.id = a.feed_id "
    "AND f.hidden = 1))",
    "downloaded": "EXISTS (SELECT 1 FROM downloads d WHERE d.article_id = a.id "
    "AND d.state = 'done')",
    "local": "EXISTS (SELECT 1 FROM feeds f WHERE f.id = a.feed_id AND f.account_id IS NULL)",
}
_FEW_HAS_ENCLOSURE = "EXISTS (SELECT 1 FROM enclosures e WHERE e.article_id = a.id)"
_FEW_IN_FEED = (
    "EXISTS (SELECT 1 FROM feeds f WHERE f.id = a.feed_id AND (instr(lower(f.user_title), ?) "
    "OR instr(lower(f.title), ?) OR instr(lower(f.url), ?)))"
)
_FEW_TAGGED = (
    "(EXISTS (SELECT 1 FROM feed_tags t WHERE t.feed_id = a.feed_id AND (lower(t.tag) = ? "
    "OR lower(t.tag) >= ? AND lower(t.tag) < ?)) "
    "OR EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND (x.tag = ? "
    "OR x.tag >= ? AND x.tag < ?)) "
    "OR EXISTS (SELECT 1 FROM tags_pending x WHERE x.article_id = a.id AND (x.tag = ? "
    "OR x.tag >= ? AND x.tag < ?)))"
)


def _phrase(words: Sequence[str], prefix: bool, start: bool) -> str:
    phrase = '"' + " ".join(words).replace('"', '""') + '"' + ("*" if prefix else "")
    return "^" + phrase if start else phrase


def fts_term(words: Words, expand: Expand | None = None) -> str:
    """One FTS5 term: the words as a quoted phrase, maybe a prefix, maybe at the start
    of a column, maybe in one column. ``expand``: the index's terms a prefix stands for,
    for a search in a range of ids: the phrase becomes one phrase per term, joined by
    OR, which FTS5 reads in the range only, where a prefix's entries are merged over
    the whole index first (3-4 ms for a common word at 100,000 articles, against 0.3)."""
    terms = expand(words.words[-1]) if words.prefix and expand is not None else None
    if terms:
        head = words.words[:-1]
        choices = [_phrase((*head, t), False, words.start) for t in terms]
        term = choices[0] if len(choices) == 1 else "(" + " OR ".join(choices) + ")"
    else:
        term = _phrase(words.words, words.prefix, words.start)
    if words.field:
        term = f"{words.field} : {term}"
    return term


def fts_expression(term: Term, expand: Expand | None = None) -> str:
    """The FTS5 expression of a term made of words only (see ``words_only``)."""
    if isinstance(term, Words):
        return fts_term(term, expand)
    if isinstance(term, All | Any):
        joint = " AND " if isinstance(term, All) else " OR "
        return "(" + joint.join(fts_expression(t, expand) for t in term.terms) + ")"
    raise TypeError(f"not made of words only: {term!r}")


def _group(term: All | Any, sql: QuerySql, now: int) -> str:
    """A group with other terms than words: its words in one ``MATCH``, then the rest."""
    words = [t for t in term.terms if words_only(t)]
    parts: list[str] = []
    if words:
        joint = All(tuple(words)) if isinstance(term, All) else Any(tuple(words))
        parts.append(sql.matching)
        sql.params.append(fts_expression(joint if len(words) > 1 else words[0], sql.expand))
    parts += [_condition(t, sql, now) for t in term.terms if not words_only(t)]
    return "(" + (" AND " if isinstance(term, All) else " OR ").join(parts) + ")"


def _condition(term: Term, sql: QuerySql, now: int) -> str:
    """The condition for one term, its parameters appended to ``sql.params``."""
    if isinstance(term, HasState):
        return (_FEW_STATE_SQL if sql.few else _STATE_SQL)[term.state]
    if isinstance(term, Has):
        return _FEW_HAS_ENCLOSURE if sql.few else _HAS_ENCLOSURE
    if isinstance(term, Published):
        sql.params.append(term.when)
        return "a.published < ?" if term.before else "a.published >= ?"
    if isinstance(term, Age):
        sql.params.append(now - term.seconds)
        return "a.published < ?" if term.older else "a.published >= ?"
    if isinstance(term, InFeed):
        sql.params += [term.name] * 3
        return _FEW_IN_FEED if sql.few else _IN_FEED
    if isinstance(term, InAccount):
        sql.params += [term.name] * 2
        return _FEW_IN_ACCOUNT if sql.few else _IN_ACCOUNT
    if isinstance(term, Tagged):
        sql.params += [term.tag, term.tag + "/", term.tag + "0"] * 3
        return _FEW_TAGGED if sql.few else _TAGGED
    if words_only(term):
        sql.params.append(fts_expression(term, sql.expand))
        return sql.matching
    if isinstance(term, Not):
        if words_only(term.term):
            sql.params.append(fts_expression(term.term, sql.expand))
            return sql.not_matching
        return f"NOT ({_condition(term.term, sql, now)})"
    if isinstance(term, All | Any):
        return _group(term, sql, now)
    raise TypeError(f"not a query term: {term!r}")


def _uses_index(term: Term) -> bool:
    """Whether the condition for a term reads the full-text index."""
    if isinstance(term, Words):
        return True
    if isinstance(term, Not):
        return _uses_index(term.term)
    if isinstance(term, All | Any):
        return any(_uses_index(t) for t in term.terms)
    return False


def reads_index(query: Query) -> bool:
    """Whether the SQL of the query reads the full-text index."""
    return any(_uses_index(term) for term in query.terms)


def query_sql(
    query: Query | None,
    now: int | None = None,
    index: str = INDEX,
    *,
    few: bool = False,
    within: tuple[int, int] | None = None,
    expand: Expand | None = None,
) -> QuerySql:
    """The SQL for a query (an empty one for None). ``now`` (Unix seconds, the clock by
    default) is what ``age:`` counts from; ``index``: the full-text index to read (a
    table of the same columns); ``few``: for a few articles (a feed's new ones), whose
    ids are ``within`` this range if given; ``expand``: see ``fts_term``."""
    sql = QuerySql(index=index, few=few, within=within, expand=expand)
    if query is None:
        return sql
    clock = int(time.time()) if now is None else now
    found = [term for term in query.terms if words_only(term)]
    if found:
        sql.match = " AND ".join(fts_expression(term, sql.expand) for term in found)
    # Terms reading the index (exclusions of words, groups with words) last: cheap
    # filters first.
    others = [term for term in query.terms if not words_only(term)]
    others.sort(key=_uses_index)
    for term in others:
        sql.where.append(_condition(term, sql, clock))
    sql.with_hidden = any(mentions_hidden(term) for term in query.terms)
    return sql
