"""Kitty's graphics through a real tmux (issue 16): the tmux client runs in a
pseudo-terminal whose bytes are read, as the terminal outside would get them; tuinews
runs inside, over a Markdown file whose image is on a server on 127.0.0.1.

What this shows: with ``images = "auto"``, tmux's ``allow-passthrough on``, a client
terminal named ``xterm-kitty`` (a stand-in terminfo entry with 24-bit colour, compiled
here: no kitty is installed) and ``COLORTERM=truecolor``, tuinews asks tmux, chooses
Kitty's graphics, and tmux passes the image and its placement on unwrapped, followed by
the placeholder cells in the image id's 24-bit colour. Without passthrough, half
blocks and no graphics sequence at all. It does not show that an image is drawn: no
terminal here draws Kitty's graphics."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS, need_command, need_tmux, run_in_pty
from tests.images import png
from tests.needs import need
from tests.netserver import FeedServer, Response

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PLACEHOLDER = "\U0010eeee".encode()


@pytest.fixture
def socket() -> Iterator[str]:
    need_tmux()
    need_command()
    need(shutil.which("tic"), "tic (ncurses) is not installed")
    name = f"tuinews-images-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, timeout=20)


def _run(tmp_path: Path, server: FeedServer, socket: str, passthrough: str, ready: bytes) -> bytes:
    server.route("/sun.png", Response(body=png(160, 80), headers={"Content-Type": "image/png"}))
    page = tmp_path / "sunny.md"
    page.write_text(f"# Sunny\n\n![The sun]({server.url('/sun.png')})\n\nThe end.\n")
    terminfo = tmp_path / "terminfo"
    source = tmp_path / "kitty.ti"
    source.write_text("xterm-kitty|a stand-in for kitty,\n\tTc,\n\tuse=xterm-256color,\n")
    subprocess.run(["tic", "-x", "-o", str(terminfo), str(source)], check=True, timeout=20)
    config = tmp_path / "tmux.conf"
    config.write_text(
        f"set -g allow-passthrough {passthrough}\nset -g status off\n"
        "set -g default-terminal tmux-256color\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TERM": "xterm-kitty",  # the terminal outside tmux, as the tmux client sees it
        "TERMINFO": str(terminfo),
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
    }
    command = ["tmux", "-L", socket, "-f", str(config), "new-session", str(TUINEWS), str(page)]
    return run_in_pty(command, env, [], ready=ready)


def test_in_tmux_with_passthrough_kitty_s_graphics_reach_the_terminal(
    tmp_path: Path, server: FeedServer, socket: str
) -> None:
    output = _run(tmp_path, server, socket, "on", PLACEHOLDER)
    sent = re.search(rb"\x1b_Ga=t,f=100,t=d,i=(\d+),", output)
    assert sent, "the image never reached the terminal"
    assert b"\x1bPtmux;" not in output  # tmux unwrapped it
    image_id = int(sent[1])
    assert output.index(b"\x1b_Ga=p,U=1,i=%d," % image_id) > sent.start()
    colour = b"\x1b[38;2;%d;%d;%dm" % (image_id >> 16, (image_id >> 8) & 255, image_id & 255)
    cells = output.index(colour, sent.start())
    assert output.index(PLACEHOLDER, cells) > cells  # the cells in the id's colour
    assert "▀".encode() not in output


def test_in_tmux_without_passthrough_half_blocks(
    tmp_path: Path, server: FeedServer, socket: str
) -> None:
    output = _run(tmp_path, server, socket, "off", "▀".encode())
    assert b"\x1b_G" not in output and PLACEHOLDER not in output
