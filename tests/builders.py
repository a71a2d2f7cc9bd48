"""Builders of test data, shared by every kind of test (unit, ui, hostile, e2e): articles,
feeds as RSS/Atom text, and stores holding articles. Nothing here imports textual.

- ``article("a")``: one article as the store's tests make them (title ``Title a``, body
  ``Body of a.``, dated 2024-01-01); any field by keyword.
- ``make_articles(n)``: ``Headline 0`` .. ``Headline n-1``, newest first, for the app.
- ``make_store(articles, read=...)``: a store in a new temporary folder, the articles in
  one feed.
- ``rss(title, (guid, title), ...)``: a small RSS 2.0 feed, one dated item per pair.
- ``rss_document(items)`` / ``atom_document(entries)``: a feed around items written out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tuinews.models import Article
from tuinews.store import Store

ATOM_NS = 'xmlns="http://www.w3.org/2005/Atom"'


# --- articles ------------------------------------------------------------------------------


def article(
    uid: str = "1", title: str = "", body: str = "", day: int = 1, **fields: Any
) -> Article:
    """An article with the ``uid``: title ``Title {uid}`` and body ``Body of {uid}.``
    unless given (the body is its search text too), Markdown, from no source, dated
    2024-01-``day``. Any other Article field by keyword (``date``, ``author``, ``read``,
    ``starred``, ``link``...), ``date`` overriding ``day``."""
    body = body or f"Body of {uid}."
    values: dict[str, Any] = {
        "source": "",
        "kind": "markdown",
        "text": body,
        "date": datetime(2024, 1, day, tzinfo=UTC),
        **fields,
    }
    return Article(title=title or f"Title {uid}", body=body, uid=uid, **values)


def make_articles(count: int = 5, paragraphs: int = 3) -> list[Article]:
    """Headline 0 is the newest, so the list shows them in order."""
    articles = []
    for i in range(count):
        body = "\n\n".join(f"Paragraph {p} of article {i}." for p in range(paragraphs))
        articles.append(
            Article(
                title=f"Headline {i}",
                source=f"Source {i % 2}",
                body=body,
                text=body,
                date=datetime(2024, 6, 1, tzinfo=UTC) - timedelta(days=i),
                link=f"https://example.com/{i}",
                uid=f"item-{i}",
            )
        )
    return articles


def with_long_article(count: int = 3, paragraphs: int = 3, long_one: int = 1) -> list[Article]:
    """``make_articles``, with article ``long_one`` made ~300 KB long (many chunks)."""
    articles = make_articles(count, paragraphs)
    long = "\n\n".join(f"Paragraph {i}. " + "Words in a long article. " * 40 for i in range(300))
    articles[long_one].body = articles[long_one].text = long
    return articles


# --- stores --------------------------------------------------------------------------------


def make_store(articles: Iterable[Article] = (), read: Iterable[int] = ()) -> Store:
    """A store in a new temporary folder, with these articles in one feed (``Example
    feed``); the articles at the positions in ``read`` are read."""
    store = Store(Path(tempfile.mkdtemp(prefix="tuinews-test-")) / "tuinews.db")
    articles = list(articles)
    if not articles:
        return store
    feed = store.add_feed("https://example.com/feed", title="Example feed")
    store.upsert_articles(feed.id, articles)
    ids = store.ids_for_uids(feed.id, [a.uid for a in articles])
    store.set_read([ids[i] for i in read])
    return store


# --- feeds as text -------------------------------------------------------------------------


def rss(title: str, *items: tuple[str, str], ttl: int | None = None) -> bytes:
    """An RSS 2.0 feed called ``title``, one item per ``(guid, title)``: linked to
    ``http://127.0.0.1/{guid}``, described as ``Text of {title}.``, the n-th dated
    2024-01-0n (``ttl`` in minutes, when given)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{text}</title><link>http://127.0.0.1/{guid}</link>"
        f"<description>Text of {text}.</description>"
        f"<pubDate>Mon, 0{i + 1} Jan 2024 10:00:00 GMT</pubDate></item>"
        for i, (guid, text) in enumerate(items)
    )
    extra = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link>{extra}{entries}</channel></rss>"
    ).encode()


def rss_document(
    items: str, channel: str = "<title>T</title>", namespaces: str = "", prolog: str = ""
) -> bytes:
    """An RSS 2.0 document around ``items`` (XML as written), after the ``channel``'s own
    elements; ``prolog`` (a DOCTYPE) between the XML declaration and ``<rss>``."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0" {namespaces}>'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


def atom_document(entries: str, head: str = "<title>A</title>", namespaces: str = "") -> bytes:
    """An Atom document around ``entries`` (XML as written), after the feed's ``head``."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed {ATOM_NS} {namespaces}>{head}{entries}</feed>'
    ).encode()
