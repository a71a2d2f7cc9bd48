"""Sixel chosen by ``images = "auto"`` in real terminals other than xterm, with nothing
forced: mlterm (which sets ``TERM=mlterm`` and ``MLTERM``) on a virtual X display, and
foot (``TERM=foot``; Wayland only: in a Weston compositor drawing into the virtual X
display), the real ``tuinews`` command in them, a picture from a loopback server, the
screen read back with xwd and keys sent with xdotool. The picture is of stripes four
pixels high: half blocks (two pixels a cell) cannot show them, so seeing each stripe
says it was drawn with Sixel; it must be in the article pane at its own shape, gone
after ``j`` and back in the same place after ``k``."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.terminals import TUINEWS
from tests.e2e.xscreen import clean_env, colour_mask, key, picture_pages, screen, stripes, wait
from tests.needs import need
from tests.netserver import FeedServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PURPLE, YELLOW = (120, 40, 160), (230, 200, 40)  # colours Textual's theme does not use


def test_auto_draws_sixel_in_mlterm_where_the_picture_is(
    display: str, server: FeedServer, tmp_path: Path
) -> None:
    need(shutil.which("mlterm"), "needs mlterm (apt-get install mlterm)")
    page, other = picture_pages(server, tmp_path, stripes(160, 80, 4, (PURPLE, YELLOW)))
    env = clean_env(display, tmp_path)  # no TUINEWS_IMAGES: "auto" (and no COLORTERM)
    mlterm = subprocess.Popen(
        ["mlterm", "-geometry", "100x36+0+0", "-e", str(TUINEWS), str(page), str(other)],
        env=env,
    )
    try:
        drawn_with_sixel(display, env)
    finally:
        mlterm.kill()
        mlterm.wait(timeout=10)


@pytest.fixture
def wayland(display: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Weston compositor drawing into the virtual X display (its X11 backend, software
    rendering): the variables a Wayland program needs to show its window there."""
    need(shutil.which("weston"), "needs weston (apt-get install weston)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**clean_env(display, tmp_path), "XDG_RUNTIME_DIR": str(runtime)}
    weston = subprocess.Popen(
        ["weston", "--backend=x11-backend.so", "--use-pixman", "--width=1000",
         "--height=700", "--socket=wayland-test", "--idle-time=0"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait(lambda: (runtime / "wayland-test").exists(), "Weston listening", timeout=15)
        yield {"XDG_RUNTIME_DIR": str(runtime), "WAYLAND_DISPLAY": "wayland-test"}
    finally:
        weston.kill()
        weston.wait(timeout=10)


def test_auto_draws_sixel_in_foot_where_the_picture_is(
    display: str, wayland: dict[str, str], server: FeedServer, tmp_path: Path
) -> None:
    need(shutil.which("foot"), "needs foot (apt-get install foot)")
    page, other = picture_pages(server, tmp_path, stripes(160, 80, 4, (PURPLE, YELLOW)))
    env = {**clean_env(display, tmp_path), **wayland}  # "auto"; foot sets TERM=foot
    foot = subprocess.Popen(
        ["foot", "-w", "900x600", "-e", str(TUINEWS), str(page), str(other)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        drawn_with_sixel(display, env)
    finally:
        foot.kill()
        foot.wait(timeout=10)


def drawn_with_sixel(display: str, env: dict[str, str]) -> None:
    """The picture drawn with Sixel in the article pane, gone after ``j``, back after ``k``
    (keys to the focused window of the display in ``env``)."""
    wait(lambda: colour_mask(screen(display), PURPLE).getbbox() is not None, "drawn")
    # drawn whole: every row of the picture arrives before it is looked at
    wait(lambda: _stripes(colour_mask(screen(display), PURPLE)) == 10, "ten purple stripes")
    shot = screen(display)
    mask = colour_mask(shot, PURPLE)
    box = mask.getbbox()
    assert box is not None
    left, top, right, bottom = box
    # In the article pane (the right half), below its alt text, twice as wide as high
    # (the picture's shape, at the terminal's own cell size).
    assert left > shot.width * 0.45, box
    assert top > 100, box
    assert abs((right - left) / (bottom - top) - 2) < 0.15, box
    drawn = mask.histogram()[255]
    key(env, "j")
    wait(lambda: colour_mask(screen(display), PURPLE).getbbox() is None, "gone after j")
    time.sleep(0.5)  # (and it stays gone: nothing draws it again late)
    assert colour_mask(screen(display), PURPLE).getbbox() is None
    key(env, "k")
    wait(lambda: colour_mask(screen(display), PURPLE).histogram()[255] == drawn, "back")
    assert colour_mask(screen(display), PURPLE).getbbox() == box


def _stripes(mask: Image.Image) -> int:
    """How many separate runs of the colour there are down the middle of its box."""
    box = mask.getbbox()
    if box is None:
        return 0
    column = (box[0] + box[2]) // 2
    count, inside = 0, False
    for row in range(mask.height):
        on = mask.getpixel((column, row)) == 255
        count, inside = count + (on and not inside), on
    return count
