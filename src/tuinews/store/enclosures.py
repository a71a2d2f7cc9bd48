"""Enclosures and their downloads (migration 11).

An article's enclosures are written with the article (in ``Articles.upsert_in``'s
transaction) and read with it. A download is one per enclosure URL: queued, done or
failed, with the file it goes to and how far it got, so that it resumes after a restart
(:mod:`tuinews.downloads` does the fetching)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tuinews.models import Enclosure
from tuinews.store.database import Database

DownloadState = Literal["queued", "done", "failed"]
_COLUMNS = "id, url, article_id, title, path, state, error, received, total, added, finished"


@dataclass(frozen=True)
class Download:
    id: int
    url: str
    article_id: int | None  # None once the article is gone (the file stays)
    title: str
    path: str  # the final file; ``path + ".part"`` until it is complete
    state: DownloadState
    error: str
    received: int  # bytes
    total: int | None  # bytes, when known
    added: int  # unix seconds
    finished: int | None


def _download(row: Sequence[object]) -> Download:
    state = str(row[5])
    return Download(
        id=int(row[0]),  # type: ignore[call-overload]
        url=str(row[1]),
        article_id=int(row[2]) if row[2] is not None else None,  # type: ignore[call-overload]
        title=str(row[3]),
        path=str(row[4]),
        state=state if state in ("queued", "done", "failed") else "failed",  # type: ignore[arg-type]
        error=str(row[6]),
        received=int(row[7] or 0),  # type: ignore[call-overload]
        total=int(row[8]) if row[8] is not None else None,  # type: ignore[call-overload]
        added=int(row[9] or 0),  # type: ignore[call-overload]
        finished=int(row[10]) if row[10] is not None else None,  # type: ignore[call-overload]
    )


def store_enclosures_in(
    db: sqlite3.Connection, article_id: int, enclosures: Sequence[Enclosure], replace: bool
) -> None:
    """Write an article's enclosures in the caller's transaction (``replace``: the article
    was stored before, its old ones go)."""
    if replace:
        db.execute("DELETE FROM enclosures WHERE article_id = ?", (article_id,))
    if enclosures:
        db.executemany(
            "INSERT INTO enclosures (article_id, position, url, type, length, duration) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, position, e.url, e.type, e.length, e.duration)
                for position, e in enumerate(enclosures)
            ],
        )


def enclosures_of(database: Database, article_id: int) -> tuple[Enclosure, ...]:
    """An article's enclosures, in the feed's order, each with the file it was
    downloaded to (``downloaded``) when its download is done."""
    rows = database.read(
        "SELECT e.url, e.type, e.length, e.duration, d.path FROM enclosures e "
        "LEFT JOIN downloads d ON d.url = e.url AND d.state = 'done' "
        "WHERE e.article_id = ? ORDER BY e.position",
        (article_id,),
    )
    return tuple(Enclosure(str(r[0]), str(r[1]), r[2], r[3], str(r[4] or "")) for r in rows)


class Downloads:
    """The downloads table."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def queue_download(self, url: str, article_id: int | None, title: str, path: str) -> Download:
        """Queue the URL's download into ``path`` (a download already known keeps its
        file; one that failed is queued again, one that is done stays done)."""
        now = int(time.time())
        with self.database.write() as db:
            db.execute(
                "INSERT INTO downloads (url, article_id, title, path, added) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET state = 'queued', "
                "error = '' WHERE state = 'failed'",
                (url, article_id, title, path, now),
            )
            row = db.execute(f"SELECT {_COLUMNS} FROM downloads WHERE url = ?", (url,)).fetchone()
        return _download(row)

    def downloads(self, state: DownloadState | None = None) -> list[Download]:
        """Every download (or those in ``state``), oldest first."""
        where, params = ("WHERE state = ?", (state,)) if state else ("", ())
        rows = self.database.read(f"SELECT {_COLUMNS} FROM downloads {where} ORDER BY id", params)
        return [_download(row) for row in rows]

    def get_download(self, url: str) -> Download | None:
        rows = self.database.read(f"SELECT {_COLUMNS} FROM downloads WHERE url = ?", (url,))
        return _download(rows[0]) if rows else None

    def download_progress(self, download_id: int, received: int, total: int | None) -> None:
        with self.database.write() as db:
            db.execute(
                "UPDATE downloads SET received = ?, total = ? WHERE id = ?",
                (received, total, download_id),
            )

    def finish_download(
        self, download_id: int, state: DownloadState, received: int, error: str = ""
    ) -> None:
        """A download's end: done, or failed with why (its ``.part`` kept to resume)."""
        with self.database.write() as db:
            db.execute(
                "UPDATE downloads SET state = ?, received = ?, error = ?, finished = ? "
                "WHERE id = ?",
                (state, received, error, int(time.time()), download_id),
            )

    def cancel_download(self, download_id: int) -> Download | None:
        """Cancel a download not done (queued, running or failed): it ends "failed",
        "cancelled", with nothing received (its ``.part`` goes: the caller removes it).
        The download as it is now (one done stays done); None if there is no such one."""
        with self.database.write() as db:
            db.execute(
                "UPDATE downloads SET state = 'failed', error = 'cancelled', received = 0, "
                "finished = ? WHERE id = ? AND state != 'done'",
                (int(time.time()), download_id),
            )
            row = db.execute(f"SELECT {_COLUMNS} FROM downloads WHERE id = ?", (download_id,))
            found = row.fetchone()
        return _download(found) if found is not None else None

    def move_download(self, download_id: int, path: str) -> None:
        """The download's file is ``path`` now (the name the server gave it)."""
        with self.database.write() as db:
            db.execute("UPDATE downloads SET path = ? WHERE id = ?", (path, download_id))
