"""Finding the feed a web page advertises (``<link rel="alternate" type=...>``)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tuinews.sanitise import clean_line, clean_url
from tuinews.subscriptions import FEED_TYPES, normalise_feed_url


@dataclass(frozen=True)
class DiscoveredFeed:
    """A feed a web page advertises with ``<link rel="alternate" type=...>``."""

    url: str
    type: str
    title: str


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values: dict[str, str] = {}
        for key, value in attrs:
            values.setdefault(key.lower(), value or "")
        if tag == "base":
            if self.base is None and values.get("href", "").strip():
                self.base = values["href"]
        else:
            self.links.append(values)


def discover_feeds(html: str, base_url: str) -> list[DiscoveredFeed]:
    """The feeds a page advertises, in document order, without duplicates.

    Takes ``<link>`` elements whose ``rel`` contains ``alternate`` (or ``feed``) and
    whose ``type`` is RSS, Atom, JSON Feed or ``application/json`` (except WordPress's
    ``/wp-json/`` API links). ``href`` is resolved against the page's ``<base href>``,
    itself resolved against ``base_url``; only http(s) results are kept.
    """
    finder = _LinkFinder()
    finder.feed(html)
    finder.close()

    base = clean_url(base_url)
    if finder.base is not None:
        try:
            joined = urljoin(base, clean_url(finder.base))
        except ValueError:
            joined = ""
        if normalise_feed_url(joined) is not None:
            base = joined

    found: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for link in finder.links:
        rel = {token.lower() for token in link.get("rel", "").split()}
        kind = link.get("type", "").split(";")[0].strip().lower()
        href = link.get("href", "").strip()
        if not rel & {"alternate", "feed"} or kind not in FEED_TYPES or not href:
            continue
        if href.lower().startswith("feed:"):
            url = normalise_feed_url(href)
        else:
            try:
                url = normalise_feed_url(urljoin(base, clean_url(href)))
            except ValueError:
                url = None
        if url is None or url in seen:
            continue
        if kind == "application/json" and "/wp-json/" in urlsplit(url).path:
            continue
        seen.add(url)
        found.append(DiscoveredFeed(url, kind, clean_line(link.get("title", ""))))
    return found
