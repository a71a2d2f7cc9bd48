"""Images inside a paragraph (or a heading) go below it, each on a line of its own.

Rich's Markdown draws an image as soon as the parser leaves it, before the paragraph it is
in (drawn when the paragraph ends), and without a line end: its alt text was glued to the
start of the paragraph's first line, which was wrapped without it, so the words at the end
of that line went past the pane's edge and were lost. Here the image tokens are taken out
of the paragraph (:func:`hold_images`, before Rich sees the tokens) and the paragraph draws
them after its own wrapped text, one line each, where the article pane draws the picture
below its mark (:func:`tuinews.images.find_marks`); the space the image leaves in the
sentence is closed up. A paragraph of images alone is just their lines, as before.
Imported with rich.markdown (when the first article is rendered).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, Markdown, Paragraph, TextElement
from rich.text import Text

from tuinews.images.marks import ImageMark

if TYPE_CHECKING:
    from markdown_it.token import Token

IMAGES = "tuinews_images"  # in a paragraph_open's (or heading_open's) meta: its images, (src, alt)
_HOLDERS = ("paragraph_open", "heading_open")


def hold_images(tokens: Sequence[Token]) -> None:
    """Take the images out of each paragraph or heading (in place), into its opening
    token's meta; the spaces around each image become one."""
    for index, token in enumerate(tokens):
        children = token.children
        if token.type != "inline" or not children or not index:
            continue
        opener = tokens[index - 1]
        if opener.type not in _HOLDERS or not any(c.type == "image" for c in children):
            continue
        kept: list[Token] = []
        images: list[tuple[str, str]] = []
        trim = False  # the next text starts where a space (or the paragraph) already is
        for child in children:
            if child.type == "image":
                images.append((str(child.attrs.get("src", "")), child.content))
                trim = not kept or _ends_with_space(kept[-1])
                continue
            if trim and child.type in ("text", "softbreak"):
                child.content = child.content.lstrip(" ")
                if child.type == "softbreak" or not child.content:
                    continue  # (nothing left of it)
            if child.type not in ("link_open", "link_close"):
                trim = False
            kept.append(child)
        token.children = kept
        opener.meta = {**(opener.meta or {}), IMAGES: images}


def _ends_with_space(token: Token) -> bool:
    if token.type in ("softbreak", "hardbreak"):
        return True
    return token.type == "text" and (not token.content or token.content[-1].isspace())


class _HoldsImages(TextElement):
    """A text element that draws the images held out of it after its text."""

    images: list[ImageMark]

    def hold(self, token: Token) -> None:
        """The images :func:`hold_images` took out of it (its opening token's meta); the
        alt text plain text, never markup."""
        self.images = []
        for src, alt in (token.meta or {}).get(IMAGES, ()):
            mark = ImageMark(src, False)
            mark.text = Text(alt)
            self.images.append(mark)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.images:
            yield from super().__rich_console__(console, options)
            return
        self.text.rstrip()  # (a space left before an image at the end)
        if self.text.plain.strip():  # (not a paragraph of images alone)
            yield from super().__rich_console__(console, options)
        yield from self.images  # each its own line (ImageMark ends with one)


class ImageParagraph(_HoldsImages, Paragraph):
    """A paragraph, its images below it."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> ImageParagraph:
        element = cls(justify=markdown.justify or "left")
        element.hold(token)
        return element


class ImageHeading(_HoldsImages, Heading):
    """A heading, its images below it."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> ImageHeading:
        element = cls(token.tag)
        element.hold(token)
        return element
