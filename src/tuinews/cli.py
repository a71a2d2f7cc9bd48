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
    tuinews query add|list|remove     saved searches (listed above the feeds)
    tuinews rule add|list|remove|apply  rules run on every new article

The common options (--db FILE, --config FILE) go before the command or after it. Exit
status: 0 ok, 1 some feeds failed (refresh), 2 usage, store or output error, 141 the output
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

COMMANDS = (
    "refresh",
    "search",
    "add",
    "remove",
    "feeds",
    "import",
    "export",
    "extract",
    "query",
    "rule",
)
WRITERS = ("refresh", "add", "remove", "import")  # these need a writable database
CREATORS = ("refresh", "add", "import")  # these (and the app) make a database that is not there
NESTED = ("query", "rule")  # a word after the command: its action (add, list...)
COMMON_OPTIONS = ("--db", "--config")  # each takes a value; before a command or after it
_COMMON_JOINED = tuple(f"{option}=" for option in COMMON_OPTIONS)


class _Version(argparse.Action):
    """--version, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"tuinews {tuinews.__version__}")
        parser.exit()


def _positive(text: str) -> int:
    """A whole number above 0, for argparse (its message names the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


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
    search.add_argument(
        "--limit", type=_positive, default=50, help="at most this many (default 50)"
    )
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
            "newsboat's cache.db (feeds, articles, read state, flagged articles as starred), "
            "newsboat's config (its ignore-article lines become hide rules) "
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
    _triage_parsers(commands)
    return parser


def _triage_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = commands.add_parser(
        "query",
        help="saved searches: add, list, remove",
        description=(
            "Saved searches are listed above the feeds in the app, with their unread counts. "
            "QUERY is the search bar's language (tuinews search)."
        ),
    )
    queries = query.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = queries.add_parser("add", help="save a search: tuinews query add NAME QUERY...")
    add.add_argument("name", metavar="NAME")
    add.add_argument("query", nargs="+", metavar="QUERY")
    listing = queries.add_parser("list", help="the saved searches and their unread counts")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    remove = queries.add_parser("remove", help="remove a saved search")
    remove.add_argument("name", metavar="NAME")
    for leaf in (add, listing, remove):
        _common(leaf)

    rule = commands.add_parser(
        "rule",
        help="rules run on every new article: add, list, remove, apply",
        description=(
            "A rule hides, marks read, stars or tags (tag:NAME) every new article its QUERY "
            "matches (the search bar's language), as it is stored. Hidden articles are kept "
            "but shown only by the search is:hidden. Rules can also be written in the config "
            'file: [[rules]] with match = "QUERY" and action = "hide".'
        ),
    )
    rules = rule.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = rules.add_parser("add", help="add a rule: tuinews rule add hide title:sponsored")
    add.add_argument("rule_action", metavar="ACTION", help="hide, read, star or tag:NAME")
    add.add_argument("query", nargs="+", metavar="QUERY")
    listing = rules.add_parser("list", help="the rules, from the config file and added here")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    remove = rules.add_parser("remove", help="remove a rule added here, by its number")
    remove.add_argument("number", type=_positive, metavar="N")
    apply = rules.add_parser("apply", help="run the rules on the articles already stored")
    apply.add_argument("--json", action="store_true", help="print one JSON object")
    for leaf in (add, listing, remove, apply):
        _common(leaf)


def command_first(argv: list[str]) -> tuple[str | None, list[str]]:
    """The command argv names, and argv with the command first: the common options may
    come before it (``tuinews --db nb.db feeds``) as well as after it. (None, argv) when
    it names none: paths for the reader."""
    at = 0
    while at < len(argv):
        if argv[at] in COMMON_OPTIONS:
            at += 2
        elif argv[at].startswith(_COMMON_JOINED):
            at += 1
        else:
            break
    if at < len(argv) and argv[at] in COMMANDS:
        command = argv[at]
        if command in NESTED and at + 1 < len(argv) and not argv[at + 1].startswith("-"):
            # the options go to the action's parser: ``query list --db FILE``
            rest = argv[at + 2 :]
            if argv[at + 1] == "add":
                rest = _query_words_last(rest)
            return command, [command, argv[at + 1], *argv[:at], *rest]
        return command, [command, *argv[:at], *argv[at + 1 :]]
    return None, argv


def _query_words_last(words: list[str]) -> list[str]:
    """``query add NAME QUERY...`` and ``rule add ACTION QUERY...``: the common options
    (and --help) first, then the name or action, then the query after ``--``, so that an
    exclusion in it (``-sport``) is a word of the query, not an option."""
    options: list[str] = []
    others: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word in COMMON_OPTIONS and at + 1 < len(words):
            options += words[at : at + 2]
            at += 2
            continue
        if word.startswith(_COMMON_JOINED) or word in ("-h", "--help"):
            options.append(word)
        elif word != "--" or others:
            others.append(word)
        at += 1
    if len(others) < 2:
        return [*options, *others]
    return [*options, others[0], "--", *others[1:]]


def not_a_command(path: str) -> str | None:
    """The message for a first PATH that is neither a file nor a command (``tuinews
    frobnicate``, ``tuinews refesh``): a bare word that names nothing. None otherwise."""
    if not path[:1].isalpha() or not all(c.isalnum() or c in "-_" for c in path):
        return None  # a path (``notes.txt``, ``./feeds``) says "no such file" as it is
    if os.path.lexists(path):
        return None
    import difflib

    from tuinews.sources.paths import shown_path

    close = difflib.get_close_matches(path.lower(), COMMANDS, n=1)
    guess = f"did you mean {close[0]}? " if close else ""
    return (
        f"{shown_path(path)} is neither a command nor a file ({guess}commands: "
        f"{', '.join(COMMANDS)}; tuinews --help)"
    )


def plain_paths(argv: Sequence[str]) -> argparse.Namespace | None:
    """``tuinews`` or ``tuinews PATH...``, the usual start: what ``build_parser`` would
    give, without building it (~3 ms before the first frame). None when there are options."""
    if any(arg.startswith("-") for arg in argv):
        return None
    return argparse.Namespace(paths=list(argv), config=None, db=None, version=None)


def _db_path(args: argparse.Namespace, settings: Settings) -> tuple[Path, str]:
    """The database file, and who named it ("--db", "TUINEWS_DB", the setting; "" for
    the default location in the user data directory)."""
    if args.db:
        return args.db.expanduser(), "--db"
    whence = (
        "TUINEWS_DB" if os.environ.get("TUINEWS_DB") else "the 'db' setting" if settings.db else ""
    )
    return settings.db_path(), whence


def _check_db_path(path: Path, whence: str, create: bool) -> None:
    """StoreError when there is no database at ``path`` and this run must not make one:
    a command that only reads (or removes) has nothing to work on, and a path the user
    gave in a folder that does not exist is a mistake (only the default location's
    folders are made). Nothing is created here."""
    if path.exists():
        return
    from tuinews.sanitise import clean_line
    from tuinews.store import StoreError

    shown = clean_line(str(path), limit=300)
    if not create:
        if whence:
            raise StoreError(
                f"no database at {shown} (from {whence}): check the path; "
                "tuinews add, import or refresh makes a new one"
            )
        raise StoreError(
            f"no database yet at {shown}: tuinews add URL or tuinews import FILE makes it "
            "(or start tuinews)"
        )
    if whence and not path.parent.is_dir():
        raise StoreError(
            f"cannot make a database at {shown} (from {whence}): the folder "
            f"{clean_line(str(path.parent), limit=300)} does not exist"
        )


def _open_store(
    args: argparse.Namespace, settings: Settings, *, writing: bool, create: bool = True
) -> Store:
    from tuinews.settings import ensure_dirs
    from tuinews.store import CorruptStore, Store, StoreError
    from tuinews.store.schema import upgrade_note

    path, whence = _db_path(args, settings)
    _check_db_path(path, whence, create)
    if not whence:
        ensure_dirs(path)  # only the default location's folders are made
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
    command, argv = command_first(list(sys.argv[1:] if argv is None else argv))
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
            writing, create = command in WRITERS, command in CREATORS
            if command in NESTED:
                writing = args.action != "list"
                create = args.action == "add"
            return printing(
                lambda: run_command(
                    args,
                    settings,
                    lambda: _open_store(args, settings, writing=writing, create=create),
                )
            )
        return _run_app(args, settings, problems)
    except StoreError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"tuinews: {os_error_text(error)}", file=sys.stderr)
        return 2


def os_error_text(error: OSError) -> str:
    """An OSError in one line: its reason, and the file when it names one (never
    "None"): "No space left on device", "Permission denied: /x/y.db"."""
    reason = error.strerror or str(error) or type(error).__name__
    return f"{reason}: {error.filename}" if error.filename is not None else reason


def _run_app(args: argparse.Namespace, settings: Settings, problems: list[str]) -> int:
    from tuinews.library import EarlyStart, opener
    from tuinews.search_results import FIRST_SCREEN  # (no Textual in it)
    from tuinews.sources.paths import PathError, check_paths

    paths: list[str] = list(args.paths)
    typo = not_a_command(paths[0]) if paths else None
    if typo:
        print(f"tuinews: {typo}", file=sys.stderr)
        return 2
    try:
        check_paths(paths)
    except PathError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2
    path, whence = _db_path(args, settings)
    _check_db_path(path, whence, create=True)  # a mistyped --db: said before anything else
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "tuinews: the reader needs a terminal; in scripts, use tuinews refresh, "
            "search, feeds or export (tuinews --help)",
            file=sys.stderr,
        )
        return 2
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
