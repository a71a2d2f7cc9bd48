"""Images in articles: which mode the terminal gets, where the images are in an article's
rendered lines, and the limits that every image is held to. No Textual here.

An article's Markdown image (``![alt](url)``) is rendered by Rich as its alt text with the
URL in the style's meta (:mod:`tuinews.images.marks`); once the article is on screen and
the cursor rests, the article pane finds those marks in its lines, and the image is
fetched (:mod:`tuinews.images.loader`: the fetcher's limits, a disk cache), decoded off
the UI thread (:mod:`tuinews.images.decode`) and drawn as lines of cells below its alt
text: half blocks (:mod:`tuinews.images.cells`) or Kitty's Unicode placeholders
(:mod:`tuinews.images.kitty`). docs/images.md has the design and the choice of library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from rich.segment import Segment

MODES = ("auto", "kitty", "halfblock", "off")  # the ``images`` setting
META_KEY = "tuinews-image"  # in a Style's meta: (url, alt) of the image drawn there
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
    """The mode to draw images in: the setting's, unless "auto"; then Kitty's graphics
    protocol where the terminal is known to draw its Unicode placeholders (kitty,
    Ghostty; not inside tmux, which passes them only when configured to), else half
    blocks, which any colour terminal shows; "off" where colours are off (NO_COLOR, a
    dumb terminal). Read from the environment: the terminal cannot be asked once Textual
    reads its input."""
    if setting != "auto":
        return setting if setting in MODES else "off"
    term = env.get("TERM", "")
    if env.get("NO_COLOR") or term in ("dumb", ""):
        return "off"
    if env.get("TMUX") or term.startswith(("screen", "tmux")):
        return "halfblock"
    kitty = term == "xterm-kitty" or bool(env.get("KITTY_WINDOW_ID"))
    ghostty = term == "xterm-ghostty" or env.get("TERM_PROGRAM", "").lower() == "ghostty"
    return "kitty" if kitty or ghostty else "halfblock"


def find_marks(lines: list[Line], start: int = 0) -> list[Mark]:
    """The images in these lines (from ``start``), in order; at most MAX_IMAGES. Safe in a
    thread on a copy of the pane's list (the lines themselves are never changed)."""
    found: list[Mark] = []
    for row in range(start, len(lines)):
        line = lines[row]
        for segment in line:
            style = segment.style
            if style is None or not style.meta:
                continue
            value = style.meta.get(META_KEY)
            if isinstance(value, tuple) and len(value) == 2:
                url, alt = value
                mark = Mark(line, row, str(url), str(alt))
                if found and found[-1].url == mark.url and row - found[-1].row <= 1:
                    # One image's alt text in several segments, or wrapped over several
                    # lines: the image goes below its last line.
                    found[-1] = mark
                    continue
                found.append(mark)
                if len(found) >= MAX_IMAGES:
                    return found
    return found
