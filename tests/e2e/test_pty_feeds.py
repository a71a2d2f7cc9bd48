"""Entry H end to end: feeds full of escape sequences are fetched from a real server on
127.0.0.1 (``tuinews add``, then ``tuinews refresh``), then the real ``tuinews`` command
shows them in a pseudo-terminal (while refreshing them again on start), and the bytes it
writes are checked: the text is there, the controls are not."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.terminals import FORBIDDEN, PAYLOADS, TUINEWS, need_command, run_in_pty
from tests.netserver import FeedServer, Response

pytestmark = pytest.mark.slow  # the installed command in a pseudo-terminal

EVERYTHING = "".join(PAYLOADS.values())


def hostile_feed(n: int) -> bytes:
    """Raw controls in the channel title, entity-encoded ones in items, double-encoded
    ones in the HTML content (decoded only when the article is shown)."""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Evil {n} {EVERYTHING}</title>'
        f"<link>http://127.0.0.1/</link><item><title>Item {n} &#27;]52;c;SEVMTE8=&#7; "
        f"&#27;]0;PWNED-TITLE&#27;\\ [@click=app.quit]click[/] [/bold]</title><guid>{n}</guid>"
        f"<link>http://127.0.0.1/{n}</link><author>{EVERYTHING}</author>"
        "<description>&lt;p&gt;Body &amp;#27;[2J&amp;#27;[31mPWNED-RED &amp;#x9b;31m "
        "&amp;#x1b;P+q544e&amp;#x1b;\\ &amp;#x202e;evil.exe&lt;/p&gt;</description></item>"
        "</channel></rss>"
    ).encode()


def test_no_escape_sequence_from_fetched_feeds_reaches_the_terminal(tmp_path: Path) -> None:
    need_command()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
    }
    db = str(tmp_path / "tuinews.db")
    with FeedServer() as server:
        for n in range(2):
            server.route(f"/evil{n}.xml", Response(body=hostile_feed(n)))
            add = [str(TUINEWS), "add", server.url(f"/evil{n}.xml"), "--db", db]
            subprocess.run(add, env=env, check=True, capture_output=True, timeout=60)
        output = run_in_pty(
            [str(TUINEWS), "--db", db],
            env,
            [b"j", b"\r", b" ", b"k", b"\r", b"f", b"f"],
            ready=b"Item 0",
        )
    assert b"PWNED-RED" in output  # the article text is shown...
    assert b"Item 0" in output and b"[@click=app.quit]click[/]" in output
    for sequence in FORBIDDEN:  # ...but never as terminal control
        assert sequence not in output, sequence
