"""Sixel chosen by ``images = "auto"`` in a second real terminal: mlterm (which sets
``TERM=mlterm`` and ``MLTERM``) on a virtual X display, the real ``tuinews`` command in
it with nothing forced, a picture from a loopback server, the screen read back with xwd.
The picture is of stripes four pixels high: half blocks (two pixels a cell) cannot show
them, so seeing each stripe says it was drawn with Sixel, at the picture's place."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.terminals import TUINEWS
from tests.e2e.xscreen import clean_env, colour_mask, key, picture_pages, screen, stripes, wait
from tests.needs import need
from tests.netserver import FeedServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PURPLE, YELLOW = (120, 40, 160), (230, 200, 40)  # colours Textual's theme does not use


def runs(mask: Image.Image, column: int) -> int:
    """How many separate runs of the colour there are down one column of the mask."""
    count, inside = 0, False
    for row in range(mask.height):
        on = mask.getpixel((column, row)) == 255
        count, inside = count + (on and not inside), on
    return count


def test_auto_draws_sixel_in_mlterm_where_the_picture_is(
    display: str, server: FeedServer, tmp_path: Path
) -> None:
    need(shutil.which("mlterm"), "needs mlterm (apt-get install mlterm)")
    picture = stripes(160, 80, 4, (PURPLE, YELLOW))  # 20 stripes, 10 of them purple
    page, other = picture_pages(server, tmp_path, picture)
    env = clean_env(display, tmp_path)  # no TUINEWS_IMAGES: "auto" (and no COLORTERM)
    mlterm = subprocess.Popen(
        ["mlterm", "-geometry", "100x36+0+0", "-e", str(TUINEWS), str(page), str(other)],
        env=env,
    )
    try:
        wait(lambda: colour_mask(screen(display), PURPLE).getbbox() is not None, "drawn")
        # drawn whole: every row of the picture arrives before it is looked at
        wait(lambda: _ten_stripes(display), "the picture's ten purple stripes")
        shot = screen(display)
        mask = colour_mask(shot, PURPLE)
        box = mask.getbbox()
        assert box is not None
        left, top, right, bottom = box
        # In the article pane (the right half), below its alt text, twice as wide as high
        # (the picture's shape, at mlterm's own cell size).
        assert left > shot.width * 0.45, box
        assert top > 100, box
        assert abs((right - left) / (bottom - top) - 2) < 0.15, box
        drawn = mask.histogram()[255]
        key(env, "j")
        wait(lambda: colour_mask(screen(display), PURPLE).getbbox() is None, "gone after j")
        key(env, "k")
        wait(lambda: colour_mask(screen(display), PURPLE).histogram()[255] == drawn, "back")
        assert colour_mask(screen(display), PURPLE).getbbox() == box
    finally:
        mlterm.kill()
        mlterm.wait(timeout=10)


def _ten_stripes(display: str) -> bool:
    mask = colour_mask(screen(display), PURPLE)
    box = mask.getbbox()
    return box is not None and runs(mask, (box[0] + box[2]) // 2) == 10
