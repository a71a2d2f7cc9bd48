"""Documents to articles: detect the format by content, decode, parse, sanitise.

Parsing only: reader mode (the article in a web page, without the site around it) is
:mod:`tuinews.extract`'s, applied by whoever decides to show a page that way
(:func:`tuinews.extract.document.read_document` for files).

Heavy libraries (feedparser, fastfeedparser, lxml, markdownify, bs4, charset_normalizer)
are imported inside the functions that need them, so importing this package is cheap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from tuinews.formats.dates import to_utc
from tuinews.formats.detect import Format, detect_format, json_feed_or_none, load_json_feed
from tuinews.formats.encoding import decode, looks_binary
from tuinews.formats.errors import FormatError, NeedsWorker, as_format_error
from tuinews.formats.feeds import (
    ParsedFeed,
    parse_json_feed,
    parse_xml_feed,
    read_json_feed,
    read_xml_feed,
)
from tuinews.formats.html import article_markdown, parse_html
from tuinews.formats.markdown import parse_markdown
from tuinews.formats.text import parse_text
from tuinews.models import Article
from tuinews.sanitise import clean_text

__all__ = [
    "Format",
    "FormatError",
    "NeedsWorker",
    "ParsedDocument",
    "ParsedFeed",
    "article_markdown",
    "as_format_error",
    "detect_format",
    "parse_detected",
    "parse_document",
    "parse_feed",
]


@dataclass
class ParsedDocument:
    """A document's articles, with the format it was read as and its text as the parser
    read it (decoded): what reader mode needs to read a page or plain text again."""

    format: Format
    text: str
    articles: list[Article]


def _parse(
    data: bytes, name: str, path: str, mtime: datetime | None, fast_only: bool
) -> ParsedDocument:
    if looks_binary(data):
        raise FormatError("binary file")
    text = decode(data).lstrip("\ufeff")
    if not clean_text(text).strip():
        raise FormatError("empty file")
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        feed = json_feed_or_none(stripped, os.path.splitext(name)[1].lower())
        if feed is not None:
            parsed = parse_json_feed(feed, name=name, path=path, mtime=mtime)
            return ParsedDocument("jsonfeed", stripped, parsed.articles)
    kind = detect_format(stripped, name)
    if kind in ("feed", "xml"):
        try:
            parsed = parse_xml_feed(
                stripped, name=name, path=path, mtime=mtime, fast_only=fast_only
            )
        except FormatError as error:
            if kind == "xml" and str(error) == "not a feed":
                raise FormatError("XML, but not a feed") from None
            raise
        return ParsedDocument(kind, stripped, parsed.articles)
    if kind == "html":
        if fast_only:
            raise NeedsWorker("html")
        return ParsedDocument(
            kind, stripped, [parse_html(stripped, name=name, path=path, mtime=mtime)]
        )
    if kind == "markdown":
        return ParsedDocument(kind, text, [parse_markdown(text, name=name, path=path, mtime=mtime)])
    return ParsedDocument("text", text, [parse_text(text, name=name, path=path, mtime=mtime)])


def parse_detected(
    data: bytes,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    fast_only: bool = False,
) -> ParsedDocument:
    """:func:`parse_document`, saying which format the document was read as, with its
    text (a web page's or a plain-text file's, for reader mode)."""
    with as_format_error():
        return _parse(data, name, path, to_utc(mtime), fast_only)


def parse_document(
    data: bytes,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    fast_only: bool = False,
) -> list[Article]:
    """Parse one file's bytes into articles. Raises only FormatError (and NeedsWorker).

    ``name`` is the file name (its extension is only a hint), ``path`` goes into each
    article's ``path`` and ``uid``, ``mtime`` is the date of articles that have none.
    Web pages and plain text are read as they are (for reader mode, see
    :func:`tuinews.extract.document.read_document`).
    ``fast_only``: only for documents that the parsers whose time grows with the size
    alone can read (plain text, Markdown, JSON Feed, RSS/Atom that fastfeedparser takes);
    anything else (HTML, feeds that need feedparser) raises NeedsWorker, unparsed.
    """
    return parse_detected(data, name=name, path=path, mtime=mtime, fast_only=fast_only).articles


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
            try:
                feed = load_json_feed(stripped)
            except FormatError as error:
                raise FormatError(f"not a feed ({error})") from None
            return read_json_feed(feed, name=url, url=url)
        try:
            kind = detect_format(stripped, name)
        except FormatError:
            kind = "text"
        if kind in ("feed", "xml"):
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
