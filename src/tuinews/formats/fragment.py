"""Feed item HTML at ingest: sanitised HTML to store and plain text to index, in one pass.

libxml2's HTML parser (through lxml) does the parsing, about seven times faster than
``html.parser`` on article-sized fragments. What is kept matches the page extractor in
:mod:`tuinews.formats.html`: elements that are not content (scripts, styles, frames, forms,
embedded objects...) go with everything inside them; attributes are kept only from a short
list; image sources that are not http(s) and links that are neither http(s) nor only
listed (``mailto:``, ``ftp:``: shown, never opened) are removed (``javascript:``,
``data:``, ``file:``; relative ones stay, to be resolved when shown). The same sanitising applies
whichever parser read the feed, so feedparser's own sanitiser is not relied upon.

Untrusted input: the parser never touches the network, loads no DTD, keeps libxml2's size
and depth limits (no ``huge_tree``), and drops comments and processing instructions. If
lxml is missing or fails, the ``html.parser`` extractor does the same job more slowly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tuinews.formats.html import DROP_ELEMENTS, content_and_text, html_to_text
from tuinews.links import listed_link
from tuinews.sanitise import clean_text

if TYPE_CHECKING:
    from lxml import etree

_DROP = tuple(sorted(DROP_ELEMENTS | {"title"}))
# Void elements that are not content: the tag goes, and whatever libxml2 nested in it stays
# (it does not know all of them as void: "a<embed> b" would lose " b" with the element).
_UNWRAP = ("input", "embed", "link", "meta", "base", "keygen", "param")
# libxml2 ignores everything after an early </body> or </html>: a fragment has no use for them.
# (The letters' cases spelt out, not re.I: with it every position was tried, where now only
# each "</" is, 15 us a fragment. re.I adds no other character that these letters match.)
_DOCUMENT_END = re.compile(r"</\s*(?:[Bb][Oo][Dd][Yy]|[Hh][Tt][Mm][Ll])\s*>")
_KEEP_ATTRS = frozenset(
    {"href", "src", "alt", "title", "colspan", "rowspan", "start", "datetime", "cite", "lang"}
)
_URL_ATTRS = frozenset({"href", "src", "cite"})
_BLOCKS = frozenset(
    (  # noqa: SIM905
        "address article blockquote br caption dd div dl dt figcaption figure footer h1 h2 h3 "
        "h4 h5 h6 header hr li main ol p pre section table td th tr ul"
    ).split()
)
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
# Elements that go (or lose their tag): a tree without any needs no pass to remove them.
_STRIPPED = frozenset(_DROP + _UNWRAP)
# The ASCII characters other than printable ones and the line break: a text without any
# has no white space but spaces and line breaks.
_ASCII_ODD = bytes(c for c in range(0x20) if c != 0x0A) + b"\x7f"
# And other than tabs: in an ASCII fragment without any, and without "<" or "&" (no markup,
# no entity), libxml2 keeps every character as it is (test_sanitise_fragment_steps.py).
_ASCII_CONTROLS = bytes(c for c in range(0x20) if c not in (0x09, 0x0A)) + b"\x7f"
# Up to this length: libxml2 refuses a text node of ten million characters (without
# huge_tree), and then the html.parser extractor reads the fragment; it still does.
PLAIN_SHORTCUT_CHARS = 1_000_000
_parser: Any = None


class _TooDeep(Exception):
    """libxml2 stopped at its nesting limit (256 levels): everything deeper, text
    included, would be lost, so the ``html.parser`` extractor (iterative) reads it."""


def _html_parser() -> etree.HTMLParser:
    global _parser
    if _parser is None:
        from lxml import etree  # (lxml: with the first fragment, not with this module)

        _parser = etree.HTMLParser(
            recover=True,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            huge_tree=False,
            default_doctype=False,
            compact=True,
        )
    return _parser


def _safe_url(value: str, name: str) -> bool:
    """http(s) or relative; a link (``href``) with a scheme that is only listed, never
    opened (mailto:, ftp:...); any other scheme (javascript:, data:, file:...) is not."""
    if value.startswith(("https://", "http://")):  # most of them: what _SCHEME would find
        return True
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() in ("http", "https"):
        return True
    return name == "href" and listed_link(value) is not None


def _plain(text: str) -> str:
    """Each line's white space collapsed; empty lines dropped."""
    if _ascii_without(text, _ASCII_ODD):  # the usual text: checked at once, not by line
        return _plain_spaced(text)
    kept = []
    for line in text.split("\n"):
        if (  # the usual line: nothing to collapse (a quarter of the cost of splitting it)
            line.isascii()
            and line.isprintable()  # (tabs and the other ASCII white space are not)
            and "  " not in line
            and line[:1] != " "
            and line[-1:] != " "
        ):
            if line:
                kept.append(line)
        elif not line.isspace():
            kept.append(" ".join(line.split()))
    return "\n".join(kept)


def _ascii_without(text: str, characters: bytes) -> bool:
    """Whether the text is ASCII without any of these characters."""
    if not text.isascii():
        return False
    data = text.encode("ascii")
    return len(data.translate(None, characters)) == len(data)


def _plain_spaced(text: str) -> str:
    """_plain of a text whose only white space is spaces and line breaks (and which has no
    controls): each line stripped of its spaces, and those with two together collapsed."""
    lines = text.split("\n")
    if "  " not in text:  # (then a line is collapsed by stripping it)
        return "\n".join([line.strip(" ") for line in lines if line and line != " "])
    kept = []
    for line in lines:
        line = " ".join(line.split()) if "  " in line else line.strip(" ")
        if line:
            kept.append(line)
    return "\n".join(kept)


def sanitise_fragment(html: str) -> tuple[str, str]:
    """(sanitised HTML, plain text) of an HTML fragment, both passed through clean_text."""
    if not html.strip():
        return "", ""
    if (
        len(html) <= PLAIN_SHORTCUT_CHARS
        and "<" not in html
        and "&" not in html
        and _ascii_without(html, _ASCII_CONTROLS)
    ):
        # Plain text (a summary, a title): what lxml would give, without it.
        return clean_text(html.replace(">", "&gt;").strip()), clean_text(_plain(html))
    try:
        try:
            return _with_lxml(html)
        except ValueError:  # lxml refuses control characters: without them, then
            return _with_lxml(clean_text(html))
    except Exception:  # lxml missing, too deep, or a document it will not take: the slow way
        return content_and_text(html)


def fragment_text(html: str) -> str:
    """Plain text of a fragment (titles with markup): like html_to_text, faster."""
    if "<" not in html and "&" not in html:
        return html
    try:
        return _with_lxml(clean_text(html))[1]
    except Exception:  # lxml missing, or refuses the text
        return html_to_text(html)


def _with_lxml(html: str) -> tuple[str, str]:
    from lxml import etree  # (lxml: with the first fragment, not with this module)

    html = _DOCUMENT_END.sub("", html)
    parser = _html_parser()
    root = etree.fromstring(f"<html><body>{html}</body></html>", parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise _TooDeep
    if root is None:
        return "", ""
    body = root.find("body")
    if body is None:
        return "", ""
    blocks = _sanitise_tree(root, body)
    if blocks is None:  # elements to remove: removed, then the tree is walked again
        etree.strip_elements(root, *_DROP, with_tail=False)
        etree.strip_tags(root, *_UNWRAP)
        blocks = _sanitise_tree(root, body)
        assert blocks is not None
    # One serialisation of the whole body, then its own tags cut off.
    sanitised = etree.tostring(body, encoding="unicode", method="html")
    sanitised = sanitised.removeprefix("<body>").removesuffix("</body>").strip()
    # Line breaks around blocks for the plain text (the HTML is already serialised).
    for element in blocks:
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    text = etree.tostring(body, encoding="unicode", method="text")
    return clean_text(sanitised), clean_text(_plain(text))


def _sanitise_tree(root: etree._Element, body: etree._Element) -> list[etree._Element] | None:
    """The attributes not kept removed, in one walk over the body's elements, which also
    finds its blocks (returned, in document order). None, as soon as an element to remove
    (``_DROP``, ``_UNWRAP``) is found anywhere in the document: once they are removed
    (the usual fragment has none: two passes over the tree saved), walk it again."""
    from lxml import etree  # (lxml: with the first fragment, not with this module)

    if len(root) != 1 and any(  # elements beside the body (<head> of a <title>, <meta>...)
        element.tag in _STRIPPED for element in root.iter(etree.Element)
    ):
        return None
    body.attrib.clear()  # a fragment's own <body lang=...> lands on ours: its tag is not kept
    blocks = []
    for element in body.iter(etree.Element):  # elements only: no entities, no comments
        tag = element.tag
        if tag in _STRIPPED:
            return None
        if tag in _BLOCKS:
            blocks.append(element)
        names = element.keys()  # a list, so deleting while looping is safe
        for name in names:
            if name in _KEEP_ATTRS and (
                name not in _URL_ATTRS or _safe_url(str(element.get(name)), name)
            ):
                continue
            del element.attrib[name]
    return blocks
