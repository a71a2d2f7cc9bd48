"""Shared helpers for the tests on the real newsboat's cache: running Debian's newsboat in
a home of its own, running the installed tuinews on a database, reading what is stored."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

NEWSBOAT = shutil.which("newsboat")


def newsboat(home: Path, *args: str) -> None:
    """Run newsboat on ``home``'s cache.db and config (its HOME and XDG folders too)."""
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home))
    done = subprocess.run(
        [str(NEWSBOAT), "-c", str(home / "cache.db"), "-C", str(home / "config"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=home,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def tuinews(db: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TUINEWS_DB=str(db))
    if config is not None:
        env["TUINEWS_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def articles(db: Path) -> list[tuple[object, ...]]:
    """Every article as stored (without the time it was added), for comparing stores."""
    with closing(sqlite3.connect(db)) as connection, connection:
        rows = connection.execute(
            "SELECT f.url, a.uid, a.title, a.author, a.link, a.published, a.body, a.read, "
            "a.starred FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY f.url, a.uid"
        ).fetchall()
    connection.close()
    return rows
