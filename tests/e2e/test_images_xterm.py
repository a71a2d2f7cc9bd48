"""Sixel in a real terminal that draws it: xterm (``-ti vt340``) on a virtual X display
(Xvfb), the real ``tuinews`` command in it, keys sent with xdotool and the screen read
back with xwd. What a reader would see: the picture in its cells, nothing of it left
after the next article is shown, the picture back with its article."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS, need_command
from tests.images import png
from tests.needs import need
from tests.netserver import FeedServer, Response

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
RED = (200, 30, 30)
PROGRAMS = ("Xvfb", "xterm", "xwd", "xdotool")


def screen(display: str) -> tuple[int, int, bytes]:
    """The X screen's pixels: (width, height, RGB bytes), read from ``xwd`` (24-bit)."""
    data = subprocess.run(
        ["xwd", "-root", "-silent", "-display", display], capture_output=True, timeout=20
    ).stdout
    fields = struct.unpack(">25I", data[:100])
    header, width, height = fields[0], fields[4], fields[5]
    order, bits, stride, colours = fields[7], fields[11], fields[12], fields[19]
    assert bits == 32, f"{bits} bits a pixel"
    start = header + 12 * colours
    from PIL import Image

    raw = data[start : start + stride * height]
    mode = "BGRX" if order == 0 else "XRGB"
    image = Image.frombuffer("RGB", (width, height), raw, "raw", mode, stride, 1)
    return width, height, image.tobytes()


def red_pixels(display: str) -> int:
    _, _, pixels = screen(display)
    return sum(
        1
        for at in range(0, len(pixels), 3)
        if abs(pixels[at] - RED[0]) < 12 and pixels[at + 1] < 60 and pixels[at + 2] < 60
    )


@pytest.fixture
def display() -> Iterator[str]:
    need_command()
    need(all(shutil.which(p) for p in PROGRAMS), f"needs {', '.join(PROGRAMS)} (apt-get)")
    name = f":{90 + os.getpid() % 400}"
    xvfb = subprocess.Popen(["Xvfb", name, "-screen", "0", "1000x700x24"])
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(
            ["xwd", "-root", "-silent", "-display", name], capture_output=True
        ).returncode:
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        yield name
    finally:
        xvfb.kill()
        xvfb.wait(timeout=10)


def _wait(condition: object, what: str, timeout: float = 30) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.3)


def test_a_sixel_picture_in_xterm_is_drawn_and_leaves_nothing_behind(
    display: str, server: FeedServer, tmp_path: Path
) -> None:
    server.route(
        "/red.png", Response(body=png(160, 80, RED), headers={"Content-Type": "image/png"})
    )
    words = "\n\n".join(f"Paragraph {i} of the words around the picture." for i in range(30))
    page = tmp_path / "picture.md"
    page.write_text(f"# Picture\n\nAbove.\n\n![Red]({server.url('/red.png')})\n\n{words}\n")
    other = tmp_path / "other.md"
    other.write_text("# Other\n\n" + "\n".join("Text " * 11 for _ in range(60)) + "\n")
    os.utime(other, (1, 1))  # older: listed second
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DISPLAY": display,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
        "TUINEWS_IMAGES": "sixel",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    xterm = subprocess.Popen(
        ["xterm", "-ti", "vt340", "-xrm", "XTerm*numColorRegisters: 256", "-geometry",
         "120x40+0+0", "-e", str(TUINEWS), str(page), str(other)],
        env=env,
    )  # fmt: skip
    try:
        # 20 cells by 5 rows of xterm's own cell size (read from the window size).
        _wait(lambda: red_pixels(display) > 3000, "the picture drawn")
        drawn = red_pixels(display)
        subprocess.run(["xdotool", "key", "j"], env=env, check=True, timeout=10)
        _wait(lambda: red_pixels(display) == 0, "the picture gone with its article")
        time.sleep(1)
        assert red_pixels(display) == 0  # and it stays gone
        subprocess.run(["xdotool", "key", "k"], env=env, check=True, timeout=10)
        _wait(lambda: red_pixels(display) == drawn, "the same picture back")
    finally:
        xterm.kill()
        xterm.wait(timeout=10)
