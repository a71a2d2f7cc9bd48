"""The terminal notification (``notify_terminal``) as a terminal gets it: the real
``tuinews`` in a pseudo-terminal refreshes a never-fetched feed on start (from a server
on 127.0.0.1) and writes OSC 9 (or OSC 777) with the count of new articles, once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.builders import rss
from tests.e2e.terminals import TUINEWS, need_command, run_in_pty
from tests.netserver import FeedServer, Response
from tuinews.store import Store

pytestmark = pytest.mark.slow  # the installed command in a pseudo-terminal


@pytest.mark.parametrize(
    ("mode", "sequence"),
    [
        ("osc9", b"\x1b]9;tuinews: 2 new articles\x07"),
        ("osc777", b"\x1b]777;notify;tuinews;2 new articles\x07"),
    ],
)
def test_new_articles_notify_the_terminal(tmp_path: Path, mode: str, sequence: bytes) -> None:
    need_command()
    config = tmp_path / "config.toml"
    config.write_text(f'notify_terminal = "{mode}"\n', encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(config),
    }
    db = tmp_path / "tuinews.db"
    with FeedServer() as server:
        server.route("/a.xml", Response(body=rss("A", ("1", "First news"), ("2", "Second"))))
        with Store(db) as store:
            store.add_feed(server.url("/a.xml"))  # never fetched: refreshed on start
        output = run_in_pty([str(TUINEWS), "--db", str(db)], env, [], ready=sequence)
    assert output.count(sequence) == 1  # (the notify command: tests/ui/test_notify_new.py)
