"""The ``tuinews`` command: the reader, and headless commands for scripts and cron.

    tuinews [PATH...]                 open files and folders (or everything stored)
    tuinews refresh [--json]          fetch all feeds
    tuinews search QUERY [--json]     search the store
    tuinews add URL [--title T] [--tag TAG]...
    tuinews remove URL|ID
    tuinews feeds [--json]
    tuinews import FILE...            OPML, newsboat urls and cache.db, a read-state file
    tuinews export [--state]          OPML 2.0 (or the read state, JSON) on stdout
    tuinews extract FILE|URL          the article in a page, as Markdown (reader mode)

Exit status: 0 ok, 1 some feeds failed (refresh), 2 usage or store error, 141 the output
was closed before it was all written (``tuinews feeds | head -1``; refresh still finishes).
Every ``--json`` prints one JSON document.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import tuinews

if TYPE_CHECKING:
    from tuinews.settings import Settings
    from tuinews.store import Store

COMMANDS = ("refresh", "search", "add", "remove", "feeds", "import", "export", "extract")
WRITERS = ("refresh", "add", "remove", "import")  # these need a writable database


class _Version(argparse.Action):
    """--version, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"tuinews {tuinews.__version__}")
        parser.exit()


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: $TUINEWS_CONFIG or the user config directory)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="database file (default: $TUINEWS_DB, the 'db' setting, or the user data directory)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinews",
        description=(
            "A terminal news reader. Opens local articles (plain text, Markdown, HTML) and "
            "feed files (RSS, Atom, JSON Feed); folders are read recursively. With no PATH "
            "it opens everything in the store (the welcome library on the first run)."
        ),
        epilog=(
            "commands: " + ", ".join(COMMANDS) + " (tuinews COMMAND --help). "
            "Press ? in the app for the keys."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to open")
    _common(parser)
    parser.add_argument("--version", action=_Version)
    return parser


def build_command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tuinews")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    refresh = commands.add_parser("refresh", help="fetch all feeds and print a summary")
    refresh.add_argument("--json", action="store_true", help="print one JSON object")
    _common(refresh)

    search = commands.add_parser("search", help="search the stored articles")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    _common(search)

    add = commands.add_parser("add", help="subscribe to a feed (or a page that links one)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--title", default="", help="a title of your own")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument(
        "--full-text",
        action="store_true",
        help="for feeds that only carry summaries: fetch each new article from its link",
    )
    _common(add)

    remove = commands.add_parser("remove", help="unsubscribe (its articles go too)")
    remove.add_argument("feed", metavar="URL|ID")
    _common(remove)

    feeds = commands.add_parser("feeds", help="list feeds: unread, last fetch, last error")
    feeds.add_argument("--json", action="store_true", help="print one JSON object")
    _common(feeds)

    imports = commands.add_parser(
        "import",
        help="import subscriptions (OPML, newsboat urls), newsboat's cache.db, or read state",
        description=(
            "Each FILE is recognised by its content: an OPML file, a newsboat urls file, "
            "newsboat's cache.db (feeds, articles, read state, flagged articles as starred) "
            "or a read-state file from `tuinews export --state`. Switching from newsboat: "
            "tuinews import ~/.newsboat/urls ~/.newsboat/cache.db. Importing only adds, so "
            "the same files imported again change nothing."
        ),
    )
    imports.add_argument("files", type=Path, nargs="+", metavar="FILE")
    _common(imports)

    export = commands.add_parser("export", help="write OPML 2.0 (or --state) to stdout")
    export.add_argument(
        "--state",
        action="store_true",
        help="write the read and starred articles instead (JSON; `tuinews import` applies it)",
    )
    _common(export)

    extract = commands.add_parser(
        "extract", help="print the article in a page or text file as Markdown (reader mode)"
    )
    extract.add_argument("source", metavar="FILE|URL")
    _common(extract)
    return parser


def plain_paths(argv: Sequence[str]) -> argparse.Namespace | None:
    """``tuinews`` or ``tuinews PATH...``, the usual start: what ``build_parser`` would
    give, without building it (~3 ms before the first frame). None when there are options."""
    if any(arg.startswith("-") for arg in argv):
        return None
    return argparse.Namespace(paths=list(argv), config=None, db=None, version=None)


def _open_store(args: argparse.Namespace, settings: Settings, writing: bool) -> Store:
    from tuinews.settings import ensure_dirs
    from tuinews.store import CorruptStore, Store, StoreError
    from tuinews.store.schema import upgrade_note

    path = args.db.expanduser() if args.db else settings.db_path()
    ensure_dirs(path)
    if writing and path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"{path} is read-only: tuinews feeds, search and export can read it")
    note = upgrade_note(path)
    if note:
        print(f"tuinews: {note}...", file=sys.stderr, flush=True)
    try:
        return Store(path)
    except CorruptStore as corrupt:
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise StoreError(
                f"{corrupt}. Move it aside (mv {path} {aside}) to start a new one."
            ) from None
        print(f"tuinews: {corrupt}.", file=sys.stderr)
        answer = input(f"Move it aside to {aside.name} and start a new database? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise StoreError("nothing was changed") from None
        _move_aside(path, aside)
        print(f"tuinews: moved to {aside}; starting a new database.", file=sys.stderr)
        return Store(path)


def _move_aside(path: Path, aside: Path) -> None:
    """Rename the damaged file (and its WAL) under the lock file: not while another tuinews
    refreshes or updates it."""
    from tuinews.store import AlreadyRunning, StoreError
    from tuinews.store.lock import StoreLock

    try:
        with StoreLock(path):
            path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
    except AlreadyRunning as running:
        raise StoreError(f"nothing was changed: {running}") from None


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up makes many objects and little garbage: cyclic garbage collections while
    # starting the reader cost ~14 ms of a ~190 ms first frame, for ~2,000 objects freed.
    # Collections are back on after the first frame (IdleCollector.enable), or at once
    # for a command or an error.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _main(argv, enabled)
    finally:
        if enabled:
            gc.enable()
        else:
            gc.disable()  # as it was (the app may have turned it on)


def _main(argv: Sequence[str] | None, collect: bool) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = None if command else plain_paths(argv)
    if args is None:
        parser = build_command_parser() if command else build_parser()
        args = parser.parse_args(argv)

    from tuinews.settings import config_path, load_settings
    from tuinews.store import StoreError

    settings, problems = load_settings(args.config or config_path())
    if command and collect:
        gc.enable()  # a command may run long: only the reader's start-up goes without
    try:
        if command == "extract":
            from tuinews.commands import extract_command, printing

            return printing(lambda: extract_command(args.source))
        if command:
            from tuinews.commands import printing, run_command

            for problem in problems:
                print(f"tuinews: {problem}", file=sys.stderr)
            writing = command in WRITERS
            return printing(
                lambda: run_command(args, settings, lambda: _open_store(args, settings, writing))
            )
        return _run_app(args, settings, problems)
    except StoreError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"tuinews: {error.strerror}: {error.filename}", file=sys.stderr)
        return 2


def _run_app(args: argparse.Namespace, settings: Settings, problems: list[str]) -> int:
    from tuinews.library import EarlyStart, opener
    from tuinews.search_results import FIRST_SCREEN  # (no Textual in it)
    from tuinews.sources.paths import PathError, check_paths

    paths: list[str] = list(args.paths)
    try:
        check_paths(paths)
    except PathError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "tuinews: the reader needs a terminal; in scripts, use tuinews refresh, "
            "search, feeds or export (tuinews --help)",
            file=sys.stderr,
        )
        return 2
    path = args.db.expanduser() if args.db else settings.db_path()
    read_only = path.exists() and not os.access(path, os.W_OK)
    if read_only:
        problems.append(f"{path} is read-only: you can read, but nothing you change is saved")
    store = _open_store(args, settings, writing=not read_only)
    # What to show is read (and files' parsing workers boot) while Textual is imported.
    early = EarlyStart(store, opener(store, paths), FIRST_SCREEN)

    from tuinews.ui.app import TuinewsApp

    app = TuinewsApp(store=store, early=early, settings=settings, problems=problems)
    try:
        app.run()
    finally:
        early.stop(wait=10)  # quit while still loading: let it stop before closing
        store.close()
    return app.return_code or 0
