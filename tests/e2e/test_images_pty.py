"""Images as a terminal receives them: the real ``tuinews`` command in a pseudo-terminal
over a Markdown file whose images are on a server on 127.0.0.1. With ``TERM=xterm-kitty``
(``images = "auto"``) the image is sent with Kitty's graphics protocol and drawn as
placeholder cells; in any other colour terminal, as half blocks; one that is not an image
shows why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS, need_command, run_in_pty
from tests.images import png
from tests.netserver import FeedServer, Response

pytestmark = pytest.mark.slow  # the installed command in a pseudo-terminal


def _article(folder: Path, server: FeedServer) -> Path:
    # (the picture later than the page: once it is drawn, both are)
    sun = Response(body=png(160, 80), headers={"Content-Type": "image/png"}, delay=0.5)
    server.route("/sun.png", sun)
    server.route("/page", Response(body=b"<html></html>", headers={"Content-Type": "text/html"}))
    path = folder / "sunny.md"
    path.write_text(
        f"# Sunny\n\nThe sun.\n\n![The sun]({server.url('/sun.png')})\n\n"
        f"![A page]({server.url('/page')})\n\nThe end.\n"
    )
    return path


def _env(tmp_path: Path, term: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TERM": term,
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
    }


def test_kitty_gets_the_image_and_its_placeholders(tmp_path: Path, server: FeedServer) -> None:
    need_command()
    path = _article(tmp_path, server)
    output = run_in_pty(
        [str(TUINEWS), str(path)], _env(tmp_path, "xterm-kitty"), [], ready="\U0010eeee".encode()
    )
    sent = output.index(b"\x1b_Ga=t,f=100")  # the image, then its placement, then its cells
    assert sent < output.index(b"\x1b_Ga=p,U=1,") < output.index("\U0010eeee".encode())
    assert b"not an image (text/html)" in output
    assert list((tmp_path / "cache" / "tuinews" / "images").iterdir())  # cached on disk


def test_other_terminals_get_half_blocks(tmp_path: Path, server: FeedServer) -> None:
    need_command()
    path = _article(tmp_path, server)
    output = run_in_pty(
        [str(TUINEWS), str(path)], _env(tmp_path, "xterm-256color"), [], ready="▀".encode()
    )
    assert b"\x1b_G" not in output
    assert b"not an image (text/html)" in output
