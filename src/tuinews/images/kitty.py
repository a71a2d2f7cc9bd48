"""Kitty's graphics protocol with Unicode placeholders: the image is sent to the terminal
once (an escape sequence written through the app's output, in order with its frames) with
a virtual placement of C columns by R rows; the pane then draws ordinary text, each cell
the placeholder U+10EEEE with diacritics for its row and column and the image id as its
foreground colour, and the terminal paints the image's part in it. Text, so it scrolls,
crops and redraws like any line of the Line API view
(https://sw.kovidgoyal.net/kitty/graphics-protocol/#unicode-placeholders)."""

from __future__ import annotations

import base64
import io
import itertools
import random

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from tuinews.images.decode import Picture

Line = list[Segment]
PLACEHOLDER = "\U0010eeee"
CELL = (10, 20)  # pixels sent per cell (the terminal scales to its own)
CHUNK = 4096  # base64 characters per escape sequence (the protocol's most)
# The row and column diacritics, in order (the protocol's rowcolumn-diacritics.txt):
# the first 128 of them, enough for MAX_ROWS and the widest pane (MAX_RENDER_WIDTH).
_RANGES = (
    (0x305, 0x305), (0x30D, 0x30E), (0x310, 0x310), (0x312, 0x312), (0x33D, 0x33F),
    (0x346, 0x346), (0x34A, 0x34C), (0x350, 0x352), (0x357, 0x357), (0x35B, 0x35B),
    (0x363, 0x36F), (0x483, 0x487), (0x592, 0x595), (0x597, 0x599), (0x59C, 0x5A1),
    (0x5A8, 0x5A9), (0x5AB, 0x5AC), (0x5AF, 0x5AF), (0x5C4, 0x5C4), (0x610, 0x617),
    (0x657, 0x65B), (0x65D, 0x65E), (0x6D6, 0x6DC), (0x6DF, 0x6E2), (0x6E4, 0x6E4),
    (0x6E7, 0x6E8), (0x6EB, 0x6EC), (0x730, 0x730), (0x732, 0x733), (0x735, 0x736),
    (0x73A, 0x73A), (0x73D, 0x73D), (0x73F, 0x741), (0x743, 0x743), (0x745, 0x745),
    (0x747, 0x747), (0x749, 0x74A), (0x7EB, 0x7F1), (0x7F3, 0x7F3), (0x816, 0x819),
    (0x81B, 0x823), (0x825, 0x827), (0x829, 0x82D), (0x951, 0x951), (0x953, 0x954),
    (0xF82, 0xF83), (0xF86, 0xF87), (0x135D, 0x135F), (0x17DD, 0x17DD), (0x193A, 0x193A),
)  # fmt: skip
DIACRITICS = [chr(c) for low, high in _RANGES for c in range(low, high + 1)][:128]
MAX_CELLS = len(DIACRITICS)  # columns or rows that can be numbered
_ids = itertools.count(random.randint(1, 1 << 22))


def new_id() -> int:
    """An image id for this terminal (24 bits: the colour carries all of it)."""
    return 1 + next(_ids) % ((1 << 24) - 2)


def payload(picture: Picture, columns: int, rows: int) -> str:
    """The picture as a base64 PNG at the pixels the cells need (in a thread)."""
    image = picture.image.copy()
    image.thumbnail((columns * CELL[0], rows * CELL[1]))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return base64.standard_b64encode(out.getvalue()).decode("ascii")


def transmit(image_id: int, data: str, columns: int, rows: int) -> str:
    """The escape sequences that send the image and place it virtually in C x R cells
    (q=2: the terminal answers nothing, so nothing reaches the app's input)."""
    parts: list[str] = []
    chunks = [data[at : at + CHUNK] for at in range(0, len(data), CHUNK)] or [""]
    for index, chunk in enumerate(chunks):
        more = 1 if index < len(chunks) - 1 else 0
        keys = f"a=t,f=100,t=d,i={image_id},q=2,m={more}" if index == 0 else f"m={more}"
        parts.append(f"\x1b_G{keys};{chunk}\x1b\\")
    parts.append(f"\x1b_Ga=p,U=1,i={image_id},c={columns},r={rows},q=2\x1b\\")
    return "".join(parts)


def delete(image_id: int) -> str:
    """The escape sequence that frees the image in the terminal."""
    return f"\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\"


def placeholder_lines(image_id: int, columns: int, rows: int) -> list[Line]:
    """The cells that show the image (each with its row and column: a line cropped
    sideways still shows its part)."""
    columns, rows = min(columns, MAX_CELLS), min(rows, MAX_CELLS)
    style = Style(
        color=Color.from_rgb((image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255)
    )
    return [
        [
            Segment(
                "".join(PLACEHOLDER + DIACRITICS[row] + DIACRITICS[col] for col in range(columns)),
                style,
            )
        ]
        for row in range(rows)
    ]
