"""The headless commands: ``refresh``, ``search``, ``add``, ``remove``, ``feeds``,
``import``, ``export``, ``query`` and ``rule`` (in :mod:`tuinews.triage`), and ``feed``
(in :mod:`tuinews.feed_command`). Each returns the exit status."""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.download_commands import downloads_command
from tuinews.feed_settings import own_values
from tuinews.links import shown_url
from tuinews.network import new_fetcher
from tuinews.output import (
    WorkOutput,
    iso_time,
    notify_new,
    say,
    say_json,
    warn,
    write_out,
)
from tuinews.query import parse_query
from tuinews.read_state import Triage, dump_state
from tuinews.sanitise import clean_text
from tuinews.settings import Settings
from tuinews.store import AlreadyRunning, Feed, Store, StoreError, View
from tuinews.store.lock import Holder, one_refresh
from tuinews.wording import ago

if TYPE_CHECKING:
    from tuinews.ingest import FeedResult


def run_command(
    args: argparse.Namespace,
    settings: Settings,
    open_store: Callable[[], Store],
    handler: Callable[[argparse.Namespace, Settings, Store], int] | None = None,
) -> int:
    """Run the command's handler (``handler``, else its own here) on the store."""
    handler = handler or HANDLERS[args.command]
    store = open_store()
    try:
        return handler(args, settings, store)
    finally:
        store.close()


def feeds_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    feeds = [feed for feed in store.feeds(kind=None) if feed.kind != "local"]
    accounts = {account.id: account for account in store.accounts()} if feeds else {}
    # An account's feed is fetched by its server and comes with the account's sync: its
    # last fetch and status here are the account's (it is never fetched by tuinews).
    feeds = [
        replace(
            feed,
            last_fetch=accounts[feed.account_id].last_success,
            status=accounts[feed.account_id].status,
        )
        if feed.account_id in accounts
        else feed
        for feed in feeds
    ]
    if args.json:
        say_json({"feeds": [_feed_json(feed) for feed in feeds]})
        return 0
    if not feeds:
        say("No feeds yet: add one with `tuinews add URL` or `tuinews import FILE`.")
        return 0
    for feed in feeds:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        tags += " (full text)" if feed.full_text else ""
        tags += " (hidden: not in All or Unread)" if feed.hidden else ""
        if feed.account_id in accounts:
            tags += f" (account {accounts[feed.account_id].name})"
        say(
            f"{feed.id:>4}  {feed.unread:>5}/{feed.total:<5}  {ago(feed.last_fetch):>9}  "
            f"{feed.name}{tags}"
        )
        say(f"      {shown_url(feed.url)}")
        if feed.last_error:
            say(f"      {feed.status}: {feed.last_error}")
    return 0


def _feed_json(feed: Feed) -> dict[str, object]:
    """A feed in ``feeds --json``: ``id``, ``title`` (the user's name for it, else its
    own), ``url`` (a password in it masked, as everywhere it is shown), as in every
    ``--json``; then its own fields."""
    return {
        "id": feed.id,
        "title": feed.name,
        "url": shown_url(feed.url),
        "tags": list(feed.tags),
        "unread": feed.unread,
        "total": feed.total,
        "status": feed.status,
        "last_fetch": iso_time(feed.last_fetch),
        "last_error": feed.last_error,
        "full_text": feed.full_text,
        "hidden": feed.hidden,
        "account": feed.account_id,
    }


def search_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    # (startup brings concurrent.futures and logging, ~7 ms: only search needs them)
    from tuinews.startup import index_leftovers

    query = parse_query(" ".join(args.query) + " ")  # (a trailing blank: not being typed)
    index_leftovers(store)
    for hint in query.hints:
        warn(hint)
    if query.empty:
        warn("nothing to search for")
        return 2
    headlines = store.headlines(View(), query, ranked=True, limit=max(1, args.limit))
    if args.json:
        found = []
        for headline in headlines:
            article = store.get_article(headline.id)
            found.append(
                {
                    "id": headline.id,
                    "title": headline.title,
                    "source": headline.source,
                    "date": iso_time(headline.published),
                    "link": article.link if article else "",
                    "read": headline.read,
                    "starred": headline.starred,
                }
            )
        say_json({"query": " ".join(args.query), "articles": found})
        return 0
    for headline in headlines:  # N: unread, !: starred (newsboat's marks)
        mark = ("N" if not headline.read else " ") + ("!" if headline.starred else " ")
        say(f"{mark} {headline.date_text:10}  {headline.source[:20]:20}  {headline.title}")
    if not headlines:
        say("No matches.")
    return 0


def remove_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    feed = store.find_feed(args.feed)
    if feed is not None and feed.account_id is not None:
        account = store.get_account(feed.account_id)
        where = account.api_url if account else "API_URL"
        warn(
            f"{feed.name} is a feed of the account {account.name if account else '?'}: "
            f"tuinews remove {feed.id} --account {shown_url(where)} unsubscribes on its server"
        )
        return 2
    if feed is None or feed.kind != "feed":
        warn(f"no such feed: {args.feed} (see `tuinews feeds`)")
        return 2
    store.remove_feed(feed.id)
    say(f"Removed {feed.name} ({feed.total} article{'s' * (feed.total != 1)}).")
    return 0


def export_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """OPML, or with ``--state`` the read state. Both are for moving subscriptions and
    marks to another machine, so they hold feed URLs as subscribed, with any password in
    them (masked, an import elsewhere would store the mask); stderr says so when one does."""
    if args.state:
        rows = store.article_states()
        feeds = store.feeds()
        triage = Triage(
            {feed.url: own for feed in feeds if (own := own_values(feed))},
            [(search.name, search.query) for search in store.saved_searches()],
            [(rule.action, rule.match) for rule in store.stored_rules()],
        )
        write_out(dump_state(rows, hints=store.state_hints(), triage=triage))
        _warn_passwords({url for url, _, _, _ in rows} | set(triage.settings))
        return 0

    # (the subscription formats and their XML parser, ~30 ms: only for OPML)
    from tuinews.subscriptions import Subscription, export_opml

    feeds = store.feeds()
    subscriptions = [
        Subscription(feed.url, feed.user_title or feed.title, feed.tags, feed.hidden)
        for feed in feeds
    ]
    write_out(export_opml(subscriptions))
    _warn_passwords({feed.url for feed in feeds})
    return 0


def _warn_passwords(urls: set[str]) -> None:
    with_password = sum(shown_url(url) != url for url in urls)
    if with_password:
        feeds = f"{with_password} feed{'s' * (with_password != 1)}"
        warn(
            f"the export holds the password in the URL of {feeds}, as subscribed (for"
            " importing elsewhere): keep the file private"
        )


def import_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    # (the importers of every file kind, ~60 modules: only for import)
    from tuinews.importer import run_import

    return run_import(store, settings, args.files, say, warn)


def add_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    # (asyncio, httpx, the parsers and the worker pool: only when a feed is added)
    import asyncio

    from tuinews.add_feed import subscribe
    from tuinews.ingest import Refresher

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
    # (ingest: asyncio, httpx, the parsers and the worker pool, ~85 ms)
    from tuinews.ingest import due_feeds, own_interval_up

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
            # A feed with an interval of its own waits for it, unless --all.
            due = [feed for feed in feeds if args.all or own_interval_up(feed)]
            return _refresh(args, settings, store, due, len(feeds) - len(due))
    except AlreadyRunning as running:  # an earlier tuinews, with the lock for its whole run
        raise StoreError(f"cannot refresh {store.path}: {running}") from None


def _refresh(
    args: argparse.Namespace, settings: Settings, store: Store, feeds: list[Feed], not_due: int
) -> int:
    from tuinews.ingest import run_refresh  # (asyncio, httpx, parsers: ~85 ms)

    started = time.monotonic()
    output = WorkOutput()

    def progress(result: FeedResult, done: int, total: int) -> None:
        if args.json:
            return
        if result.failed or result.status == "postponed":
            output.say(f"[{done}/{total}] {result.name}: {result.status}: {result.error}")
        elif result.new or result.updated:
            output.say(
                f"[{done}/{total}] {result.name}: {result.new} new, {result.updated} updated"
            )

    results = run_refresh(store, settings, feeds, progress)
    failed = [r for r in results if r.failed]
    new = sum(r.new for r in results)
    hidden = sum(r.hidden for r in results)
    seconds = round(time.monotonic() - started, 2)
    if args.json:
        summary = json.dumps(
            {
                "feeds": [_result_json(r) for r in results],
                "total": len(results),
                "new": new,
                "hidden": hidden,
                "failed": len(failed),
                "not_due": not_due,
                "seconds": seconds,
                "finished": iso_time(time.time()),
            },
            ensure_ascii=False,
        )
    else:
        summary = (
            f"Refreshed {len(results)} feed{'s' * (len(results) != 1)} in {seconds} s: "
            f"{new} new article{'s' * (new != 1)}"
            + (f" ({hidden} hidden by rules)" if hidden else "")
            + f", {len(failed)} failed"
            + (
                f"; {not_due} not due yet (an interval of their own: --all fetches them)."
                if not_due
                else "."
            )
        )
    output.say(summary, flush=True)  # the reader gone: the refresh is done all the same
    notify_new(settings, new - hidden)  # (what a rule hid is not news to announce)
    if output.failed:
        return 2
    return 1 if failed else 0


def _result_json(result: FeedResult) -> dict[str, object]:
    """A feed's refresh in ``refresh --json``: ``id``, ``title``, ``url`` (masked) as in
    every ``--json``, then what this refresh did."""
    return {
        "id": result.feed_id,
        "title": result.name,
        "url": shown_url(result.url),
        "status": result.status,
        "new": result.new,
        "updated": result.updated,
        "hidden": result.hidden,
        "full_texts": result.full_texts,
        "error": result.error,
        "seconds": result.seconds,
    }


def extract_command(source: str, settings: Settings) -> int:
    """Print the article in a file or at a URL: ``# Title``, then the body in Markdown; a
    feed's items, each so. A binary or empty file, or JSON that is no feed, is skipped
    with the app's reason (status 2)."""
    # (asyncio and the parsers: only for extract)
    import asyncio

    from tuinews.formats import FormatError

    if source.lower().startswith(("http://", "https://")):
        from tuinews.fetch import FetchRequest, FetchResult  # (httpx: only for a URL)

        async def fetch() -> FetchResult:
            async with new_fetcher(settings) as fetcher:
                return await fetcher.fetch(FetchRequest(source))

        fetched = asyncio.run(fetch())
        if not fetched.ok or fetched.body is None:
            warn(f"{source}: {fetched.error or 'no content'}")
            return 2
        data, name, url, shown = fetched.body, source, fetched.final_url, source
    else:
        # (the parsers and multiprocessing: only for a file)
        from tuinews.sources.local import SkipFile, read_file, shown_path

        shown = shown_path(source)
        if not os.path.exists(source):
            warn(f"cannot open {shown}: no such file or directory")
            return 2
        try:
            data = read_file(source).data
        except SkipFile as skip:
            warn(f"cannot open {shown}: {skip}")
            return 2
        name, url = os.path.basename(source), ""
    try:
        output = _extracted(data, name, url)
    except FormatError as error:
        warn(f"skipped {shown}: {error}")
        return 2
    write_out(output)
    return 0


def _extracted(data: bytes, name: str, url: str) -> str:
    """What ``extract`` prints for a document, through the sanitiser as a whole (the
    Markdown conversion can bring back what the parsers removed: ``&#8203;``). Raises
    FormatError for what is skipped, with the app's reason ("binary file", "empty file",
    "JSON, but not a JSON Feed (no items list)")."""
    # (reader mode and the parsers, ~45 ms without lxml: only for extract)
    from tuinews.extract import extract_document, feed_markdown, render_markdown
    from tuinews.formats import FormatError
    from tuinews.formats.encoding import decode, looks_binary

    if looks_binary(data):
        raise FormatError("binary file")
    if not clean_text(decode(data).lstrip("\ufeff")).strip():
        raise FormatError("empty file")
    output = feed_markdown(data, name, url)
    if output is None:
        output = render_markdown(extract_document(data, name=name, url=url))
    return clean_text(output)


def triage_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    # (triage runs rules on articles: the ingest stack, ~85 ms)
    from tuinews.triage import Output, query_command, rule_command

    handler = query_command if args.command == "query" else rule_command
    return handler(args, settings, store, Output(say, warn, say_json))


def feed_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    # (an account's feed is edited on its server: httpx and the sync, ~150 ms)
    from tuinews.account_commands import edit_on_server
    from tuinews.feed_command import feed_command
    from tuinews.triage import Output

    output = Output(say, warn, say_json)
    return feed_command(args, settings, store, output, edit_on_server(settings, store))


def save_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """``tuinews save QUERY...``: every article the search finds saved as Markdown (as
    ``w`` in the reader), one path printed a line."""
    from tuinews.handoffs.saving import save_article  # (only for this command)

    query = parse_query(" ".join(args.query) + " ")  # (a trailing blank: not being typed)
    for hint in query.hints:
        warn(hint)
    if query.empty:
        warn("nothing to search for")
        return 2
    folder = Path(args.dir).expanduser() if args.dir else settings.save_path()
    headlines = store.headlines(View(), query, ranked=True, limit=max(1, args.limit))
    for headline in headlines:
        article = store.get_article(headline.id)
        if article is not None:
            say(str(save_article(folder, article)))
    if not headlines:
        say("No matches.")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Store], int]] = {
    "feeds": feeds_command,
    "save": save_command,
    "search": search_command,
    "remove": remove_command,
    "export": export_command,
    "import": import_command,
    "add": add_command,
    "refresh": refresh_command,
    "query": triage_command,
    "rule": triage_command,
    "feed": feed_command,
    "downloads": downloads_command,
}
