"""Enclosures as the user sees them: described in the article header (type, size,
duration). The file name a download gets: :mod:`tuinews.file_names`.

Cheap to import (the article header uses it): no network, no store."""

from __future__ import annotations

from tuinews.models import Enclosure
from tuinews.sanitise import clean_line


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
    """The article header's lines for its enclosures: (description, URL) each; the
    description says where the file was downloaded to, when it was (one clean line)."""
    many = len(enclosures) > 1
    return [
        (f"Enclosure{f' {n}' if many else ''}: {describe(e)}{_downloaded(e)}", e.url)
        for n, e in enumerate(enclosures, 1)
    ]


def _downloaded(enclosure: Enclosure) -> str:
    if not enclosure.downloaded:
        return ""
    return f" · downloaded: {clean_line(enclosure.downloaded, limit=500)}"
