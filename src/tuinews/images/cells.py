"""A decoded image as lines of terminal cells: how many cells it takes at a width, and its
half-block drawing (each cell an upper half block, "▀", its colour the upper pixel and
its background the lower one: any colour terminal shows it). The pixels are made in the
image worker process, the cells from them in the app (:mod:`tuinews.images.loader`)."""

from __future__ import annotations

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style

from tuinews.images.decode import Picture

Line = list[Segment]
CELL_PIXELS = 8  # an image's pixels per cell across, at its natural size (a typical font)
MAX_ROWS = 30  # lines an image takes at most (a tall one is narrowed to fit)


def cell_size(picture: Picture, width: int) -> tuple[int, int]:
    """(columns, rows) for the picture in a pane ``width`` cells wide: its natural size
    (CELL_PIXELS a cell), at most the width and MAX_ROWS; a cell is about twice as high
    as it is wide."""
    image_width, image_height = picture.width, picture.height
    columns = max(1, min(width, -(-image_width // CELL_PIXELS)))
    rows = max(1, round(columns * image_height / image_width / 2))
    if rows > MAX_ROWS:
        columns = max(1, round(columns * MAX_ROWS / rows))
        rows = MAX_ROWS
    return columns, rows


def half_blocks(picture: Picture, width: int) -> list[Line]:
    """The picture drawn in half blocks, at most ``width`` cells wide."""
    columns, rows, pixels = half_block_pixels(picture, width)
    return half_block_lines(columns, rows, pixels)


def half_block_pixels(picture: Picture, width: int) -> tuple[int, int, bytes]:
    """(columns, rows, RGB pixels two a cell, row after row): the pixel work of
    :func:`half_blocks` (Pillow's, in the image worker process: small to send back)."""
    from PIL import Image as PILImage  # (loaded already: the picture was decoded)

    columns, rows = cell_size(picture, width)
    small = picture.image.resize((columns, rows * 2), PILImage.Resampling.BOX)
    return columns, rows, small.tobytes()


def half_block_lines(columns: int, rows: int, pixels: bytes) -> list[Line]:
    """The cells of :func:`half_block_pixels`' pixels (a few ms of Python for 91x30
    cells of noise; runs rarer colours into one segment)."""
    lines: list[Line] = []
    colours: dict[bytes, Color] = {}
    styles: dict[bytes, Style] = {}
    stride = columns * 3
    if len(pixels) < stride * rows * 2:
        return lines
    for row in range(rows):
        upper = pixels[2 * row * stride : (2 * row + 1) * stride]
        lower = pixels[(2 * row + 1) * stride : (2 * row + 2) * stride]
        line: Line = []
        run = 0
        last: Style | None = None
        for at in range(0, stride, 3):
            top, bottom = upper[at : at + 3], lower[at : at + 3]
            key = top + bottom
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style.from_color(
                    _colour(top, colours), _colour(bottom, colours)
                )
            if style is last:
                run += 1
                continue
            if last is not None:
                line.append(Segment("▀" * run, last))
            last, run = style, 1
        if last is not None:
            line.append(Segment("▀" * run, last))
        lines.append(line)
    return lines


def _colour(rgb: bytes, colours: dict[bytes, Color]) -> Color:
    """A truecolor Color (made directly: Color.from_rgb formats and parses its name)."""
    colour = colours.get(rgb)
    if colour is None:
        red, green, blue = rgb
        name = f"#{_HEX[red]}{_HEX[green]}{_HEX[blue]}"
        colour = Color(name, ColorType.TRUECOLOR, None, ColorTriplet(red, green, blue))
        colours[rgb] = colour
    return colour


_HEX = [f"{value:02x}" for value in range(256)]
