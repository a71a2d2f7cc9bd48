"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed 1.0/1.1 with ``json``."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tuinews.formats import fastfeed, media_image
from tuinews.formats.dates import from_struct, parse_date
from tuinews.formats.enclosures import clean_enclosures, from_feedparser, from_json_feed
from tuinews.formats.errors import FormatError, NeedsWorker
from tuinews.formats.fragment import sanitise_fragment
from tuinews.formats.html import html_to_text
from tuinews.formats.raw_feed import ITEM_END, RawEntry, RawFeed, cut_title, plain_to_html
from tuinews.formats.text import text_to_markdown
from tuinews.links import safe_link, shown_url
from tuinews.models import Article, BodyKind
from tuinews.sanitise import clean_line, clean_text, clean_url

# Items read from one feed document; the rest are left out. Feeds list their newest items
# first; a document of 100,000 items would take the parsers minutes (and the store keeps
# at most ``keep_articles`` of them anyway).
MAX_FEED_ITEMS = 5000
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")
_ABSOLUTE_WEB = re.compile(r"\s*https?://", re.I)
UNTITLED_CHARS = 80


class _Ids:
    """Item ids unique within one file (a repeated id gets a counter)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def unique(self, item_id: str) -> str:
        candidate, counter = item_id, 1
        while candidate in self.seen:
            counter += 1
            candidate = f"{item_id}~{counter}"
        self.seen.add(candidate)
        return candidate


def _item_id(raw_id: str, link: str, title: str, date: datetime | None, index: int) -> str:
    """An item's identity: its guid/id, else its link, else a hash of title and date (so a
    re-fetch with edited content updates the article instead of adding another)."""
    item_id = clean_line(raw_id, limit=500) or clean_url(link)
    if not item_id and (title or date):
        key = f"{title}\n{date.isoformat() if date else ''}"
        item_id = hashlib.sha1(key.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()
    return item_id or f"item-{index + 1}"


def _uid(path: str, item_id: str) -> str:
    return f"{path}#{item_id}" if path else item_id


@dataclass
class ParsedFeed:
    """A feed document: its own title, site, refresh hint, and its items as articles."""

    title: str
    site_url: str
    ttl_minutes: int | None
    articles: list[Article] = field(default_factory=list)


def _fallback_title(text: str) -> str:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if len(first) > UNTITLED_CHARS:
        first = first[:UNTITLED_CHARS].rsplit(" ", 1)[0] + "…"
    return first


# -- RSS and Atom


def _detail_text(detail: Any, fallback: str) -> str:
    """A feedparser text construct as plain text (HTML titles lose their tags)."""
    if isinstance(detail, Mapping):
        value = detail.get("value")
        if isinstance(value, str):
            kind = str(detail.get("type") or "")
            return clean_line(html_to_text(value) if "html" in kind else value)
    return clean_line(fallback)


def _entry_body(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content")
    candidates: list[Mapping[str, Any]] = []
    if isinstance(contents, list):
        candidates.extend(c for c in contents if isinstance(c, Mapping))
    summary = entry.get("summary_detail")
    if isinstance(summary, Mapping):
        candidates.append(summary)
    for candidate in candidates:
        value = candidate.get("value")
        if isinstance(value, str) and value.strip():
            if "html" in str(candidate.get("type") or "text/html"):
                return value
            return plain_to_html(value)
    summary_value = entry.get("summary")
    return summary_value if isinstance(summary_value, str) else ""


def _xml_as_utf8(text: str) -> bytes:
    """The decoded document re-encoded as UTF-8, its XML declaration saying so."""
    text = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", text, count=1)
    return text.encode("utf-8", errors="replace")


def parse_xml_feed(
    text: str,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    fast_only: bool = False,
) -> ParsedFeed:
    """A feed file's RSS or Atom (already decoded) to a ParsedFeed of at least one item
    (FormatError "feed has no items" otherwise: a file shows its articles)."""
    data = _xml_as_utf8(text)
    parsed = read_xml_feed(data, name=name, path=path, mtime=mtime, fast_only=fast_only)
    if not parsed.articles:
        raise FormatError("feed has no items")
    return parsed


def _ttl(value: object) -> int | None:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes if 0 < minutes <= 7 * 24 * 60 else None


def _first_items(data: bytes, limit: int) -> bytes:
    """The document cut after its ``limit``-th item (both parsers recover from the
    missing end tags); as it is when it has no more. A document cut short (a download
    cut, a broken generator) is cut after its last whole item: the item begun and never
    ended became an article of what was left of it ("Untitled", without its id), kept
    beside the real one once the feed came whole."""
    end = 0
    for count, match in enumerate(ITEM_END.finditer(data), 1):
        if count == limit:
            return data[: match.end()]
        end = match.end()
    unended = _ITEM_START.search(data, end)  # (in a whole document, none after the last)
    return data[: unended.start()] if unended is not None else data


def read_xml_feed(
    data: bytes,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    fast_only: bool = False,
    url: str = "",
) -> ParsedFeed:
    """RSS or Atom bytes to a ParsedFeed (no items is fine; not a feed is FormatError).

    fastfeedparser first (fast); feedparser when it declines (it raised, found no items,
    or the document declares entities). Either way the same rules make the articles.
    ``fast_only``: raise NeedsWorker instead of falling back to feedparser.
    ``url``: where the document was fetched from, the base of its relative links."""
    data = _first_items(data, MAX_FEED_ITEMS)
    raw = fastfeed.read(data)
    if raw is None:
        if fast_only:
            raise NeedsWorker("feedparser")
        raw = _read_with_feedparser(data)
    if not raw.title and not raw.entries:  # (cut short before its title's end tag?)
        raw.title = cut_title(data)
    return _build_feed(raw, name=name, path=path, mtime=mtime, url=url)


# feedparser matches author and e-mail fields with a regex that takes seconds to minutes
# on a crafted value of a few tens of KB (kurtmckee/feedparser#562), holding the GIL. No
# real name or address is that long: text in those elements is cut at 300 characters.
_PERSON_TEXT = re.compile(
    rb"(<(?:[\w.-]+:)?(?:author|creator|email|managingEditor|webMaster|name|contributor)"
    rb"\b[^>]{0,200}>)([^<]{300})[^<]*"
)


def _read_with_feedparser(data: bytes) -> RawFeed:
    import feedparser  # (~50 ms: only for feeds fastfeedparser cannot read)

    data = _PERSON_TEXT.sub(rb"\1\2", data)
    result = feedparser.parse(io.BytesIO(data))  # a file object: never taken for a path/URL
    entries = [e for e in result.get("entries", []) if isinstance(e, Mapping)]
    if not entries and not result.get("version"):
        raise FormatError("not a feed")
    feed: Mapping[str, Any] = result.get("feed", {})
    atom = str(result.get("version") or "").startswith("atom")
    raw = RawFeed(
        title=_detail_text(feed.get("title_detail"), str(feed.get("title") or "")),
        link=str(feed.get("link") or ""),
        date=from_struct(feed.get("updated_parsed")) or from_struct(feed.get("published_parsed")),
        ttl=feed.get("ttl"),
        atom=atom,
    )
    for entry in entries:
        author_detail = entry.get("author_detail")
        author = ""
        if isinstance(author_detail, Mapping):
            author = clean_line(str(author_detail.get("name") or ""))
        link, *more_links = _entry_links(entry, atom) or [""]
        raw.entries.append(
            RawEntry(
                raw_id=str(entry.get("id") or ""),
                link=link,
                more_links=tuple(more_links),
                title=_detail_text(entry.get("title_detail"), str(entry.get("title") or "")),
                author=author or str(entry.get("author") or ""),
                body=_entry_body(entry),
                enclosures=from_feedparser(entry),
                image=media_image.from_feedparser(entry),
                date=from_struct(entry.get("published_parsed"))
                or from_struct(entry.get("updated_parsed"))
                or from_struct(entry.get("created_parsed")),
            )
        )
    return raw


def _entry_links(entry: Mapping[str, Any], atom: bool) -> list[str]:
    """An entry's links as feedparser read them, in the order the article rules try them:
    its alternate links in document order (feedparser's ``link`` is the last one); a
    ``guid`` feedparser took as the link, only if it is an absolute http(s) URL (RSS: not
    when ``isPermaLink="false"``, which feedparser already heeds; an Atom ``id`` is a name,
    never a link, RFC 4287 4.2.6); then a ``media:player`` and ``media:content`` URL."""
    links = [
        str(link.get("href") or "")
        for link in entry.get("links") or ()
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate"
    ]
    own = str(entry.get("link") or "")
    if entry.get("guidislink") and (atom or _ABSOLUTE_WEB.match(own) is None):
        own = ""
    if own and own not in links:
        links.append(own)
    player = entry.get("media_player")
    if isinstance(player, Mapping):
        links.append(str(player.get("url") or ""))
    for media in entry.get("media_content") or ():
        if isinstance(media, Mapping):
            links.append(str(media.get("url") or ""))
    return [link for link in links if link]


def _safe_link(url: str, base: str = "") -> str:
    """safe_link, or "" for a URL it refuses."""
    return safe_link(url, base) or ""


def _link_base(raw: RawFeed, feed_link: str, url: str) -> str:
    """What an entry's relative link is resolved against (after any ``xml:base``, which
    the parsers apply). Atom: the address the document was fetched from (RFC 4287 section
    2, RFC 3986 5.1.3), else the feed's own link for a file read from disk. RSS, which
    says nothing of relative links: the channel's link (the site, often on another host
    than a feed proxy), else the fetched address."""
    fetched = _safe_link(url)
    return (fetched or feed_link) if raw.atom else (feed_link or fetched)


def _first_link(entry: RawEntry, base: str) -> str:
    """The first of the entry's links that is http(s) once resolved ("" if none)."""
    for candidate in (entry.link, *entry.more_links):
        link = _safe_link(candidate, base) if candidate else ""
        if link:
            return link
    return ""


def _build_feed(
    raw: RawFeed, *, name: str, path: str, mtime: datetime | None, url: str = ""
) -> ParsedFeed:
    """Articles from either parser's findings: sanitised, links made safe, uids assigned.
    ``url``: the address the document was fetched from, if it was."""
    source = clean_line(raw.title) or clean_line(shown_url(name))  # a password: not shown
    feed_link = _safe_link(raw.link, url)
    base = _link_base(raw, feed_link, url)
    ids = _Ids()
    articles = []
    for index, entry in enumerate(raw.entries):
        body, plain = sanitise_fragment(entry.body)
        link = _first_link(entry, base)
        title = clean_line(entry.title) or clean_line(_fallback_title(plain)) or "Untitled"
        own_date = entry.date
        item_id = ids.unique(_item_id(entry.raw_id, link, title, own_date, index))
        enclosures = clean_enclosures(entry.enclosures, base)
        articles.append(
            Article(
                title=title,
                source=source,
                body=body,
                kind="html",
                text=plain,
                author=clean_line(entry.author),
                date=own_date or raw.date or mtime,
                link=clean_url(link),
                path=path,
                uid=_uid(path, item_id),
                enclosures=enclosures,
                image=media_image.clean_image(entry.image, base, enclosures),
            )
        )
    return ParsedFeed(source, feed_link, _ttl(raw.ttl), articles)


def build_feed(
    raw: RawFeed, *, name: str, path: str = "", mtime: datetime | None = None
) -> ParsedFeed:
    """Articles from items found elsewhere than in a feed document (newsboat's cache),
    by the same rules as a parsed feed's: sanitised, links made safe, uids assigned."""
    return _build_feed(raw, name=name, path=path, mtime=mtime)


# -- JSON Feed


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _id_str(value: object) -> str:
    """JSON Feed ids should be strings, but numbers are common."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return _str(value)


def _authors(*holders: Mapping[str, Any]) -> str:
    for holder in holders:
        names: list[str] = []
        authors = holder.get("authors")
        if isinstance(authors, list):
            names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        author = holder.get("author")
        if not any(names) and isinstance(author, dict):
            names = [_str(author.get("name"))]
        joined = ", ".join(clean_line(n) for n in names if clean_line(n))
        if joined:
            return joined
    return ""


def _json_items(items: Iterable[object]) -> Iterable[tuple[int, dict[str, Any]]]:
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield index, item


def parse_json_feed(
    feed: dict[str, Any], *, name: str, path: str = "", mtime: datetime | None = None
) -> ParsedFeed:
    """A feed file's JSON Feed (already loaded with ``json``) to a ParsedFeed of at least
    one item (FormatError "feed has no items" otherwise)."""
    parsed = read_json_feed(feed, name=name, path=path, mtime=mtime)
    if not parsed.articles:
        raise FormatError("feed has no items")
    return parsed


def read_json_feed(
    feed: dict[str, Any],
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    url: str = "",
) -> ParsedFeed:
    """A JSON Feed (already loaded with ``json``) to a ParsedFeed. ``url``: where it was
    fetched from (relative URLs in it are resolved against it)."""
    items = feed.get("items")
    if not isinstance(items, list):
        raise FormatError("not valid JSON Feed")
    source = clean_line(_str(feed.get("title"))) or clean_line(shown_url(name))
    fetched = _safe_link(url)
    home = _safe_link(_str(feed.get("home_page_url")), fetched) or _safe_link(
        _str(feed.get("feed_url")), fetched
    )
    base = home or fetched
    ids = _Ids()
    articles = []
    for index, item in _json_items(items):
        html_body = _str(item.get("content_html"))
        text_body = _str(item.get("content_text")) or _str(item.get("summary"))
        kind: BodyKind
        if html_body.strip():
            kind, (body, plain) = "html", sanitise_fragment(html_body)
        else:
            kind, body, plain = "markdown", text_to_markdown(clean_text(text_body)), text_body
        link = _safe_link(_str(item.get("url")), base) or _safe_link(
            _str(item.get("external_url")), base
        )
        title = clean_line(_str(item.get("title"))) or clean_line(_fallback_title(plain))
        own_date = parse_date(_str(item.get("date_published"))) or parse_date(
            _str(item.get("date_modified"))
        )
        date = own_date or mtime
        item_id = ids.unique(_item_id(_id_str(item.get("id")), link, title, own_date, index))
        enclosures = clean_enclosures(from_json_feed(item), base)
        articles.append(
            Article(
                title=title or "Untitled",
                source=source,
                body=clean_text(body),
                kind=kind,
                text=clean_text(plain),
                author=_authors(item, feed),
                date=date,
                link=clean_url(link),
                path=path,
                uid=_uid(path, item_id),
                enclosures=enclosures,
                image=media_image.clean_image(media_image.from_json_feed(item), base, enclosures),
            )
        )
    return ParsedFeed(source, home, None, articles)
