"""``tuinews downloads``: the enclosures' downloads listed (``--json``), one queued
(``--add ARTICLE_ID``), what is queued downloaded (``--run``, which also resumes what
a dropped connection or a closed app left) and downloads cancelled (``--cancel ID|all``,
also one that the app or another ``--run`` is downloading)."""

from __future__ import annotations

import argparse

from tuinews.downloads import (
    CANCELLED,
    DownloadRefused,
    cancel_downloads,
    queue_enclosure,
    run_downloads,
)
from tuinews.enclosures import human_size
from tuinews.output import iso_time, say, say_json, warn
from tuinews.settings import Settings
from tuinews.store import Download, Store


def _json(download: Download) -> dict[str, object]:
    return {
        "id": download.id,
        "url": download.url,
        "article_id": download.article_id,
        "title": download.title,
        "path": download.path,
        "state": download.state,
        "error": download.error or None,
        "received": download.received,
        "total": download.total,
        "added": iso_time(download.added),
        "finished": iso_time(download.finished),
    }


def describe(download: Download) -> str:
    """One line: state, progress, title, file (and why, if it failed)."""
    got = human_size(download.received)
    if download.total:
        got += f" of {human_size(download.total)}"
    line = (
        f"{download.id:>3} {download.state:<7} {got:>22}  {download.title or download.url}\n"
        f"            {download.path}"
    )
    if download.state == "failed" and download.error:
        line += f"\n            {download.error}"
    return line


def cancel_command(store: Store, which: int | str, quiet: bool) -> int:
    """``--cancel ID|all``: 2 for a download that does not exist or is done already."""
    if which != "all":
        found = [d for d in store.downloads() if d.id == which]
        if not found:
            warn(f"no download {which} (tuinews downloads lists them)")
            return 2
        if found[0].state == "done":
            warn(f"download {which} is done already: {found[0].path}")
            return 2
    cancelled = cancel_downloads(store, None if which == "all" else int(which))
    if not quiet:
        if not cancelled:
            say("Nothing to cancel.")
        for download in cancelled:
            say(f"Cancelled: {download.title or download.url}")
    return 0


def downloads_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    if args.cancel is not None:
        status = cancel_command(store, args.cancel, args.json)
        if status or not (args.json or args.add is not None or args.run):
            return status
    if args.add is not None:
        article = store.get_article(args.add)
        if article is None:
            warn(f"no article {args.add}")
            return 2
        try:
            queued = queue_enclosure(store, settings, article, args.number)
        except DownloadRefused as refused:
            warn(str(refused))
            return 2
        if not args.json:  # (as the app says it: a download done is not queued again)
            say(f"{'Already downloaded' if queued.state == 'done' else 'Queued'}: {queued.path}")
    if args.run:
        ended = run_downloads(store, settings)
        if not args.json:
            for download in ended:
                say(describe(download))
        if any(d.state == "failed" and d.error != CANCELLED for d in ended):
            if args.json:
                say_json({"downloads": [_json(d) for d in store.downloads()]})
            return 1
    if args.json:
        say_json({"downloads": [_json(d) for d in store.downloads()]})
        return 0
    if not args.run:
        downloads = store.downloads()
        if not downloads:
            say("No downloads yet: D in the reader, or tuinews downloads --add ARTICLE_ID.")
        for download in downloads:
            say(describe(download))
    return 0
