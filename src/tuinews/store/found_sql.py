"""What a query's SQL is made of (``QuerySql``), apart from the query language that makes
it (``query_sql``): the listings use it for views without a query, which the first frame
shows, without loading the language (~10 ms of start-up)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

INDEX = "articles_fts"  # the full-text index (a rule's new articles: another one, see rule_sql)
# The terms of the index a prefix stands for (None: leave it a prefix): query_sql.fts_term.
Expand = Callable[[str], Sequence[str] | None]


@dataclass
class QuerySql:
    """``match``: the FTS5 expression every result matches (None: no words to find);
    ``where``: further conditions on ``articles a``, with their ``params`` in order;
    ``with_hidden``: the query says itself whether hidden feeds' and hidden articles'
    are wanted (``is:hidden``), so the views must not leave them out (pass it to the
    store's listing methods); ``index``: the full-text index the conditions read;
    ``few``: the conditions are for a few articles (see query_sql._FEW_IN_FEED); ``within``: their
    ids are in this range (the index is read in it only); ``expand``: the prefixes' terms
    (see query_sql.fts_term)."""

    match: str | None = None
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    with_hidden: bool = False
    index: str = INDEX
    few: bool = False
    within: tuple[int, int] | None = None
    expand: Expand | None = None

    @property
    def _found(self) -> str:
        low, high = self.within or (0, 0)
        ids = "" if self.within is None else f" AND rowid BETWEEN {int(low)} AND {int(high)}"
        return f"(SELECT rowid FROM {self.index} WHERE {self.index} MATCH ?{ids})"

    @property
    def matching(self) -> str:
        return f"a.id IN {self._found}"

    @property
    def not_matching(self) -> str:
        return f"a.id NOT IN {self._found}"

    def conditions(self) -> tuple[list[str], list[object]]:
        """Every condition, the full-text match as one of them (for a statement over
        ``articles a`` that does not join the index)."""
        if self.match is None:
            return list(self.where), list(self.params)
        return [self.matching, *self.where], [self.match, *self.params]
