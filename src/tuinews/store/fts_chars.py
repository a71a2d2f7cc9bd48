"""What SQLite's full-text tokenizer makes of each character beyond ASCII, asked of
SQLite itself (``tuinews.query.fts_tokens`` explains the classes): a rule matched in
Python then cuts words exactly as the index does, whatever the Unicode versions of
Python and SQLite. Each character is asked once per process (the answers are kept):
a feed's new articles usually bring none not seen before.

Two probes per character ``c``, in a small TEMP index of the connection with the same
tokenizer as ``articles_fts``, read back through ``fts5vocab``: ``"a" c "a"`` (inside
a word: a separator cuts it in two, a letter is folded into it, a diacritic dropped)
and ``"a " c " b"`` (where a word would start: a diacritic is then a separator).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tuinews.query.fts_tokens import DIACRITIC, ODD

_PROBE = "rule_probe"
_MAKE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_PROBE} USING fts5 (x, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_MAKE_VOCAB = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_PROBE}_terms "
    f"USING fts5vocab(temp, {_PROBE}, instance)"
)

CLASSES: dict[int, str] = {}  # every character asked so far (by ordinal): its class


def _class(inside: list[tuple[str, int]], start: list[tuple[str, int]]) -> str:
    between = [("a", 0), ("b", 1)]
    if inside == [("a", 0), ("a", 1)] and start == between:
        return " "
    if len(inside) != 1 or inside[0][1] != 0 or len(inside[0][0]) < 2:
        return ODD
    letter = inside[0][0][1:-1]
    if letter == "" and start == between:
        return DIACRITIC
    single = len(letter) == 1 and (not letter.isascii() or letter.isalnum())
    if single and start == [("a", 0), (letter, 1), ("b", 2)]:
        return letter
    return ODD


def learn_chars(db: sqlite3.Connection, chars: Iterable[str]) -> dict[int, str]:
    """The classes of these characters (each beyond ASCII), asking SQLite for those not
    known yet; returns the table of every character known."""
    unknown = sorted({c for c in chars if ord(c) not in CLASSES})
    if not unknown:
        return CLASSES
    db.execute(_MAKE)
    db.execute(_MAKE_VOCAB)
    rows = []
    for number, char in enumerate(unknown):
        rows += [(2 * number + 1, f"a{char}a"), (2 * number + 2, f"a {char} b")]
    try:
        db.executemany(f"INSERT INTO temp.{_PROBE} (rowid, x) VALUES (?, ?)", rows)
        found: dict[int, list[tuple[str, int]]] = {}
        for term, doc, offset in db.execute(
            f"SELECT term, doc, offset FROM temp.{_PROBE}_terms ORDER BY doc, offset"
        ):
            found.setdefault(int(doc), []).append((str(term), int(offset)))
    finally:
        db.execute(f"DELETE FROM temp.{_PROBE}")
    for number, char in enumerate(unknown):
        inside = found.get(2 * number + 1, [])
        start = found.get(2 * number + 2, [])
        CLASSES[ord(char)] = _class(inside, start)
    return CLASSES
