"""What a sync's worker processes run: a page of the reading list read (its JSON decoded,
its items made plain data: :func:`read_page`), and items, as plain data, made articles by
the rules every fetched feed item follows (:func:`tuinews.formats.feeds.build_feed`: the
HTML through the one sanitiser, links made safe, a title when there is none) and stored.

A first sync's pages are read here, not in the app's process: decoding 4 MB of JSON and
reading its 1,000 items holds the GIL for a tenth of a second or more, which the app's
frames would wait for (issue 14's UI stall). A page's items come back to the parent as
one pickled blob each, with the little it needs to choose them (number, subscription,
time); the chosen blobs go to the workers again to be stored (:func:`store_blobs`).

Outside the :mod:`tuinews.sync` package on purpose: a worker imports this module and what
it needs (formats, store, the Reader API's data parsers), not the sync package or the
Reader API client (about half a second of a worker's start-up)."""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tuinews.fetch.greader_data import Item, json_object, long_id, parse_contents_page
from tuinews.formats.feeds import build_feed
from tuinews.formats.raw_feed import RawEnclosure, RawEntry, RawFeed
from tuinews.pool import write_lock
from tuinews.query.rules import Rule
from tuinews.store import UpsertCounts
from tuinews.store.store import worker_store, worker_wrote
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


@dataclass(frozen=True, slots=True)
class PageIndex:
    """A page of items read (:func:`read_page`): what the parent needs to choose and
    count them, and each item pickled (a :class:`PlainItem`, for :func:`store_blobs`)."""

    continuation: str | None  # for the next page; None at the end
    numbers: tuple[int, ...]  # each item's number
    feeds: tuple[str, ...]  # each item's subscription (stream id)
    times: tuple[int | None, ...]  # each item's timestamp (microseconds), if sensible
    blobs: tuple[bytes, ...]  # each item, pickled


def read_page(body: bytes, name: str, folders: Mapping[str, Sequence[str]]) -> PageIndex:
    """A ``stream/contents`` page's body read: its JSON decoded and its items made plain
    (raises :class:`~tuinews.fetch.greader_data.BadAnswer` when it is not the JSON
    asked for). Nothing is sanitised here but what the parsers clean (one-line fields):
    the items' HTML is, when they are stored."""
    page = parse_contents_page(json_object(body, name))
    items = plain_items(page.items, folders)
    return PageIndex(
        page.continuation,
        tuple(item.number for item in items),
        tuple(item.feed for item in items),
        tuple(item.timestamp_usec for item in items),
        tuple(pickle.dumps(item, pickle.HIGHEST_PROTOCOL) for item in items),
    )


def unpickled(blobs: Iterable[bytes]) -> list[PlainItem]:
    """Items pickled by :func:`read_page` (in this program's workers: trusted bytes; the
    server's strings inside are still untrusted)."""
    items = [pickle.loads(blob) for blob in blobs]
    if not all(type(item) is PlainItem for item in items):
        raise TypeError("not a page's items")
    return items


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
    store = worker_store(db)
    with write_lock():
        counts = store.store_items(
            account_id, articles, keep=keep, keep_days=keep_days, rules=rules
        )
    worker_wrote(db, counts.new + counts.updated)  # (the log copied, at times: not locked)
    return counts


def store_blobs(
    db: str,
    account_id: int,
    blobs: Sequence[bytes],
    keep: int,
    keep_days: int,
    rules: tuple[Rule, ...],
) -> UpsertCounts:
    """:func:`store_chunk` of items pickled by :func:`read_page`."""
    return store_chunk(db, account_id, unpickled(blobs), keep, keep_days, rules)
