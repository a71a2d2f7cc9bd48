"""Plain data: what an article is. No Textual here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

BodyKind = Literal["markdown", "html"]


@dataclass(frozen=True)
class Enclosure:
    """A file attached to an article (a podcast episode): its http(s) URL, MIME type,
    size in bytes and duration in seconds when the feed says so. Sanitised."""

    url: str
    type: str = ""
    length: int | None = None
    duration: int | None = None
    # The file it was downloaded to, when it was (read from the store's downloads with
    # the article; never from a feed). Out of repr and ==: the article's digest is made
    # of its enclosures' repr, and a download must not make an article look changed.
    downloaded: str = field(default="", repr=False, compare=False)


@dataclass(eq=False)
class Article:
    """One readable article: from a local file, a feed item, or (later) the store.

    Every string field is already sanitised (see :mod:`tuinews.sanitise`). ``body`` is
    Markdown or HTML according to ``kind``; HTML is converted to Markdown lazily, the
    first time the article is shown (:func:`tuinews.formats.article_markdown`), and the
    result is cached (``cached_markdown``, and in the store).
    """

    title: str
    source: str
    body: str
    kind: BodyKind = "markdown"
    text: str = ""  # plain text of the body, for search
    author: str = ""
    date: datetime | None = None
    link: str = ""
    path: str = ""
    uid: str = ""
    read: bool = False
    starred: bool = False
    id: int | None = None  # in the store
    feed_id: int | None = None
    full: str = ""  # the full article (Markdown) fetched from the link, if it was
    enclosures: tuple[Enclosure, ...] = ()  # podcast episodes and other attached files
    image: str = ""  # the feed's own picture of it (Media RSS, JSON Feed): http(s) or ""
    # The body as Markdown, once converted from HTML (see formats.article_markdown) or as
    # read from the store's cache: None until then.
    cached_markdown: str | None = field(default=None, repr=False)

    @property
    def ready_markdown(self) -> str | None:
        """The body as Markdown if it needs no conversion (a Markdown body, or HTML already
        converted or cached in the store), else None."""
        if self.cached_markdown is not None:
            return self.cached_markdown
        return self.body if self.kind == "markdown" else None

    @property
    def date_text(self) -> str:
        return self.date.strftime("%Y-%m-%d") if self.date else ""


@dataclass(frozen=True)
class Skipped:
    """A path that was not opened, and why (shown to the user, so both are sanitised)."""

    path: str
    reason: str


@dataclass
class LoadedFiles:
    """What a load produced: the articles and what was skipped."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
