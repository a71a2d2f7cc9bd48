"""Sixel in a real terminal that draws it: xterm (``-ti vt340``) on a virtual X display
(Xvfb), the real ``tuinews`` command in it, keys sent with xdotool and the screen read
back with xwd. What a reader would see: the picture in its cells, nothing of it left
after the next article is shown, the picture back with its article."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS
from tests.e2e.xscreen import clean_env, key, picture_pages, red_pixels, wait
from tests.needs import need
from tests.netserver import FeedServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_sixel_picture_in_xterm_is_drawn_and_leaves_nothing_behind(
    display: str, server: FeedServer, tmp_path: Path
) -> None:
    need(shutil.which("xterm"), "needs xterm (apt-get install xterm)")
    page, other = picture_pages(server, tmp_path)
    # xterm says nothing of its Sixel in the environment: asked for
    env = clean_env(display, tmp_path, TUINEWS_IMAGES="sixel", COLORTERM="truecolor")
    xterm = subprocess.Popen(
        ["xterm", "-ti", "vt340", "-xrm", "XTerm*numColorRegisters: 256", "-geometry",
         "120x40+0+0", "-e", str(TUINEWS), str(page), str(other)],
        env=env,
    )  # fmt: skip
    try:
        # 20 cells by 5 rows of xterm's own cell size (read from the window size).
        wait(lambda: red_pixels(display) > 3000, "the picture drawn")
        drawn = red_pixels(display)
        key(env, "j")
        wait(lambda: red_pixels(display) == 0, "the picture gone with its article")
        time.sleep(1)
        assert red_pixels(display) == 0  # and it stays gone
        key(env, "k")
        wait(lambda: red_pixels(display) == drawn, "the same picture back")
    finally:
        xterm.kill()
        xterm.wait(timeout=10)
