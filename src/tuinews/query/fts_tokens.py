"""Text cut into words the way the full-text index cuts it (SQLite FTS5's ``unicode61
remove_diacritics 2`` tokenizer), so that rules can be matched in Python, in one pass
over a feed's new articles, with the index's own meaning (``tuinews.query.matcher``).

The tokenizer looks at one character at a time: an ASCII letter or digit is part of a
word (lowercased), any other ASCII character separates words; a character beyond ASCII
is a separator, a letter (folded: lowercased, its accents removed), or a diacritic
(a combining accent: dropped inside a word, a separator where a word would start). What
each character beyond ASCII is, this module does not guess from Python's Unicode tables
(a later Unicode version than SQLite's): the store asks SQLite itself, once per
character and process (``tuinews.store.fts_chars``), and hands over the answers as a
``Classes`` table: ``" "`` a separator, ``DIACRITIC``, ``ODD`` (anything else: the caller
matches with SQLite instead), or the folded letter.

A text becomes its words joined by single blanks, with a blank before and after
(``" tok tok "``): a phrase of words is then a plain substring (``" a b "``), a prefix
phrase one without its final blank, a phrase at the start of the field a prefix of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

DIACRITIC = "\x01"  # (no text has it after folding: ASCII controls become blanks)
ODD = "\x02"
Classes = Mapping[int, str]  # a character beyond ASCII (its ordinal) -> what it is

_ASCII = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32
    for c in range(256)
)
_BEYOND = re.compile(r"[^\x00-\x7f]+")
_MID_DIACRITICS = re.compile(r"(?<=[^ \x01])\x01+")


class OddText(ValueError):
    """A character whose tokenizing SQLite does in a way this module does not model."""


def beyond_ascii(texts: Iterable[str]) -> set[str]:
    """The characters beyond ASCII in the texts (what ``Classes`` must answer for)."""
    found: set[str] = set()
    for text in texts:
        if not text.isascii():
            for run in _BEYOND.findall(text):
                found.update(run)
    return found


def folded(text: str, classes: Classes) -> str:
    """The text's words as the index has them, as ``" w1 w2 ... "`` (``" "`` if none).
    Every character beyond ASCII in it must be in ``classes`` (KeyError otherwise);
    OddText if one is ``ODD``."""
    data = text.encode("utf-8").translate(_ASCII)
    if data.isascii():
        spaced = " " + data.decode("ascii") + " "
    else:
        mixed = data.decode("utf-8")
        mixed = _BEYOND.sub(lambda run: "".join([classes[ord(c)] for c in run[0]]), mixed)
        if ODD in mixed:
            raise OddText(text[:80])
        if DIACRITIC in mixed:
            mixed = _MID_DIACRITICS.sub("", mixed).replace(DIACRITIC, " ")
        spaced = " " + mixed + " "
    while "  " in spaced:  # (a run of n blanks takes log2(n) rounds, each in C)
        spaced = spaced.replace("  ", " ")
    return spaced


def tokens(text: str, classes: Classes) -> list[str]:
    """The words of a text as the index has them."""
    return folded(text, classes).split(" ")[1:-1] if text else []
