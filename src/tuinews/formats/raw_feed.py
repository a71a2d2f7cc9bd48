"""A feed as its parser read it, before it becomes articles: what fastfeedparser, feedparser
and newsboat's cache each find (:class:`RawFeed`, :class:`RawEntry`), and the plain-text
bodies they turn into HTML the same way. :mod:`tuinews.formats.feeds` makes the articles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape, unescape

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# An item's or entry's end tag (with any namespace prefix): where the bytes of a document
# are cut into its items, to read what a parser leaves out of each.
ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def item_ends(data: bytes) -> list[int]:
    """Where each item of the document ends (just after its end tag), in order."""
    return [match.end() for match in ITEM_END.finditer(data)]


# The feed's own title in a document cut short (``<channel><title>Broken<item>``: the
# parsers find no title whose end tag is missing): the text after the first ``<title>``
# before any item or entry, not inside an ``<image>`` (whose title names a logo). Each
# try stops at the next "<" or after 300 bytes; at most a few titles are looked at.
_FIRST_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_TITLE_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?title(?:\s[^<>]{0,300})?>\s*([^<]{1,300})")


def cut_title(data: bytes) -> str:
    """The feed's title in a document whose parsers found none (raw, entities decoded;
    the caller cleans it), else ""."""
    first_item = _FIRST_ITEM.search(data)
    head = data[: first_item.start() if first_item else 64 * 1024]
    for _, found in zip(range(3), _TITLE_TEXT.finditer(head), strict=False):
        where = found.start()
        if head.rfind(b"<image", 0, where) > head.rfind(b"</image", 0, where):
            continue  # (the logo's)
        return unescape(found.group(1).decode("utf-8", errors="replace")).strip()
    return ""


@dataclass(frozen=True)
class RawEnclosure:
    """An enclosure (RSS ``<enclosure>``, Atom ``rel="enclosure"``, Media RSS, a JSON
    Feed attachment) as the parser found it: untrusted strings."""

    url: str
    type: str = ""
    length: str = ""
    duration: str = ""


@dataclass
class RawEntry:
    """One item as either parser found it, before sanitising."""

    raw_id: str
    link: str
    title: str  # plain text (markup already removed)
    author: str
    body: str  # HTML
    date: datetime | None  # the item's own date
    # Links to try after ``link``, in order (other alternates, a media player...): the
    # article's link is the first of them all that is http(s) once resolved.
    more_links: tuple[str, ...] = ()
    # Attached files as found (url, type, length, duration: raw strings), see
    # :mod:`tuinews.formats.enclosures`.
    enclosures: tuple[RawEnclosure, ...] = ()
    # The item's own picture as found (Media RSS thumbnail or image content, JSON Feed
    # ``image``): untrusted, see :mod:`tuinews.formats.media_image`.
    image: str = ""


@dataclass
class RawFeed:
    title: str  # plain text
    link: str
    date: datetime | None
    ttl: object
    entries: list[RawEntry] = field(default_factory=list)
    atom: bool = False  # relative links resolve against the document's address (RFC 4287)


def plain_to_html(text: str) -> str:
    """A plain-text item body as HTML: a paragraph per blank-line-separated block, its
    line breaks kept."""
    paragraphs = (p.strip() for p in _PARAGRAPH_BREAK.split(text))
    return "".join(
        "<p>" + escape(p, quote=False).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs if p
    )
