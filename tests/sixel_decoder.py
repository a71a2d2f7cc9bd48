"""A small sixel decoder for the tests (written from DEC's description of sixel
graphics, independent of tuinews.images.sixel): the image's raster size, its colour
registers and which register each pixel that was painted got."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_START = re.compile(r"\x1bP([0-9;]*)q")


@dataclass
class Sixel:
    params: list[int]
    width: int = 0  # from the raster attributes ("Pan;Pad;Ph;Pv)
    height: int = 0
    colours: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # RGB, 0-100
    pixels: dict[tuple[int, int], int] = field(default_factory=dict)  # (x, y) -> register


def decode(data: str) -> Sixel:
    """One sixel image (``ESC P ... q ... ESC \\``); raises ValueError on anything that
    is not sixel data."""
    start = _START.match(data)
    if start is None or not data.endswith("\x1b\\"):
        raise ValueError("not a sixel image")
    image = Sixel([int(p) for p in start[1].split(";") if p])
    body, at = data[start.end() : -2], 0
    x = band = register = 0
    number = re.compile(r"\d+(?:;\d+)*")
    while at < len(body):
        char = body[at]
        if char == '"':
            m = number.match(body, at + 1)
            assert m is not None
            _, _, image.width, image.height = (int(v) for v in m[0].split(";"))
            at = m.end()
        elif char == "#":
            m = number.match(body, at + 1)
            assert m is not None
            values = [int(v) for v in m[0].split(";")]
            register = values[0]
            if len(values) == 5:
                if values[1] != 2 or not all(0 <= v <= 100 for v in values[2:]):
                    raise ValueError(f"colour {values}")
                image.colours[register] = (values[2], values[3], values[4])
            at = m.end()
        elif char == "!":
            m = number.match(body, at + 1)
            assert m is not None
            count, at = int(m[0]), m.end()
            _paint(image, x, band, register, body[at], count)
            x += count
            at += 1
        elif char == "$":
            x, at = 0, at + 1
        elif char == "-":
            x, band, at = 0, band + 1, at + 1
        elif "?" <= char <= "~":
            _paint(image, x, band, register, char, 1)
            x, at = x + 1, at + 1
        else:
            raise ValueError(f"unexpected {char!r} in sixel data")
    return image


def _paint(image: Sixel, x: int, band: int, register: int, char: str, count: int) -> None:
    bits = ord(char) - 63
    if not 0 <= bits < 64:
        raise ValueError(f"not a sixel character: {char!r}")
    for bit in range(6):
        if bits >> bit & 1:
            for column in range(x, x + count):
                key = (column, band * 6 + bit)
                if key in image.pixels:
                    raise ValueError(f"pixel {key} painted twice")
                image.pixels[key] = register
