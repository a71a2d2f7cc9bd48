"""newsboat's cached articles as tuinews articles (no SQL here: the cache is read by
:mod:`tuinews.store.newsboat`).

Each cached item goes through the same path as a fetched feed's item
(:func:`tuinews.formats.feeds.build_feed`): the same sanitiser for its HTML, the same
plain text for search, the same link rules, and, as far as the cache can tell, the same
identity (``uid``) a refresh of the feed gives the item, so a refresh after the import
updates these articles instead of adding them again.

newsboat's ``guid`` is the item's own guid/id when it has one. Without one newsboat
makes one up (observed with newsboat 2.21): the link as the feed wrote it followed by the
date as the feed wrote it (``http://example.org/2Tue, 02 Jan 2024 10:00:00 GMT``), else
that link, else the title, else nothing. The link it writes there is not resolved (only
``xml:base`` is applied): ``rel/eight.htmlThu, 20 Nov 2025 10:00:00 GMT``, while its
``url`` column holds the link resolved against the channel's link (RSS) or the feed's
address (Atom), as a refresh resolves it. Those made-up guids are recognised and left
out, so the uid comes from the link (or the title and date) as it does in a refresh.

Where the cache cannot tell the uid a refresh will give, the article is imported with
its best guess and marked so (:mod:`tuinews.store.adopt`): a refresh then lets the
fetched item take the article over (same title, same date when both are known) with its
read and starred marks, instead of adding it again. That is the case for a link newsboat
resolved (tuinews may resolve it against another address: a redirect), and for an item
with neither guid nor link: tuinews' link may be its ``media:player`` or
``media:content`` URL, which newsboat does not keep (it keeps an ``<enclosure>`` or
``media:content`` URL as the enclosure, tried as the link), and newsboat stores the time
it first saw an undated item as its date, where a refresh has none.

newsboat's read state maps to ``read``, and any of its flags (letters set with ``^E``)
makes the article starred. An article deleted in newsboat stays in its cache while the
feed still carries it (so that a reload does not bring it back); tuinews deletes nothing,
so it comes in read: a refresh then finds it stored, not new.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tuinews.formats.dates import parse_date
from tuinews.formats.feeds import build_feed
from tuinews.formats.raw_feed import RawEnclosure, RawEntry, RawFeed
from tuinews.links import safe_link
from tuinews.models import Article
from tuinews.store.adopt import GUESSED, NO_TITLE, OWN_DATE
from tuinews.store.newsboat import CachedFeed, CachedItem

# A date as a feed writes it, at the end of newsboat's made-up guid: RFC 822 (RSS, and
# what newsboat writes for an Atom date) or ISO 8601.
_DATE_AT_END = re.compile(
    r"(?:(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3,9}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:[A-Za-z]{1,5}|[+-]\d{4}))?"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)\s*$"
)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Identity:
    """What the cache tells of an item's identity: its own guid ("" when newsboat made
    it up: the uid then comes from the link, or the title and date), and how sure that
    is (0, or :mod:`tuinews.store.adopt`'s bits)."""

    raw_id: str
    guess: int = 0


def _split_date(guid: str, date: int) -> str:
    """The link in a made-up ``link + date`` guid whose date is the item's, or ""."""
    match = _DATE_AT_END.search(guid, max(0, len(guid) - 64))  # a date is shorter
    if match is None or match.start() == 0:
        return ""
    when = parse_date(match.group())
    if when is None or int(when.timestamp()) != date:
        return ""
    return guid[: match.start()]


def _resolves(raw: str, link: str, feed: CachedFeed | None) -> bool:
    """Whether ``raw`` is a relative link that newsboat resolved to ``link``."""
    if _SCHEME.match(raw) or not link.endswith(raw.rpartition("/")[2]):
        return False  # absolute (a real guid: tag:, urn:, http:...), or not this link
    bases = [feed.site_url, feed.url] if feed is not None else []
    for base in bases:
        try:
            if base and safe_link(raw, base) == link:
                return True
        except ValueError:
            pass
    return False


def identity(item: CachedItem, feed: CachedFeed | None = None) -> Identity:
    """The item's own guid/id as a feed gives it, or "" when newsboat made it up; and
    whether a refresh may give the item another uid (see the module docstring)."""
    guid, link, title = item.guid.strip(), item.link.strip(), item.title.strip()
    if not link:
        if guid and guid != title:
            return Identity(item.guid)
        # newsboat's title, or nothing, for an item with neither guid nor link
        return Identity("", GUESSED | (0 if title else NO_TITLE))
    if guid.startswith(link):
        rest = guid[len(link) :]
        made_up = not rest or parse_date(rest) is not None  # newsboat's link (+ date)
        if _SCHEME.match(link):  # the feed's own link: a refresh gives the same uid
            return Identity("" if rest and made_up else item.guid)
        if made_up:  # a link newsboat could not resolve: a refresh resolves it its own way
            return Identity("", GUESSED | (OWN_DATE if rest else 0))
        return Identity(item.guid)
    raw = _split_date(guid, item.date)
    if raw:
        return Identity("", GUESSED | OWN_DATE)  # a relative link + date, resolved
    if _resolves(guid, link, feed):
        return Identity("", GUESSED)  # a relative link, resolved
    return Identity(item.guid)


def item_id(item: CachedItem, feed: CachedFeed | None = None) -> str:
    """The item's own guid/id as a feed would give it, or "" when newsboat made it up."""
    return identity(item, feed).raw_id


def _date(seconds: int) -> datetime | None:
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def to_articles(feed: CachedFeed, items: Sequence[CachedItem]) -> tuple[list[Article], list[int]]:
    """Articles for a feed's cached items (sanitised like fetched ones), with their
    read and starred flags; and per article, how sure its uid is (0: the one a refresh
    gives; else :mod:`tuinews.store.adopt`'s bits)."""
    raw = RawFeed(title=feed.title, link=feed.site_url, date=None, ttl=None)
    guesses = []
    for item in items:
        known = identity(item, feed)
        guesses.append(known.guess)
        no_link = known.guess and not item.link.strip()
        raw.entries.append(
            RawEntry(
                raw_id=known.raw_id,
                link=item.link,
                more_links=(item.enclosure,) if no_link and item.enclosure else (),
                title=item.title,
                author=item.author,
                body=item.content,
                date=_date(item.date),
                enclosures=(RawEnclosure(item.enclosure),) if item.enclosure else (),
            )
        )
    articles = build_feed(raw, name=feed.url).articles
    for article, item in zip(articles, items, strict=True):
        article.read = not item.unread or item.deleted
        article.starred = bool(item.flags)
    return articles, guesses
