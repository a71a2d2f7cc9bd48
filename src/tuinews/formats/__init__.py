"""Documents to articles: detect the format by content, decode, parse, sanitise.

Heavy libraries (feedparser, markdownify, bs4, charset_normalizer) are imported inside
the functions that need them, so importing this package is cheap.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from tuinews.formats.dates import to_utc
from tuinews.formats.encoding import decode, looks_binary
from tuinews.formats.errors import FormatError, NeedsWorker
from tuinews.formats.feeds import ParsedFeed
from tuinews.models import Article

if TYPE_CHECKING:
    from tuinews.extract import Extracted
from tuinews.sanitise import clean_text

__all__ = [
    "FormatError",
    "NeedsWorker",
    "ParsedFeed",
    "detect_format",
    "parse_document",
    "parse_feed",
]

Format = Literal["jsonfeed", "feed", "xml", "html", "markdown", "text"]

MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
XML_EXTENSIONS = frozenset({".xml", ".rss", ".atom", ".rdf"})
JSON_EXTENSIONS = frozenset({".json", ".jsonfeed"})

_SNIFF_CHARS = 4096
_DOCTYPE_HTML = re.compile(r"<!DOCTYPE\s+html", re.I)
_SUBSET_END = re.compile(r"\]\s*>")
_ROOT = re.compile(r"\s*<([A-Za-z_][\w:.-]*)")
_PAGE_TAGS = re.compile(r"<!DOCTYPE\s+html|<(?:html|head|body)[\s>/]", re.I)
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_PAGE_ROOTS = frozenset({"html", "head", "body"})
_TAG_NAMES = (
    "a abbr address article aside b base blockquote br center code dd details div dl dt em "
    "figure font footer form h1 h2 h3 h4 h5 h6 header hr i iframe img li link main meta nav "
    "noscript ol p picture pre script section small span strong style table title u ul"
)
HTML_TAGS = frozenset(_TAG_NAMES.split(" "))
_HTML_TAG_ANYWHERE = re.compile(
    r"</?(?:p|div|br|h[1-6]|article|section|table|ul|ol|li|blockquote|pre|a\s|img|span|em|strong)"
    r"[\s>/]",
    re.I,
)


def root_element(text: str) -> tuple[str, bool]:
    """The document's root element name (lower case, no prefix) and whether an HTML
    doctype was seen, skipping the XML declaration, comments and doctype.

    A plain scan (no backtracking regex), so hostile prologs cost linear time.
    """
    position, doctype_html, size = 0, False, len(text)
    for _ in range(100):
        while position < size and text[position].isspace():
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position + 2)
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            position = end + 3
        elif text[position : position + 9].upper() == "<!DOCTYPE":
            doctype_html = doctype_html or bool(_DOCTYPE_HTML.match(text, position))
            end = text.find(">", position)
            subset = text.find("[", position)
            if subset != -1 and (end == -1 or subset < end):
                match = _SUBSET_END.search(text, subset)
                end = match.end() - 1 if match else -1
            position = end + 1
        else:
            break
        if end < 0:
            return "", doctype_html
    root = _ROOT.match(text, position)
    if root is None:
        return "", doctype_html
    return root.group(1).rsplit(":", 1)[-1].lower(), doctype_html


def _json_feed(text: str) -> dict[str, Any]:
    """JSON text as a JSON Feed, or FormatError saying why it is not one: "invalid JSON
    at line 3, column 5: Expecting ',' delimiter", "JSON without an items list"..."""
    from tuinews.formats.feeds import is_json_feed

    try:
        value = json.loads(text)
    except RecursionError:
        raise FormatError("JSON nested too deeply") from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except ValueError:
        raise FormatError("invalid JSON") from None
    if is_json_feed(value):
        return cast(dict[str, Any], value)
    if isinstance(value, dict) and "items" in value:
        raise FormatError("JSON, but its items are not a list")
    raise FormatError("JSON, but not a JSON Feed (no items list)")


def _load_json_feed(text: str, ext: str) -> dict[str, Any] | None:
    """A file's JSON Feed; FormatError for other or broken JSON; None if it is not JSON
    at all (broken JSON without a .json name or a JSON Feed version: some other text)."""
    try:
        return _json_feed(text)
    except FormatError as error:
        if str(error).startswith("invalid JSON") and not (
            ext in JSON_EXTENSIONS or "jsonfeed.org/version" in text[:_SNIFF_CHARS]
        ):
            return None
        raise


def detect_format(text: str, name: str = "") -> Format:
    """Which parser reads this (decoded, stripped) text; the extension breaks ties.

    Raises FormatError for JSON that is not a JSON Feed.
    """
    ext = os.path.splitext(name)[1].lower()
    if text.startswith(("{", "[")) and _load_json_feed(text, ext) is not None:
        return "jsonfeed"
    head = text[:_SNIFF_CHARS]
    if text.startswith("<"):
        root, doctype_html = root_element(text[: 64 * 1024])
        if doctype_html or root in _PAGE_ROOTS:
            return "html"
        if root in _FEED_ROOTS:
            return "feed"
        if ext in MARKDOWN_EXTENSIONS:
            return "markdown"
        if root in HTML_TAGS:
            return "html"
        if head.startswith("<?xml") or ext in XML_EXTENSIONS or "xmlns" in head:
            return "xml"
        if _HTML_TAG_ANYWHERE.search(head):
            return "html"
    elif _PAGE_TAGS.search(text[:1024]):
        return "html"
    from tuinews.formats.markdown import looks_like_markdown

    if ext in MARKDOWN_EXTENSIONS or looks_like_markdown(text):
        return "markdown"
    if ext in HTML_EXTENSIONS and _HTML_TAG_ANYWHERE.search(head):
        return "html"
    return "text"


def _parse(
    data: bytes, name: str, path: str, mtime: datetime | None, reader: bool, fast_only: bool
) -> list[Article]:
    if looks_binary(data):
        raise FormatError("binary file")
    text = decode(data).lstrip("\ufeff")
    if not clean_text(text).strip():
        raise FormatError("empty file")
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        feed = _load_json_feed(stripped, os.path.splitext(name)[1].lower())
        if feed is not None:
            from tuinews.formats.feeds import parse_json_feed

            return parse_json_feed(feed, name=name, path=path, mtime=mtime)
    kind = detect_format(stripped, name)
    if kind in ("feed", "xml"):
        from tuinews.formats.feeds import parse_xml_feed

        try:
            return parse_xml_feed(stripped, name=name, path=path, mtime=mtime, fast_only=fast_only)
        except FormatError as error:
            if kind == "xml" and str(error) == "not a feed":
                raise FormatError("XML, but not a feed") from None
            raise
    if kind == "html":
        if fast_only:
            raise NeedsWorker("html")
        from tuinews.formats.html import parse_html

        page = parse_html(stripped, name=name, path=path, mtime=mtime)
        if not reader:
            return [page]
        from tuinews.extract import extract_html

        return [_reader_mode(page, extract_html(stripped, url=page.link))]
    if kind == "markdown":
        from tuinews.formats.markdown import parse_markdown

        return [parse_markdown(text, name=name, path=path, mtime=mtime)]
    from tuinews.formats.text import parse_text

    page = parse_text(text, name=name, path=path, mtime=mtime)
    if not reader:
        return [page]
    from tuinews.extract import extract_text

    return [_reader_mode(page, extract_text(text))]


def _reader_mode(page: Article, extracted: Extracted) -> Article:
    """A web page or a plain-text copy of one, as reader mode shows it: the article's own
    title, byline, date and body, without the site around it. The page's own metadata
    (link, site name) is kept; when no article is found, everything is shown, with a note."""
    body = extracted.markdown
    if not extracted.found and extracted.note:
        body = f"*{extracted.note}*\n\n{body}" if body else f"*{extracted.note}*"
    if not body.strip():
        return page
    page.title = extracted.title or page.title
    page.author = extracted.byline or page.author
    page.date = extracted.date or page.date
    page.body, page.kind, page.text = body, "markdown", extracted.markdown
    return page


def parse_document(
    data: bytes,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    reader: bool = False,
    fast_only: bool = False,
) -> list[Article]:
    """Parse one file's bytes into articles. Raises only FormatError (and NeedsWorker).

    ``name`` is the file name (its extension is only a hint), ``path`` goes into each
    article's ``path`` and ``uid``, ``mtime`` is the date of articles that have none.
    ``reader``: show web pages and plain-text copies of them in reader mode (the article
    without the site around it, see :mod:`tuinews.extract`).
    ``fast_only``: only for documents that the parsers whose time grows with the size
    alone can read (plain text, Markdown, JSON Feed, RSS/Atom that fastfeedparser takes);
    anything else (HTML, feeds that need feedparser) raises NeedsWorker, unparsed.
    """
    try:
        return _parse(data, name, path, to_utc(mtime), reader, fast_only)
    except (FormatError, NeedsWorker):
        raise
    except RecursionError:
        raise FormatError("document nested too deeply") from None
    except MemoryError:
        raise FormatError("document too large") from None
    except Exception as error:  # any parser failure is a format problem
        raise FormatError(f"could not parse ({type(error).__name__})") from error


def parse_feed(data: bytes, url: str = "") -> ParsedFeed:
    """A fetched feed's bytes: RSS, Atom or JSON Feed. Raises FormatError if it is not a
    feed (an HTML page, an empty body...): a failure, never an empty feed. The message
    says why: "not a feed (invalid JSON at line 3, column 5: ...)". ``url``: where it
    was fetched from (relative links are resolved against it)."""
    try:
        if not data.strip():
            raise FormatError("not a feed (empty response)")
        if looks_binary(data):
            raise FormatError("not a feed (binary data)")
        stripped = decode(data).lstrip("\ufeff").strip()
        name = url.rsplit("?", 1)[0].rsplit("/", 1)[-1]
        if stripped.startswith(("{", "[")):  # JSON: parsed once, then handed on
            from tuinews.formats.feeds import read_json_feed

            try:
                feed = _json_feed(stripped)
            except FormatError as error:
                raise FormatError(f"not a feed ({error})") from None
            return read_json_feed(feed, name=url, url=url)
        try:
            kind = detect_format(stripped, name)
        except FormatError:
            kind = "text"
        if kind in ("feed", "xml"):
            from tuinews.formats.feeds import read_xml_feed

            return read_xml_feed(data, name=url, url=url)
        if kind == "html":
            raise FormatError("not a feed (an HTML page)")
        raise FormatError("not a feed (neither RSS, Atom nor JSON Feed)")
    except FormatError:
        raise
    except RecursionError:
        raise FormatError("feed nested too deeply") from None
    except Exception as error:  # any parser failure is a format problem
        raise FormatError(f"could not parse the feed ({type(error).__name__})") from error
