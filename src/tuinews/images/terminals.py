"""Which image mode ``images = "auto"`` picks for a terminal, read from the environment
only: once Textual reads the terminal's input it cannot be asked (a ``CSI c`` for Sixel,
a Kitty query), and asking before the first frame would delay it and could eat a key.

One table: a terminal is known by an environment variable it sets, and gets the mode
that draws correctly there (not merely the richest one it claims). The first row that
matches wins, so the rows whose variable each terminal sets afresh (``TERM``,
``TERM_PROGRAM``) come before those that a program started from another terminal inherits
(``KITTY_WINDOW_ID``, ``MLTERM``, ``KONSOLE_VERSION``, ``WT_SESSION``...). Inside tmux or
screen none of them applies (``TERM`` is the multiplexer's and the rest are whatever its
server was started with): the caller decides there. No Textual here."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping


class Known:
    """A terminal known by an environment variable, and the mode ``auto`` gives it. (A
    plain class: a dataclass costs ~1 ms to make, and this module loads with the pane.)"""

    __slots__ = ("mode", "name", "values", "variable", "why")

    def __init__(
        self, name: str, variable: str, values: tuple[str, ...], mode: str, why: str
    ) -> None:
        self.name = name
        self.variable = variable
        self.values = values  # the variable's values (lower case) that say so; () = any
        self.mode = mode
        self.why = why

    def __repr__(self) -> str:
        return f"Known({self.name!r}, {self.variable!r}, {self.values!r}, {self.mode!r})"


TERMINALS: tuple[Known, ...] = (
    # --- TERM, set by each terminal for the programs it runs ---------------------------
    # (kitty before 0.28 has no Unicode placeholders: half blocks, see kitty_version)
    Known("kitty", "TERM", ("xterm-kitty",), "kitty", "Kitty's protocol with placeholders"),
    Known("Ghostty", "TERM", ("xterm-ghostty",), "kitty", "placeholders since 1.0"),
    Known(
        "foot",
        "TERM",
        ("foot", "foot-extra", "foot-direct", "foot-extra-direct"),
        "sixel",
        "Sixel since foot 1.2 (2020); no Kitty graphics",
    ),
    Known("contour", "TERM", ("contour", "contour-latest"), "sixel", "Sixel; no Kitty graphics"),
    Known("mlterm", "TERM", ("mlterm", "mlterm-256color"), "sixel", "Sixel since 3.1.9 (2013)"),
    # --- TERM_PROGRAM, set afresh by the terminals that use it --------------------------
    Known("Ghostty", "TERM_PROGRAM", ("ghostty",), "kitty", "placeholders since 1.0"),
    Known(
        "WezTerm",
        "TERM_PROGRAM",
        ("wezterm",),
        "sixel",
        # WezTerm speaks Kitty's protocol only in part: no Unicode placeholders (which
        # tuinews draws with, so images can scroll and be written over like text), and a
        # virtual placement is drawn at the cursor instead (wezterm issue 986, fzf issue
        # 3486). Its Sixel is drawn in the cells and cleared by the text written over them.
        "Sixel: its Kitty graphics lack the Unicode placeholders",
    ),
    # --- variables a terminal sets and programs started from it inherit ----------------
    Known("kitty", "KITTY_WINDOW_ID", (), "kitty", "kitty, with another TERM"),
    Known("mlterm", "MLTERM", (), "sixel", "Sixel (mlterm sets MLTERM to its version)"),
    Known("contour", "TERMINAL_NAME", ("contour",), "sixel", "Sixel; no Kitty graphics"),
    Known(
        "Konsole",
        "KONSOLE_VERSION",
        (),
        "halfblock",
        # Sixel since 22.04 (KONSOLE_VERSION 220400), but Konsole is said not to clear a
        # sixel image when text is written over its cells (docs/images.md): the old
        # article's picture would stay on screen. Not tried here.
        "half blocks: Konsole's Sixel is said to stay under new text",
    ),
    Known(
        "Windows Terminal",
        "WT_SESSION",
        (),
        "halfblock",
        # Sixel since 1.22, but nothing in the environment tells its version (WT_SESSION
        # is a GUID), and an older one would show the sixel data as nothing at all.
        "half blocks: its version (Sixel from 1.22) cannot be told",
    ),
)


def known_terminal(env: Mapping[str, str]) -> Known | None:
    """The first row of TERMINALS that the environment matches; None if none does."""
    for known in TERMINALS:
        value = env.get(known.variable, "")
        if value and (not known.values or value.lower() in known.values):
            return known
    return None


# Kitty's Unicode placeholders (what the pane draws Kitty images with) came in kitty
# 0.28.0 (2023-04); an older kitty refuses the placement ("Malformed GraphicsCommand
# control block, invalid key character: 0x55", the "U") and shows the placeholders as
# boxes. Debian 12 ships 0.26.5.
KITTY_PLACEHOLDERS = (0, 28)
_KITTY_VERSION = rb"^version\b[^=\n]*=\s*Version\((\d+),\s*(\d+),\s*(\d+)\)"  # (compiled when used)


def kitty_version(env: Mapping[str, str]) -> tuple[int, int, int] | None:
    """The version of the kitty this runs in, read from its installation
    (``KITTY_INSTALLATION_DIR``, which kitty sets, holds ``kitty/constants.py`` in a
    distribution's package); None where it cannot be told (no such file: over ssh, or a
    build that keeps its Python elsewhere). A file read, no process, no query."""
    folder = env.get("KITTY_INSTALLATION_DIR", "")
    if not folder:
        return None
    path = os.path.join(folder, "kitty", "constants.py")
    try:
        if not os.path.isfile(path):  # (not a FIFO or a device, which could block)
            return None
        with open(path, "rb") as file:
            head = file.read(16384)
    except OSError:
        return None
    found = re.search(_KITTY_VERSION, head, re.M)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def kitty_draws_placeholders(env: Mapping[str, str]) -> bool:
    """False only where the kitty is known to be older than its Unicode placeholders
    (a kitty of unknown version is taken to have them: 0.28 is from 2023)."""
    version = kitty_version(env)
    return version is None or version[:2] >= KITTY_PLACEHOLDERS
