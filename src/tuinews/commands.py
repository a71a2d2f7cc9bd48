"""The headless commands: ``refresh``, ``search``, ``add``, ``remove``, ``feeds``,
``import`` and ``export``. Each returns the exit status."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tuinews.links import shown_url
from tuinews.settings import Settings
from tuinews.store import Feed, FeedExists, Store, View


def say(*parts: object) -> None:
    print(*parts)


def warn(message: str) -> None:
    print(f"tuinews: {message}", file=sys.stderr)


def run_command(
    args: argparse.Namespace, settings: Settings, open_store: Callable[[], Store]
) -> int:
    handler = HANDLERS[args.command]
    store = open_store()
    try:
        return handler(args, settings, store)
    finally:
        store.close()


def _ago(timestamp: int | None) -> str:
    if not timestamp:
        return "never"
    seconds = max(0, int(time.time()) - timestamp)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def feeds_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    feeds = store.feeds()
    if args.json:
        for feed in feeds:
            say(json.dumps(_feed_json(feed), ensure_ascii=False))
        return 0
    if not feeds:
        say("No feeds yet: add one with `tuinews add URL` or `tuinews import FILE`.")
        return 0
    for feed in feeds:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        tags += " (full text)" if feed.full_text else ""
        say(
            f"{feed.id:>4}  {feed.unread:>5}/{feed.total:<5}  {_ago(feed.last_fetch):>9}  "
            f"{feed.name}{tags}"
        )
        say(f"      {shown_url(feed.url)}")
        if feed.last_error:
            say(f"      {feed.status}: {feed.last_error}")
    return 0


def _feed_json(feed: Feed) -> dict[str, object]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.name,
        "tags": list(feed.tags),
        "unread": feed.unread,
        "total": feed.total,
        "status": feed.status,
        "last_fetch": feed.last_fetch,
        "last_error": feed.last_error,
        "full_text": feed.full_text,
    }


def search_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.library import index_leftovers
    from tuinews.search import compile_query

    query = compile_query(" ".join(args.query))
    index_leftovers(store)
    for hint in query.hints:
        warn(hint)
    if query.empty:
        warn("nothing to search for")
        return 2
    headlines = store.headlines(
        View(),
        match=query.match,
        where=query.where,
        params=query.params,
        ranked=query.match is not None,
        limit=max(1, args.limit),
    )
    for headline in headlines:
        if args.json:
            article = store.get_article(headline.id)
            say(
                json.dumps(
                    {
                        "id": headline.id,
                        "title": headline.title,
                        "source": headline.source,
                        "date": headline.date_text,
                        "link": article.link if article else "",
                        "read": headline.read,
                        "starred": headline.starred,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            mark = " " if headline.read else "*"
            say(f"{mark} {headline.date_text:10}  {headline.source[:20]:20}  {headline.title}")
    if not headlines and not args.json:
        say("No matches.")
    return 0


def remove_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    feed = store.find_feed(args.feed)
    if feed is None or feed.kind != "feed":
        warn(f"no such feed: {args.feed} (see `tuinews feeds`)")
        return 2
    store.remove_feed(feed.id)
    say(f"Removed {feed.name} ({feed.total} articles).")
    return 0


def export_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.subscriptions import Subscription, export_opml

    subscriptions = [
        Subscription(feed.url, feed.name if feed.name != feed.url else "", feed.tags)
        for feed in store.feeds()
    ]
    sys.stdout.write(export_opml(subscriptions))
    return 0


def import_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.subscriptions import SubscriptionFileError, read_subscriptions

    try:
        data = args.file.read_bytes()
    except OSError as error:
        warn(f"cannot read {args.file}: {error.strerror}")
        return 2
    try:
        found = read_subscriptions(data, args.file.name)
    except SubscriptionFileError as error:
        warn(f"{args.file}: {error}")
        return 2
    added = existing = 0
    for subscription in found.subscriptions:
        try:
            store.add_feed(subscription.url, subscription.title, subscription.tags)
            added += 1
        except FeedExists:
            existing += 1
    say(
        f"Imported {added} feed{'s' * (added != 1)} from {found.format}"
        + (f"; {existing} already subscribed" if existing else "")
        + "."
    )
    for what, why in found.rejected:
        say(f"  skipped {what}: {why}")
    if added:
        say("Run `tuinews refresh` (or press R in the app) to fetch them.")
    return 0


def add_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    import asyncio

    from tuinews.ingest import Refresher
    from tuinews.subscribe import subscribe

    async def go() -> int:
        refresher = Refresher(store, settings)
        try:
            outcome = await subscribe(refresher, args.url, args.title, args.tag, args.full_text)
        finally:
            await refresher.close()
        if outcome.error:
            warn(outcome.error)
            return 2
        say(outcome.message)
        return 0

    return asyncio.run(go())


def refresh_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """Fetch every feed. One refresh of a database runs at a time: started while another
    runs (an earlier cron run, the app's), it waits for that one to end, then fetches
    the feeds it did not."""
    from tuinews.ingest import due_feeds
    from tuinews.store import AlreadyRunning, StoreError
    from tuinews.store.lock import Holder, one_refresh

    def waiting(holder: Holder) -> None:
        warn(
            f"another refresh of {store.path} is running ({holder}): waiting for it, "
            "then fetching only the feeds it did not"
        )

    try:
        with one_refresh(store.path, waiting) as fresh_since:
            feeds = due_feeds(store, force=True)
            if fresh_since is not None:
                feeds = [feed for feed in feeds if (feed.last_fetch or 0) < fresh_since]
            return _refresh(args, settings, store, feeds)
    except AlreadyRunning as running:  # an earlier tuinews, with the lock for its whole run
        raise StoreError(f"cannot refresh {store.path}: {running}") from None


def _refresh(args: argparse.Namespace, settings: Settings, store: Store, feeds: list[Feed]) -> int:
    from tuinews.ingest import FeedResult, run_refresh

    started = time.monotonic()

    def progress(result: FeedResult, done: int, total: int) -> None:
        if args.json:
            return
        if result.failed or result.status == "postponed":
            say(f"[{done}/{total}] {result.name}: {result.status}: {result.error}")
        elif result.new or result.updated:
            say(f"[{done}/{total}] {result.name}: {result.new} new, {result.updated} updated")

    results = run_refresh(store, settings, feeds, progress)
    failed = [r for r in results if r.failed]
    new = sum(r.new for r in results)
    seconds = round(time.monotonic() - started, 2)
    if args.json:
        say(
            json.dumps(
                {
                    "feeds": [r.as_dict() for r in results],
                    "total": len(results),
                    "new": new,
                    "failed": len(failed),
                    "seconds": seconds,
                    "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
            )
        )
    else:
        say(
            f"Refreshed {len(results)} feed{'s' * (len(results) != 1)} in {seconds} s: "
            f"{new} new article{'s' * (new != 1)}, {len(failed)} failed."
        )
    return 1 if failed else 0


def extract_command(source: str) -> int:
    """Print the article in a file or at a URL: ``# Title``, then the body in Markdown."""
    import asyncio
    import os

    from tuinews.extract import extract_document, render_markdown

    if source.lower().startswith(("http://", "https://")):
        from tuinews.fetch import Fetcher, FetchRequest, FetchResult

        async def fetch() -> FetchResult:
            async with Fetcher() as fetcher:
                return await fetcher.fetch(FetchRequest(source))

        fetched = asyncio.run(fetch())
        if not fetched.ok or fetched.body is None:
            warn(f"{source}: {fetched.error or 'no content'}")
            return 2
        extracted = extract_document(fetched.body, name=source, url=fetched.final_url)
    else:
        from tuinews.sources.local import SkipFile, read_file, shown_path

        if not os.path.exists(source):
            warn(f"cannot open {shown_path(source)}: no such file or directory")
            return 2
        try:
            data = read_file(source).data
        except SkipFile as skip:
            warn(f"cannot open {shown_path(source)}: {skip}")
            return 2
        extracted = extract_document(data, name=os.path.basename(source))
    sys.stdout.write(render_markdown(extracted))
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Store], int]] = {
    "feeds": feeds_command,
    "search": search_command,
    "remove": remove_command,
    "export": export_command,
    "import": import_command,
    "add": add_command,
    "refresh": refresh_command,
}
