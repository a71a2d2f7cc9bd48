"""The ``tuinews`` command: the reader, and headless commands for scripts and cron.

    tuinews [PATH...]                 open files and folders (or everything stored)
    tuinews refresh [--json]          fetch all feeds
    tuinews search QUERY [--json]     search the store
    tuinews save QUERY [--dir DIR]    save the articles found as Markdown files
    tuinews add URL [--title T] [--tag TAG]...
    tuinews remove URL|ID
    tuinews feeds [--json]
    tuinews import FILE...            OPML, newsboat urls and cache.db, a read-state file
    tuinews export [--state]          OPML 2.0 (or the read state, JSON) on stdout
    tuinews extract FILE|URL          the article in a page, as Markdown (reader mode)
    tuinews account add URL --user NAME [--password-command CMD]
    tuinews account list [--json] | account remove URL [--keep-articles|--drop-articles]
    tuinews sync [--json]             sync the accounts on feed servers (Google Reader API)
    tuinews mark read|unread|star|unstar QUERY...
    tuinews query add|list|remove     saved searches (listed above the feeds)
    tuinews rule add|list|remove|apply  rules run on every new article
    tuinews feed set URL|ID KEY=VALUE... | feed show URL|ID [--json]  a feed's own settings

The common options (--db FILE, --config FILE) go before the command or after it. Exit
status: 0 ok, 1 some feeds or accounts failed (refresh, sync), 2 usage, store or output
error, 141 the output was closed before it was all written (``tuinews feeds | head -1``;
refresh still finishes).
Every ``--json`` prints one JSON document.

This module is imported by every run, ``tuinews --version`` and ``--help`` included, so it
imports at its top only what they need: the settings (platformdirs), the store (sqlite3),
the commands and the reader (Textual) are imported in the functions that use them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.arguments import (
    ACCOUNT_COMMANDS,
    COMMANDS,
    CREATORS,
    READERS,
    WRITERS,
    build_command_parser,
    build_parser,
    command_first,
)

if TYPE_CHECKING:
    from tuinews.settings import Settings
    from tuinews.store import Store


def not_a_command(path: str) -> str | None:
    """The message for a first PATH that is neither a file nor a command (``tuinews
    frobnicate``, ``tuinews refesh``): a bare word that names nothing. None otherwise."""
    if not path[:1].isalpha() or not all(c.isalnum() or c in "-_" for c in path):
        return None  # a path (``notes.txt``, ``./feeds``) says "no such file" as it is
    if os.path.lexists(path):
        return None
    # (only for a first word that names nothing: not for --version or the reader)
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
    # (only when there is no database file; the store is not for --version, see the top)
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
    # (the store and sqlite3, ~75 ms: not for --version or --help, see the top)
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
    # (the store: not for --version or --help, see the top)
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

    # (after the arguments: --version and --help go without platformdirs and sqlite3)
    from tuinews.settings import config_path, load_settings
    from tuinews.store import StoreError

    settings, problems = load_settings(args.config or config_path())
    if command and collect:
        gc.enable()  # a command may run long: only the reader's start-up goes without
    try:
        for problem in problems if command else ():
            if not getattr(problem, "app_only", False):  # (keys, highlights...: the app's)
                print(f"tuinews: {problem}", file=sys.stderr)
        if command == "extract":
            # (the commands, ~95 ms: not for the reader)
            from tuinews.commands import extract_command
            from tuinews.output import printing

            return printing(lambda: extract_command(args.source, settings))
        if command:
            # (the commands, ~95 ms: not for the reader)
            from tuinews.commands import run_command
            from tuinews.output import printing

            action = getattr(args, "action", None)
            writing = command in WRITERS and action not in READERS
            create = command in CREATORS or action == "add"
            return printing(
                lambda: run_command(
                    args,
                    settings,
                    lambda: _open_store(args, settings, writing=writing, create=create),
                    _account_handler(command, args),
                )
            )
        return _run_app(args, settings, problems)
    except StoreError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"tuinews: {os_error_text(error)}", file=sys.stderr)
        return 2


def _account_handler(
    command: str, args: argparse.Namespace
) -> Callable[[argparse.Namespace, Settings, Store], int] | None:
    """The handler of a command about accounts (``tuinews.account_commands``), else None
    (``tuinews.commands``' own)."""
    if command not in ACCOUNT_COMMANDS and not (
        command in ("add", "remove", "import") and getattr(args, "account", None)
    ):
        return None
    from tuinews import account_commands  # (httpx and the sync: only for accounts)

    if command == "add":
        return account_commands.add_on_server
    if command == "remove":
        return account_commands.remove_on_server
    if command == "import":
        return account_commands.import_on_server
    handlers = {
        "account": account_commands.account_command,
        "sync": account_commands.sync_command,
        "mark": account_commands.mark_command,
    }
    return handlers[command]


def os_error_text(error: OSError) -> str:
    """An OSError in one line: its reason, and the file when it names one (never
    "None"): "No space left on device", "Permission denied: /x/y.db"."""
    reason = error.strerror or str(error) or type(error).__name__
    return f"{reason}: {error.filename}" if error.filename is not None else reason


def _run_app(args: argparse.Namespace, settings: Settings, problems: list[str]) -> int:
    # (the reader's start, not for a command; search_results has no Textual in it)
    from tuinews.search_results import FIRST_SCREEN
    from tuinews.sources.paths import PathError, check_paths
    from tuinews.startup import EarlyStart, opener

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
    early = EarlyStart(store, opener(store, paths), FIRST_SCREEN, settings.sort_headlines)

    # (Textual: imported while EarlyStart reads the store and boots files' workers)
    from tuinews.ui.app import TuinewsApp

    app = TuinewsApp(store=store, early=early, settings=settings, problems=problems)
    try:
        app.run()
    finally:
        early.stop(wait=10)  # quit while still loading: let it stop before closing
        store.close()
    return app.return_code or 0
