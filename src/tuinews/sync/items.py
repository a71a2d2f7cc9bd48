"""What a server sends, as the store keeps it: items become articles by the rules every
fetched feed item follows (:func:`tuinews.formats.feeds.build_feed`: the HTML through the
one sanitiser, links made safe, a title when there is none), subscriptions become the
account's feeds."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from tuinews.fetch.greader_data import Item, Subscription, long_id
from tuinews.store.accounts import RemoteFeed
from tuinews.store.sync import RemoteArticle
from tuinews.sync_worker import PlainItem
from tuinews.sync_worker import remote_articles as convert


def _date(seconds: float | None) -> datetime | None:
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def item_usec(item: Item) -> int | None:
    """When the server got the item (microseconds), if it says so sensibly."""
    usec = item.timestamp_usec
    return usec if usec is not None and 0 < usec < 1 << 63 else None


def item_date(item: Item) -> datetime | None:
    """When the item was published, else when the server got it."""
    usec = item_usec(item)
    return _date(item.published) or _date(usec / 1_000_000 if usec else None)


def item_labels(item: Item, folders: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The item's own labels: a server lists the folder of its feed among them too
    (FreshRSS does), which is the feed's tag here, not the article's."""
    skip = {folder.casefold() for folder in folders.get(item.feed_id, ())}
    return tuple(label for label in item.labels if label.casefold() not in skip)


def plain_items(
    items: Iterable[Item], folders: Mapping[str, Sequence[str]] | None = None
) -> list[PlainItem]:
    """The items as the conversion takes them (``folders``: each subscription's folders,
    by stream id). An article's uid is the item's long id, so the same item is one
    article whatever form its id came in."""
    folders = folders or {}
    return [
        PlainItem(
            raw_id=long_id(item.ref.number),
            remote_id=item.id,
            number=item.ref.number,
            link=item.url or "",
            title=item.title,
            author=item.author,
            body=item.content_html,
            date=item_date(item),
            timestamp_usec=item_usec(item),
            feed=item.feed_id,
            feed_title=item.feed_title,
            read=item.read,
            starred=item.starred,
            labels=item_labels(item, folders),
            enclosures=item.enclosures,
        )
        for item in items
    ]


def remote_articles(
    items: Iterable[Item], folders: Mapping[str, Sequence[str]] | None = None
) -> list[RemoteArticle]:
    """The items as articles, each with its id, flags, labels and subscription
    (:func:`tuinews.sync_worker.remote_articles`)."""
    return convert(plain_items(items, folders))


def remote_feeds(subscriptions: Iterable[Subscription]) -> list[RemoteFeed]:
    return [
        RemoteFeed(
            remote_id=sub.id,
            url=sub.url or "",
            title=sub.title,
            site_url=sub.site_url or "",
            tags=sub.labels,
        )
        for sub in subscriptions
    ]
