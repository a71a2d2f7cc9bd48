"""Enclosures' downloads, headless: queue one (into the ``download_dir`` setting's folder,
under a name safe on every platform), and run what is queued (resuming what a dropped
connection or a restart left in its ``.part`` file). Used by the app (a key, progress in
the status line, resumed at start) and by ``tuinews downloads``.

A download goes to ``NAME.part`` and is renamed to ``NAME`` only when complete: a
failure never leaves a half file under the final name. ``NAME`` is the URL's, unless the
server names the file (Content-Disposition), made safe the same way. A download can be
cancelled (its ``.part`` removed), from the app or another process: a running one stops
within CANCEL_POLL seconds. Only http(s) URLs are fetched."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.file_names import file_name_for, safe_file_name, unused_path
from tuinews.links import safe_link, shown_url
from tuinews.models import Article, Enclosure
from tuinews.settings import Settings
from tuinews.store import Download, Store

if TYPE_CHECKING:
    from tuinews.fetch import Fetcher

MB = 1024 * 1024
SAVE_PROGRESS_EVERY = 1.0  # seconds between progress written to the store
CANCEL_POLL = 0.5  # seconds between looks in the store for downloads cancelled meanwhile
CANCELLED = "cancelled"  # a cancelled download's error (its state is "failed")

OnProgress = Callable[[Download, int, int | None], None]


class DownloadRefused(ValueError):
    """What cannot be downloaded, said for the user."""


def part_path(download: Download) -> Path:
    final = Path(download.path)
    return final.with_name(final.name + ".part")


def check_url(url: str) -> None:
    """Refuse anything but an http(s) URL (``file://``, ``data:``...)."""
    try:
        safe = safe_link(url)
    except ValueError:
        safe = None
    if not safe:
        raise DownloadRefused(f"only http(s) enclosures are downloaded, not {shown_url(url)!r}")


def enclosure_of(article: Article, number: int = 1) -> Enclosure:
    if not article.enclosures:
        raise DownloadRefused("this article has no enclosure")
    if not 1 <= number <= len(article.enclosures):
        raise DownloadRefused(f"this article has {len(article.enclosures)} enclosures")
    return article.enclosures[number - 1]


def queue_enclosure(
    store: Store, settings: Settings, article: Article, number: int = 1
) -> Download:
    """Queue the article's enclosure (the first unless ``number``): a new download, or
    the one already known for its URL (queued again if it failed or its file is gone)."""
    enclosure = enclosure_of(article, number)
    check_url(enclosure.url)
    known = store.get_download(enclosure.url)
    if known is not None:
        if known.state == "done" and not Path(known.path).exists():
            store.finish_download(known.id, "failed", 0, "the file was removed")
        return store.queue_download(enclosure.url, article.id, article.title, known.path)
    taken = {d.path for d in store.downloads()}
    path = unused_path(settings.download_path(), file_name_for(enclosure), taken)
    return store.queue_download(enclosure.url, article.id, article.title, str(path))


def cancel_downloads(store: Store, download_id: int | None = None) -> list[Download]:
    """Cancel one download (``download_id``) or all those not done; their ``.part``
    files removed (a running one's too: its runner stops it). The downloads cancelled."""
    chosen = [
        d
        for d in store.downloads()
        if (download_id is None or d.id == download_id) and cancellable(d)
    ]
    cancelled = []
    for download in chosen:
        now = store.cancel_download(download.id)
        if now is None or now.state == "done":
            continue
        remove_part(now)
        cancelled.append(now)
    return cancelled


def cancellable(download: Download) -> bool:
    """Queued (or running), or failed with a part file kept to resume."""
    return download.state == "queued" or (
        download.state == "failed" and download.error != CANCELLED
    )


# How fetch.download.download's error for a body over the cap starts (its TOO_LARGE; not
# imported: the HTTP stack loads only when downloading)
TOO_LARGE = "too large"


def resumable(download: Download, settings: Settings) -> bool:
    """Failed part-way (a connection cut, a timeout): its ``.part`` kept, not over the
    size cap, not cancelled. ``run_downloads`` takes it up again where it stopped."""
    if (
        download.state != "failed"
        or download.error in (CANCELLED, "")
        or (download.error.startswith(TOO_LARGE))
    ):
        return False
    try:
        kept = part_path(download).stat().st_size
    except OSError:
        return False
    return 0 < kept < settings.download_max_mb * MB


def waiting(store: Store, settings: Settings) -> bool:
    """Whether a download run has anything to do (queued, or failed part-way)."""
    return any(d.state == "queued" or resumable(d, settings) for d in store.downloads())


def remove_part(download: Download) -> None:
    with contextlib.suppress(OSError):  # (a folder gone or unwritable: nothing there)
        part_path(download).unlink(missing_ok=True)


def run_downloads(
    store: Store,
    settings: Settings,
    on_progress: OnProgress | None = None,
    stop: threading.Event | None = None,
) -> list[Download]:
    """Download everything queued (also what is queued meanwhile, and what failed
    part-way: resumed), in this thread (its own event loop); returns each download as it
    ended. ``stop`` set (the app closing):
    the downloads stop at once and stay queued, their ``.part`` files kept, to resume at
    the next start."""
    from tuinews.network import new_fetcher  # (the HTTP stack: only when downloading)

    done: set[int] = set()
    for download in store.downloads("failed"):  # (the message said it resumes: it does)
        if resumable(download, settings):
            store.queue_download(download.url, download.article_id, download.title, download.path)

    async def run_all() -> None:
        fetcher = new_fetcher(settings)
        try:
            while queued := [d for d in store.downloads("queued") if d.id not in done]:
                tasks = {
                    d.id: asyncio.create_task(_run_one(fetcher, store, settings, d, on_progress))
                    for d in queued
                }
                looked = time.monotonic()
                while not all(task.done() for task in tasks.values()):
                    if stop is not None and stop.is_set():
                        for task in tasks.values():
                            task.cancel()
                        await asyncio.gather(*tasks.values(), return_exceptions=True)
                        return
                    await asyncio.wait(tasks.values(), timeout=0.1)
                    if time.monotonic() - looked >= CANCEL_POLL:
                        looked = time.monotonic()
                        await _stop_cancelled(store, queued, tasks)
                for task in tasks.values():
                    if not task.cancelled():
                        task.result()  # (a bug: raised here)
                done.update(d.id for d in queued)
        finally:
            await fetcher.aclose()

    asyncio.run(run_all())
    return [d for d in store.downloads() if d.id in done]


async def _stop_cancelled(
    store: Store, running: list[Download], tasks: dict[int, asyncio.Task[None]]
) -> None:
    """Stop the running downloads cancelled meanwhile (no longer queued in the store),
    and remove what they had written."""
    still = {d.id for d in store.downloads("queued")}
    for download in running:
        task = tasks[download.id]
        if download.id not in still and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            remove_part(download)


async def _run_one(
    fetcher: Fetcher,
    store: Store,
    settings: Settings,
    download: Download,
    on_progress: OnProgress | None,
) -> None:
    from tuinews.fetch.download import download as fetch_to  # (the HTTP stack: when used)

    try:
        check_url(download.url)
    except DownloadRefused as refused:
        store.finish_download(download.id, "failed", 0, str(refused))
        return
    final, part = Path(download.path), part_path(download)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = f"cannot make {final.parent} ({error.strerror or type(error).__name__})"
        store.finish_download(download.id, "failed", 0, reason)
        return
    saved = [time.monotonic()]

    def progress(received: int, total: int | None) -> None:
        now = time.monotonic()
        if now - saved[0] >= SAVE_PROGRESS_EVERY:
            store.download_progress(download.id, received, total)
            saved[0] = now
        if on_progress is not None:
            on_progress(download, received, total)

    outcome = await fetch_to(
        fetcher, download.url, part, max_bytes=settings.download_max_mb * MB, progress=progress
    )
    now = store.get_download(download.url)
    if now is None or now.state != "queued" or now.id != download.id:
        remove_part(download)  # cancelled while it ran
        return
    if not outcome.complete:
        store.finish_download(download.id, "failed", outcome.received, outcome.error or "failed")
        return
    try:
        if not part.exists():
            part.touch()  # an empty file, complete
        final = _named(store, download, outcome.filename)
        os.replace(part, final)
        if str(final) != download.path:
            store.move_download(download.id, str(final))
    except OSError as error:
        reason = f"cannot rename {part.name} ({error.strerror or type(error).__name__})"
        store.finish_download(download.id, "failed", outcome.received, reason)
        return
    store.download_progress(download.id, outcome.received, outcome.total)
    store.finish_download(download.id, "done", outcome.received)


def _named(store: Store, download: Download, given: str | None) -> Path:
    """Where the complete file goes: the name the server gave it (Content-Disposition),
    made safe (its last part only: no folder, no "..", no control character, nothing a
    platform refuses), in the same folder, unless another file has it; else the name
    it was queued under (the URL's)."""
    final = Path(download.path)
    if not given:
        return final
    last = given.replace("\\", "/").rsplit("/", 1)[-1]
    name = safe_file_name(last, fallback="")
    if not name or name.startswith(".") or name == final.name:
        return final
    taken = {d.path for d in store.downloads() if d.id != download.id}
    return unused_path(final.parent, name, taken)
