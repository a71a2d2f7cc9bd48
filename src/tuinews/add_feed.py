"""Subscribing to a URL: a feed as it is, or the feed a web page links to."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tuinews.fetch import FetchRequest
from tuinews.formats import FormatError
from tuinews.formats.encoding import decode
from tuinews.ingest import FeedResult, Refresher
from tuinews.links import shown_url
from tuinews.store import Feed, FeedExists
from tuinews.subscriptions import feed_url_problem, normalise_feed_url
from tuinews.subscriptions.discover import discover_feeds


@dataclass
class Subscribed:
    """The outcome, worded for the user: ``error`` set means nothing was added."""

    feed: Feed | None = None
    found: str = ""  # "Found the atom feed 'X' on that page: URL"
    result: FeedResult | None = None  # the first fetch
    error: str = ""

    @property
    def empty(self) -> bool:
        """Fetched and read, but the feed has no articles (an empty list, or a document
        cut short before its first item)."""
        result = self.result
        return bool(result and not self.error and not result.failed and not result.new)

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        assert self.feed is not None
        parts = [self.found] if self.found else []
        if self.result is not None and self.result.failed:
            parts.append(
                f"Added {shown_url(self.feed.url)}, but it could not be fetched now: "
                f"{self.result.error}. It will be tried again on the next refresh."
            )
        elif self.empty:
            parts.append(
                f"Added {self.feed.name}, but the feed has no articles: its document lists "
                "none (it may be cut short). It is fetched again on each refresh."
            )
        else:
            new = self.result.new if self.result else 0
            parts.append(f"Added {self.feed.name}: {new} article{'s' * (new != 1)}.")
        return "\n".join(parts)


def _why_not(error: str) -> str:
    """Why a fetched document is no feed, from its parse error ("not a feed (invalid
    JSON at line 1, column 9: Expecting value)"), worded for someone subscribing."""
    if error == "not a feed (an HTML page)":
        return "it is a web page that links to no feed"
    if error.startswith("not a feed (") and error.endswith(")"):
        error = error[len("not a feed (") : -1]
    return f"it is not a feed: {error}"


async def find_feed(refresher: Refresher, url: str) -> tuple[str, str, str]:
    """(feed URL, note, error). A page's URL becomes the URL of the feed it links to."""
    fetched = await refresher.fetcher.fetch(FetchRequest(url))
    if fetched.status is not None and not fetched.ok:
        return url, "", f"{shown_url(url)}: {fetched.error}; not subscribed"
    if not fetched.ok or fetched.body is None:
        return url, "", ""  # no answer now (offline?): subscribe anyway, refresh will say
    try:
        await refresher.parse(fetched.body, fetched.final_url)
        return url, "", ""
    except FormatError as error:
        why = str(error)
    found = discover_feeds(decode(fetched.body), fetched.final_url)
    if not found:
        return url, "", f"No feed found at {shown_url(url)}: {_why_not(why)}."
    chosen = found[0]
    others = f" ({len(found) - 1} more on the page)" if len(found) > 1 else ""
    kind = chosen.type.rsplit("/", 1)[-1]
    title = f" '{chosen.title}'" if chosen.title else ""
    found_at = shown_url(chosen.url)
    return chosen.url, f"Found the {kind} feed{title} on that page: {found_at}{others}", ""


async def subscribe(
    refresher: Refresher,
    url: str,
    title: str = "",
    tags: Iterable[str] = (),
    full_text: bool = False,
) -> Subscribed:
    """Check the URL, find the feed, add it, and fetch it once."""
    clean = normalise_feed_url(url)
    if clean is None:
        return Subscribed(error=feed_url_problem(url) or "Not an http(s) URL")
    feed_url, found, error = await find_feed(refresher, clean)
    if error:
        return Subscribed(error=error)
    store = refresher.store
    try:
        feed = await asyncio.to_thread(store.add_feed, feed_url, title, tuple(tags))
    except FeedExists:
        return Subscribed(error=f"Already subscribed: {shown_url(feed_url)}")
    if full_text:
        await asyncio.to_thread(store.set_feed_full_text, feed.id, True)
        feed = replace(feed, full_text=True)
    (result,) = await refresher.refresh([feed])
    return Subscribed(await asyncio.to_thread(store.get_feed, feed.id) or feed, found, result)
