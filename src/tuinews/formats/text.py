"""Plain text to an Article: find the headline, paragraphs, subheadings; escape Markdown.

Everything here uses layout and punctuation only (line lengths, blank lines, word counts,
final punctuation), never the words of a language or of a site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tuinews.models import Article
from tuinews.sanitise import clean_line, clean_text

# How many blank-line-separated blocks from the top may hold the headline.
TITLE_SEARCH_BLOCKS = 6
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 200
FALLBACK_TITLE_CHARS = 120
HEADING_MAX_WORDS = 10
HEADING_MAX_CHARS = 80
# A paragraph without final punctuation still reads as prose when it is this long.
PROSE_MIN_WORDS = 15
# A block is hard-wrapped prose when its longest line is at least this long...
WRAP_MIN_WIDTH = 40
# ...and most of its lines (the last excepted) reach this share of that width.
WRAP_SHARE = 0.6

# Sentence and call-to-action endings (Latin, CJK, Arabic, Devanagari, Ethiopic, ...).
_FINAL_PUNCT = ".!?:;,…。！？：；，、؟؛।॥።፧။၊។៕"
_OPENING_QUOTES = "\"'‘“«‹„‚「『¿¡"
# Closing quotes and brackets that may follow the final punctuation.
_CLOSERS = "\"'”’»›)]}」』】〕）"

_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S+|^\S+\.[a-z]{2,}(?:/\S*)?$")
_EMAIL_OR_HANDLE = re.compile(r"\S@\S|(?:^|\s)@\w")
_NUMERIC_DATE = re.compile(
    r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"  # 2022-09-10, 10/09/2022, 10.09.22
    r"|\b\d{1,2}:\d{2}\b"  # a time of day
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_DAY = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])\b")
# Separators that join crumbs, share buttons, or byline parts.
_SEPARATORS = re.compile(r"\s[|·•/]\s|\s[|·•]|[|·•]\s")
_BULLET = re.compile(r"^\s*([-*•‣◦▪●])\s+(.*)$")

# Markdown escaping of plain text.
_ESCAPE_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING_HASHES = re.compile(r"^(#+)")
_LEADING_MARKER = re.compile(r"^([-+=>])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


@dataclass
class Block:
    """One blank-line-separated block of lines (trailing whitespace removed)."""

    lines: list[str]

    @property
    def one_line(self) -> bool:
        return len(self.lines) == 1

    @property
    def joined(self) -> str:
        return " ".join(line.strip() for line in self.lines)


def split_at_blank_lines(text: str) -> list[Block]:
    """Split text into blocks at blank lines."""
    blocks: list[Block] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(Block(current))
            current = []
    if current:
        blocks.append(Block(current))
    return blocks


def _strip_closers(line: str) -> str:
    return line.rstrip().rstrip(_CLOSERS).rstrip()


def ends_with_punctuation(line: str) -> bool:
    stripped = _strip_closers(line)
    return bool(stripped) and stripped[-1] in _FINAL_PUNCT


def _has_letters(line: str) -> bool:
    return any(ch.isalpha() for ch in line)


def _word_count(line: str) -> int:
    words = line.split()
    if len(words) == 1 and len(line) > 12 and not line.isascii():
        # Scripts without spaces (CJK, Thai...): count characters as a rough proxy.
        return len(line) // 2
    return len(words)


def looks_like_meta(line: str) -> bool:
    """A URL, a dateline, an e-mail/handle, or a line of crumbs or separators."""
    line = line.strip()
    if _URL.search(line) or _EMAIL_OR_HANDLE.search(line) or _SEPARATORS.search(line):
        return True
    words = _word_count(line)
    if _NUMERIC_DATE.search(line):
        return words <= 8
    # "10 September 2022", "Sat 10 Sep 2022": a year and a day number in a short line.
    return words <= 6 and bool(_YEAR.search(line)) and bool(_DAY.search(line))


def is_title_candidate(block: Block) -> bool:
    if not block.one_line:
        return False
    line = block.lines[0].strip()
    if len(line) >= TITLE_MAX_CHARS or not _has_letters(line):
        return False
    if not TITLE_MIN_WORDS <= _word_count(line) <= TITLE_MAX_WORDS:
        return False
    if ends_with_punctuation(line) or _BULLET.match(line):
        return False
    return not looks_like_meta(line)


def is_heading_candidate(block: Block) -> bool:
    """A short one-line block without final punctuation that could be a subheading."""
    if not block.one_line:
        return False
    line = block.lines[0].strip()
    if len(line) > HEADING_MAX_CHARS or not _has_letters(line):
        return False
    if _word_count(line) > HEADING_MAX_WORDS or ends_with_punctuation(line):
        return False
    if _BULLET.match(line) or looks_like_meta(line) or "/" in line:
        return False  # a slash: a photo credit ("Name/Agency"), a path, a protocol
    if not (line[0].isalnum() or line[0] in _OPENING_QUOTES):
        return False  # "(Caption)", "^ footnote", "* note"
    first_letter = next(ch for ch in line if ch.isalpha())
    return not first_letter.islower()  # a lower-case start continues something


def _is_list(block: Block) -> bool:
    return _BULLET.match(block.lines[0]) is not None


def is_prose(block: Block) -> bool:
    """An ordinary paragraph: not a list, and ends like a sentence or is long."""
    if _is_list(block):
        return False
    text = block.joined
    return ends_with_punctuation(text) or _word_count(text) >= PROSE_MIN_WORDS


def pick_title(blocks: list[Block]) -> tuple[str, int | None]:
    """The headline and the index of its block (None if the title is not a whole block)."""
    for index, block in enumerate(blocks[:TITLE_SEARCH_BLOCKS]):
        if is_title_candidate(block):
            return block.lines[0].strip(), index
    if not blocks:
        return "", None
    first = blocks[0].lines[0].strip()
    if blocks[0].one_line and len(first) <= TITLE_MAX_CHARS:
        return first, 0
    return _shorten(first, FALLBACK_TITLE_CHARS), None


def _shorten(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(" ,;:-") + "…"


def escape_markdown(line: str) -> str:
    """Escape one line of plain text so Markdown shows it exactly as written."""
    line = _ESCAPE_ANYWHERE.sub(r"\\\1", line)
    line = _LEADING_HASHES.sub(r"\\\1", line)
    line = _LEADING_MARKER.sub(r"\\\1", line)
    return _LEADING_NUMBER.sub(r"\1\\\2", line)


def _indent(line: str) -> str:
    """Keep a line's indentation visible without making it a Markdown code block."""
    body = line.lstrip(" \t")
    width = len(line[: len(line) - len(body)].expandtabs(4))
    return "\u00a0" * width + body if width else body


def _is_wrapped(block: Block) -> bool:
    lengths = [len(line.strip()) for line in block.lines]
    widest = max(lengths)
    if widest < WRAP_MIN_WIDTH:
        return False
    body = lengths[:-1]
    long_lines = sum(1 for length in body if length >= WRAP_SHARE * widest)
    return long_lines * 3 >= len(body) * 2


def _format_list(block: Block) -> list[str]:
    """A list block: each bullet becomes "- item"; other lines continue the item."""
    items: list[str] = []
    lead: list[str] = []
    for line in block.lines:
        match = _BULLET.match(line)
        if match:
            items.append(match.group(2).strip())
        elif items:
            items[-1] += " " + line.strip()
        else:
            lead.append(line.strip())
    out = [" ".join(escape_markdown(x) for x in lead)] if lead else []
    if lead:
        out.append("")
    out.extend("- " + escape_markdown(item) for item in items)
    return out


def format_block(block: Block) -> str:
    """One block as Markdown (without headings)."""
    if any(_BULLET.match(line) for line in block.lines) and (
        _is_list(block) or sum(1 for line in block.lines if _BULLET.match(line)) >= 2
    ):
        return "\n".join(_format_list(block))
    if block.one_line or _is_wrapped(block):
        return escape_markdown(block.joined)
    # Short separate lines (verse, addresses, menus): keep the breaks.
    lines = [escape_markdown(_indent(line)) for line in block.lines]
    return "\\\n".join(lines)


def is_subheading(blocks: list[Block], index: int) -> bool:
    """A short line with a prose paragraph on each side (neither a short line itself):
    shown as a ``##`` subheading."""
    if not 0 < index < len(blocks) - 1 or not is_heading_candidate(blocks[index]):
        return False
    before, after = blocks[index - 1], blocks[index + 1]
    return (
        is_prose(before)
        and is_prose(after)
        and not is_heading_candidate(before)
        and not is_heading_candidate(after)
    )


def blocks_to_markdown(blocks: list[Block], title_index: int | None = None) -> str:
    """Markdown for the blocks; short lines between two prose paragraphs become ``##``."""
    parts: list[str] = []
    for index, block in enumerate(blocks):
        if index == title_index:
            continue
        if is_subheading(blocks, index) and title_index not in (index - 1, index + 1):
            parts.append("## " + escape_markdown(block.lines[0].strip()))
        else:
            parts.append(format_block(block))
    return "\n\n".join(parts)


def text_to_markdown(text: str) -> str:
    """Plain text (no title handling) as escaped Markdown."""
    return blocks_to_markdown(split_at_blank_lines(text.replace("\r\n", "\n").replace("\r", "\n")))


def parse_text(text: str, *, name: str, path: str = "", mtime: datetime | None = None) -> Article:
    """A plain-text document as one Markdown article."""
    text = clean_text(text)
    blocks = split_at_blank_lines(text)
    title, title_index = pick_title(blocks)
    body = blocks_to_markdown(blocks, title_index)
    if title_index is not None:
        plain = "\n\n".join("\n".join(b.lines) for i, b in enumerate(blocks) if i != title_index)
    else:
        plain = text.strip()
    return Article(
        title=clean_line(title) or clean_line(name),
        source=clean_line(name),
        body=clean_text(body),
        kind="markdown",
        text=clean_text(plain),
        date=mtime,
        path=path,
        uid=path,
    )
