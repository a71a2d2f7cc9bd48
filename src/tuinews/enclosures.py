"""Enclosures as the user sees them: described in the article header (type, size,
duration), and the file name a download gets (safe on every platform).

Cheap to import (the article header uses it): no network, no store."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tuinews.models import Enclosure
from tuinews.sanitise import clean_line

if TYPE_CHECKING:
    from pathlib import Path

MAX_NAME_BYTES = 150  # well under every file system's 255, with room for " (2)" and ".part"
# Characters Windows, macOS or Linux refuse or treat specially in a name.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
_EXTENSIONS = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/aac": ".aac",
    "audio/ogg": ".ogg",
    "audio/opus": ".opus",
    "audio/flac": ".flac",
    "audio/wav": ".wav",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "application/pdf": ".pdf",
}


def human_size(n: int) -> str:
    """``1.5 MB``, ``340 KB``, ``12 bytes``."""
    if n >= 1024**3:
        return f"{n / 1024**3:.3g} GB"
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def human_duration(seconds: int) -> str:
    """``1:02:03``, ``4:05``."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def describe(enclosure: Enclosure) -> str:
    """Type, size and duration, as far as the feed says: ``audio/mpeg · 56 MB · 1:02:03``."""
    parts = [enclosure.type or "file"]
    if enclosure.length:
        parts.append(human_size(enclosure.length))
    if enclosure.duration:
        parts.append(human_duration(enclosure.duration))
    return " · ".join(parts)


def header_lines(enclosures: tuple[Enclosure, ...]) -> list[tuple[str, str]]:
    """The article header's lines for its enclosures: (description, URL) each."""
    many = len(enclosures) > 1
    return [
        (f"Enclosure{f' {n}' if many else ''}: {describe(e)}", e.url)
        for n, e in enumerate(enclosures, 1)
    ]


def safe_file_name(name: str, fallback: str = "enclosure") -> str:
    """A file name that every platform accepts: no separators, controls or characters
    Windows refuses, no leading dot or dash, no trailing dot or space, not a reserved
    device name, at most MAX_NAME_BYTES of UTF-8 (the extension kept)."""
    import unicodedata  # (only when naming a download: the header imports this module)

    name = unicodedata.normalize("NFC", clean_line(name))
    name = _UNSAFE.sub("_", name).strip(" .")
    name = name.lstrip("-")
    if not name or set(name) <= {"_", " ", "."}:
        name = fallback
    if _RESERVED.fullmatch(name):
        name = "_" + name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = name, ""
    else:
        extension = "." + extension
    budget = MAX_NAME_BYTES - len(extension.encode())
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip(" .") or fallback
    return stem + extension


def file_name_for(enclosure: Enclosure) -> str:
    """The name of an enclosure's download: the last part of its URL's path (decoded),
    made safe; with an extension from its type if it has none."""
    try:
        path = urlsplit(enclosure.url).path
    except ValueError:
        path = ""
    name = safe_file_name(unquote(path.rsplit("/", 1)[-1]))
    if "." not in name.lstrip("."):
        name = safe_file_name(name + _EXTENSIONS.get(enclosure.type, ""))
    return name


def unused_path(folder: Path, name: str, taken: set[str] | frozenset[str] = frozenset()) -> Path:
    """``folder/name``, or ``folder/name (2).ext``... : neither an existing file (nor its
    ``.part``) nor one of ``taken`` (paths other downloads will use)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    else:
        extension = "." + extension
    for number in range(1, 10_000):
        candidate = folder / (name if number == 1 else f"{stem} ({number}){extension}")
        part = candidate.with_name(candidate.name + ".part")
        if not candidate.exists() and not part.exists() and str(candidate) not in taken:
            return candidate
    raise OSError(f"no free file name for {name} in {folder}")
