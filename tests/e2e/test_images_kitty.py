"""Images with ``images = "auto"`` in a real kitty (Debian 12's 0.26.5) on a virtual X
display with Mesa's software OpenGL, directly and through a real tmux 3.3a with
passthrough allowed, read back with xwd. kitty before 0.28 has no Unicode placeholders
(what Kitty images are drawn with here): it refuses the placement ("Malformed
GraphicsCommand control block, invalid key character: 0x55") and shows the placeholders
as boxes, so ``auto`` must give it half blocks; a kitty of 0.28 or later gets Kitty's
graphics. Either way the picture must be on the screen whole, and kitty must have
refused nothing."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminals import TUINEWS, need_command
from tests.e2e.xscreen import clean_env, colour_mask, picture_pages, screen, wait, xvfb
from tests.images import png
from tests.needs import need
from tests.netserver import FeedServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PURPLE = (120, 40, 160)  # a colour Textual's theme does not use
REFUSED = "GraphicsCommand"  # in kitty's log when it refuses a graphics command


@pytest.fixture
def gl_display() -> Iterator[str]:
    """A display with GLX (kitty needs OpenGL 3.3: Mesa's software renderer)."""
    need_command()
    need(shutil.which("kitty"), "needs kitty (apt-get install kitty)")
    need(all(shutil.which(p) for p in ("Xvfb", "xwd")), "needs Xvfb and xwd (apt-get)")
    with xvfb("1280x800x24", "+extension", "GLX") as name:
        yield name


def _kitty(display: str, tmp_path: Path, *command: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = clean_env(display, tmp_path, LIBGL_ALWAYS_SOFTWARE="1", TMUX_TMPDIR=str(tmp_path))
    log = tmp_path / "kitty.log"
    process = subprocess.Popen(
        ["kitty", "--config", "NONE", "-o", "initial_window_width=100c",
         "-o", "initial_window_height=36c", "-e", *command],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )  # fmt: skip
    return process, log


def _drawn_whole(display: str) -> bool:
    """The picture on the screen as a solid rectangle in the article pane (the right
    half): not boxes, not cut."""
    shot = screen(display)
    mask = colour_mask(shot, PURPLE)
    box = mask.getbbox()
    if box is None:
        return False
    left, top, right, bottom = box
    whole = mask.histogram()[255] == (right - left) * (bottom - top)
    return whole and left > shot.width * 0.3 and abs((right - left) / (bottom - top) - 2) < 0.2


@pytest.mark.parametrize("through_tmux", [False, True], ids=["kitty", "kitty-tmux"])
def test_auto_draws_the_picture_whole_in_a_real_kitty(
    gl_display: str, server: FeedServer, tmp_path: Path, through_tmux: bool
) -> None:
    page, other = picture_pages(server, tmp_path, png(160, 80, PURPLE))
    command = [str(TUINEWS), str(page), str(other)]
    if through_tmux:
        need(shutil.which("tmux"), "needs tmux (apt-get install tmux)")
        conf = tmp_path / "tmux.conf"
        # as the README tells a user: passthrough on, 24-bit colour to the terminal
        conf.write_text(
            "set -g allow-passthrough on\nset -as terminal-features ',xterm-kitty:RGB'\n"
        )
        command = ["tmux", "-L", "kittytest", "-f", str(conf), "new-session", *command]
    kitty, log = _kitty(gl_display, tmp_path, *command)
    try:
        wait(lambda: _drawn_whole(gl_display), "the picture drawn whole", timeout=20)
        assert REFUSED not in log.read_text(errors="replace"), log.read_text(errors="replace")
    finally:
        kitty.kill()
        kitty.wait(timeout=10)
        if through_tmux:
            subprocess.run(
                ["tmux", "-L", "kittytest", "kill-server"],
                env={"PATH": "/usr/bin:/bin", "TMUX_TMPDIR": str(tmp_path)},
                capture_output=True, timeout=10,
            )  # fmt: skip
