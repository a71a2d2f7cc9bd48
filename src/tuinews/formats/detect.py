"""Which format a document is in, read from its content (its name's extension is only a
hint): JSON Feed, an RSS/Atom feed, other XML, an HTML page, Markdown or plain text."""

from __future__ import annotations

import json
import os
import re
from typing import Any, Literal, cast

from tuinews.formats.errors import FormatError
from tuinews.formats.markdown import looks_like_markdown

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


def is_json_feed(value: object) -> bool:
    """A JSON object with an ``items`` list. Its ``version`` is not checked: publishers
    write "1.1" or "1.0" for the spec's URL, or leave it out."""
    return isinstance(value, dict) and isinstance(value.get("items"), list)


def load_json_feed(text: str) -> dict[str, Any]:
    """JSON text as a JSON Feed, or FormatError saying why it is not one: "invalid JSON
    at line 3, column 5: Expecting ',' delimiter", "JSON without an items list"..."""
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


def json_feed_or_none(text: str, ext: str) -> dict[str, Any] | None:
    """A file's JSON Feed; FormatError for other or broken JSON; None if it is not JSON
    at all (broken JSON without a .json name or a JSON Feed version: some other text)."""
    try:
        return load_json_feed(text)
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
    if text.startswith(("{", "[")) and json_feed_or_none(text, ext) is not None:
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
    if ext in MARKDOWN_EXTENSIONS or looks_like_markdown(text):
        return "markdown"
    if ext in HTML_EXTENSIONS and _HTML_TAG_ANYWHERE.search(head):
        return "html"
    return "text"
