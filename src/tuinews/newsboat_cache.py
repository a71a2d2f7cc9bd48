"""newsboat's cached articles as tuinews articles (no SQL here: the cache is read by
:mod:`tuinews.store.newsboat`).

Each cached item goes through the same path as a fetched feed's item
(:func:`tuinews.formats.feeds.build_feed`): the same sanitiser for its HTML, the same
plain text for search, the same link rules, and the same identity (``uid``) a refresh of
the feed gives the item, so a refresh after the import updates these articles instead of
adding them again. newsboat's ``guid`` is the item's own guid/id when it has one; without
one newsboat makes it from the link and the date text, else the link, else the title
(observed with newsboat 2.21: ``http://example.org/2Tue, 02 Jan 2024 10:00:00 GMT``).
Those made-up guids are recognised and left out, so the uid comes from the link (or the
title and date) as it does in a refresh. One case cannot match: an item with neither guid
nor link nor date, since newsboat stores the time it first saw it as its date.

newsboat's read state maps to ``read``, and any of its flags (letters set with ``^E``)
makes the article starred. An article deleted in newsboat stays in its cache while the
feed still carries it (so that a reload does not bring it back); tuinews deletes nothing,
so it comes in read: a refresh then finds it stored, not new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tuinews.formats.dates import parse_date
from tuinews.formats.raw_feed import RawEntry, RawFeed
from tuinews.models import Article
from tuinews.store.newsboat import CachedFeed, CachedItem


def item_id(item: CachedItem) -> str:
    """The item's own guid/id as a feed would give it, or "" when newsboat made it up."""
    guid, link = item.guid.strip(), item.link.strip()
    if link and guid.startswith(link) and guid != link:
        if parse_date(guid[len(link) :]) is not None:
            return ""  # newsboat's link + date text, for an item without a guid
    elif not link and guid == item.title.strip():
        return ""  # newsboat's title, for an item with neither guid nor link
    return item.guid


def _date(seconds: int) -> datetime | None:
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def to_articles(feed: CachedFeed, items: Sequence[CachedItem]) -> list[Article]:
    """Articles for a feed's cached items (sanitised like fetched ones), with their
    read and starred flags."""
    from tuinews.formats.feeds import build_feed

    raw = RawFeed(title=feed.title, link=feed.site_url, date=None, ttl=None)
    raw.entries = [
        RawEntry(
            raw_id=item_id(item),
            link=item.link,
            title=item.title,
            author=item.author,
            body=item.content,
            date=_date(item.date),
        )
        for item in items
    ]
    articles = build_feed(raw, name=feed.url).articles
    for article, item in zip(articles, items, strict=True):
        article.read = not item.unread or item.deleted
        article.starred = bool(item.flags)
    return articles
