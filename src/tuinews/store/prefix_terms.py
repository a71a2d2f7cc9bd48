"""The terms of the full-text index a prefix stands for, read from the index's own
vocabulary (an ``fts5vocab`` table of type ``instance``, TEMP on the connection), for a
search in a range of ids (a refresh batch's saved-search counts, ``range_counts``):
FTS5 merges a prefix's entries over the whole index whatever the ids asked for (3-4 ms
for a common word at 100,000 articles), where a term is read in the range only (0.3 ms),
and a term found here costs one seek of the index (0.1-0.3 ms).

Exact: the terms are read in the caller's read transaction, the one that counts, so
the phrase per term finds what the prefix does. Only a word of ASCII letters and digits
is looked up (the tokenizer makes it that same word in lower case, where another would
have to be tokenized as FTS5 does); one of three letters or fewer is left a prefix (the
index keeps entries for the prefixes of three letters, and a shorter one stands for many
terms), and so is one standing for more than ``MAX_TERMS`` terms."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from tuinews.query import Query, Words
from tuinews.query.terms import leaves
from tuinews.store.found_sql import INDEX, Expand

VOCABULARY = "fts_terms"
_MAKE_VOCABULARY = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCABULARY} "
    f"USING fts5vocab(main, '{INDEX}', 'instance')"
)
MAX_TERMS = 24
SHORTEST = 4  # letters: a shorter prefix stays a prefix (see above)
# The terms of each prefix, for all of them in one statement (a statement a term was
# ~60 of them for 20 saved searches: each waited for the GIL while the app drew the
# new headlines): from the prefix on, each the first term after the one before
# (``instance``: its first entry only, where a ``row`` table would count every article
# of every term), up to ``beyond`` (the first string after every term of the prefix),
# one more than MAX_TERMS at most.
_TERMS = f"""WITH RECURSIVE
  prefixes(word, beyond) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)),
  found(word, beyond, term, n) AS (
    SELECT word, beyond, (SELECT term FROM temp.{VOCABULARY} v
      WHERE v.term >= p.word AND v.term < p.beyond LIMIT 1), 1 FROM prefixes p
    UNION ALL
    SELECT word, beyond, (SELECT term FROM temp.{VOCABULARY} v
      WHERE v.term >= f.term || char(1) AND v.term < f.beyond LIMIT 1), n + 1 FROM found f
    WHERE f.term IS NOT NULL AND f.n <= {MAX_TERMS})
SELECT word, term FROM found WHERE term IS NOT NULL ORDER BY word, n"""


def prefix_words(query: Query) -> set[str]:
    """The words a query's terms use as prefixes (the last of each)."""
    return {
        leaf.words[-1]
        for term in query.terms
        for leaf in leaves(term)
        if isinstance(leaf, Words) and leaf.prefix
    }


def prefix_terms(db: sqlite3.Connection, words: Iterable[str]) -> Expand:
    """What ``query_sql`` calls for each prefix: its terms in the index if it is one of
    ``words`` (read at once, on ``db``: in the transaction of the statement that uses
    them), or None to keep the prefix."""
    db.execute(_MAKE_VOCABULARY)
    wanted = {w.lower() for w in words if len(w) >= SHORTEST and w.isascii() and w.isalnum()}
    known: dict[str, list[str]] = {word: [] for word in wanted}
    if wanted:
        # (the first string after the prefix's terms: its last letter or digit, plus one)
        listed = json.dumps([[word, word[:-1] + chr(ord(word[-1]) + 1)] for word in wanted])
        for word, term in db.execute(_TERMS, (listed,)):
            known[str(word)].append(str(term))

    def expand(word: str) -> Sequence[str] | None:
        # None found: the prefix finds nothing, as cheaply as any term; more than
        # MAX_TERMS: a prefix (the last was read to know there were more)
        terms = known.get(word.lower()) if word.isascii() else None
        return terms if terms and len(terms) <= MAX_TERMS else None

    return expand
