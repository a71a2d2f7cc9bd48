"""Sixel: a picture as DEC's sixel graphics, one image per text row. A sixel image is
not text: the terminal paints its pixels at the cursor, outside the cells, so it cannot
be a line of the article pane the way Kitty's placeholders are. The pane's image lines
are blank cells, and the layer (``ui/widgets/article_images.py``) adds to a row's strip,
after its cells, a move of the cursor to the row and that row's own sixel image,
``CELL[1]`` pixels high. A row is drawn whenever Textual draws that line (scrolled, the
article shown again) and only then: a row scrolled out is not drawn, and the cells
written over an image's rows (another article) clear it in terminals that clear
graphics under new text (xterm, foot, WezTerm, mlterm, Windows Terminal).

Encoding: the picture is quantised with Pillow to at most 256 colours (no dithering),
then each row is cut in bands of six pixel rows; a band is, for each colour in it,
``#n`` and one character per column (63 + the six bits of the pixels of that colour),
runs of four or more written ``!count<char>``, colours separated by ``$`` (back to the
band's start), bands by ``-``. Pixels of no colour are left as they are (``P2 = 1``).
The bit planes are made with ``bytes.translate`` and big integers, not a loop over
pixels (a 600x400 picture in ~0.1 s, in a thread). No Textual here."""

from __future__ import annotations

import fcntl
import re
import struct
import termios
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuinews.images.decode import Picture

CELL = (10, 20)  # pixels a cell when the terminal does not say (its pixel size is 0)
MAX_COLOURS = 256
_RUN = re.compile(r"(.)\1{3,}")
_TO_SIXEL = bytes(range(63, 63 + 64)) + bytes(256 - 64)  # bits 0..63 -> "?".."~"
_EMPTY = "?"  # a column with no pixel of the colour


def cell_pixels(fd: int) -> tuple[int, int]:
    """The terminal's cell size in pixels, from the window size the kernel keeps for it
    (``TIOCGWINSZ``: xterm, foot, WezTerm, kitty, mlterm fill in its pixel fields);
    CELL when it says nothing. Not a query: nothing is written, nothing read from input."""
    try:
        rows, columns, width, height = struct.unpack(
            "HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        )
    except (OSError, ValueError):
        return CELL
    if not (rows and columns and width and height):
        return CELL
    cell = (width // columns, height // rows)
    return cell if 4 <= cell[0] <= 100 and 6 <= cell[1] <= 200 else CELL


def rows_of(picture: Picture, columns: int, rows: int, cell: tuple[int, int]) -> list[str]:
    """The picture as ``rows`` sixel images, one for each text row of ``columns`` cells
    (at most columns x cell[0] by rows x cell[1] pixels, the aspect kept)."""
    from PIL import Image as PILImage  # (loaded already: the picture was decoded)

    box = (columns * cell[0], rows * cell[1])
    image = picture.image
    scale = min(box[0] / image.width, box[1] / image.height)  # (up too: cells are filled)
    size = (
        max(1, min(box[0], round(image.width * scale))),
        max(1, min(box[1], round(image.height * scale))),
    )
    image = image.resize(size, PILImage.Resampling.BILINEAR)
    quantised = image.quantize(
        colors=MAX_COLOURS, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE
    )
    palette = quantised.getpalette() or []
    pixels = quantised.tobytes()
    stride = quantised.size[0]
    return [
        encode(pixels[top * stride : (top + cell[1]) * stride], stride, palette)
        for top in range(0, rows * cell[1], cell[1])
    ]


def encode(pixels: bytes, width: int, palette: list[int]) -> str:
    """One sixel image of palette indices (``width`` a row, row after row); an empty
    string for no pixels."""
    height = len(pixels) // width if width else 0
    if not height:
        return ""
    used = sorted(set(pixels))
    colours = "".join(
        f"#{index};2;{_percent(palette, 3 * index)};{_percent(palette, 3 * index + 1)};"
        f"{_percent(palette, 3 * index + 2)}"
        for index in used
    )
    bands = []
    for top in range(0, height, 6):
        lines = [pixels[(top + r) * width : (top + r + 1) * width] for r in range(6)]
        lines = [line for line in lines if line]
        present = set().union(*(set(line) for line in lines))
        parts = []
        for index in sorted(present):
            only = bytes(index) + b"\x01" + bytes(255 - index)  # this colour -> 1
            planes = sum(
                int.from_bytes(line.translate(only), "big") << r for r, line in enumerate(lines)
            )
            columns = planes.to_bytes(width, "big").translate(_TO_SIXEL).decode("ascii")
            columns = columns.rstrip(_EMPTY)
            if columns:
                parts.append(f"#{index}{_RUN.sub(_run, columns)}")
        bands.append("$".join(parts))
    return f'\x1bP0;1;0q"1;1;{width};{height}{colours}{"-".join(bands)}\x1b\\'


def _run(match: re.Match[str]) -> str:
    return f"!{len(match[0])}{match[1]}"


def _percent(palette: list[int], at: int) -> int:
    """A palette channel (0-255) as sixel's 0-100."""
    value = palette[at] if at < len(palette) else 0
    return (value * 100 + 127) // 255
