"""Sixel encoding (issue 16, images): each text row of a picture as its own sixel image,
checked with a decoder written for the tests (tests/sixel_decoder.py) and against known
sequences; the cell size read from the terminal's window size; Textual's colour filter
made to leave the images' control segments as they are."""

from __future__ import annotations

import fcntl
import io
import os
import random
import struct
import termios

import pytest
from rich.segment import ControlType, Segment
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from textual.color import Color
from textual.filter import ANSIToTruecolor
from textual.strip import Strip

from tests.sixel_decoder import decode as decode_sixel
from tuinews.images import sixel
from tuinews.images.decode import decode
from tuinews.ui.widgets.article_images import _KeepControls


def test_a_known_sequence() -> None:
    # 5x1 pixels of register 0 (pure red): one band, bit 0 each column ("@"), a run.
    assert sixel.encode(bytes(5), 5, [255, 0, 0]) == '\x1bP0;1;0q"1;1;5;1#0;2;100;0;0#0!5@\x1b\\'
    # 3x2: red/blue/red over blue/blue/blue: red at bit 0 of columns 0 and 2 ("@?@"),
    # blue at bit 1, bits 0 and 1, bit 1 ("ABA"), the two colours joined by "$".
    pixels = bytes([0, 1, 0, 1, 1, 1])
    assert sixel.encode(pixels, 3, [255, 0, 0, 0, 0, 255]) == (
        '\x1bP0;1;0q"1;1;3;2#0;2;100;0;0#1;2;0;0;100#0@?@$#1ABA\x1b\\'
    )
    assert sixel.encode(b"", 4, []) == ""


@pytest.mark.parametrize("width, height, colours", [(1, 1, 1), (7, 13, 3), (61, 20, 256)])
def test_indices_round_trip_through_the_decoder(width: int, height: int, colours: int) -> None:
    rng = random.Random(width * height)
    pixels = bytes(rng.randrange(colours) for _ in range(width * height))
    palette = [rng.randrange(256) for _ in range(3 * 256)]
    image = decode_sixel(sixel.encode(pixels, width, palette))
    assert image.params == [0, 1, 0]  # P2 = 1: pixels of no colour stay as they are
    assert (image.width, image.height) == (width, height)
    assert image.pixels == {(i % width, i // width): v for i, v in enumerate(pixels)}
    for register in set(pixels):
        red, green, blue = palette[3 * register : 3 * register + 3]
        expected = tuple((v * 100 + 127) // 255 for v in (red, green, blue))
        assert image.colours[register] == expected


def _photo(width: int, height: int) -> bytes:
    from PIL import Image

    rng = random.Random(1)
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    return out.getvalue()


def test_each_row_of_a_picture_is_a_sixel_image_one_cell_high() -> None:
    picture = decode(_photo(300, 200), "image/png", (600, 600))
    rows = sixel.rows_of(picture, 30, 10, (10, 20))
    assert len(rows) == 10
    images = [decode_sixel(row) for row in rows]
    assert all((image.width, image.height) == (300, 20) for image in images)
    registers = set().union(*(image.colours for image in images))
    assert len(registers) <= 256  # quantised
    assert all(len(image.pixels) == 300 * 20 for image in images)  # every pixel painted


def test_a_small_picture_is_scaled_up_to_its_cells() -> None:
    picture = decode(_photo(16, 8), "image/png")
    rows = sixel.rows_of(picture, 20, 5, (10, 20))
    assert {(decode_sixel(r).width, decode_sixel(r).height) for r in rows} == {(200, 20)}


def test_the_cell_size_comes_from_the_terminal_s_window_size() -> None:
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 1080, 800))
        assert sixel.cell_pixels(slave) == (9, 20)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        assert sixel.cell_pixels(slave) == sixel.CELL  # the terminal does not say
    finally:
        os.close(master)
        os.close(slave)
    assert sixel.cell_pixels(-1) == sixel.CELL  # not a terminal


def test_textual_s_colour_filter_keeps_a_sixel_image_zero_cells_wide() -> None:
    image = Segment("\x1b[3;4H\x1bP0;1;0q#0!5@\x1b\\", None, [(ControlType.CURSOR_FORWARD, 0)])
    strip = Strip([Segment("  words  "), image], 9)
    inner = ANSIToTruecolor(DEFAULT_TERMINAL_THEME)
    plain = strip.apply_filter(inner, Color(0, 0, 0))
    assert not any(segment.control for segment in plain)  # (what Textual does alone)
    kept = strip.apply_filter(_KeepControls(inner), Color(0, 0, 0))
    assert list(kept)[-1] == image and kept.cell_length == 9
    assert image in list(kept.crop(0, 9))
