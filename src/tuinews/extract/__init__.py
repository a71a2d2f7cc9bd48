"""Reader mode: the article in a page, without the site around it.

``extract_html`` finds the main content of an HTML page (readability-lxml, checked
against trafilatura, then cleaned) and its title, byline and date from the page's
metadata. ``extract_text`` does the same for a plain-text copy of a page, where no markup
says what is navigation: a paragraph classifier drops the site's boilerplate and finds the
headline and subheadings. ``extract_document`` takes any bytes and never raises.

Nothing heavy is imported here: lxml, readability-lxml, trafilatura, bs4 and markdownify
load when a page is first extracted. :func:`tuinews.extract.document.read_document` reads
a file with its pages and plain text in reader mode.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from tuinews.formats import FormatError, article_markdown, detect_format, parse_document, parse_feed
from tuinews.formats.encoding import decode, looks_binary
from tuinews.formats.html import html_to_markdown, html_to_text, parse_html
from tuinews.formats.markdown import parse_markdown, split_front_matter
from tuinews.formats.text import escape_markdown
from tuinews.models import Article
from tuinews.sanitise import clean_line, clean_text

__all__ = [
    "NO_ARTICLE_NOTE",
    "Extracted",
    "extract_document",
    "extract_html",
    "extract_text",
    "feed_markdown",
    "render_markdown",
]

# Pages with more elements than this (after scripts, menus and hidden parts are gone) are
# read as plain text: the full pipeline would take more than the 1 s a page may take.
FULL_PIPELINE_MAX_ELEMENTS = 6000

NO_ARTICLE_NOTE = "No article found on this page; showing all of its text."
TOO_DEEP_NOTE = "This page is nested too deeply to read its layout; showing all of its text."
EMPTY_NOTE = "This page has no text."
NOT_TEXT_NOTE = "This is not a text document."


@dataclass
class Extracted:
    """An article as reader mode shows it."""

    title: str
    byline: str  # author if found, "" otherwise
    date: datetime | None
    markdown: str  # the body as Markdown, sanitised, links made safe
    found: bool  # False when no article was found: markdown then holds what there is
    note: str = ""


def _finish(
    title: str, byline: str, date: datetime | None, markdown: str, found: bool, note: str = ""
) -> Extracted:
    return Extracted(
        title=clean_line(title, limit=300),
        byline=clean_line(byline, limit=200),
        date=date,
        markdown=clean_text(markdown).strip(),
        found=found,
        note=note,
    )


def extract_html(html: str, url: str = "") -> Extracted:
    """The article in an HTML page (``url`` resolves its relative links)."""
    # The page pipeline's modules (~20 ms of imports) load with the first page: reading
    # a Markdown file or a feed never needs them.
    from tuinews.extract import cleanup, main_content
    from tuinews.extract.metadata import choose_title, read_metadata

    root = cleanup.parse(html)
    if root is None:
        return _finish("", "", None, "", False, EMPTY_NOTE)
    if cleanup.too_deep(root):
        return _too_deep(html)
    meta = read_metadata(root)
    title = choose_title(meta)
    cleanup.pre_clean(root)
    if cleanup.element_count(root) > FULL_PIPELINE_MAX_ELEMENTS or cleanup.reads_as_text(root):
        # Too big for readability and markdownify within the time a page may take, or
        # plain text with a few stray tags: its text goes through the plain-text
        # classifier instead.
        text = extract_text(cleanup.page_text(root))
        return _finish(
            title or text.title, meta.byline, meta.date, text.markdown, text.found, text.note
        )
    body = main_content.extract_body(root, title, url)
    markdown = html_to_markdown(body.html, url, parser="lxml")
    byline = meta.byline or body.byline
    if body.found and markdown.strip():
        return _finish(title, byline, meta.date, markdown, True)
    note = NO_ARTICLE_NOTE if markdown.strip() else EMPTY_NOTE
    return _finish(title, byline, meta.date, markdown, False, note)


def _too_deep(html: str) -> Extracted:
    """A page nested past what the HTML tree keeps: its text, through the flat parser."""
    article = parse_html(html, name="")
    text = extract_text(html_to_text(html))
    return _finish(
        article.title or text.title,
        article.author,
        article.date,
        text.markdown,
        False,
        TOO_DEEP_NOTE,
    )


def extract_text(text: str) -> Extracted:
    """The article in a plain-text copy of a page: boilerplate removed, headline found,
    subheadings marked."""
    # The paragraph classifier (~10 ms of imports, statistics among them) loads with
    # the first text: reading a Markdown file or a feed never needs it.
    from tuinews.extract.paragraphs import extract_plain

    result = extract_plain(clean_text(text))
    if not result.markdown.strip():
        return _finish(result.title, "", None, "", False, EMPTY_NOTE)
    return _finish(
        result.title,
        "",
        None,
        result.markdown,
        result.found,
        "" if result.found else NO_ARTICLE_NOTE,
    )


def extract_document(data: bytes, name: str = "", url: str = "") -> Extracted:
    """Any document's bytes: decoded, recognised as HTML, Markdown (read as the app reads
    it: the front matter's title, the markup kept) or text, extracted. Never raises."""
    try:
        return _extract_document(data, name, url)
    except Exception:  # a last resort: the reader must show something
        return _fallback(data)


def _extract_document(data: bytes, name: str, url: str) -> Extracted:
    if looks_binary(data):
        return _finish("", "", None, "", False, NOT_TEXT_NOTE)
    text = decode(data).lstrip("\ufeff")
    stripped = text.strip()
    if not stripped:
        return _finish("", "", None, "", False, EMPTY_NOTE)
    try:
        kind = detect_format(stripped, name)
    except FormatError:
        kind = "text"
    if kind == "html":
        return extract_html(stripped, url)
    if kind == "markdown" and _reads_as_markdown(text, name):
        page = parse_markdown(text, name=name)  # as the app reads it: the markup kept
        return _finish(page.title, page.author, page.date, page.body, True)
    return extract_text(text)


# A file named as plain text that looks like Markdown (``#`` heading lines) is most often a
# text copy of a page (html2text writes them): reader mode reads it, unless it opens with
# front matter, which only Markdown has.
TEXT_EXTENSIONS = frozenset({".txt", ".text"})


def _reads_as_markdown(text: str, name: str) -> bool:
    if os.path.splitext(name)[1].lower() not in TEXT_EXTENSIONS:
        return True
    return bool(split_front_matter(text.lstrip())[0])


def _fallback(data: bytes) -> Extracted:
    try:
        text = data.decode("utf-8", "replace")
    except Exception:
        text = ""
    lines = [escape_markdown(line.strip()) for line in clean_text(text).split("\n")]
    markdown = "\n\n".join(line for line in lines if line)
    return _finish("", "", None, markdown, False, NO_ARTICLE_NOTE if markdown else EMPTY_NOTE)


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_CLOSING_HASHES = re.compile(r"(\s)(#+)$")


def heading_text(title: str) -> str:
    """A title for a Markdown ``#`` line, escaped only where Markdown would change it, so
    the line reads as the title itself ("A | B", "snake_case" stay as they are)."""
    text = _BACKSLASH.sub(r"\\\\", title)
    for mark in ("*", "`"):
        if text.count(mark) >= 2:
            text = text.replace(mark, "\\" + mark)
    if text.count("_") >= 2 and _underscore_emphasis(text):
        text = text.replace("_", "\\_")
    if "](" in text or "][" in text:
        text = text.replace("[", "\\[").replace("]", "\\]")
    text = _TAG_START.sub(r"\\<", text)
    text = _ENTITY.sub(r"\\&", text)
    return _CLOSING_HASHES.sub(r"\1\\\2", text)


_UNDERSCORES = re.compile(r"_+")


def _underscore_emphasis(text: str) -> bool:
    """Whether underscores in a line would make emphasis in CommonMark: a run that can
    open it (left-flanking, not inside a word) before one that can close it. Titles of
    Chinese sites ("标题 _频道 _网站", "标题_频道_网站") have underscores that make none."""
    can_open = False
    for match in _UNDERSCORES.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        left = not after.isspace() and (
            not _punctuation(after) or before.isspace() or _punctuation(before)
        )
        right = not before.isspace() and (
            not _punctuation(before) or after.isspace() or _punctuation(after)
        )
        if can_open and right and (not left or _punctuation(after)):
            return True
        if left and (not right or _punctuation(before)):
            can_open = True
    return False


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _without_title(markdown: str, title: str) -> str:
    """The body without a first paragraph that is only the title again (a plain-text
    file shown whole, its first line its title): ``# Title`` already says it."""
    first, _, rest = markdown.partition("\n\n")
    if title and _ESCAPE.sub(r"\1", first.lstrip("#").strip()) == title:
        return rest.lstrip("\n")
    return markdown


def render_markdown(extracted: Extracted) -> str:
    """What ``tuinews extract`` prints: ``# Title``, a blank line, the body."""
    title = heading_text(extracted.title) if extracted.title else "Untitled"
    parts = [f"# {title}"]
    body = _without_title(extracted.markdown, extracted.title)
    if body:
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def feed_markdown(data: bytes, name: str = "", url: str = "") -> str | None:
    """A feed document (RSS, Atom, JSON Feed) as ``tuinews extract`` prints it: each item
    as an article (``# Title``, its link, its body as Markdown), separated by rules. None
    when the document is not a feed; FormatError for a feed without items, and for JSON
    that is no JSON Feed (the app's reason: "JSON, but not a JSON Feed (no items list)",
    "invalid JSON at line 1, ..."). ``url``: where it was fetched from (its relative
    links resolve against it)."""
    kind = detect_format(decode(data).lstrip("\ufeff").strip(), name)
    if kind not in ("jsonfeed", "feed", "xml"):
        return None
    try:
        articles = parse_feed(data, url).articles if url else parse_document(data, name=name)
    except FormatError:
        if kind == "xml":  # XML, but not a feed
            return None
        raise
    if not articles:
        raise FormatError("feed has no items")
    return "\n\n---\n\n".join(_item_markdown(article) for article in articles) + "\n"


def _item_markdown(article: Article) -> str:
    parts = [f"# {heading_text(article.title) if article.title else 'Untitled'}"]
    if article.link:  # safe http(s), no spaces: only the brackets need escaping
        parts.append("<" + article.link.replace("<", "%3C").replace(">", "%3E") + ">")
    body = article_markdown(article).strip()
    if body:
        parts.append(body)
    return "\n\n".join(parts)
