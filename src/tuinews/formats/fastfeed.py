"""RSS and Atom through fastfeedparser (lxml and a native extractor): the fast path.

fastfeedparser reads a feed in well under a millisecond where feedparser takes tens of
milliseconds (its HTML sanitiser is most of that; tuinews sanitises item HTML itself, see
:mod:`tuinews.formats.fragment`). It is tried first; :func:`read` returns None whenever
feedparser should decide instead: the document is not UTF-8, declares entities, has inline
XHTML content or is Atom 0.3, or the fast parser raised, found no items or no item bodies;
or the document holds what fastfeedparser reads differently from feedparser (see
:func:`_feedparser_decides`): a title with child elements (it keeps the text before the
first one), a relative link under ``xml:base`` (it ignores xml:base), a ``guid`` marked
``isPermaLink="false"`` taken as the link, Media RSS titles and links (it reads
``media:title`` only as an item's direct child, and in place of a later ``<title>``, and
never ``media:player``). These are rare; feedparser reads them in ~10 ms instead of ~0.5.

Safety, since feeds are untrusted:

- ``fastfeedparser.parse`` fetches a *str* that starts with ``http://``/``https://``; it is
  only ever given ``bytes`` here, which it always parses as the document itself.
- A document with ``<!ENTITY`` declarations never reaches it (billion laughs, external
  entities): feedparser's expat parser, which has entity-expansion limits and loads no
  external entities, reads those.
- Its lxml parsers are replaced by ones that resolve no entities, never use the network,
  load no DTD and keep libxml2's size and depth limits (its own use ``huge_tree``); see
  :func:`_harden`. tests/unit/test_formats_fastfeed.py checks that this still takes hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from typing import Any

from tuinews.formats.dates import parse_date
from tuinews.formats.detect import root_element
from tuinews.formats.enclosures import complete, from_fastfeedparser
from tuinews.formats.fragment import fragment_text
from tuinews.formats.media_image import from_fastfeedparser as image_of
from tuinews.formats.media_image import thumbnails
from tuinews.formats.raw_feed import RawEntry, RawFeed, plain_to_html

# (The cases spelt out, not re.I, which tried every position: each "<!" is tried, 30 us a
# feed saved. On bytes, re.I matches only the other ASCII case.)
_ENTITY_DECLARATION = re.compile(rb"<![Ee][Nn][Tt][Ii][Tt][Yy]")
# Documents with what fastfeedparser reads badly or not at all (measured on feedparser's
# test corpus, see benchmarks/parsers.py): inline XHTML content (it gives an empty body),
# Atom 0.3 (base64 content, <created> dates).
# (b"xhtml" also finds the XHTML namespace, http://www.w3.org/1999/xhtml: one scan fewer.)
_FEEDPARSER_ONLY = (b"purl.org/atom/ns#", b"xhtml")
_EMAIL_AUTHOR = (
    re.compile(r"^\s*[^\s@()<>]+@[^\s@()<>]+\s*\((?P<name>[^()]+)\)\s*$"),  # me@x.org (Name)
    re.compile(r"^\s*(?P<name>[^()<>]+?)\s*[(<]\s*[^\s@()<>]+@[^\s@()<>]+\s*[)>]\s*$"),
)
_TTL = re.compile(rb"<ttl>\s*(\d{1,6})\s*</ttl>")
# A title (any namespace) with an element inside: ``<title>Example <b>bold</b></title>``.
# Not ``<title/>``, CDATA or an end tag. Each try stops at the next "<": linear.
_TITLE_WITH_ELEMENTS = re.compile(rb"<(?:[\w.-]+:)?title(?:\s[^<>]*)?(?<!/)>[^<]*<[A-Za-z_]")
# A guid with isPermaLink="false" (anything but "true", as feedparser reads it): its text.
_NOT_PERMALINK = re.compile(
    rb"""<guid\s[^<>]*?(?i:ispermalink)\s*=\s*(["'])(?!true\1)[^<>]*>"""
    rb"\s*(?:<!\[CDATA\[)?([^<\]]*)"
)
_MEDIA_RSS = re.compile(rb"""xmlns:([\w.-]+)\s*=\s*["']https?://search\.yahoo\.com/mrss/?["']""")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
_MARKUP = re.compile(r"<[A-Za-z/!]")
_hardened = False


def _safe_init(self: Any) -> None:
    """``__init__`` for fastfeedparser's pair of XML parsers (strict and recovering)."""
    from lxml import etree  # (loaded by fastfeedparser by now; not with this module)

    options: dict[str, Any] = {
        "ns_clean": True,
        "collect_ids": False,
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
    }
    self.strict = etree.XMLParser(recover=False, **options)
    self.recover = etree.XMLParser(recover=True, **options)


def _harden(module: Any) -> bool:
    """Swap fastfeedparser's XML parsers for safe ones (its private names, as of 0.6).
    Returns whether it took hold; without it the fast path is not used."""
    names = ("_XMLParsers", "_ThreadXMLParsers", "_THREAD_XML_PARSERS", "_SHARED_XML_PARSERS")
    if not all(hasattr(module, name) for name in names):
        return False
    # The per-thread pair and the pair made after a fork come from this __init__ too.
    module._XMLParsers.__init__ = _safe_init
    module._THREAD_XML_PARSERS = module._ThreadXMLParsers()
    module._SHARED_XML_PARSERS = module._XMLParsers()
    # Its last resort for dates is dateparser (free text in any language: a millisecond or
    # more a call), tried even on each undated item's guid: a feed of 100,000 undated items
    # took minutes. Dates it alone would read are left to tuinews's own date parser.
    if hasattr(module, "_slow_dateparser"):
        module._slow_dateparser = _no_date
    return True


def _no_date(value: str) -> None:
    return None


def _parser() -> Any:
    """fastfeedparser's ``parse``, hardened; None if it is missing or cannot be hardened."""
    global _hardened
    try:
        # (fastfeedparser and lxml, ~45 ms: with the first feed, not with this module)
        import fastfeedparser
        from fastfeedparser import main
    except ImportError:
        return None
    if not _hardened:
        _hardened = _harden(main)
    return fastfeedparser.parse if _hardened else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _plain(value: str) -> str:
    """Titles: tags removed, entities decoded (as feedparser does for titles)."""
    if "&" in value or _MARKUP.search(value):
        return fragment_text(value)
    return value


def _author(value: str) -> str:
    """RSS's "email (Name)" as feedparser reads it: the name."""
    if "@" in value:
        for pattern in _EMAIL_AUTHOR:
            match = pattern.match(value)
            if match:
                return match.group("name").strip()
    return value


def _body(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content")
    if isinstance(contents, list):
        for content in contents:
            if not isinstance(content, Mapping):
                continue
            value = content.get("value")
            if isinstance(value, str) and value.strip():
                kind = str(content.get("type") or "html")
                return value if "html" in kind else plain_to_html(value)
    return _text(entry.get("description"))


def _is_web(link: str) -> bool:
    """http(s), or relative (resolved later): a link the article may have."""
    scheme = _SCHEME.match(link)
    return bool(link.strip()) and (scheme is None or scheme.group(1).lower() in ("http", "https"))


def _alternates(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """The entry's alternate links (Atom's ``rel`` defaults to alternate), in order."""
    links = entry.get("links")
    if not isinstance(links, list):
        return ()
    return tuple(
        href
        for link in links
        if isinstance(link, Mapping)
        and link.get("rel") in (None, "", "alternate")
        and isinstance(href := link.get("href"), str)
        and href
    )


def _media_title_first(data: bytes, prefixes: list[bytes]) -> bool:
    """Whether an RSS item has a Media RSS title before its ``<title>`` (fastfeedparser
    would take the first). Each stretch of the document is scanned about once."""
    for prefix in prefixes:
        tag = b"<" + prefix + b":title"
        start, item_end = data.find(tag), -1
        while start != -1:
            if start > item_end:
                item_end = data.find(b"</item", start)
                if item_end == -1:
                    break
            if data.find(b"<title", start, item_end) != -1:
                return True
            start = data.find(tag, start + len(tag))
    return False


def _feedparser_decides(data: bytes, entries: list[RawEntry], ids: list[str]) -> bool:
    """Whether these entries, as fastfeedparser read them, may differ from what
    feedparser reads (and the article rules expect); checked on the bytes, cheaply, and
    only as far as needed (the entries first: each scan of the bytes costs 20-60 us)."""
    if (
        any(
            _SCHEME.match(link) is None
            for entry in entries
            for link in (entry.link, *entry.more_links)
            if link
        )
        and b"xml:base" in data
    ):
        return True  # relative links under xml:base: fastfeedparser ignores it
    as_ids = [raw_id for entry, raw_id in zip(entries, ids, strict=True) if entry.link == raw_id]
    if any(as_ids) and (b"ermaLink" in data or b"ermalink" in data):
        guids = {
            unescape(m.group(2).decode("utf-8", "replace")).strip()
            for m in _NOT_PERMALINK.finditer(data)
        }
        if any(raw_id and raw_id.strip() in guids for raw_id in as_ids):
            return True  # the link may be a guid that is not one
    prefixes = _MEDIA_RSS.findall(data) if b"search.yahoo.com/mrss" in data else []
    if prefixes:
        if any(
            not entry.title or not any(_is_web(link) for link in (entry.link, *entry.more_links))
            for entry in entries
        ):
            return True  # a media:title or media:player/content may stand in for them
        if _media_title_first(data, prefixes):
            return True
    return False


def read(data: bytes) -> RawFeed | None:
    """The feed in ``data``, or None when feedparser should read it instead."""
    if not isinstance(data, bytes) or _ENTITY_DECLARATION.search(data):
        return None
    if any(marker in data for marker in _FEEDPARSER_ONLY):
        return None
    if _TITLE_WITH_ELEMENTS.search(data):
        return None  # fastfeedparser keeps only the text before the first child element
    try:  # other encodings: feedparser's detection (declared, HTTP-less guessing) is better
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parse = _parser()
    if parse is None:
        return None
    try:
        result = parse(bytes(data))
    except Exception:
        return None
    raw_entries = result.get("entries") if isinstance(result, Mapping) else None
    if not isinstance(raw_entries, list) or not raw_entries:
        return None
    feed = result.get("feed")
    if not isinstance(feed, Mapping):
        feed = {}
    entries, ids, enclosures = [], [], []
    for entry in raw_entries:
        if not isinstance(entry, Mapping):
            continue
        enclosures.append(from_fastfeedparser(entry))
        link = _text(entry.get("link"))
        raw_id = _text(entry.get("id"))
        ids.append(raw_id)
        if raw_id == link:
            # fastfeedparser gives an item without a guid/id its link as id; feedparser
            # gives none, and the uid rule then takes the link made absolute and safe.
            raw_id = ""
        entries.append(
            RawEntry(
                raw_id=raw_id,
                link=link,
                more_links=tuple(a for a in _alternates(entry) if a != link),
                title=_plain(_text(entry.get("title"))),
                author=_author(_text(entry.get("author"))),
                body=_body(entry),
                image=image_of(entry),
                date=parse_date(_text(entry.get("published")))
                or parse_date(_text(entry.get("updated"))),
            )
        )
    if not any(entry.body.strip() for entry in entries):
        return None  # feedparser may find what this missed (naked markup in a description)
    if _feedparser_decides(data, entries, ids):
        return None
    for entry, found in zip(entries, complete(data, enclosures), strict=True):
        entry.enclosures = found
    if not all(entry.image for entry in entries):
        for entry, thumbnail in zip(entries, thumbnails(data, len(entries)) or (), strict=False):
            entry.image = thumbnail or entry.image
    head = data[: data.find(b"<item")] if b"<item" in data else b""
    ttl = _TTL.search(head)
    return RawFeed(
        title=_plain(_text(feed.get("title"))),
        link=_text(feed.get("link")),
        date=parse_date(_text(feed.get("updated"))) or parse_date(_text(feed.get("published"))),
        ttl=ttl.group(1).decode() if ttl else None,
        entries=entries,
        atom=_is_atom(data),
    )


def _is_atom(data: bytes) -> bool:
    return root_element(data[:65536].decode("utf-8", "replace"))[0] == "feed"
