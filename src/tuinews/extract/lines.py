"""The shape of a line of a plain-text page: its words, its Markdown marks (heading,
list bullet, quote), whether it is a table row, a dateline, or set in the middle of the
page. Shared by the paragraph classifier (``paragraphs``) and the headline picker
(``headline``); nothing here knows the words of a language or of a site.
"""

from __future__ import annotations

import re

from tuinews.formats.text import Block

BULLET = re.compile(r"^\s*(?:[-*+•‣◦▪●]|\d{1,3}[.)])\s+")
HEADING_MARK = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•‣◦▪●]\s+|\d{1,3}[.)]\s+|>\s*)+")
_TABLE_ROW = re.compile(r"^\s*\|?.*\|.*\|?\s*$")
LETTERS = re.compile(r"[^\W\d_]")
# Characters of scripts written without spaces between words.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# Thai and Lao characters (letters and their vowel and tone marks), and how many of them
# make a word on average.
_UNMARKED = re.compile("[\u0e00-\u0eff]")
UNMARKED_WORD_CHARS = 5
# A dateline: a year, with a day of the month or a time of day, in a short line.
# (Thai dates give the Buddhist Era's year: 2567 is 2024.)
_YEAR = re.compile(r"(?<![\d.,])(?:19|20|25)\d\d(?![\d.,]\d)")
_DAY_OR_TIME = re.compile(r"(?<![\d.,:/])(?:[0-3]?\d)(?![\d.,%]\d|\d)|\d{1,2}:\d\d")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")
DATELINE_MAX_WORDS = 14


def words(text: str) -> int:
    """Words; a long run of a script written without spaces (Chinese, Japanese, Thai...)
    counts as several, a long word of any other script as one. A Chinese or Japanese word
    is about two characters long; a Thai or Lao one, with its vowel and tone marks, about
    five (counted as two, a Thai headline of 90 characters was a paragraph of 45 words)."""
    count = 0
    for word in text.split():
        if word.isascii() or len(word) < 4:
            count += 1
            continue
        unspaced = len(_UNSPACED.findall(word))
        if unspaced < 4:
            count += 1
            continue
        unmarked = len(_UNMARKED.findall(word))
        count += max(1, (unspaced - unmarked) // 2 + unmarked // UNMARKED_WORD_CHARS)
    return count


def unspaced(text: str) -> bool:
    """Mostly written in a script without spaces between words where a sentence always
    ends with a mark (Chinese, Japanese, Burmese, Khmer: a long run of words without one
    is a list of names or links)."""
    if text.isascii():
        return False
    letters = len(LETTERS.findall(text))
    marked = len(_UNSPACED.findall(text)) - len(_UNMARKED.findall(text))
    return bool(letters) and marked * 2 > letters


def unmarked(text: str) -> bool:
    """Mostly Thai or Lao: written without spaces between words, and without a mark at
    the end of a sentence (a space ends it)."""
    if text.isascii():
        return False
    letters = len(LETTERS.findall(text))
    return bool(letters) and len(_UNMARKED.findall(text)) * 2 > letters


def mean_run(text: str) -> float:
    """The mean length of the space-separated runs of a line: in Thai or Lao a run is a
    clause or a sentence (tens of characters), a menu's item is a word or two."""
    runs = text.split()
    return sum(len(run) for run in runs) / len(runs) if runs else 0.0


def strip_markers(line: str) -> str:
    """A line without its heading marks, list bullet or quote mark."""
    return _MARKERS.sub("", line).strip()


def heading_level(line: str) -> int:
    """1-6 for a line marked as a Markdown heading, 0 otherwise."""
    match = HEADING_MARK.match(line)
    return len(match.group(1)) if match else 0


def looks_like_table(line: str) -> bool:
    return line.count("|") >= 2 and bool(_TABLE_ROW.match(line))


def looks_like_dateline(text: str) -> bool:
    """A short line with a date in it ("Oct 18, 2019 · 8 min read", "2016-05-08",
    "By A. Writer, March 11, 2015 3:46 PM"): a dateline or a byline."""
    if words(text) > DATELINE_MAX_WORDS:
        return False
    if _NUMERIC_DATE.search(text):
        return True
    for year in _YEAR.finditer(text):
        if year.group().startswith("25") and not _UNMARKED.search(text):
            continue  # a Buddhist Era year is one only in Thai (or Lao) text
        rest = text[: year.start()] + " " + text[year.end() :]
        if _DAY_OR_TIME.search(rest):
            return True
    return False


def is_dateline(block: Block) -> bool:
    """A block of a few lines that is a dateline or a byline with a date."""
    return len(block.lines) <= 3 and looks_like_dateline(
        " ".join(strip_markers(line) for line in block.lines)
    )
