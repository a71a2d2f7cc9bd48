"""The headline of a plain-text page.

A plain-text copy of a page has no ``<title>``: the headline is one of its lines, among
section names, menus, teaser headlines and subheadings. The lines near the article's
first paragraph are scored on their shape and their place, never on their words:

- a line marked "# " (a top-level heading) is most likely it, other marks less so, and
  the closer to the article the better;
- a headline is a phrase: no sentence-final period, comma or colon, not a date, a URL or
  a table row, and a few words rather than one;
- a dateline or a byline just after a line (or a date just before it, when no headline
  comes just before the date) marks an article's header: such a line wins over a
  subheading nearer the text, and a marked one is found even far above the text (a
  video player or a gallery may lie between);
- a line set in the middle of a fixed-width page (far indented, alone) is a title;
- a line that is only part of another candidate (a headline repeated as title and
  subtitle, a shortened repeat) loses to the whole.
"""

from __future__ import annotations

from tuinews.extract.lines import (
    BULLET,
    LETTERS,
    heading_level,
    is_dateline,
    looks_like_table,
    strip_markers,
    words,
)
from tuinews.formats.text import Block, looks_like_meta

# The headline is looked for this many blocks before the article's first paragraph.
TITLE_LOOKBACK = 8
# ...and this many for a line marked "# " (a top-level heading), which counts this much more.
HEADLINE_MARK_LOOKBACK = 60
HEADLINE_MARK_BONUS = 60
# A marked line followed by a dateline is looked for this far back; past TITLE_LOOKBACK,
# each block of distance costs this much (a long gap is often one widget's many lines).
DATED_LOOKBACK = 150
FAR_DISTANCE_COST = 0.25
# A line marked "# " a little way into the best stretch is the headline too (what comes
# before it, a cookie notice or a standfirst of another story, is not the article).
HEADLINE_MARK_LOOKAHEAD = 15
HEADLINE_MIN_WORDS = 4
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
TITLE_MAX_CHARS = 250
# A dateline this many blocks after a line (or just before it) counts this much for it.
DATELINE_AFTER = 3
DATELINE_BONUS = 6
# A line indented this far, alone, is set in the middle of a fixed-width page.
CENTRED_INDENT = 10
CENTRED_BONUS = 4
# A candidate whose text is part of another candidate's (of the same rank or higher)
# costs this much.
PART_COST = 5


def _centred(line: str) -> bool:
    indent = len(line) - len(line.lstrip(" "))
    return indent >= CENTRED_INDENT and not BULLET.match(line)


def _dated(blocks: list[Block], index: int) -> bool:
    """A dateline or byline among the few blocks after this one, or just before it (a
    blog's date over its post's title) unless it follows another headline."""
    if any(is_dateline(block) for block in blocks[index + 1 : index + 1 + DATELINE_AFTER]):
        return True
    if index == 0 or not is_dateline(blocks[index - 1]):
        return False
    above = blocks[max(0, index - 1 - DATELINE_AFTER) : index - 1]
    return not any(_headline_like(block) for block in above)


def _headline_like(block: Block) -> bool:
    text = title_text(block)
    return text is not None and words(text) >= HEADLINE_MIN_WORDS


def _distance_cost(distance: int) -> float:
    if distance <= TITLE_LOOKBACK:
        return float(distance)
    return TITLE_LOOKBACK + FAR_DISTANCE_COST * (distance - TITLE_LOOKBACK)


def title_text(block: Block) -> str | None:
    """The text of a block that could be a headline (None: it cannot)."""
    if not block.one_line:
        return None
    raw = block.lines[0]
    line = raw.strip()
    level = heading_level(line)
    text = strip_markers(line)
    count = words(text)
    if not text or len(text) > TITLE_MAX_CHARS or not LETTERS.search(text):
        return None
    minimum = 1 if _centred(raw) else TITLE_MIN_WORDS
    if not minimum <= count <= TITLE_MAX_WORDS:
        return None
    if BULLET.match(line) or looks_like_meta(text) or looks_like_table(line):
        return None
    stripped = text.rstrip("\"'”’»)]").rstrip()
    if stripped and (stripped[-1] in ":：" or (stripped[-1] in ".,;،、。…" and not level)):
        return None  # a sentence, a label ("Photo:"), an unfinished line
    return text


def title_score(blocks: list[Block], index: int, first: int) -> float | None:
    """How much a block reads as the headline of an article starting at block ``first``
    (None: not at all)."""
    block = blocks[index]
    text = title_text(block)
    if text is None:
        return None
    level = heading_level(block.lines[0].strip())
    count = words(text)
    score = 10.0 - _distance_cost(abs(first - index))
    if level == 1 and count >= HEADLINE_MIN_WORDS:
        score += HEADLINE_MARK_BONUS  # a line marked "# " is the page's headline...
    elif level:
        score += 6 - min(level, 5)  # ...unless it is a site or section name
    if count >= 4:
        score += 2
    if text.rstrip()[-1:] == "!":
        score -= 4  # "Support us!", "Subscribe now!"
    if _dated(blocks, index):
        score += DATELINE_BONUS
    if _centred(block.lines[0]):
        score += CENTRED_BONUS
    return score


def find_title(blocks: list[Block], first: int) -> int | None:
    """The block holding the headline of the article whose first block is ``first``:
    looked for just before it, further back for a line marked as a top-level heading."""
    scores: dict[int, float] = {}
    end = min(len(blocks), first + HEADLINE_MARK_LOOKAHEAD + 1)
    for index in range(max(0, first - DATED_LOOKBACK), end):
        near = first - TITLE_LOOKBACK <= index <= first
        if not near:
            if heading_level(blocks[index].lines[0]) != 1:
                continue
            if index < first - HEADLINE_MARK_LOOKBACK and not _dated(blocks, index):
                continue
        score = title_score(blocks, index, first)
        if score is not None:
            scores[index] = score
    if not scores:
        return None
    ranks = {index: _rank(blocks[index]) for index in scores}
    texts = {index: _fold(strip_markers(blocks[index].lines[0])) for index in scores}
    for index, text in texts.items():
        if any(
            text != texts[other] and text in texts[other] and ranks[other] <= ranks[index]
            for other in scores
        ):
            scores[index] -= PART_COST
    return max(scores, key=scores.__getitem__)  # the first of equals


def _rank(block: Block) -> int:
    """A heading's level (1 is the highest), 7 for a line not marked as a heading."""
    return heading_level(block.lines[0].strip()) or 7


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def fallback_title(blocks: list[Block]) -> tuple[str, int | None]:
    """The first line near the top that reads as a headline, else the page's first line
    (shortened); and its block, when it is a headline."""
    for index, block in enumerate(blocks[:TITLE_LOOKBACK]):
        if title_text(block) is not None:
            return strip_markers(block.lines[0]), index
    if not blocks:
        return "", None
    first = strip_markers(blocks[0].lines[0])
    if len(first) > 120:
        first = first[:120].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
    return first, None
