"""Search as you type over articles held in memory: every word must match.

The SQLite/FTS5 store replaces this for stored articles; local articles opened for a
session are few enough to scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuinews.models import Article
from tuinews.sanitise import clean_line

MAX_QUERY_CHARS = 1000


def query_words(query: str) -> list[str]:
    """The words of a query, case-folded; any text is accepted (quotes are just text)."""
    query = clean_line(query, limit=MAX_QUERY_CHARS)
    words = [word.strip('"').casefold() for word in query.split()]
    return [word for word in dict.fromkeys(words) if word]


def filter_articles(articles: Sequence[Article], query: str) -> list[Article]:
    """Articles whose title, source, author or body contain every word of the query."""
    words = query_words(query)
    if not words:
        return list(articles)
    return [article for article in articles if _matches(article.haystack(), words)]


def _matches(haystack: str, words: list[str]) -> bool:
    return all(word in haystack for word in words)
