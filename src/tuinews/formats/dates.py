"""Date strings from documents to timezone-aware UTC datetimes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_utc(value: datetime | None) -> datetime | None:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: str) -> datetime | None:
    """ISO 8601 / RFC 3339 or RFC 2822 text to an aware UTC datetime; None if unreadable."""
    text = text.strip()
    if not text or len(text) > 64:
        return None
    candidates = [text]
    if " " in text and _ISO_DATE_ONLY.match(text.split(" ", 1)[0]):
        candidates.append(text.replace(" ", "T", 1))
    for candidate in candidates:
        try:
            return to_utc(datetime.fromisoformat(candidate))
        except (ValueError, OverflowError):
            pass
    try:
        return to_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def from_struct(value: object) -> datetime | None:
    """A UTC ``time.struct_time`` (as feedparser gives) to an aware datetime."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
