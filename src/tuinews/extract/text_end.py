"""The end of an article in a plain-text page: what a page's text copy holds after the
article, in the same stretch of prose (teasers of other stories, each a heading over a
short paragraph; comments, each a dateline over a paragraph; a heading with nothing under
it; short lines that are not sentences: tags, share buttons).

Like ``trailing`` for HTML, every rule reads the shape of the blocks and their place at
the end, never the words of a language or of a site; blocks are taken off the end only,
and never more than a share of the article's words.
"""

from __future__ import annotations

from collections.abc import Callable

from tuinews.extract.lines import heading_level, is_dateline, words
from tuinews.formats.text import Block

# A teaser's paragraph, or a comment, is at most this many words; a run of at least this
# many of them ends the article.
TEASER_MAX_WORDS = 45
MIN_RUN = 2
# A line that is not a sentence, a label and a colon before what it lists (tags, share
# buttons), is taken off the end when it has at most this many words, and its label at
# most this many.
LABEL_MAX_WORDS = 10
LABEL_WORDS = 3
# What is taken off the end is at most this share of the article's words.
MAX_TRIMMED_SHARE = 0.5


def trim_text_end(blocks: list[Block], values: list[float], first: int, last: int) -> int:
    """The index of the article's last block once the site's blocks are off its end
    (``values``: each block's score, prose above zero)."""
    budget = MAX_TRIMMED_SHARE * sum(words(blocks[i].joined) for i in range(first, last + 1))
    while last > first:
        cut = _cut(blocks, values, first, last)
        if cut is None or cut <= first:
            break
        budget -= sum(words(blocks[i].joined) for i in range(cut, last + 1))
        if budget < 0:
            break
        last = cut - 1
    return last


def _cut(blocks: list[Block], values: list[float], first: int, last: int) -> int | None:
    """Where the site's blocks at the end of blocks ``first`` to ``last`` start (None if
    the last block is the article's): a heading with nothing under it, a labelled short
    line that is no sentence (tags, share buttons), a run of teasers (a heading over a
    short paragraph) or comments (a dateline over one) at the end, with one short
    paragraph after it (the site's notice)."""
    block = blocks[last]
    if _is_heading(block) or (values[last] <= 0 and _labelled(block)):
        return last
    for marks in (_is_heading, is_dateline):
        count, start = _pairs(blocks, values, first, last, marks)
        if count >= MIN_RUN:
            return start
        if count and start - 1 >= first and _is_heading(blocks[start - 1]):
            return start - 1  # one teaser under a heading of its own
        if _short_prose(blocks, values, last):
            count, start = _pairs(blocks, values, first, last - 1, marks)
            if count >= MIN_RUN:
                return start
    return None


def _labelled(block: Block) -> bool:
    """A short line that starts with a label and a colon ("label: a b c")."""
    if not block.one_line or words(block.joined) > LABEL_MAX_WORDS:
        return False
    label, colon, rest = block.joined.replace("\uff1a", ":").partition(":")
    return bool(colon and rest.strip()) and 0 < words(label) <= LABEL_WORDS


def _is_heading(block: Block) -> bool:
    return block.one_line and bool(heading_level(block.lines[0]))


def _short_prose(blocks: list[Block], values: list[float], index: int) -> bool:
    return values[index] > 0 and words(blocks[index].joined) <= TEASER_MAX_WORDS


def _pairs(
    blocks: list[Block], values: list[float], first: int, last: int, marks: Callable[[Block], bool]
) -> tuple[int, int]:
    """How many pairs end the blocks ``first`` to ``last``, each a block ``marks`` accepts
    (and that is no prose) over a short paragraph, and where the first of them starts."""
    count, index = 0, last
    while index - 1 >= first:
        if not _short_prose(blocks, values, index):
            break
        if values[index - 1] > 0 or not marks(blocks[index - 1]):
            break
        count, index = count + 1, index - 2
    return count, index + 1
