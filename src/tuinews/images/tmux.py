"""Kitty's graphics inside tmux. tmux keeps its own screen and passes an escape sequence
on to the terminal outside only when it is wrapped in its passthrough sequence
(``ESC P tmux; ... ESC \\``, every ESC inside doubled) and the pane allows it
(``allow-passthrough on``, tmux 3.3 and later). The placeholder cells are text, which
tmux keeps and redraws like any other, so Kitty's Unicode placeholders then work (the
image id is their foreground colour: it must be 24-bit colour from the app, through
tmux, to the terminal).

Whether the terminal outside draws Kitty's graphics cannot be read from the environment
inside tmux (``TERM`` is tmux's; ``KITTY_WINDOW_ID`` is whatever the tmux server was
started with), so ``images = "auto"`` asks tmux itself, once, in a thread, with the first
image: the attached client's terminal, its features, tmux's version and the pane's
``allow-passthrough``. Kitty's graphics only when all of them say yes (and a kitty outside
is not known to be older than 0.28, which has no Unicode placeholders); else half blocks.
No Textual here."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping

from tuinews.images.terminals import kitty_draws_placeholders

# The terminals outside whose Unicode placeholders are known to work (as outside tmux).
KITTY_TERMS = ("xterm-kitty", "xterm-ghostty")
FORMAT = "#{version}\t#{allow-passthrough}\t#{client_termname}\t#{client_termfeatures}"
TIMEOUT = 2.0  # seconds for tmux to answer
_APC = re.compile(r"\x1b_G[^\x1b]*\x1b\\")
_VERSION = re.compile(r"(?:next-)?(\d+)\.(\d+)")

Run = Callable[[list[str]], str]


def passthrough(data: str) -> str:
    """Each Kitty graphics sequence in ``data`` wrapped for tmux's passthrough (one
    wrapping each: a chunk of 4096 base64 characters stays far under tmux's limit)."""
    return _APC.sub(lambda m: "\x1bPtmux;" + m[0].replace("\x1b", "\x1b\x1b") + "\x1b\\", data)


def _run(args: list[str]) -> str:
    """tmux's answer (an argument list, never a shell); "" if it fails."""
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


def kitty_passes(env: Mapping[str, str], run: Run = _run) -> bool:
    """Whether Kitty's graphics reach a terminal that draws them from this tmux pane:
    tmux 3.3 or later, ``allow-passthrough`` on (or ``all``) for the pane, the attached
    client's terminal kitty or Ghostty, and 24-bit colour all the way (the app writes
    it: ``COLORTERM`` says so, as kitty and Ghostty set it; and tmux sends it on: its
    ``RGB`` feature), since the placeholders' colour is the image id. Asks tmux (the
    server in ``TMUX``, the pane in ``TMUX_PANE``)."""
    if not env.get("TMUX") or env.get("COLORTERM", "").lower() not in ("truecolor", "24bit"):
        return False
    pane = env.get("TMUX_PANE", "")
    target = ["-t", pane] if pane.startswith("%") else []
    answer = run(["tmux", "display-message", "-p", *target, FORMAT]).strip()
    if not kitty_from_answer(answer):
        return False
    # A kitty older than its placeholders (its installation as the tmux server's
    # environment names it; read from disk, so an upgrade since counts).
    return answer.split("\t")[2] != "xterm-kitty" or kitty_draws_placeholders(env)


def kitty_from_answer(answer: str) -> bool:
    """The decision from tmux's answer to FORMAT (a separate step, for the tests)."""
    parts = answer.split("\t")
    if len(parts) != 4:
        return False
    version, allowed, term, features = parts
    number = _VERSION.match(version)
    if number is None or (int(number[1]), int(number[2])) < (3, 3):
        return False
    if allowed.strip().lower() not in ("1", "on", "all"):
        return False
    return term in KITTY_TERMS and "RGB" in features.split(",")
