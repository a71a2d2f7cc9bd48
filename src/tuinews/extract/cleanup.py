"""Parsing and cleanup of HTML pages for reader mode: the page parsed (scripts, styles
and comments stripped from big pages first), what is never content removed before the
article is looked for (controls, hidden elements, menus), the chosen article cleaned
after (the headline shown apart, images, empty links, page furniture, attributes), and a
page's text laid out as a browser's "copy all" gives it.

Every rule here reads the page's structure, never the words of a language or of a site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# (lxml at the top: this module is imported by reader mode with its first page, which it
# parses at once; reading a feed or a Markdown file never imports it)
import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from tuinews.extract import pictures

# libxml2 stops building the tree (and drops the text) past 255 levels.
MAX_DEPTH = 250
# Pages longer than this are cut before parsing, once scripts, styles and comments are out
# (they are stripped first from pages longer than STRIP_HEAVY_FROM_CHARS).
MAX_HTML_CHARS = 2_500_000
STRIP_HEAVY_FROM_CHARS = 500_000

# Elements that are never article text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "button",
    "select",
    "textarea",
    "input",
    "object",
    "embed",
    "applet",
    "dialog",
    "frameset",
    "frame",
    "link",
    "meta",
)
# ARIA roles of page furniture.
_CHROME_ROLES = frozenset(
    {"menu", "menubar", "navigation", "complementary", "alert", "alertdialog", "dialog"}
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
SPACES = re.compile(r"\s+")
# Attributes Markdown uses; inline elements it has no use for (unwrapped).
_KEEP_ATTRS = frozenset({"href", "src", "alt", "colspan", "rowspan", "start", "lang", "dir"})
_UNWRAP = frozenset({"span", "font", "bdi", "abbr", "small", "big", "center", "time", "mark"})
_BRACKETS = str.maketrans("[]", "()")
# Attributes that mark a byline, and how long one may be.
_BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
BYLINE_MAX_CHARS = 100
# Elements whose text is a block of its own (a paragraph of the page's text; a block
# matched between extractors).
BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "th",
        "figcaption", "caption", "dt", "dd", "div", "section", "article", "header", "footer",
        "ul", "ol", "dl", "table", "tr", "tbody", "thead", "figure", "main", "aside", "nav",
        "form", "fieldset", "address", "details", "summary", "body", "center", "hr", "br",
    }
)  # fmt: skip

# A page whose text holds at least this many blank-line paragraph breaks, and this many
# per block element, is plain text with a few tags in it (real pages hold well under one).
TEXT_MIN_BREAKS = 10
TEXT_BREAKS_PER_BLOCK = 2
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_VERBATIM = frozenset({"pre", "code", "textarea"})

_HEAVY = re.compile(r"<(script|style|svg|template)\b|<!--", re.I)


def strip_heavy(html: str) -> str:
    """The page without its scripts, styles, inline SVG and comments (most of a big page's
    bytes), removed by a linear scan before anything parses it."""
    if len(html) < STRIP_HEAVY_FROM_CHARS:
        return html
    lowered = html.lower()
    parts, position = [], 0
    while True:
        match = _HEAVY.search(html, position)
        if match is None:
            break
        if match.group(0) == "<!--":
            end = lowered.find("-->", match.end())
            end = len(html) if end < 0 else end + 3
        else:
            close = lowered.find(f"</{match.group(1).lower()}", match.end())
            end = len(html) if close < 0 else lowered.find(">", close)
            end = len(html) if end < 0 else end + 1
            opening = lowered[match.start() : lowered.find(">", match.start(), end) + 1]
            if "ld+json" in opening:  # metadata (the title, the byline) stays
                parts.append(html[position:end])
                position = end
                continue
        parts.append(html[position : match.start()])
        position = end
    parts.append(html[position:])
    return "".join(parts)


def parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree; None when there is nothing to parse."""
    html = strip_heavy(html)[:MAX_HTML_CHARS]
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    return root


def too_deep(root: HtmlElement) -> bool:
    """True when the tree reaches the depth where libxml2 stops keeping text."""
    depth: dict[Any, int] = {root: 0}
    for element in root.iterdescendants():
        level = depth[element.getparent()] + 1
        if level >= MAX_DEPTH:
            return True
        depth[element] = level
    return False


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None:
        return True
    if element.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def pre_clean(root: HtmlElement) -> None:
    """Remove what is never content: scripts, forms' controls, hidden elements, menus;
    mark the images too small to be the article's (before readability drops their sizes)."""
    for element in list(root.iter(*_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        if _is_hidden(element) or element.get("role", "").strip().lower() in _CHROME_ROLES:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    pictures.mark_tiny(root)


def text_of(element: HtmlElement) -> str:
    return SPACES.sub(" ", element.text_content()).strip()


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def post_clean(
    content: HtmlElement,
    title: str,
    base: str = "",
    *,
    images: bool = True,
    trim: Callable[[HtmlElement], None] | None = None,
) -> str:
    """Cleanup on the chosen content: the headline and the byline (shown apart), empty
    links, page furniture; its images each get one safe http(s) source (resolved against
    ``base``), the tiny ones and those without one dropped (every one, ``images=False``:
    the whole page of a page without an article); ``trim`` is called on the content once
    the page furniture is out, before the attributes are. Returns the byline's text (""
    if none was marked)."""
    title_key = _key(title)
    for heading in list(content.iter("h1", "h2")):
        heading_key = _key(text_of(heading))
        if (
            title_key
            and heading_key
            and (
                heading_key == title_key
                or (len(heading_key) >= 0.6 * len(title_key) and heading_key in title_key)
                or (len(title_key) >= 0.6 * len(heading_key) and title_key in heading_key)
            )
        ):
            heading.drop_tree()
            break
    byline = _drop_byline(content)
    pictures.keep_images(content, base, keep=images)
    for element in list(content.iter("aside", "footer", "nav", "form", "fieldset")):
        if element.getparent() is not None:
            element.drop_tree()
    for link in list(content.iter("a")):
        if not text_of(link) and link.getparent() is not None:
            if any(True for _ in link.iter("img")):
                link.drop_tag()  # a picture that links to a bigger one: the picture stays
            else:
                link.drop_tree()
            continue
        _unbracket(link)
    if trim is not None:
        trim(content)
    # Markdown has no use for most attributes and for inline wrappers; fewer and smaller
    # nodes make the conversion several times faster on big pages.
    for element in list(content.iter()):
        if not isinstance(element.tag, str):
            continue
        for name in [name for name in element.attrib if name not in _KEEP_ATTRS]:
            del element.attrib[name]
        if element.tag in _UNWRAP and element.getparent() is not None:
            element.drop_tag()
    return byline


def _drop_byline(content: HtmlElement) -> str:
    """The first short element that its attributes mark as the byline (``rel="author"``,
    ``itemprop="author"``, a class or id naming a byline or an author), as Readability
    drops it: the byline is shown apart, above the article."""
    for element in content.iter():
        if not isinstance(element.tag, str) or element is content:
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if (
            element.get("rel", "").strip().lower() == "author"
            or "author" in element.get("itemprop", "").lower()
            or _BYLINE.search(marks)
        ):
            text = text_of(element)
            if 0 < len(text) < BYLINE_MAX_CHARS and element.getparent() is not None:
                element.drop_tree()  # (its tail stays)
                return text
    return ""


def _unbracket(link: HtmlElement) -> None:
    """No square brackets in a link's text ("[2]" footnote marks): escaped brackets in a
    Markdown link's text are where simple Markdown readers lose track of the link."""
    for element in link.iter():
        if element.text and ("[" in element.text or "]" in element.text):
            element.text = element.text.translate(_BRACKETS)
        if element is not link and element.tail and ("[" in element.tail or "]" in element.tail):
            element.tail = element.tail.translate(_BRACKETS)


def reads_as_text(root: HtmlElement) -> bool:
    """Whether a (pre-cleaned) page is plain text with a few tags in it (a text copy of a
    page with a tracking image left at the top): its paragraphs are separated by blank
    lines inside text, not by elements."""
    verbatim = {id(inner) for element in root.iter(*_VERBATIM) for inner in element.iter()}
    breaks = blocks = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in BLOCK_TAGS:
            blocks += 1
        if id(element) in verbatim:
            continue
        for text in (element.text, element.tail):
            if text and "\n" in text:
                breaks += max(0, sum(1 for part in _BLANK_LINE.split(text) if part.strip()) - 1)
    return breaks >= TEXT_MIN_BREAKS and breaks >= TEXT_BREAKS_PER_BLOCK * blocks


def element_count(root: HtmlElement) -> int:
    return sum(1 for _ in root.iter())


_BREAKS = frozenset({"br"})


def page_text(root: HtmlElement) -> str:
    """A (pre-cleaned) page as plain text: a paragraph per block element, as a browser's
    "copy all" gives it (for pages too big for the whole pipeline)."""
    parts: list[str] = []
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            elif tag in _BREAKS:
                parts.append("\n")
            if element.text and tag:
                parts.append(element.text)
        else:
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            if element.tail:
                parts.append(element.tail)
    paragraphs = []
    for paragraph in "".join(parts).split("\n\n"):
        lines = [SPACES.sub(" ", line).strip() for line in paragraph.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)
