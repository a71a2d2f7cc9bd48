"""What the tests of real graphical terminals share: a virtual X display (Xvfb), its
pixels read back with ``xwd``, keys sent with ``xdotool``, and a page with a picture
served from a loopback server. The ``display`` fixture is in conftest.py."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageChops

from tests.images import png
from tests.netserver import FeedServer, Response

RED = (200, 30, 30)
X_PROGRAMS = ("Xvfb", "xwd", "xdotool")


def screen(display: str) -> Image.Image:
    """The X screen's pixels (RGB), read from ``xwd`` (24-bit)."""
    data = subprocess.run(
        ["xwd", "-root", "-silent", "-display", display], capture_output=True, timeout=20
    ).stdout
    fields = struct.unpack(">25I", data[:100])
    header, width, height = fields[0], fields[4], fields[5]
    order, bits, stride, colours = fields[7], fields[11], fields[12], fields[19]
    assert bits in (24, 32), f"{bits} bits a pixel"
    start = header + 12 * colours
    raw = data[start : start + stride * height]
    mode = ("BGRX" if order == 0 else "XRGB") if bits == 32 else ("BGR" if order == 0 else "RGB")
    return Image.frombuffer("RGB", (width, height), raw, "raw", mode, stride, 1)


def colour_mask(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """255 where the image has that colour (each channel within 12), else 0."""
    masks = [
        band.point(lambda v, want=want: 255 if abs(v - want) < 12 else 0)
        for band, want in zip(image.split(), colour, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])


def red_pixels(display: str) -> int:
    """How many of the screen's pixels are the picture's red (an R near it, G and B low)."""
    red, green, blue = screen(display).split()
    mask = ImageChops.multiply(
        red.point(lambda v: 255 if abs(v - RED[0]) < 12 else 0),
        ImageChops.multiply(
            green.point(lambda v: 255 if v < 60 else 0),
            blue.point(lambda v: 255 if v < 60 else 0),
        ),
    )
    return mask.histogram()[255]


def stripes(width: int, height: int, band: int, colours: tuple[tuple[int, int, int], ...]) -> bytes:
    """A PNG of horizontal stripes ``band`` pixels high, in these colours in turn: finer
    than half blocks can show (two pixels a cell), so only a real image draws them all."""
    picture = Image.new("RGB", (width, height))
    for top in range(0, height, band):
        picture.paste(colours[top // band % len(colours)], (0, top, width, top + band))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@contextmanager
def xvfb(size: str = "1000x700x24", *extra: str) -> Iterator[str]:
    """A virtual X display on a free number (Xvfb picks it: ``-displayfd``, so tests
    running at once never share one), up until its screen can be read."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, *extra],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as numbers:
            number = numbers.readline().strip().decode()  # once it listens
        assert number.isdigit(), f"Xvfb did not start ({number!r})"
        name = f":{number}"
        deadline = time.monotonic() + 10
        while subprocess.run(
            ["xwd", "-root", "-silent", "-display", name], capture_output=True
        ).returncode:
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        yield name
    finally:
        process.kill()
        process.wait(timeout=10)


def wait(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.3)


def key(env: dict[str, str], name: str) -> None:
    """A key pressed in the focused window of the display in ``env``."""
    subprocess.run(["xdotool", "key", name], env=env, check=True, timeout=10)


def picture_pages(
    server: FeedServer, tmp_path: Path, picture: bytes | None = None
) -> tuple[Path, Path]:
    """An article with a picture (160x80 red unless given: a PNG), served by ``server``,
    near its top, and another article without, listed after it."""
    body = png(160, 80, RED) if picture is None else picture
    server.route("/red.png", Response(body=body, headers={"Content-Type": "image/png"}))
    words = "\n\n".join(f"Paragraph {i} of the words around the picture." for i in range(30))
    page = tmp_path / "picture.md"
    page.write_text(f"# Picture\n\nAbove.\n\n![Red]({server.url('/red.png')})\n\n{words}\n")
    other = tmp_path / "other.md"
    other.write_text("# Other\n\n" + "\n".join("Text " * 11 for _ in range(60)) + "\n")
    os.utime(other, (1, 1))  # older: listed second
    return page, other


def clean_env(display: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a terminal started for a test: its own home, cache and
    settings, none of the variables of the terminal the tests run in (so ``auto``
    sees only what the terminal under test sets)."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DISPLAY": display,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
        "LANG": "C.UTF-8",
        **extra,
    }
