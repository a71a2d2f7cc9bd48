"""The search language, parsed into a small query object (plain data, no SQL).

    words            every word must match (title, author or text), the last of a term
                     prefix-matched when it ends in a letter or digit (``c++``: "c" only)
    "a phrase"       the words in this order
    word*            explicit prefix
    ^word, ^"a b"    at the start of a field (``title:^"rt by"``)
    -word, -"phr"    exclude (any term or group can be excluded: ``-(a OR b)``)
    a OR b           either (AND, implicit or written, binds tighter: ``a b OR c``)
    ( ... )          a group; ``NOT x`` is ``-x``
    title:w author:w match in that field only
    feed:NAME tag:T  articles of feeds whose name contains NAME / with tag T
    account:NAME     articles of feeds of an account whose user or API URL contains NAME
    is:unread is:starred is:read is:hidden is:downloaded (an enclosure downloaded)
    is:local         articles of feeds of no account (fetched here, or the local files)
    has:enclosure    articles with an enclosure (a podcast episode...)
    after:2024-01-01 before:2024-02-01
    age:<7d age:>1m  published less / more than this long ago (h, d, w, m = 30 d, y = 365 d)

Any input is accepted: what cannot be used becomes a hint for the user instead of an
error, syntax errors with the column they are at. The query says what to find; only the
store (``tuinews.store.query_sql``) turns it into SQL, so the search bar, ``tuinews
search``, saved searches and rules share one language. The terms are frozen dataclasses:
a query can be kept and reused, and ``format_query`` prints it back as text that parses
to the same terms.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuinews.query.parse import MAX_QUERY_CHARS, MAX_TERMS, SHORT, SHORT_TYPING, parse_query
    from tuinews.query.terms import (
        STATES,
        UNIT_SECONDS,
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
        State,
        Tagged,
        Term,
        Unit,
        Words,
        mentions_hidden,
        must_find_words,
        words_only,
    )
    from tuinews.query.text import format_query

# The names below are loaded when first asked for (PEP 562), not with the package: the
# reader's first frame needs ``tuinews.query.orders`` only, and the parser and its frozen
# dataclasses cost ~10 ms of start-up (benchmarks/startup.py).
_HOME = {
    "MAX_QUERY_CHARS": "parse",
    "MAX_TERMS": "parse",
    "SHORT": "parse",
    "SHORT_TYPING": "parse",
    "parse_query": "parse",
    "format_query": "text",
}


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # (the query language: loaded when first used, see above)
    from importlib import import_module

    value = getattr(import_module(f"tuinews.query.{_HOME.get(name, 'terms')}"), name)
    globals()[name] = value  # once
    return value


__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "SHORT",
    "SHORT_TYPING",
    "STATES",
    "UNIT_SECONDS",
    "Age",
    "All",
    "Any",
    "Has",
    "HasState",
    "InAccount",
    "InFeed",
    "Not",
    "Published",
    "Query",
    "State",
    "Tagged",
    "Term",
    "Unit",
    "Words",
    "format_query",
    "mentions_hidden",
    "must_find_words",
    "parse_query",
    "words_only",
]
