"""File names safe on every platform, made from names and titles a feed chose: the name
of a download (an enclosure's URL, a server's ``Content-Disposition``) and of a saved
article. One set of rules for both.

Linux forbids only ``/`` and NUL, but the same folder may be synced to Windows or macOS,
or be a USB stick: so no character any of them forbids (``<>:"/\\|?*``, control and
invisible characters), no name Windows reserves (``CON``, ``NUL``, ``COM1``..., whatever
the extension), no leading dot (a hidden file) or dash (read as an option by a player
given the file), no trailing dot or space, and a bounded length in bytes of UTF-8 (most
file systems allow 255 per name)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tuinews.models import Enclosure

MAX_BYTES = 120  # an article's stem: room left for " (99)", the extension and a date
MAX_NAME_BYTES = 150  # a download's whole name: room for " (2)" and ".part"
MAX_EXTENSION = 10  # characters after the last dot that are still an extension
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_SPACES = re.compile(r"\s+")
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{name}{digit}" for name in ("COM", "LPT") for digit in "0123456789¹²³"]
)
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


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, cut between characters."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def safe_stem(
    text: str, fallback: str = "article", limit: int = MAX_BYTES, unsafe: str = " "
) -> str:
    """``text`` as a file name without extension: control characters made spaces,
    invisible ones dropped, forbidden ones made ``unsafe``, reserved names prefixed with
    ``_``; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn"))
    text = FORBIDDEN.sub(unsafe, text)
    text = _SPACES.sub(" ", text).strip(" .").lstrip("-").strip(" .")
    text = _cut(text, limit).rstrip(" .")
    if not text.strip("_ ."):
        return fallback
    if text.split(".")[0].strip().upper() in RESERVED:
        text = "_" + text
    return text


def safe_file_name(name: str, fallback: str = "enclosure", limit: int = MAX_NAME_BYTES) -> str:
    """``name`` made safe with its extension kept (cut from the stem when too long);
    forbidden characters become ``_``; ``fallback`` when nothing is left."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION:
        stem, extension = name, ""
    extension = safe_stem(extension, "", MAX_EXTENSION, "_")
    extension = "." + extension if extension else ""
    stem = safe_stem(stem, "", limit - len(extension.encode()), "_")
    if not stem:
        return fallback
    return stem + extension


def safe_filename(title: str, extension: str = ".md", date: str = "") -> str:
    """A file name for an article titled ``title`` (``date``: "YYYY-MM-DD" or ""), with
    ``extension``."""
    stem = safe_stem(f"{date} {title}".strip() if title.strip() else date)
    return stem + extension


def numbered(name: str, number: int) -> str:
    """``name`` with " (number)" before its extension: the second file of that name."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({number})"
    return f"{stem} ({number}).{extension}"


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
    for number in range(1, 10_000):
        candidate = folder / (name if number == 1 else numbered(name, number))
        part = candidate.with_name(candidate.name + ".part")
        if not candidate.exists() and not part.exists() and str(candidate) not in taken:
            return candidate
    raise OSError(f"no free file name for {name} in {folder}")
