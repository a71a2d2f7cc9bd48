"""What every subscription list reader shares: the result types, feed URL rules, and the
collector that merges duplicates and caps the count."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tuinews.links import shown_url
from tuinews.sanitise import clean_line, clean_url

MAX_FEEDS = 10_000  # feed entries read from one file; the rest are reported
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_URL_CHARS = 8000
MAX_TAGS = 64  # per subscription
MAX_TAG_CHARS = 200
MAX_SHOWN_CHARS = 200  # of a rejected entry, in ImportResult.rejected

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)

NOT_HTTP = "not an http(s) feed URL"


@dataclass(frozen=True)
class Subscription:
    """One feed to follow. ``url`` is an absolute http(s) URL; strings are sanitised.
    ``hidden``: newsboat's ``!`` tag (kept out of the All and Unread views)."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    hidden: bool = False


@dataclass
class ImportResult:
    """What a subscription file held: feeds to add, and entries refused with a reason.
    ``problem``: what was wrong with the file though some of it could be read (one
    sentence, e.g. malformed XML and where)."""

    subscriptions: list[Subscription] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    format: str = ""  # "opml" | "newsboat"
    problem: str = ""
    # newsboat's query feeds ("query:NAME:EXPRESSION" lines), each with where it is
    # ("line 8"), as written: the importer makes them saved searches where they translate
    queries: list[tuple[str, str]] = field(default_factory=list)


class SubscriptionFileError(ValueError):
    """The file is not a subscription list (or is broken XML); the message is one sentence."""


# --- URLs -------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s")


def feed_url_problem(url: str) -> str | None:
    """What is wrong with a feed URL the user typed, in one line (their text shown
    sanitised, a password hidden); None when :func:`normalise_feed_url` takes it."""
    if normalise_feed_url(url) is not None:
        return None
    shown = shown_url(clean_line(url, limit=200))  # the user's own text, but one line
    if "://" not in url and normalise_feed_url("https://" + url.strip()) is not None:
        return f"Not an http(s) URL: {shown} (begin it with https://)"
    return f"Not an http(s) URL: {shown}"


def normalise_feed_url(url: str) -> str | None:
    """Return ``url`` as an absolute http(s) feed URL, or None.

    Surrounding whitespace is stripped and the ``feed:`` schemes are mapped
    (``feed://host/x`` to ``https://host/x``, ``feed:https://host/x`` to the inner URL);
    nothing else is changed. Refused: no http(s) scheme or no host, a value starting with
    ``-`` (a browser or tool could read it as an option), whitespace, control or invisible
    characters inside, an invalid port, more than 8000 characters.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or url.startswith("-"):
        return None
    if _WHITESPACE.search(url) or clean_url(url) != url:
        return None
    lower = url.lower()
    if lower.startswith("feed://"):
        url = "https://" + url[len("feed://") :]
    elif lower.startswith("feed:"):
        url = url[len("feed:") :]
        if not url.lower().startswith(("http://", "https://")):
            return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def rejection(value: str) -> str:
    """Why ``value`` (already refused by :func:`normalise_feed_url`) is not imported."""
    lower = value.strip().lower()
    if lower.startswith("query:"):
        return "a query feed (imported as a saved search where it translates)"
    if lower.startswith(("exec:", "filter:", "|")):
        return f"runs a command: {NOT_HTTP}"
    if lower.startswith("file:"):
        return f"a local file: {NOT_HTTP}"
    return NOT_HTTP


def shown(value: str) -> str:
    """A value quoted in a message: sanitised, one line, at most 200 characters."""
    return clean_line(value, MAX_SHOWN_CHARS)


def clean_tag(tag: str) -> str:
    return clean_line(tag, MAX_TAG_CHARS)


def label(name: str) -> str:
    """How a message names the file."""
    name = clean_line(name, MAX_SHOWN_CHARS)
    return name if name else "The file"


def too_large(label: str) -> SubscriptionFileError:
    return SubscriptionFileError(
        f"{label} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB,"
        " too large for a subscription list."
    )


class Collector:
    """Collects subscriptions in order, merging duplicates by URL, capped at MAX_FEEDS."""

    def __init__(self, fmt: str) -> None:
        self.result = ImportResult(format=fmt)
        self._by_url: dict[str, int] = {}
        self.seen = 0
        self.over_cap = 0

    def full(self) -> bool:
        """Count one more entry; True (and it is counted as skipped) past the cap."""
        self.seen += 1
        if self.seen > MAX_FEEDS:
            self.over_cap += 1
            return True
        return False

    def add(self, url: str, title: str, tags: Iterable[str], hidden: bool = False) -> None:
        index = self._by_url.get(url)
        if index is None:
            self._by_url[url] = len(self.result.subscriptions)
            self.result.subscriptions.append(Subscription(url, title, unique(tags), hidden))
            return
        old = self.result.subscriptions[index]
        self.result.subscriptions[index] = Subscription(
            url, old.title or title, unique([*old.tags, *tags]), old.hidden or hidden
        )

    def reject(self, what: str, why: str) -> None:
        self.result.rejected.append((what, why))

    def finish(self, unit: str) -> ImportResult:
        if self.over_cap:
            self.reject(
                f"{self.over_cap} more {unit}",
                f"over the limit of {MAX_FEEDS:,} feeds read from one file",
            )
        return self.result


def unique(tags: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for tag in tags:
        if tag and tag not in out:
            out[tag] = None
            if len(out) >= MAX_TAGS:
                break
    return tuple(out)
