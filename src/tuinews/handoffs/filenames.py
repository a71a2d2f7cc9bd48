"""File names safe on every platform, made from a title a feed chose.

Linux forbids only ``/`` and NUL, but the same folder may be synced to Windows or macOS,
or be a USB stick: so no character any of them forbids (``<>:"/\\|?*``, control
characters), no name Windows reserves (``CON``, ``NUL``, ``COM1``..., whatever the
extension), no trailing dot or space, no leading dot (a hidden file), and at most
:data:`MAX_BYTES` bytes of UTF-8 (most file systems allow 255 per name)."""

from __future__ import annotations

import re
import unicodedata

MAX_BYTES = 120  # the stem: room left for " (99)", the extension and a date
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_SPACES = re.compile(r"\s+")
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{name}{digit}" for name in ("COM", "LPT") for digit in "0123456789¹²³"]
)


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, cut between characters."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def safe_stem(title: str, fallback: str = "article", limit: int = MAX_BYTES) -> str:
    """``title`` as a file name without extension: forbidden and invisible characters
    dropped or made spaces, reserved names prefixed with ``_``; ``fallback`` when nothing
    is left."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn"))
    text = FORBIDDEN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" .")
    text = _cut(text, limit).rstrip(" .")
    if not text:
        text = fallback
    if text.split(".")[0].strip().upper() in RESERVED:
        text = "_" + text
    return text


def safe_filename(title: str, extension: str = ".md", date: str = "") -> str:
    """A file name for an article titled ``title`` (``date``: "YYYY-MM-DD" or ""), with
    ``extension``."""
    stem = safe_stem(f"{date} {title}".strip() if title.strip() else date)
    return stem + extension


def numbered(name: str, number: int) -> str:
    """``name`` with " (number)" before its extension: the second file of that name."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return f"{name} ({number})"
    return f"{stem} ({number}).{extension}"
