"""The headless commands: ``refresh``, ``search``, ``add``, ``remove``, ``feeds``,
``import``, ``export``, and ``query`` and ``rule`` (in :mod:`tuinews.triage`). Each
returns the exit status."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tuinews.links import shown_url
from tuinews.settings import Settings
from tuinews.store import Feed, Store, View

if TYPE_CHECKING:
    from tuinews.ingest import FeedResult

# What a shell shows for a program that wrote to a closed pipe and was ended by SIGPIPE
# (128 + 13), as ``grep ... | head -1`` does; ``set -o pipefail`` scripts see it too.
CLOSED_OUTPUT_STATUS = 141


class OutputError(Exception):
    """Writing the output failed for another reason than its reader going away (a full
    disk: ``tuinews feeds > /dev/full``); the message is the reason."""


def say(*parts: object) -> None:
    try:
        print(*parts)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def write_out(text: str, *, flush: bool = False) -> None:
    """Write all of ``text`` to stdout, or raise (BrokenPipeError, OutputError). A long
    text goes through here, not ``sys.stdout.write``: on unbuffered output
    (``PYTHONUNBUFFERED``, ``python -u``) that drops the rest of a write the reader took
    only part of before going away (``| head -1``), and says nothing."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text-only stream (a test's)
            stream.write(text)
        else:
            stream.flush()  # what print() left in the text layer goes first
            data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
            while data:
                written = buffer.write(data)  # all of it, unless the stream is raw
                data = data[len(data) if written is None else written :]
        if flush:
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def _flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def warn(message: str) -> None:
    print(f"tuinews: {message}", file=sys.stderr)


def say_json(value: object) -> None:
    """The one JSON document a ``--json`` command prints (on one line): every ``--json``
    prints exactly one, so ``json.loads`` or ``jq`` read the whole output."""
    write_out(json.dumps(value, ensure_ascii=False) + "\n")


def iso_time(timestamp: float | None) -> str | None:
    """A time in every ``--json``: ISO 8601 in UTC, to the second (None: never)."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def _stdout_closed() -> bool:
    """Whether stdout's reader has gone (a pipe or socket whose other end is closed)."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), 0)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no file descriptor
        return True


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null: what is still buffered or written later (and
    the interpreter's last flush) goes nowhere instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):
        pass


def printing(command: Callable[[], int]) -> int:
    """Run a command that prints. When the reader of its output goes away early
    (``tuinews feeds | head -1``), it ends there, quietly, as Unix tools do: no message,
    status CLOSED_OUTPUT_STATUS. (``refresh`` finishes its work first: see its own
    handling.) A broken pipe that is not stdout's is an error like any other. Output
    that cannot be written (a full disk) is one message, status 2."""
    try:
        status = command()
        _flush()  # inside: a reader gone before the last write is seen here
    except BrokenPipeError:
        if not _stdout_closed():
            raise
        _silence_stdout()
        return CLOSED_OUTPUT_STATUS
    except OutputError as error:
        _silence_stdout()  # the interpreter's last flush would fail again
        warn(f"cannot write the output: {error}")
        return 2
    return status


class _WorkOutput:
    """Output for a command whose work matters more than its output (refresh): once the
    reader is gone or the output fails, the rest is dropped and the work goes on; a
    failure is said once, and ``failed`` tells the command to end with status 2."""

    def __init__(self) -> None:
        self.failed = False

    def say(self, text: str, *, flush: bool = False) -> None:
        try:
            write_out(text + "\n", flush=flush)
        except BrokenPipeError:
            if not _stdout_closed():
                raise
            _silence_stdout()
        except OutputError as error:
            _silence_stdout()
            warn(f"cannot write the output: {error}")
            self.failed = True


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
        say_json({"feeds": [_feed_json(feed) for feed in feeds]})
        return 0
    if not feeds:
        say("No feeds yet: add one with `tuinews add URL` or `tuinews import FILE`.")
        return 0
    for feed in feeds:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        tags += " (full text)" if feed.full_text else ""
        tags += " (hidden: not in All or Unread)" if feed.hidden else ""
        say(
            f"{feed.id:>4}  {feed.unread:>5}/{feed.total:<5}  {_ago(feed.last_fetch):>9}  "
            f"{feed.name}{tags}"
        )
        say(f"      {shown_url(feed.url)}")
        if feed.last_error:
            say(f"      {feed.status}: {feed.last_error}")
    return 0


def _feed_json(feed: Feed) -> dict[str, object]:
    """A feed in ``feeds --json``: ``id``, ``title`` (the user's name for it, else its
    own), ``url``, as in every ``--json``; then its own fields."""
    return {
        "id": feed.id,
        "title": feed.name,
        "url": feed.url,
        "tags": list(feed.tags),
        "unread": feed.unread,
        "total": feed.total,
        "status": feed.status,
        "last_fetch": iso_time(feed.last_fetch),
        "last_error": feed.last_error,
        "full_text": feed.full_text,
        "hidden": feed.hidden,
    }


def search_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.library import index_leftovers
    from tuinews.query import parse_query

    query = parse_query(" ".join(args.query))
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
    for headline in headlines:
        mark = " " if headline.read else "*"
        say(f"{mark} {headline.date_text:10}  {headline.source[:20]:20}  {headline.title}")
    if not headlines:
        say("No matches.")
    return 0


def remove_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    feed = store.find_feed(args.feed)
    if feed is None or feed.kind != "feed":
        warn(f"no such feed: {args.feed} (see `tuinews feeds`)")
        return 2
    store.remove_feed(feed.id)
    say(f"Removed {feed.name} ({feed.total} article{'s' * (feed.total != 1)}).")
    return 0


def export_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    if args.state:
        from tuinews.read_state import dump_state

        write_out(dump_state(store.article_states()))
        return 0

    from tuinews.subscriptions import Subscription, export_opml

    subscriptions = [
        Subscription(feed.url, feed.name if feed.name != feed.url else "", feed.tags)
        for feed in store.feeds()
    ]
    write_out(export_opml(subscriptions))
    return 0


def import_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.importer import run_import

    return run_import(store, settings, args.files, say, warn)


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
    from tuinews.ingest import run_refresh

    started = time.monotonic()
    output = _WorkOutput()

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
            + f", {len(failed)} failed."
        )
    output.say(summary, flush=True)  # the reader gone: the refresh is done all the same
    if output.failed:
        return 2
    return 1 if failed else 0


def _result_json(result: FeedResult) -> dict[str, object]:
    """A feed's refresh in ``refresh --json``: ``id``, ``title``, ``url`` as in every
    ``--json``, then what this refresh did."""
    return {
        "id": result.feed_id,
        "title": result.name,
        "url": result.url,
        "status": result.status,
        "new": result.new,
        "updated": result.updated,
        "hidden": result.hidden,
        "full_texts": result.full_texts,
        "error": result.error,
        "seconds": result.seconds,
    }


def extract_command(source: str) -> int:
    """Print the article in a file or at a URL: ``# Title``, then the body in Markdown; a
    feed's items, each so. A binary or empty file, or JSON that is no feed, is skipped
    with the app's reason (status 2)."""
    import asyncio
    import os

    from tuinews.formats import FormatError

    if source.lower().startswith(("http://", "https://")):
        from tuinews.fetch import Fetcher, FetchRequest, FetchResult

        async def fetch() -> FetchResult:
            async with Fetcher() as fetcher:
                return await fetcher.fetch(FetchRequest(source))

        fetched = asyncio.run(fetch())
        if not fetched.ok or fetched.body is None:
            warn(f"{source}: {fetched.error or 'no content'}")
            return 2
        data, name, url, shown = fetched.body, source, fetched.final_url, source
    else:
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
    from tuinews.extract import extract_document, feed_markdown, render_markdown
    from tuinews.formats import FormatError
    from tuinews.formats.encoding import decode, looks_binary
    from tuinews.sanitise import clean_text

    if looks_binary(data):
        raise FormatError("binary file")
    if not clean_text(decode(data).lstrip("\ufeff")).strip():
        raise FormatError("empty file")
    output = feed_markdown(data, name, url)
    if output is None:
        output = render_markdown(extract_document(data, name=name, url=url))
    return clean_text(output)


def triage_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.triage import Output, query_command, rule_command

    handler = query_command if args.command == "query" else rule_command
    return handler(args, settings, store, Output(say, warn, say_json))


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings, Store], int]] = {
    "feeds": feeds_command,
    "search": search_command,
    "remove": remove_command,
    "export": export_command,
    "import": import_command,
    "add": add_command,
    "refresh": refresh_command,
    "query": triage_command,
    "rule": triage_command,
}
