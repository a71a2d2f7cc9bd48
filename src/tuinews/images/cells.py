"""A decoded image as lines of terminal cells: how many cells it takes at a width, and its
half-block drawing (each cell an upper half block, "▀", its colour the upper pixel and
its background the lower one: any colour terminal shows it). Runs in a thread."""

from __future__ import annotations

from rich.color import Color
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
    from PIL import Image as PILImage  # (loaded already: the picture was decoded)

    columns, rows = cell_size(picture, width)
    small = picture.image.resize((columns, rows * 2), PILImage.Resampling.BOX)
    pixels = small.tobytes()  # RGB, row after row
    lines: list[Line] = []
    cache: dict[tuple[int, ...], Style] = {}
    stride = columns * 3
    for row in range(rows):
        upper = pixels[2 * row * stride : (2 * row + 1) * stride]
        lower = pixels[(2 * row + 1) * stride : (2 * row + 2) * stride]
        line: Line = []
        for at in range(0, stride, 3):
            key = (*upper[at : at + 3], *lower[at : at + 3])
            style = cache.get(key)
            if style is None:
                style = cache[key] = Style(
                    color=Color.from_rgb(key[0], key[1], key[2]),
                    bgcolor=Color.from_rgb(key[3], key[4], key[5]),
                )
            if line and line[-1].style is style:
                line[-1] = Segment(line[-1].text + "▀", style)
            else:
                line.append(Segment("▀", style))
        lines.append(line)
    return lines
