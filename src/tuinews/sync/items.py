"""What a server sends, as the store keeps it: items become articles by the rules every
fetched feed item follows (:func:`tuinews.formats.feeds.build_feed`: the HTML through the
one sanitiser, links made safe, a title when there is none), subscriptions become the
account's feeds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from tuinews.fetch.greader_data import Item, Subscription
from tuinews.store.accounts import RemoteFeed
from tuinews.store.sync import RemoteArticle
from tuinews.sync_worker import item_date, item_labels, item_usec, plain_items
from tuinews.sync_worker import remote_articles as convert

__all__ = [
    "item_date",
    "item_labels",
    "item_usec",
    "plain_items",
    "remote_articles",
    "remote_feeds",
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
