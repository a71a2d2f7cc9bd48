"""Reader mode for plain text: a paragraph classifier that keeps the article and drops the
site around it (navigation, share buttons, teasers, appeals, footers).

A plain-text copy of a page has no markup to say what is navigation, so every signal here
is about the text's shape and holds for any site and any language:

1. Each line or paragraph is scored. Prose (a sentence that ends like one, or a long run
   of words that is not a row of capitalised names; in scripts written without spaces,
   a line with a sentence mark) counts for its number of words; anything else (menus,
   labels, bylines, list items that are not sentences, headings) counts against, per
   line and per word.
2. The best stretch of the page is the run of blocks with the highest total (a
   maximum-sum segment): long runs of menus and link lists end it, a subheading or an
   "Advertisement" inside it costs little. A run of prose much denser than anything in
   it, elsewhere on the page, wins over it (a story shown over a feed of teasers).
3. Inside it, the article's core is its densest run (lines that are not prose cost much
   more, and so do the datelines of a comment thread). The core's ends are trimmed by
   lexical cohesion (a paragraph at either end sharing unusually few words with the
   rest: an appeal, a newsletter pitch, a cookie notice), then the core grows paragraph
   by paragraph while what it meets shares its words (not counting the words most
   paragraphs of the page use); teasers for other stories, comments and "more from us"
   talk about something else, and growth stops at the second such paragraph in a row,
   or at a comment's dateline.
4. The headline is the line near the article's start that reads like one (``headline``:
   short, no sentence punctuation, not a date, byline or URL; a line marked "# " or one
   followed by a dateline wins); what lies between it and the first paragraph (a photo
   credit, a standfirst) is kept.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from tuinews.extract.headline import fallback_title, find_title
from tuinews.extract.lines import (
    BULLET,
    HEADING_MARK,
    heading_level,
    is_dateline,
    looks_like_table,
    mean_run,
    strip_markers,
    unmarked,
    unspaced,
    words,
)
from tuinews.extract.text_end import trim_text_end
from tuinews.formats.text import (
    Block,
    ends_with_punctuation,
    escape_markdown,
    format_block,
    is_subheading,
    split_at_blank_lines,
)

# A line counts as prose when it ends like a sentence and has this many words, or when it
# has this many words at all.
PROSE_MIN_WORDS = 4
PROSE_LONG_WORDS = 15
# A list item counts as prose only when it is a long sentence: menus and link lists are
# lists of short items, and so are teaser lists.
LIST_PROSE_MIN_WORDS = 15
# What a line that is not prose costs: per line, and per word.
LINE_COST = 3.0
WORD_COST = 0.5
# What a table without sentences in it costs at most.
TABLE_COST = 15.0
# A long line without final punctuation is not prose when more than this share of its
# words are capitalised.
CAPITALISED_SHARE = 0.6
# The article's core is its densest run: each line that is not prose costs this much more.
CORE_GAP_COST = 10.0
# The densest run of the page, outside the maximum-sum stretch, is the article when it
# outweighs the densest run inside that stretch this many times.
DENSER_ELSEWHERE = 1.5
# Where this many datelines stand over paragraphs (comments, posts of a feed), directly
# or with a short line (a name of at most SIGNER_WORDS words) between, each costs this
# much more in the densest run (more than most paragraphs are worth: the run ends there),
# and growing the article stops at them.
SIGNED_MIN = 3
SIGNER_WORDS = 6
SIGNED_COST = 100.0
# With fewer paragraphs than this in the core, only the cohesion trimming applies.
CORE_MIN_PARAGRAPHS = 3
# Growing the core stops at the second paragraph in a row that shares too few words.
GROW_MAX_MISSES = 2
# Words found in more than this share of the stretch's paragraphs are left out of the
# comparison (with at least this many paragraphs).
COMMON_SHARE = 0.15
COMMON_MIN_PARAGRAPHS = 10
COMMON_MIN_COUNT = 3
# Cohesion trimming: at either end of the article, paragraphs sharing fewer words with the
# rest than this share of the article's median are dropped (at most this many per end).
COHESION_SHARE = 0.7
COHESION_MAX_TRIM = 5
COHESION_MIN_PARAGRAPHS = 6
COHESION_MIN_TOKENS = 5
# Blocks between the headline and the first paragraph are kept when there are at most
# this many of them (a photo credit, a standfirst, a dateline).
MAX_LEAD_BLOCKS = 4
# Less prose than this in the best stretch: the page has no article.
MIN_ARTICLE_WORDS = 40

# In Thai or Lao, a line without final punctuation is prose when its space-separated runs
# are this long on average (clauses; a menu's items are shorter).
UNMARKED_RUN = 12

_FULL_STOP = re.compile("[。！？။។៕]")
# Combining marks (Hebrew and Arabic vowels, Indic, Thai, Lao, Burmese and Khmer vowel
# signs, the joiners) are part of a word: "\w" alone would cut words at each of them.
_MARKS = (
    "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903"
    "\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0d57\u0e31\u0e34-\u0e3a"
    "\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u102b-\u103e\u1056-\u1059"
    "\u17b4-\u17d3\u200c\u200d"
)
_COHESION_TOKEN = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])" "{4,}")


@dataclass
class PlainResult:
    """The article in a plain-text page."""

    title: str
    markdown: str
    found: bool


def _is_wrapped(lines: list[str]) -> bool:
    lengths = [len(line.strip()) for line in lines]
    widest = max(lengths)
    if widest < 40:
        return False
    body = lengths[:-1]
    return sum(1 for length in body if length >= 0.6 * widest) * 3 >= len(body) * 2


def units(block: Block) -> list[str]:
    """What is scored separately in a block: each list item, a hard-wrapped paragraph as
    one, otherwise each line (short separate lines are separate things)."""
    lines = block.lines
    if len(lines) == 1:
        return lines
    if is_table(block):
        return lines  # a table: each row
    if any(BULLET.match(line) for line in lines):
        items: list[str] = []
        for line in lines:
            if BULLET.match(line) or not items:
                items.append(line)
            else:
                items[-1] += " " + line.strip()
        return items
    if _is_wrapped(lines):
        return [" ".join(line.strip() for line in lines)]
    return lines


def unit_value(unit: str) -> float:
    """Words of prose count for, everything else against."""
    if looks_like_table(unit):
        return _row_value(unit)
    text = strip_markers(unit)
    count = words(text)
    if not count:
        return 0.0
    punctuated = ends_with_punctuation(text)
    if unspaced(text):
        # A sentence of these scripts always ends with a mark, though a credit may follow.
        sentence = punctuated or bool(_FULL_STOP.search(text))
    elif unmarked(text):
        # Thai and Lao end a sentence with a space: a long line of long runs is prose.
        sentence = punctuated or (count >= PROSE_LONG_WORDS and mean_run(text) >= UNMARKED_RUN)
    else:
        sentence = punctuated or (count >= PROSE_LONG_WORDS and not capitalised(text))
    if HEADING_MARK.match(unit):
        sentence = False
    minimum = PROSE_MIN_WORDS
    if BULLET.match(unit):
        minimum = LIST_PROSE_MIN_WORDS
    if sentence and count >= minimum:
        return float(count)
    return -WORD_COST * count - LINE_COST


def _row_value(row: str) -> float:
    """A table row counts as prose when one of its cells is a sentence."""
    cells = [cell.strip() for cell in row.split("|")]
    count = sum(words(cell) for cell in cells)
    if not count or set("".join(cells)) <= set("-: "):
        return 0.0 if not count else -LINE_COST
    longest = max(cells, key=words)
    if words(longest) >= PROSE_MIN_WORDS and (
        ends_with_punctuation(longest) or words(longest) >= PROSE_LONG_WORDS
    ):
        return float(count)
    return -WORD_COST * count - LINE_COST


def capitalised(text: str) -> bool:
    """Most words start with a capital: a menu, a list of names, a headline."""
    cased = [word for word in text.split() if word[:1].isupper() or word[:1].islower()]
    if len(cased) < 5:
        return False
    return sum(1 for word in cased if word[0].isupper()) > CAPITALISED_SHARE * len(cased)


def block_value(block: Block) -> float:
    values = [unit_value(unit) for unit in units(block)]
    if len(values) > 1 and is_table(block):
        # A table of figures inside an article costs about what a caption does.
        return sum(v for v in values if v > 0) + max(sum(v for v in values if v < 0), -TABLE_COST)
    return sum(values)


def is_table(block: Block) -> bool:
    return sum(1 for line in block.lines if looks_like_table(line)) * 2 > len(block.lines)


def best_region(values: list[float]) -> tuple[int, int] | None:
    """The maximum-sum run of blocks (first, last), None if nothing scores above zero."""
    best, best_range = 0.0, None
    total, start = 0.0, 0
    for index, value in enumerate(values):
        if total <= 0:
            total, start = 0.0, index
        total += value
        if total > best:
            best, best_range = total, (start, index)
    return best_range


def _dense(values: list[float]) -> list[float]:
    return [value if value > 0 else value - CORE_GAP_COST for value in values]


def choose_region(values: list[float]) -> tuple[int, int] | None:
    """The best stretch of the page: the maximum-sum run of blocks, unless the page's
    densest run of prose lies elsewhere and outweighs the densest run inside it (a
    story shown over a feed of teasers and comments); then the best stretch around that
    run."""
    region = best_region(values)
    if region is None:
        return None
    dense = _dense(values)
    densest = best_region(dense)
    inside = best_region(dense[region[0] : region[1] + 1])
    if densest is None or inside is None or region[0] <= densest[0] <= region[1]:
        return region
    if sum(dense[densest[0] : densest[1] + 1]) <= DENSER_ELSEWHERE * sum(
        dense[region[0] + inside[0] : region[0] + inside[1] + 1]
    ):
        return region
    return _widen(values, *densest)


def _widen(values: list[float], first: int, last: int) -> tuple[int, int]:
    """The maximum-sum run of blocks that holds blocks ``first`` to ``last``."""
    best, total, start = 0.0, 0.0, first
    for index in range(first - 1, -1, -1):
        total += values[index]
        if total > best:
            best, start = total, index
    best, total, end = 0.0, 0.0, last
    for index in range(last + 1, len(values)):
        total += values[index]
        if total > best:
            best, end = total, index
    return start, end


def _cohesion_tokens(text: str) -> set[str]:
    """Longer words, lowercased; in scripts without spaces, character pairs."""
    tokens: set[str] = set()
    for token in _COHESION_TOKEN.findall(text):
        token = token.lower()
        if token.isascii() or len(token) < 6:
            tokens.add(token)
        else:
            tokens.update(token[i : i + 2] for i in range(len(token) - 1))
    return tokens


def trim_by_cohesion(
    blocks: list[Block], first: int, last: int, tokens: dict[int, set[str]] | None = None
) -> tuple[int, int]:
    """Drop paragraphs at either end of the article that share few words with the rest.

    A paragraph's cohesion is the share of its words found in the article's paragraphs
    more than two away from it (its neighbours may be the same appeal or teaser).
    ``tokens``: each block's words (``_cohesion_tokens``), if already known.
    """
    if tokens is None:
        tokens = {i: _cohesion_tokens(blocks[i].joined) for i in range(first, last + 1)}
    paragraphs = [i for i in range(first, last + 1) if len(tokens[i]) >= COHESION_MIN_TOKENS]
    if len(paragraphs) < COHESION_MIN_PARAGRAPHS:
        return first, last
    cohesion = _cohesions(tokens, paragraphs, near=2)
    limit = COHESION_SHARE * statistics.median(cohesion.values())
    trims = COHESION_MAX_TRIM
    end = len(paragraphs) - 1
    while end > 0 and cohesion[paragraphs[end]] < limit and end > len(paragraphs) - 1 - trims:
        end -= 1
    start = 0
    while start < end and cohesion[paragraphs[start]] < limit and start < COHESION_MAX_TRIM:
        start += 1
    if end < len(paragraphs) - 1:
        last = paragraphs[end]
    if start > 0:
        first = paragraphs[start]
    return first, last


def _cohesion(tokens: set[str], others: set[str]) -> float:
    return len(tokens & others) / len(tokens) if tokens else 0.0


def _cohesions(tokens: dict[int, set[str]], paragraphs: list[int], near: int) -> dict[int, float]:
    """For each paragraph, the share of its words that paragraphs more than ``near``
    blocks away from it also use (in linear time: by counting, not by set unions)."""
    counts: Counter[str] = Counter()
    for index in paragraphs:
        counts.update(tokens[index])
    cohesion = {}
    for position, index in enumerate(paragraphs):
        close: Counter[str] = Counter()
        for other in paragraphs[max(0, position - near) : position + near + 1]:
            if abs(other - index) <= near:
                close.update(tokens[other] & tokens[index])
        shared = sum(1 for token in tokens[index] if counts[token] > close[token])
        cohesion[index] = shared / len(tokens[index])
    return cohesion


def _without_common(tokens: dict[int, set[str]], prose: list[int]) -> dict[int, set[str]]:
    """The words of each block without the page's commonest ones (in any language, the
    words many paragraphs use say little about what a paragraph is about)."""
    if len(prose) < COMMON_MIN_PARAGRAPHS:
        return tokens
    counts: Counter[str] = Counter()
    for index in prose:
        counts.update(tokens[index])
    most = max(COMMON_MIN_COUNT, COMMON_SHARE * len(prose))
    common = {token for token, count in counts.items() if count > most}
    return {index: found - common for index, found in tokens.items()}


def _signed(blocks: list[Block], values: list[float], first: int, last: int) -> set[int]:
    """Datelines (a name and a date) over a paragraph, directly or with a short line (a
    name) between: each starts a piece of writing of its own, a comment or a post in a
    feed (the article's own is above it)."""
    signed = set()
    for index in range(first, last):
        if values[index] > 0 or not is_dateline(blocks[index]):
            continue
        after = index + 1
        if values[after] <= 0 and after < last and words(blocks[after].joined) <= SIGNER_WORDS:
            after += 1
        if values[after] > 0:
            signed.add(index)
    return signed


def grow_article(
    blocks: list[Block], values: list[float], first: int, last: int
) -> tuple[int, int]:
    """The article inside the best stretch: its densest run of paragraphs (the core),
    grown paragraph by paragraph while what is added shares the core's words.

    Teasers for other stories, appeals and comments are prose too, and often lie in the
    same stretch, joined to the article by nothing worse than a few short lines; what
    sets them apart is that they talk about something else.
    """
    signed = _signed(blocks, values, first, last)
    dense = _dense(values[first : last + 1])
    if len(signed) < SIGNED_MIN:
        signed = set()  # the article's own dateline, a quoted date
    for index in signed:
        dense[index - first] -= SIGNED_COST
    core = best_region(dense)
    if core is None:
        return first, last
    core_first, core_last = core[0] + first, core[1] + first
    full = {i: _cohesion_tokens(blocks[i].joined) for i in range(first, last + 1)}
    # The core's own ends may be an appeal or a notice that nothing separates from it.
    trimmed_first, trimmed_last = trim_by_cohesion(blocks, core_first, core_last, full)
    grow_back, grow_forward = trimmed_first == core_first, trimmed_last == core_last
    core_first, core_last = trimmed_first, trimmed_last
    tokens = _without_common(full, [i for i in full if values[i] > 0])
    paragraphs = [
        i
        for i in range(core_first, core_last + 1)
        if values[i] > 0 and len(tokens[i]) >= COHESION_MIN_TOKENS
    ]
    if len(paragraphs) < CORE_MIN_PARAGRAPHS:
        return trim_by_cohesion(blocks, first, last, full)
    vocabulary: set[str] = set()
    for index in paragraphs:
        vocabulary |= tokens[index]
    own = _cohesions(tokens, paragraphs, near=0)
    limit = COHESION_SHARE * statistics.median(own.values())

    def grow(indices: range) -> int | None:
        nonlocal vocabulary
        reached, misses = None, 0
        for index in indices:
            if values[index] <= 0:
                if index in signed and index > core_last:
                    break  # another piece of writing starts (a comment)
                continue
            if len(tokens[index]) < COHESION_MIN_TOKENS:
                continue
            if _cohesion(tokens[index], vocabulary) >= limit:
                reached, misses = index, 0
                vocabulary |= tokens[index]
            else:
                misses += 1
                if misses >= GROW_MAX_MISSES:
                    break
        return reached

    end = grow(range(core_last + 1, last + 1)) if grow_forward else None
    start = grow(range(core_first - 1, first - 1, -1)) if grow_back else None
    return (start if start is not None else core_first), (end if end is not None else core_last)


def _format(block: Block) -> str:
    """A block as Markdown: marked headings stay headings, tables and lists stay lists."""
    if block.one_line:
        line = block.lines[0]
        match = HEADING_MARK.match(line)
        if match and match.group(2).strip():
            level = max(2, min(6, len(match.group(1)) + 1))
            return "#" * level + " " + escape_markdown(match.group(2).strip())
    lines = [HEADING_MARK.sub(lambda m: m.group(2), line) for line in block.lines]
    return format_block(Block(lines))


def render(blocks: list[Block]) -> str:
    """Markdown for the article's blocks; short lines between paragraphs become ``##``."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if not heading_level(block.lines[0]) and is_subheading(blocks, index):
            parts.append("## " + escape_markdown(block.lines[0].strip()))
        else:
            parts.append(_format(block))
    return "\n\n".join(part for part in parts if part.strip())


def _lead_start(blocks: list[Block], values: list[float], title: int, first: int) -> int:
    """Where the article starts when many blocks lie between its headline and its first
    paragraph: the paragraphs just before that one (an introduction less like the rest),
    each with the subheading over it, are the article's too."""
    start = first
    while start - 1 > title and first - start < MAX_LEAD_BLOCKS:
        before = blocks[start - 1]
        if values[start - 1] > 0 or (heading_level(before.lines[0]) and values[start] > 0):
            start -= 1
        else:
            break
    return start


def extract_plain(text: str) -> PlainResult:
    """The article in a plain-text page: title, Markdown body, and whether one was found."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = split_at_blank_lines(text)
    if not blocks:
        return PlainResult("", "", False)
    values = [block_value(block) for block in blocks]
    region = choose_region(values)
    prose_words = 0.0
    if region is not None:
        prose_words = sum(v for v in values[region[0] : region[1] + 1] if v > 0)
    if region is None or prose_words < MIN_ARTICLE_WORDS:
        title, _ = fallback_title(blocks)
        return PlainResult(title, render(blocks), False)
    first, last = grow_article(blocks, values, *region)
    title_index = find_title(blocks, first)
    if title_index is not None and title_index >= first:
        first = min(title_index + 1, last)
    if title_index is not None and first - title_index <= MAX_LEAD_BLOCKS + 1:
        start = title_index + 1
    elif title_index is not None and title_index < first:
        start = _lead_start(blocks, values, title_index, first)
    else:
        start = first
    title = strip_markers(blocks[title_index].lines[0]) if title_index is not None else ""
    if not title:
        title, _ = fallback_title(blocks)
    last = trim_text_end(blocks, values, max(start, first), last)
    kept = blocks[start : last + 1]
    return PlainResult(title, render(kept), True)
