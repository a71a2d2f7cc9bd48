"""Cron and the app together (issue 12, section 3), end to end: the real ``tuinews``
open in tmux, and ``tuinews refresh`` run from the shell as cron would, on the same
database, with feeds from a real server on 127.0.0.1. The refresh runs (it used to exit 2,
"already running"), and the open app shows its new articles without a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.builders import rss
from tests.e2e.terminals import TUINEWS, Terminal, start
from tests.hostile.faults import assert_intact, rows
from tests.netserver import FeedServer, Response

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_cron_refresh_while_the_app_is_open_shows_its_articles(
    terminal: Terminal,
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "tuinews.db")
    (tmp_path / "config.toml").write_text("refresh_on_start = false\nrefresh_interval = 0\n")
    with FeedServer() as server:
        server.route("/news.xml", Response(body=rss("Loopback news", ("1", "Morning edition"))))
        added = subprocess.run(
            [str(TUINEWS), "add", server.url("/news.xml"), "--db", db],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stderr
        start(terminal, tmp_path, "--db", db)
        terminal.wait_for("Morning edition")
        terminal.keys("s")  # starred in the app, while cron's refresh comes
        server.route(
            "/news.xml",
            Response(body=rss("Loopback news", ("1", "Morning edition"), ("2", "Evening edition"))),
        )
        cron = subprocess.run(
            [str(TUINEWS), "refresh", "--db", db], capture_output=True, text=True, timeout=60
        )
        assert cron.returncode == 0, cron.stdout + cron.stderr
        assert "1 new article" in cron.stdout
        terminal.wait_for("Evening edition")  # shown by the open app, no restart
        terminal.keys("q")
        terminal.wait_closed()
    assert rows(Path(db), "SELECT title, starred FROM articles ORDER BY title") == [
        ("Evening edition", 0),
        ("Morning edition", 1),
    ]
    assert_intact(Path(db))
