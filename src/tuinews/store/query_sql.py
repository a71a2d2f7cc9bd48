"""A query (``tuinews.query``) as SQL over ``articles a`` and the FTS5 index.

The words the query must find become one FTS5 ``MATCH`` (the index's fast path); every
other term becomes a condition with its parameters. Every word reaches FTS5 inside a
quoted string, so nothing typed is ever FTS5 syntax (``AND``, ``NEAR(``, ``*``, ``c++``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuinews.query import HasState, InFeed, Not, Published, Query, Tagged, Term, Words

_STATE_SQL = {"unread": "a.read = 0", "read": "a.read = 1", "starred": "a.starred = 1"}
_IN_FEED = (
    "a.feed_id IN (SELECT id FROM feeds WHERE instr(lower(user_title), ?) "
    "OR instr(lower(title), ?) OR instr(lower(url), ?))"
)
_TAGGED = "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE lower(tag) = ?)"
_NOT_MATCHING = "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"


@dataclass
class QuerySql:
    """``match``: the FTS5 expression every result matches (None: no words to find);
    ``where``: further conditions on ``articles a``, with their ``params`` in order."""

    match: str | None = None
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)


def fts_term(words: Words) -> str:
    """One FTS5 term: the words as a quoted phrase, maybe a prefix, maybe in one column."""
    term = '"' + " ".join(words.words).replace('"', '""') + '"'
    if words.prefix:
        term += "*"
    if words.field:
        term = f"{words.field} : {term}"
    return term


def _condition(term: Term, sql: QuerySql) -> str:
    """The condition for one filter term, its parameters appended to ``sql.params``."""
    if isinstance(term, HasState):
        return _STATE_SQL[term.state]
    if isinstance(term, Published):
        sql.params.append(term.when)
        return "a.published < ?" if term.before else "a.published >= ?"
    if isinstance(term, InFeed):
        sql.params += [term.name] * 3
        return _IN_FEED
    if isinstance(term, Tagged):
        sql.params.append(term.tag)
        return _TAGGED
    if isinstance(term, Not):
        if isinstance(term.term, Words):
            sql.params.append(fts_term(term.term))
            return _NOT_MATCHING
        return f"NOT ({_condition(term.term, sql)})"
    raise TypeError(f"not a filter term: {term!r}")


def query_sql(query: Query | None) -> QuerySql:
    """The SQL for a query (an empty one for None)."""
    sql = QuerySql()
    if query is None:
        return sql
    found = [term for term in query.terms if isinstance(term, Words)]
    if found:
        sql.match = " AND ".join(fts_term(term) for term in found)
    # Exclusions of words last: cheap filters first.
    others = [term for term in query.terms if not isinstance(term, Words)]
    others.sort(key=lambda term: isinstance(term, Not) and isinstance(term.term, Words))
    for term in others:
        sql.where.append(_condition(term, sql))
    return sql
