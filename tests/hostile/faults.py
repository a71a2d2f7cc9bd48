"""Helpers for fault tests: real processes killed with SIGKILL, real SQLite files."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PYTHON = sys.executable


def tuinews(*args: str) -> list[str]:
    """The command line of the headless CLI, as the installed package runs it."""
    return [PYTHON, "-m", "tuinews", *args]


def start_group(argv: Sequence[str], **kwargs: object) -> subprocess.Popen[str]:
    """Start a process in a session (and process group) of its own, so that it and every
    process it starts (spawned workers, multiprocessing's helpers) can be killed at once."""
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        list(argv), start_new_session=True, text=True, **kwargs
    )


def _live_members(pgid: int) -> list[int]:
    """Processes of this group that are not zombies (a zombie writes nothing)."""
    alive = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            alive.append(int(entry.name))
    return alive


def kill_group(process: subprocess.Popen[str], timeout: float = 10.0) -> None:
    """SIGKILL the whole process group, and wait until none of it is left running."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while members := _live_members(process.pid):
        if time.monotonic() > deadline:
            raise AssertionError(f"still running after SIGKILL to the group: {members}")
        time.sleep(0.01)


def integrity(db: Path) -> tuple[str, list[tuple[object, ...]], str]:
    """(integrity_check, foreign_key_check rows, FTS index check) with plain sqlite3."""
    connection = sqlite3.connect(db, timeout=10)
    try:
        check = "\n".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
        try:
            connection.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            fts = "ok"
        except sqlite3.DatabaseError as error:
            fts = str(error)
        return check, foreign, fts
    finally:
        connection.close()


def assert_intact(db: Path) -> None:
    check, foreign, fts = integrity(db)
    assert check == "ok", check
    assert foreign == [], foreign
    assert fts == "ok", fts


def rows(db: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db, timeout=10)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()
