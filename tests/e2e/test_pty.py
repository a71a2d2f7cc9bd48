"""Nothing from a file reaches the terminal as control: the real ``tuinews`` command runs
in a pseudo-terminal over files full of escape sequences (in names, titles and bodies),
and the bytes it writes are checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.terminals import FORBIDDEN, PAYLOADS, TUINEWS, need_command, run_in_pty

pytestmark = pytest.mark.slow  # the installed command in a pseudo-terminal


def hostile_files(folder: Path) -> None:
    everything = "".join(PAYLOADS.values())
    (folder / "title.txt").write_text(
        f"A headline {everything} here\n\nBody paragraph {everything} ends here.\n"
    )
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Evil &#27;]0;PWNED-TITLE'
        "&#27;\\ feed</title><item><title>Item &#27;]52;c;SEVMTE8=&#7; title</title>"
        "<guid>1</guid><description>&lt;p&gt;Text &amp;#27;[2J&amp;#27;[31mPWNED-RED "
        "&amp;#x9b;31m&lt;/p&gt;</description></item></channel></rss>"
    )
    (folder / f"name{PAYLOADS['osc52']}{PAYLOADS['osc0']}.bin").write_bytes(b"\x00\x01\x02")


def test_no_escape_sequence_from_files_reaches_the_terminal(tmp_path: Path) -> None:
    need_command()
    folder = tmp_path / "hostile"
    folder.mkdir()
    hostile_files(folder)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
    }
    output = run_in_pty(
        [str(TUINEWS), str(folder)], env, [b"j", b"\r", b" ", b"j", b"j"], ready=b"A headline"
    )
    assert b"PWNED-RED" in output  # the text is shown...
    assert b"A headline" in output
    for sequence in FORBIDDEN:  # ...but never as terminal control
        assert sequence not in output, sequence
