"""Images as a terminal receives them: the real ``tuinews`` command in a pseudo-terminal
over a Markdown file whose images are on a server on 127.0.0.1. With ``TERM=xterm-kitty``
(``images = "auto"``) the image is sent with Kitty's graphics protocol and drawn as
placeholder cells; in any other colour terminal, as half blocks; with ``images =
"sixel"``, a sixel image a row; one that is not an image shows why."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS, need_command, run_in_pty
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.sixel_decoder import decode as decode_sixel

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


def test_sixel_rows_reach_the_terminal_where_their_cells_are(
    tmp_path: Path, server: FeedServer
) -> None:
    """``images = "sixel"``: each row of the image is written as its own sixel image
    after the frame's cells, at the row below the alt text and the rows after it (the
    terminal would paint them there; none is drawn here: no terminal reads them)."""
    need_command()
    path = _article(tmp_path, server)
    more = "\n\n".join(f"Paragraph {i}." for i in range(60))  # (a scroll bar beside it)
    path.write_text(f"{path.read_text()}\n{more}\n")
    env = {**_env(tmp_path, "xterm-256color"), "TUINEWS_IMAGES": "sixel"}
    output = run_in_pty([str(TUINEWS), str(path)], env, [], ready=b"\x1bP0;1;0q")
    text = output.decode("utf-8", "replace")
    found = re.findall(r"\x1b\[(\d+);(\d+)H(\x1bP0;1;0q.*?\x1b\\)\x1b\[(\d+);(\d+)H", text, re.S)
    rows = [int(row) for row, _, _, _, _ in found[:5]]
    assert rows == list(range(rows[0], rows[0] + 5))  # 160x80 pixels: 20 cells by 5 rows
    assert len({column for _, column, _, _, _ in found}) == 1
    assert all(decode_sixel(data).height == 20 for _, _, data, _, _ in found)
    # then back on the row, right after the image's 20 cells, where its cells go on
    assert all((b, int(c) + 20) == (r, int(d)) for r, c, _, b, d in found)
    sign = text.rfind("🌆", 0, text.index(found[0][2]))  # the alt text on the row above
    assert re.findall(r"\x1b\[(\d+);\d+H", text[:sign])[-1] == str(rows[0] - 1)
