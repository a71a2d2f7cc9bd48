"""``tuinews import FILE...``: subscription lists, newsboat's cache, config and read-state
files, each recognised by its content (never by its name). (What newsboat's query feeds
and killfile become: :mod:`tuinews.import_triage`.)

Every file is recognised before anything is stored: one that cannot be read or is none
of these stops the import with its reason (exit status 2). Then subscription lists (OPML,
newsboat ``urls``) come first, whatever the order given, so that ``tuinews import urls
cache.db`` takes the titles, tags and hidden feeds from ``urls`` and the feeds' own
titles, articles, read state and flags from the cache; read-state files come last, so
they apply to the articles just imported. Importing only adds (see
:mod:`tuinews.store.transfer`): the same files imported again change nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from tuinews.import_triage import import_newsboat_config, import_queries
from tuinews.links import safe_link
from tuinews.read_state import (
    MAX_STATE_BYTES,
    StateFile,
    StateFileError,
    load_state,
    looks_like_json,
)
from tuinews.sanitise import clean_line
from tuinews.settings import Settings
from tuinews.state_triage import apply_triage
from tuinews.store import Store
from tuinews.store.newsboat import (
    SQLITE_HEADER,
    CachedFeed,
    CachedItem,
    NewsboatCache,
    NotNewsboatCache,
)
from tuinews.store.transfer import ImportCounts
from tuinews.subscriptions import (
    MAX_FILE_BYTES,
    ImportResult,
    SubscriptionFileError,
    normalise_feed_url,
    read_subscriptions,
)
from tuinews.subscriptions.common import rejection
from tuinews.subscriptions.newsboat_config import (
    NewsboatConfig,
    looks_like_newsboat_config,
    parse_newsboat_config,
)
from tuinews.wording import plural

Say = Callable[[str], None]


@dataclass
class _Files:
    """The files given, recognised."""

    lists: list[tuple[str, ImportResult]] = field(default_factory=list)
    caches: list[tuple[str, NewsboatCache]] = field(default_factory=list)
    states: list[tuple[str, StateFile]] = field(default_factory=list)
    configs: list[tuple[str, NewsboatConfig]] = field(default_factory=list)


def _recognise(path: Path, name: str, files: _Files, stack: ExitStack) -> str | None:
    """Add the file to ``files``; or say why not (one line)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(len(SQLITE_HEADER))
            if data == SQLITE_HEADER:
                try:
                    files.caches.append((name, stack.enter_context(NewsboatCache(path))))
                except NotNewsboatCache as error:
                    return f"{name} is {error}."
                return None
            data += handle.read(MAX_FILE_BYTES + 1 - len(data))
            if looks_like_json(data) and len(data) > MAX_FILE_BYTES:
                data += handle.read(MAX_STATE_BYTES + 1 - len(data))  # a large state file
    except OSError as error:
        return f"cannot read {name}: {error.strerror or error}"
    if looks_like_json(data):
        try:
            files.states.append((name, load_state(data)))
        except StateFileError as error:
            return f"{name} is {error}."
        return None
    if len(data) > MAX_FILE_BYTES:
        return f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, too large to import."
    if b"\x00" not in data[:4096]:
        text = data.decode("utf-8-sig", errors="replace")
        if looks_like_newsboat_config(text):
            files.configs.append((name, parse_newsboat_config(text)))
            return None
    try:
        files.lists.append((name, read_subscriptions(data, name)))
    except SubscriptionFileError as error:
        return str(error)
    return None


def read_lists(paths: Sequence[Path]) -> tuple[list[tuple[str, ImportResult]], list[str]]:
    """The subscription lists (OPML, newsboat ``urls``) among these files, and what is
    wrong with the others (unreadable, or another kind of file): ``tuinews import
    --account`` subscribes on a server, which takes feeds only."""
    lists: list[tuple[str, ImportResult]] = []
    problems: list[str] = []
    with ExitStack() as stack:
        for path in paths:
            name = clean_line(str(path), 300)
            files = _Files()
            problem = _recognise(path, name, files, stack)
            if problem:
                problems.append(problem)
            elif not files.lists:
                problems.append(
                    f"{name} is not a subscription list (OPML or newsboat urls): "
                    "only those import to an account"
                )
            lists += files.lists
    return lists, problems


def run_import(store: Store, settings: Settings, paths: Sequence[Path], say: Say, warn: Say) -> int:
    """Import the files; returns the exit status."""
    with ExitStack() as stack:
        files = _Files()
        problems = [
            problem
            for path in paths
            if (problem := _recognise(path, clean_line(str(path), 300), files, stack))
        ]
        if problems:
            for problem in problems:
                warn(problem)
            warn("nothing was imported")
            return 2
        added = 0
        listed: set[str] | None = set() if files.lists else None
        for name, result in files.lists:
            assert listed is not None
            added += _import_list(store, name, result, listed, say, warn)
            import_queries(store, name, result.queries, say)
        for name, config in files.configs:
            import_newsboat_config(store, name, config, say)
        for name, cache in files.caches:
            try:
                added += _import_cache(store, settings, name, cache, listed, say)
            except NotNewsboatCache as error:
                warn(f"{name} is {error}: stopped there (what was read before is imported)")
                return 2
        if files.caches:
            store.index_pending()  # every imported article searchable now
        for name, state in files.states:
            _apply_state(store, name, state, say)
            apply_triage(store, name, state, say)
    if added:
        say("Run `tuinews refresh` (or press R in the app) to fetch them.")
    return 0


def _import_list(
    store: Store, name: str, result: ImportResult, listed: set[str], say: Say, warn: Say
) -> int:
    added = existing = updated = hidden = 0
    for sub in result.subscriptions:
        _, outcome = store.merge_feed(sub.url, sub.title, sub.tags, hidden=sub.hidden)
        listed.add(sub.url)
        hidden += sub.hidden
        if outcome == "added":
            added += 1
        else:
            existing += 1
            updated += outcome == "updated"
    kind = "OPML" if result.format == "opml" else "newsboat urls"
    line = f"Imported {plural(added, 'feed')} from {name} ({kind})"
    if existing:
        line += f"; {existing:,} already subscribed"
        if updated:
            line += f" ({updated:,} given the tags, title or hidden mark they lacked)"
    say(line + ".")
    if result.problem:
        warn(result.problem)
    for what, why in result.rejected:
        say(f"  skipped {what}: {why}")
    if hidden:
        why = "marked hidden" if result.format == "opml" else 'newsboat\'s "!"'
        say(
            f"  {plural(hidden, 'feed')} hidden ({why}): fetched, but not in All"
            " or Unread; `tuinews feeds` marks hidden feeds."
        )
    return added


def _kept(
    items: list[CachedItem], taken: list[int], keep: int, cutoff: int
) -> Iterator[CachedItem]:
    """The items retention would keep (newest first: the first ``keep``, none older than
    ``cutoff``, flagged ones always); ``taken[0]`` counts those kept so far."""
    for item in items:
        if not item.flags and ((keep and taken[0] >= keep) or (cutoff and 0 < item.date < cutoff)):
            continue
        taken[0] += 1
        yield item


def _import_cache(
    store: Store,
    settings: Settings,
    name: str,
    cache: NewsboatCache,
    listed: set[str] | None,
    say: Say,
) -> int:
    """Feeds (all, or with a subscription list given, those it lists or already
    subscribed), then their articles, a batch at a time (one transaction each)."""
    # (newsboat_cache brings the feed parsers, ~35 ms: only for newsboat's cache.db)
    from tuinews.newsboat_cache import to_articles

    subscribed = {feed.url for feed in store.feeds()}
    keep = settings.keep_articles
    cutoff = int(time.time()) - settings.keep_days * 86400 if settings.keep_days else 0
    total = ImportCounts()
    feeds = added = left_out = 0
    skipped: list[tuple[str, str]] = []
    for cached in cache.feeds():
        url = normalise_feed_url(cached.url)
        count = plural(cached.articles, "article")
        if url is None:
            skipped.append((f"{clean_line(cached.url, 200)} ({count})", rejection(cached.url)))
            continue
        if listed is not None and url not in listed and url not in subscribed:
            skipped.append((f"{clean_line(url, 200)} ({count})", "not in the urls file given"))
            continue
        feed_id, outcome = store.merge_feed(url, feed_title=cached.title, site_url=_site(cached))
        feeds += 1
        added += outcome == "added"
        taken = [0]
        for batch in cache.items(cached.url):
            kept = list(_kept(batch, taken, keep, cutoff))
            left_out += len(batch) - len(kept)
            if kept:
                articles, guesses = to_articles(cached, kept)
                counts = store.import_articles(
                    feed_id, articles, guesses=guesses, keep=keep, keep_days=settings.keep_days
                )
                total.add(counts)
    line = (
        f"Imported {plural(total.new, 'article')} ({total.new_read:,} read,"
        f" {total.new_starred:,} starred) of {plural(feeds, 'feed')} from {name}"
        " (newsboat cache)"
    )
    if added:
        line += f"; {plural(added, 'feed')} newly subscribed"
    say(line + ".")
    if total.existing:
        say(
            f"  {plural(total.existing, 'article')} already stored:"
            f" {total.marked_read:,} marked read, {total.marked_starred:,} starred now."
        )
    if left_out:
        say(
            f"  {plural(left_out, 'older article')} left out (keep_articles = {keep:,}"
            f"{f', keep_days = {settings.keep_days:,}' if settings.keep_days else ''};"
            " flagged ones are always kept)."
        )
    for what, why in skipped:
        say(f"  skipped {what}: {why}")
    return added


def _site(cached: CachedFeed) -> str:
    return safe_link(cached.site_url) or ""


def _apply_state(store: Store, name: str, state: StateFile, say: Say) -> None:
    counts = store.apply_state(state.feeds, state.hints)
    line = (
        f"Applied the read state in {name}: {counts.marked_read:,} marked read,"
        f" {counts.marked_starred:,} starred ({plural(counts.matched, 'article')} found)"
    )
    if counts.unknown:
        line += (
            f"; {counts.unknown:,} not in this store (feed not subscribed here,"
            " or article not fetched yet or gone)"
        )
    say(line + ".")
    if state.skipped:
        entries = f"{state.skipped:,} {'entry' if state.skipped == 1 else 'entries'}"
        say(f"  {entries} skipped: not as the state format says.")
