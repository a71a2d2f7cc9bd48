"""Articles rendered to lines of styled segments with Rich (no Textual here).

A long article is rendered in chunks cut at Markdown block boundaries: the header and the
first few kilobytes come first, so the beginning can be shown at once, and the caller can
stop between chunks when the article is no longer wanted. The chunks, put together, give
the same lines as rendering the whole article in one go.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.text import Text

from tuinews.enclosures import header_lines
from tuinews.link_numbers import LinkNumbers, link_list
from tuinews.models import Article

MAX_MARKDOWN_CHARS = 400_000  # longer articles are cut, with a note, so that they render fast
FIRST_CHUNK = 4_000  # characters of Markdown rendered before anything is shown (a screenful)
CHUNK = 16_000  # most characters in a later chunk (they double up to it): how long a stale
# render can go on before it sees that it is stale (~10 ms)
MAX_QUOTE_DEPTH = 4

FULL_NOTE = "The full article, from its link: F shows the feed's summary."
SUMMARY_NOTE = "The feed's summary: F shows the full article."

Line = list[Segment]

_DEEP_QUOTE = re.compile(rf"^((?:[ \t]*>){{{MAX_QUOTE_DEPTH}}})(?:[ \t]*>)+", re.MULTILINE)
_NOT_LETTER = re.compile(r"[\W_]+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RAW_HTML = re.compile(r"^ {0,3}<(pre|script|style|textarea|!--)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_REFERENCE = re.compile(r"^ {0,3}\[([^\]\n]{1,999})\]:[ \t]*\S.*$", re.MULTILINE)


def line_width(line: Line) -> int:
    """The cells the line takes (a code block's may be wider than the article)."""
    return sum(segment.cell_length for segment in line)


def letters(line: Line) -> int:
    """How many letters and digits the line holds: what re-wrapping at another width keeps
    (spaces, padding, rules and borders change with the width)."""
    return len(_NOT_LETTER.sub("", "".join(segment.text for segment in line)))


@dataclass(frozen=True)
class Place:
    """A reading position that does not depend on the width: the letters before the first
    line at or below the top that has any, and how many lines above that one the top is
    (a blank line or a rule before a paragraph)."""

    before: int
    above: int


def place_of(lines: list[Line], row: int) -> Place:
    """The place of line ``row`` (a scan of the lines above it: on a resize, not a key)."""
    before = sum(letters(line) for line in lines[:row])
    for above, line in enumerate(lines[row:]):
        if letters(line):
            return Place(before, above)
    return Place(before, 0)


def row_of(lines: list[Line], place: Place) -> int | None:
    """The line to put at the top to show ``place`` in these lines (rendered at any
    width), or None if they do not reach it."""
    seen = 0
    for index, line in enumerate(lines):
        seen += letters(line)
        if seen > place.before:  # its first letter is on this line
            return max(0, index - place.above)
    return None


def flatten_quotes(markdown: str) -> str:
    """Quotes nested deeper than the Markdown parser goes would vanish: cap the depth."""
    return _DEEP_QUOTE.sub(r"\1", markdown)


def cut(markdown: str) -> tuple[str, str]:
    """The Markdown cut to MAX_MARKDOWN_CHARS at a paragraph, and the note that says so."""
    if len(markdown) <= MAX_MARKDOWN_CHARS:
        return markdown, ""
    end = markdown.rfind("\n\n", 0, MAX_MARKDOWN_CHARS)
    note = f"(The article is cut here at {MAX_MARKDOWN_CHARS // 1000} KB; o opens the original.)"
    return markdown[: end if end > 0 else MAX_MARKDOWN_CHARS], note


def header(article: Article) -> list[Text]:
    """Title, source, author, date, link and enclosures. Text only: no markup parsing."""
    meta = " · ".join(part for part in (article.source, article.author, article.date_text) if part)
    lines = [Text(article.title or "(untitled)", style="bold")]
    if meta:
        lines.append(Text(meta, style="dim"))
    if article.link:
        lines.append(Text(article.link, style="dim underline"))
    for described, url in header_lines(article.enclosures):
        lines += [Text(described, style="bold"), Text(url, style="dim")]
    lines.append(Text(""))
    return lines


def markdown_chunks(markdown: str, first: int = FIRST_CHUNK, size: int = CHUNK) -> Iterator[str]:
    """The Markdown in chunks of about ``first`` characters, then twice as many each time
    up to ``size`` (each chunk costs ~1 ms more to render), each cut before
    a block that starts a line after a blank one, is not indented (no list or quote goes
    on over the cut) and is not a list item, never inside a fenced code block or raw HTML
    and never just after a horizontal rule (which has its own spacing). Made as it is
    consumed: the first chunk costs no scan of the rest."""
    lines = markdown.split("\n")
    start = 0
    chars = 0
    target = first
    fence = ""  # the open code fence, or the end of the open raw HTML block
    blank = False  # the line before was blank
    rule = False  # the last non-blank line was a horizontal rule
    for index, line in enumerate(lines):
        if fence:
            if fence.startswith(("`", "~")):
                stripped = line.strip()
                if stripped.startswith(fence) and not stripped.strip(fence[0]):
                    fence = ""
            elif fence in line.lower():
                fence = ""
            chars += len(line) + 1
            continue
        if not line.strip():
            blank = True
            chars += len(line) + 1
            continue
        if (
            blank
            and chars >= target
            and index > start
            and not rule
            and not line[0].isspace()
            and not _LIST_ITEM.match(line)
        ):
            yield "\n".join(lines[start:index]).rstrip("\n")
            start = index
            chars = 0
            target = min(2 * target, size)
        blank = False
        rule = bool(_RULE.match(line))
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
        else:
            html = _RAW_HTML.match(line)
            if html:
                tag = html.group(1).lower()
                end = "-->" if tag == "!--" else f"</{tag}>"
                if end not in line.lower()[html.end() :]:
                    fence = end
        chars += len(line) + 1
    rest = "\n".join(lines[start:]).rstrip("\n")
    if rest.strip():
        yield rest


def _with_references(chunks: Iterator[str], markdown: str) -> Iterator[str]:
    """Link reference definitions apply to the whole document: give each chunk those it
    uses (most articles have none, and then this costs one regex scan)."""
    references = {m.group(1).lower(): m.group(0) for m in _REFERENCE.finditer(markdown)}
    if not references:
        yield from chunks
        return
    for chunk in chunks:
        lower = chunk.lower()
        used = [
            line
            for label, line in references.items()
            if f"[{label}]" in lower and line not in chunk
        ]
        yield chunk + "\n\n" + "\n".join(used) if used else chunk


def console_for(width: int) -> Console:
    """A console that renders to lines at this width (one per render: thread-safe)."""
    return Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        emoji=False,
        markup=False,
        highlight=False,
    )


def render_lines(renderable: RenderableType, width: int) -> list[Line]:
    """Render to lines of segments at this width (safe to call from a thread)."""
    console = console_for(width)
    return console.render_lines(renderable, console.options, pad=False)


def render_article(
    article: Article,
    markdown: str,
    width: int,
    first: int = FIRST_CHUNK,
    size: int = CHUNK,
    links: LinkNumbers | None = None,
) -> Iterator[list[Line]]:
    """The article's lines in batches: the header and the first chunk, then each later
    chunk, rendered as they are asked for (so stopping early costs nothing more). Its
    links are numbered (on over the chunks) and listed at the end; ``links`` gets them."""
    from tuinews import code_blocks  # rich.markdown, ~20 ms: not needed for the first frame

    console = console_for(width)
    options = console.options

    def lines(renderable: RenderableType) -> list[Line]:
        return console.render_lines(renderable, options, pad=False)

    numbers = LinkNumbers(article.link) if links is None else links

    def markdown_lines(markup: str) -> list[Line]:
        return code_blocks.render(markup, console, options, numbers)  # code never wrapped

    head: list[Line] = []
    for text in header(article):
        head += lines(text)
    markdown, note = cut(markdown)
    markdown = flatten_quotes(markdown)
    if not markdown.strip():
        head += lines(Text("(no text)"))
    else:
        chunks = _with_references(markdown_chunks(markdown, first, size), markdown)
        for index, chunk in enumerate(chunks):
            if index:
                # Rich spaces a block differently at the start of a document: put the chunk
                # after a one-line paragraph, as it would be in the whole, and drop that line.
                yield markdown_lines(f"x\n\n{chunk}")[1:]
            else:
                batch = markdown_lines(chunk)
                yield head + batch
                head = []
    for text in link_list(numbers.links):
        head += lines(text)
    if note:
        head += lines(Text(note, style="italic"))
    if head:
        yield head
