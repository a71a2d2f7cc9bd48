"""Images in articles: which mode the terminal gets, where the images are in an article's
rendered lines, and the limits that every image is held to. No Textual here.

An article's Markdown image (``![alt](url)``) is rendered by Rich as its alt text with the
URL in the style's meta (:mod:`tuinews.images.marks`); once the article is on screen and
the cursor rests, the article pane finds those marks in its lines, and the image is
fetched (:mod:`tuinews.images.loader`: the fetcher's limits, a disk cache), decoded off
the UI thread (:mod:`tuinews.images.decode`) and drawn as lines of cells below its alt
text: half blocks (:mod:`tuinews.images.cells`), Kitty's Unicode placeholders
(:mod:`tuinews.images.kitty`, through tmux: :mod:`tuinews.images.tmux`) or blank cells
with a sixel image a row drawn after them (:mod:`tuinews.images.sixel`). The feed's own
picture of an article goes on top of it (:mod:`tuinews.images.feed_image`).
docs/images.md has the design and the choice of library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from rich.segment import Segment

from tuinews.images.terminals import kitty_draws_placeholders, known_terminal

MODES = ("auto", "kitty", "sixel", "halfblock", "off")  # the ``images`` setting
META_KEY = "tuinews-image"  # in a Style's meta: (url, alt) of the image drawn there
SIGN = "🌆"  # before an image's alt text (as Rich's Markdown draws it)
MAX_IMAGES = 40  # images fetched for one article (the rest keep their alt text)

Line = list[Segment]


@dataclass(frozen=True)
class Mark:
    """An image in the article's lines: the line that holds its alt text, and its URL."""

    line: Line  # the line object itself (rows move when images are put in above it)
    row: int  # where it was when found
    url: str
    alt: str


def detect_mode(setting: str, env: Mapping[str, str] = os.environ) -> str:
    """The mode to draw images in: the setting's, unless "auto"; then the mode that the
    terminal is known to draw correctly (:mod:`tuinews.images.terminals`: Kitty's
    graphics in kitty and Ghostty, Sixel in foot, mlterm, WezTerm and contour), else half
    blocks, which any colour terminal shows; inside tmux or screen half blocks here (the
    article pane then asks tmux whether its passthrough reaches a Kitty terminal:
    :mod:`tuinews.images.tmux`; never Sixel: tmux passes no sixel on, it draws it itself
    only from 3.4 built with it); "off" where colours are off (NO_COLOR, a dumb
    terminal). Read from the environment: the terminal cannot be asked once Textual
    reads its input."""
    if setting != "auto":
        return setting if setting in MODES else "off"
    term = env.get("TERM", "")
    if env.get("NO_COLOR") or term in ("dumb", ""):
        return "off"
    if env.get("TMUX") or term.startswith(("screen", "tmux")):
        return "halfblock"
    known = known_terminal(env)
    if known is None:
        return "halfblock"
    if known.name == "kitty" and not kitty_draws_placeholders(env):
        return "halfblock"  # (kitty never drew Sixel)
    return known.mode


def find_marks(lines: list[Line], start: int = 0) -> list[Mark]:
    """The images in these lines (from ``start``), in order; at most MAX_IMAGES. Safe in a
    thread on a copy of the pane's list (the lines themselves are never changed). Only
    the lines from one with the image sign ("🌆", a cheap test of each segment's text) are
    looked at closely: a style's meta costs more to read."""
    found: list[Mark] = []
    row, end = start, len(lines)
    while row < end and len(found) < MAX_IMAGES:
        if not any(SIGN in segment.text for segment in lines[row]):
            row += 1
            continue
        # The alt text starts on this line or the next (wrapped after the sign), and goes
        # on over the lines after it while they carry the image's URL.
        row = _marks_from(lines, row, found)
    return found[:MAX_IMAGES]


def _marks_from(lines: list[Line], row: int, found: list[Mark]) -> int:
    """Add the marks on the lines from ``row`` on; the row to go on from."""
    first = row
    while row < len(lines):
        marked = False
        for segment in lines[row]:
            style = segment.style
            value = style.meta.get(META_KEY) if style is not None else None
            if isinstance(value, tuple) and len(value) == 2:
                marked = True
                mark = Mark(lines[row], row, str(value[0]), str(value[1]))
                if found and found[-1].url == mark.url and row - found[-1].row <= 1:
                    # One image's alt text in several segments, or wrapped over several
                    # lines: the image goes below its last line.
                    found[-1] = mark
                else:
                    found.append(mark)
        if not marked and row > first:
            return row
        row += 1
    return row
