"""The terms of the full-text index a prefix stands for, read from the index's own
vocabulary (an ``fts5vocab`` table of type ``instance``, TEMP on the connection), for a
search in a range of ids (a refresh batch's saved-search counts, see
``Listing.unread_count``): FTS5 merges a prefix's entries over the whole index whatever
the ids asked for (3-4 ms for a common word at 100,000 articles), where a term is read in
the range only (0.3 ms), and a term found here costs one seek of the index (0.3 ms).

Exact: the terms are read in the caller's read transaction, the one that counts, so
the phrase per term finds what the prefix does. Only a word of ASCII letters and digits
is looked up (the tokenizer makes it that same word in lower case, where another would
have to be tokenized as FTS5 does); one of three letters or fewer is left a prefix (the
index keeps entries for the prefixes of three letters, and a shorter one stands for many
terms), and so is one standing for more than ``MAX_TERMS`` terms."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tuinews.store.found_sql import INDEX, Expand

VOCABULARY = "fts_terms"
_MAKE_VOCABULARY = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCABULARY} "
    f"USING fts5vocab(main, '{INDEX}', 'instance')"
)
# The first term from one on, of those before another (``instance``: its first entry
# only, where a ``row`` table would count every article of every term).
_FIRST_FROM = f"SELECT term FROM temp.{VOCABULARY} WHERE term >= ? AND term < ? LIMIT 1"
MAX_TERMS = 24
SHORTEST = 4  # letters: a shorter prefix stays a prefix (see above)


def prefix_terms(db: sqlite3.Connection) -> Expand:
    """What ``query_sql`` calls for each prefix: its terms in the index, read on ``db``
    (in the transaction of the statement that uses them), or None to keep the prefix."""
    db.execute(_MAKE_VOCABULARY)
    known: dict[str, Sequence[str] | None] = {}

    def expand(word: str) -> Sequence[str] | None:
        if word not in known:
            known[word] = _terms(db, word)
        return known[word]

    return expand


def _terms(db: sqlite3.Connection, word: str) -> Sequence[str] | None:
    if len(word) < SHORTEST or not (word.isascii() and word.isalnum()):
        return None
    prefix = word.lower()
    beyond = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # (the first string after them all)
    found: list[str] = []
    after = prefix
    while len(found) <= MAX_TERMS:
        row = db.execute(_FIRST_FROM, (after, beyond)).fetchone()
        if row is None or not str(row[0]).startswith(prefix):
            # None found: the prefix finds nothing, as cheaply as any term.
            return found or None
        found.append(str(row[0]))
        after = found[-1] + "\x01"  # (the next term: none holds a control character)
    return None
