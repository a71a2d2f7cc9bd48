"""What a sync's worker processes run: items, as plain data, made articles by the rules
every fetched feed item follows (:func:`tuinews.formats.feeds.build_feed`: the HTML
through the one sanitiser, links made safe, a title when there is none) and stored.

Outside the :mod:`tuinews.sync` package on purpose: a worker imports this module and what
it needs (formats, store), not the sync package, the HTTP client or the Reader API
client (about half a second of a worker's start-up). The parent turns the server's items
into :class:`PlainItem` (:func:`tuinews.sync.items.plain_items`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tuinews.formats.feeds import build_feed
from tuinews.formats.raw_feed import RawEnclosure, RawEntry, RawFeed
from tuinews.pool import write_lock
from tuinews.query.rules import Rule
from tuinews.store import Store, UpsertCounts
from tuinews.store.sync import RemoteArticle


@dataclass(frozen=True, slots=True)
class PlainItem:
    """A server's item as the conversion needs it (``body``: RAW, UNTRUSTED HTML)."""

    raw_id: str  # the item's long id: the article's uid
    remote_id: str  # its id as the server gave it
    number: int
    link: str
    title: str
    author: str
    body: str
    date: datetime | None
    timestamp_usec: int | None
    feed: str  # its subscription's stream id
    feed_title: str
    read: bool
    starred: bool
    labels: tuple[str, ...]  # its own labels (not its feed's folders)
    enclosures: tuple[RawEnclosure, ...] = ()  # RAW, UNTRUSTED: sanitised with the item


def remote_articles(items: Sequence[PlainItem]) -> list[RemoteArticle]:
    """The items as articles, each with its id, flags, labels and subscription."""
    by_feed: dict[str, list[PlainItem]] = {}
    for item in items:
        by_feed.setdefault(item.feed, []).append(item)
    found: list[RemoteArticle] = []
    for stream, group in by_feed.items():
        title = group[0].feed_title
        raw = RawFeed(title=title, link="", date=None, ttl=None)
        raw.entries = [
            RawEntry(
                raw_id=item.raw_id,
                link=item.link,
                title=item.title,
                author=item.author,
                body=item.body,
                date=item.date,
                enclosures=item.enclosures,
            )
            for item in group
        ]
        parsed = build_feed(raw, name=title or stream)
        for item, article in zip(group, parsed.articles, strict=True):
            article.read, article.starred = item.read, item.starred
            found.append(
                RemoteArticle(
                    article=article,
                    remote_id=item.remote_id,
                    number=item.number,
                    timestamp_usec=item.timestamp_usec,
                    feed=stream,
                    feed_title=title,
                    labels=item.labels,
                )
            )
    return found


_worker_stores: dict[str, Store] = {}


def store_chunk(
    db: str,
    account_id: int,
    items: Sequence[PlainItem],
    keep: int,
    keep_days: int,
    rules: tuple[Rule, ...],
) -> UpsertCounts:
    """In a worker: the items made articles (sanitised) and stored in one transaction,
    with the worker's own connection (one per process) under the pool's write lock."""
    articles = remote_articles(items)
    store = _worker_stores.get(db)
    if store is None:
        store = _worker_stores[db] = Store(db)
    with write_lock():
        return store.store_items(account_id, articles, keep=keep, keep_days=keep_days, rules=rules)
