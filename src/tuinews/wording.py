"""How the commands say counts and times: ``plural(3, "feed")`` is "3 feeds",
``ago(timestamp)`` is "5m ago" (or "never")."""

from __future__ import annotations

import time


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


def ago(timestamp: int | None) -> str:
    if not timestamp:
        return "never"
    seconds = max(0, int(time.time()) - timestamp)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"
