"""Markdown rendered with its code blocks kept whole: never wrapped mid-line.

Rich's Markdown wraps a code block to the width like a paragraph (its Syntax has
``word_wrap=True``), which breaks a command or a line of code in two. Here each code block
is drawn by Rich's Syntax at its own width, without wrapping: its lines may be wider than
the article (the article pane scrolls sideways). Imported when the first article is
rendered (it imports rich.markdown, ~20 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Markdown
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

from tuinews.images.marks import ImageMark
from tuinews.inline_images import ImageHeading, ImageParagraph, hold_images
from tuinews.link_numbers import LinkNumbers, inline_tags, number_links

if TYPE_CHECKING:
    from markdown_it.token import Token

Line = list[Segment]
MARK = "\x1f"  # around a code block's number: a control character, which the sanitiser
# removes from every article (and which Rich keeps as it is)
TAB_SIZE = 4


class _CodeMark(CodeBlock):
    """A code block, rendered as a one-line mark; its lines are put in its place after."""

    markdown: CodeMarkdown

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> CodeBlock:
        block = super().create(markdown, token)
        assert isinstance(markdown, CodeMarkdown) and isinstance(block, _CodeMark)
        block.markdown = markdown
        return block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        codes = self.markdown.codes
        codes.append((str(self.text).rstrip(), self.lexer_name, self.theme))
        yield Text(f"{MARK}{len(codes) - 1}{MARK}", no_wrap=True)


class CodeMarkdown(Markdown):
    """Markdown whose code blocks are marks (see ``render``)."""

    elements = {
        **Markdown.elements,
        "fence": _CodeMark,
        "code_block": _CodeMark,
        "image": ImageMark,  # its URL kept for the article pane (tuinews.images)
        "paragraph_open": ImageParagraph,  # its images below it, never glued to its text
        "heading_open": ImageHeading,
    }

    def __init__(self, markup: str, links: LinkNumbers | None = None) -> None:
        super().__init__(markup, hyperlinks=False)
        self.codes: list[tuple[str, str, str]] = []  # code, lexer, theme
        hold_images(self.parsed)  # images in a paragraph: drawn below it (tuinews.inline_images)
        # Links numbered where they are (tuinews.link_numbers), their URLs listed at the end
        self.link_theme = None if links is None else number_links(self.parsed, links)
        if self.link_theme is not None:
            self.inlines = inline_tags(self.inlines)


def render(
    markup: str, console: Console, options: ConsoleOptions, links: LinkNumbers | None = None
) -> list[Line]:
    """The Markdown's lines at ``options``' width, its code blocks unwrapped in place; with
    ``links``, its links numbered on from those (:mod:`tuinews.link_numbers`)."""
    markdown = CodeMarkdown(markup, links)
    if markdown.link_theme is None:
        lines = console.render_lines(markdown, options, pad=False)
    else:
        with console.use_theme(markdown.link_theme):  # (the links' styles, by name)
            lines = console.render_lines(markdown, options, pad=False)
    if not markdown.codes:
        return lines
    out: list[Line] = []
    for line in lines:
        found = _mark(line, len(markdown.codes))
        if found is None:
            out.append(line)
            continue
        # In a list or a quote: its indent or bar before the block, its style over it, and
        # the width it leaves (the line is padded to it); at the top: the article's width.
        prefix, style, index = found
        indent = sum(segment.cell_length for segment in prefix)
        room = (
            sum(segment.cell_length for segment in line) - indent if prefix else options.max_width
        )
        code, lexer, theme = markdown.codes[index]
        for code_line in _code_lines(code, lexer, theme, console, options.update(width=room)):
            out.append(prefix + list(Segment.apply_style(code_line, style)))
    return out


def _mark(line: Line, count: int) -> tuple[Line, Style | None, int] | None:
    """The segments before a code block's mark on this line, the mark's style (its
    parent's: a quote's) and the block's number."""
    for at, segment in enumerate(line):
        text = segment.text
        start = text.find(MARK)
        if start >= 0:
            end = text.find(MARK, start + 1)
            number = text[start + 1 : end]
            if end > start and number.isdigit() and int(number) < count:
                prefix = line[:at]
                if start:
                    prefix = [*prefix, Segment(text[:start], segment.style)]
                return prefix, segment.style, int(number)
    return None


def _code_lines(
    code: str, lexer: str, theme: str, console: Console, options: ConsoleOptions
) -> list[Line]:
    """A code block as Rich's Markdown draws it (Syntax, padding 1), at the width given,
    or at its own width when that is more (never wrapped)."""
    widest = max((cell_len(line.expandtabs(TAB_SIZE)) for line in code.split("\n")), default=0)
    width = max(options.max_width, widest + 2, 1)
    syntax = Syntax(code, lexer, theme=theme, word_wrap=False, padding=1, tab_size=TAB_SIZE)
    return console.render_lines(syntax, options.update(width=width), pad=True)
