"""Refreshing feeds: fetch (async, bounded per host), then parse and store in worker
processes (with a time limit; each worker writes with its own SQLite connection, one
transaction per feed), with a bounded number of feeds in flight so memory stays flat.
Used by ``tuinews refresh`` and by the app. Nothing here imports Textual."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from tuinews.formats import FormatError, ParsedFeed
from tuinews.links import safe_link
from tuinews.network import new_fetcher
from tuinews.pool import Pool, TimedOut, WorkerCrashed
from tuinews.query.rules import BadRule, Rule, make_rule
from tuinews.refresh_worker import (
    Fetched,
    extract_in_worker,
    next_fetch,
    parse_in_worker,
    rule_texts,
)
from tuinews.refresh_worker import parse_and_store as _parse_and_store
from tuinews.settings import Settings
from tuinews.store import Feed, FeedSuccess, Store
from tuinews.store.store import UpsertCounts
from tuinews.success_batch import SuccessBatch

if TYPE_CHECKING:
    from tuinews.fetch import Fetcher, FetchRequest, FetchResult

T = TypeVar("T")
PARSE_TIMEOUT = 10.0  # seconds for one feed's parse (and store, when a worker does both)
PIPELINE_MIN = 8
PIPELINE_MAX = 128  # feeds in flight at 8 a connection (settings.concurrency), at most
# The app's workers' niceness: lower priority than its own process, whose frames wait for
# a core on a busy machine (two workers converting fill both cores of a small one).
BACKGROUND_NICE = 10


@dataclass
class FeedResult:
    """What happened to one feed in a refresh."""

    feed_id: int
    name: str
    url: str
    status: str  # "ok", "not modified", "failed", "gone", "postponed"
    new: int = 0
    updated: int = 0
    hidden: int = 0  # new articles a rule hid (counted in new)
    full_texts: int = 0  # full articles fetched from links (feeds with full_text on)
    error: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "gone")

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


Progress = Callable[[FeedResult, int, int], None]


def due_feeds(store: Store, *, force: bool = False, now: float | None = None) -> list[Feed]:
    """Feeds to fetch now: never gone ones, nor those a server asked us to leave alone
    (Retry-After); unless ``force``, not those whose own interval (ttl, max-age) is not
    up yet."""
    now = time.time() if now is None else now
    due = []
    for feed in store.feeds():
        if feed.status == "gone":
            continue
        if feed.retry_at is not None and feed.retry_at > now:
            continue
        if not force and feed.next_fetch is not None and feed.next_fetch > now:
            continue
        due.append(feed)
    return due


def stale_feeds(store: Store, interval_minutes: int | None, now: float | None = None) -> list[Feed]:
    """Feeds due for an automatic refresh: not fetched within their interval, the feed's
    own (``tuinews feed set ID interval=M``) or else ``interval_minutes`` (None: only
    feeds with their own are due), and not held back by their own ttl/max-age or a
    Retry-After."""
    now = time.time() if now is None else now
    stale = []
    for feed in due_feeds(store, now=now):
        minutes = feed.refresh_interval
        minutes = interval_minutes if minutes is None else minutes
        if minutes is not None and not_fetched_within(feed, minutes, now):
            stale.append(feed)
    return stale


def not_fetched_within(feed: Feed, minutes: int, now: float) -> bool:
    return feed.last_fetch is None or feed.last_fetch <= now - minutes * 60


def own_interval_up(feed: Feed, now: float | None = None) -> bool:
    """Whether ``tuinews refresh`` fetches the feed: one with an interval of its own not
    before that interval is up (cron runs it); any other, always."""
    minutes = feed.refresh_interval
    now = time.time() if now is None else now
    return minutes is None or not_fetched_within(feed, minutes, now)


def all_rules(store: Store, settings: Settings) -> tuple[Rule, ...]:
    """The config file's rules (checked when it was read), then those added by command
    (checked when added: one that no longer parses, from a newer tuinews, is left out)."""
    rules = list(settings.rules)
    for stored in store.stored_rules():
        try:
            rules.append(make_rule(f"rule {stored.id}", stored.match, stored.action))
        except BadRule:
            continue
    return tuple(rules)


class Refresher:
    """Fetches and stores feeds. One per app or command; ``close()`` when done.
    ``background``: its workers run at a lower priority (the app's: its frames first)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        fetcher: Fetcher | None = None,
        *,
        background: bool = False,
    ) -> None:
        self.store = store
        self.settings = settings
        self._fetcher = fetcher
        self._fetcher_lock = threading.Lock()  # prepare() may run in another thread
        self._workers = Pool(write_lock=True, nice=BACKGROUND_NICE if background else 0)
        self._not_modified = SuccessBatch(store)  # 304s: several to a transaction
        self.rules: tuple[Rule, ...] = settings.rules  # read again at each refresh

    @property
    def fetcher(self) -> Fetcher:
        with self._fetcher_lock:
            if self._fetcher is None:
                self._fetcher = new_fetcher(self.settings)
            return self._fetcher

    @property
    def pool(self) -> Pool:
        """The worker processes that parse and store (a sync's big batches of items too:
        one pool, so a refresh and a sync together start no more workers than cores)."""
        return self._workers

    def prepare(self) -> None:
        """Import the HTTP stack and make its client now (~60 ms, in a thread), so the
        first fetch of a refresh does not do it on the event loop, holding up the UI."""
        self.fetcher.prepare()

    async def close(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
        await asyncio.to_thread(self._workers.close)  # waits for the workers to end

    async def parse(self, body: bytes, url: str) -> ParsedFeed:
        """Parse in a worker process: untrusted bytes can hang a parser (feedparser has a
        regex that runs for minutes on a crafted author), and a thread cannot be stopped."""
        return await self._in_worker(parse_in_worker, body, url)

    @cached_property
    def _db_for_workers(self) -> str | None:
        return self.store.file_for_workers()  # (resolved once, not for every feed)

    async def _parse_and_store(
        self, feed: Feed, body: bytes, url: str, fetched: Fetched
    ) -> tuple[ParsedFeed, UpsertCounts]:
        keep, keep_days = self.settings.keep_articles, self.settings.keep_days
        keep = keep if feed.keep is None else feed.keep  # the feed's own, if it has one
        db = self._db_for_workers
        if db is not None:
            return await self._in_worker(
                _parse_and_store,
                body,
                url,
                db,
                feed.id,
                keep,
                keep_days,
                fetched,
                rule_texts(self.rules),
            )
        parsed = await self.parse(body, url)
        counts = await asyncio.to_thread(
            self.store.upsert_articles,
            feed.id,
            parsed.articles,
            keep=keep,
            keep_days=keep_days,
            success=fetched.success(parsed),
            rules=self.rules,
        )
        return parsed, counts

    async def _in_worker(self, function: Callable[..., T], *args: object) -> T:
        """Run in a worker process with a time limit for the run itself."""
        try:
            return await self._workers.run(function, *args, timeout=PARSE_TIMEOUT)
        except TimedOut:
            raise FormatError("parse timeout") from None
        except WorkerCrashed:
            raise FormatError("parse failed (the parser crashed)") from None

    async def refresh(
        self, feeds: Sequence[Feed], progress: Progress | None = None
    ) -> list[FeedResult]:
        """Fetch, parse and store these feeds; results in the order they finish."""
        from tuinews.fetch import FetchRequest  # (httpx: see fetch_full_text)

        by_id = {feed.id: feed for feed in feeds}
        self.rules = await asyncio.to_thread(all_rules, self.store, self.settings)
        requests = [
            FetchRequest(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                key=feed.id,
                user_agent=feed.user_agent or None,
            )
            for feed in feeds
        ]
        cold = sum(1 for feed in feeds if _never_fetched(feed))
        if self._db_for_workers is not None and cold:
            # Feeds never fetched will be parsed: the workers boot (Python and the
            # parsers' imports, ~0.3 s) during the first fetches, not after them.
            self._workers.start(cold)
        results: list[FeedResult] = []

        async def store(fetched: FetchResult) -> None:
            result = await self._store(by_id[fetched.request.key], fetched)  # type: ignore[index]
            results.append(result)
            if progress is not None:
                progress(result, len(results), len(feeds))

        # At most this many feeds between the start of their fetch and the end of their
        # store: fetching is faster than parsing and storing, and without a bound every
        # body and every parsed feed would wait in memory at once. Most of them wait in
        # the workers, parsed ahead while the write lock is busy (pool.Staged).
        connections = self.settings.concurrency
        in_pipeline = asyncio.Semaphore(
            max(PIPELINE_MIN, 3 * connections, min(PIPELINE_MAX, 8 * connections))
        )

        async def one(request: FetchRequest) -> None:
            async with in_pipeline:
                await store(await self.fetcher.fetch(request))

        tasks = [asyncio.create_task(one(request)) for request in _interleave_hosts(requests)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
        # What the workers left unindexed (under 2,000 articles): searchable now.
        await asyncio.to_thread(self.store.index_pending)
        return results

    async def _store(self, feed: Feed, fetched: FetchResult) -> FeedResult:
        started = time.monotonic() - fetched.elapsed
        result = FeedResult(feed.id, feed.name, feed.url, "ok")
        now = int(time.time())
        try:
            if fetched.gone:
                result.status, result.error = "gone", fetched.error or "gone (HTTP 410)"
                await asyncio.to_thread(self.store.record_failure, feed.id, result.error, gone=True)
            elif fetched.error is not None:
                result.status, result.error = "failed", fetched.error
                retry_at = now + int(fetched.retry_after) if fetched.retry_after else None
                if retry_at:
                    result.status = "postponed"
                await asyncio.to_thread(
                    self.store.record_failure, feed.id, fetched.error, retry_at=retry_at
                )
            elif fetched.not_modified:
                result.status = "not modified"
                due = next_fetch(fetched.max_age, None)
                await self._not_modified.record(feed.id, FeedSuccess(next_fetch=due))
            else:
                moved_to, new_url = "", None
                if fetched.permanent_url and fetched.permanent_url != feed.url:
                    if feed.moved_to == fetched.permanent_url:
                        new_url = fetched.permanent_url  # moved twice in a row: follow it
                    else:
                        moved_to = fetched.permanent_url
                about = Fetched(
                    fetched.etag,
                    fetched.last_modified,
                    fetched.max_age,
                    moved_to,
                    new_url,
                    fresh=_never_fetched(feed),
                )
                _parsed, counts = await self._parse_and_store(
                    feed, fetched.body or b"", fetched.final_url, about
                )
                result.new, result.updated = counts.new, counts.updated
                result.hidden = counts.hidden
                if feed.full_text and counts.new_ids:
                    result.full_texts = await self._fetch_full_texts(
                        counts.new_ids, feed.user_agent
                    )
        except FormatError as error:
            result.status, result.error = "failed", str(error)
            await asyncio.to_thread(self.store.record_failure, feed.id, result.error)
        except Exception as error:  # one feed's problem never stops the others
            result.status, result.error = "failed", f"{type(error).__name__}: {error}"
            with contextlib.suppress(Exception):  # the store failing too: already reported
                await asyncio.to_thread(self.store.record_failure, feed.id, result.error)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    async def fetch_full_text(self, article_id: int, user_agent: str | None = None) -> str:
        """Fetch an article's link and keep the article found there; "" or an error. The
        request carries ``user_agent``, else its feed's own, if it has one."""
        # (httpx, ~35 ms: only when fetching; triage and rules import this module too)
        from tuinews.fetch import FetchRequest

        article = await asyncio.to_thread(self.store.get_article, article_id)
        link = safe_link(article.link) if article is not None else None
        if link is None or article is None:
            return "no http(s) link"
        if user_agent is None and article.feed_id is not None:
            feed = await asyncio.to_thread(self.store.get_feed, article.feed_id)
            user_agent = feed.user_agent if feed is not None else None
        fetched = await self.fetcher.fetch(FetchRequest(link, user_agent=user_agent or None))
        if not fetched.ok or not fetched.body:
            return fetched.error or "no content"
        markdown = await self._in_worker(extract_in_worker, fetched.body, fetched.final_url)
        await asyncio.to_thread(self.store.set_full_text, article_id, markdown)
        return ""

    async def _fetch_full_texts(self, article_ids: Sequence[int], user_agent: str) -> int:
        """Full texts for a feed's new articles (the fetcher keeps to the per-host limit,
        so a site is not hammered), with the feed's user agent; returns how many were
        fetched."""
        errors = await asyncio.gather(
            *(self.fetch_full_text(i, user_agent) for i in article_ids), return_exceptions=True
        )
        return sum(1 for error in errors if error == "")


def _never_fetched(feed: Feed) -> bool:
    return feed.last_fetch is None and feed.etag is None and feed.last_modified is None


def _interleave_hosts(requests: Sequence[FetchRequest]) -> list[FetchRequest]:
    """Round-robin over host names, so the feeds that hold the pipeline's places are from
    many hosts, not all waiting for the same host's few slots."""
    by_host: dict[str, list[FetchRequest]] = {}
    for request in requests:
        try:
            host = (urlsplit(request.url).hostname or "").lower()
        except ValueError:
            host = ""
        by_host.setdefault(host, []).append(request)
    queues = list(by_host.values())
    ordered: list[FetchRequest] = []
    for index in range(max((len(q) for q in queues), default=0)):
        ordered.extend(q[index] for q in queues if index < len(q))
    return ordered


def run_refresh(
    store: Store, settings: Settings, feeds: Sequence[Feed], progress: Progress | None = None
) -> list[FeedResult]:
    """Refresh these feeds without a UI (for ``tuinews refresh`` and ``tuinews add``)."""

    async def go() -> list[FeedResult]:
        refresher = Refresher(store, settings)
        try:
            return await refresher.refresh(feeds, progress)
        finally:
            await refresher.close()

    return asyncio.run(go())
