"""An item's own picture, as its feed names it: Media RSS ``media:thumbnail``, else a
``media:content`` that is an image (``medium="image"`` or an ``image/*`` type); JSON
Feed's ``image``, else ``banner_image``; for any feed, else the first enclosure of an
``image/*`` type. The article shows it at its top when its body has no image of its own
(:func:`tuinews.images.feed_image.with_feed_image`).

Every value is untrusted: the URL must be http(s) once resolved against the feed's base
(anything else is dropped, never stored), and goes through the sanitiser."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import unescape
from typing import Any

from tuinews.formats.raw_feed import item_ends
from tuinews.links import safe_link
from tuinews.models import Enclosure
from tuinews.sanitise import clean_url

MAX_URL = 2000  # characters: a longer picture address is not kept


def _url(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_image(media: Mapping[str, Any]) -> bool:
    medium = _url(media.get("medium")).lower()
    kind = _url(media.get("type")).lower()
    return medium == "image" or (not medium and kind.startswith("image/"))


def _first(found: Iterable[object], image_only: bool) -> str:
    for media in found:
        if isinstance(media, Mapping) and (not image_only or _is_image(media)):
            url = _url(media.get("url") or media.get("href"))
            if url:
                return url
    return ""


def from_feedparser(entry: Mapping[str, Any]) -> str:
    """The picture of an entry as feedparser read it (``media_thumbnail`` first)."""
    return _first(entry.get("media_thumbnail") or (), False) or _first(
        entry.get("media_content") or (), True
    )


def from_fastfeedparser(entry: Mapping[str, Any]) -> str:
    """The picture of an entry as fastfeedparser read it (it reads ``media:thumbnail``
    as a ``media_content`` of an image type)."""
    return _first(entry.get("media_content") or (), True)


def from_json_feed(item: Mapping[str, Any]) -> str:
    """A JSON Feed item's ``image``, else its ``banner_image``."""
    return _url(item.get("image")) or _url(item.get("banner_image"))


def clean_image(url: str, base: str = "", enclosures: Iterable[Enclosure] = ()) -> str:
    """The picture's address safe to keep (http(s), resolved against ``base``,
    sanitised), else the first image enclosure's (already made safe); "" for none."""
    link = safe_link(url, base) if url and len(url) <= MAX_URL else None
    if link:
        return clean_url(link)
    return next((e.url for e in enclosures if e.type.startswith("image/")), "")


# fastfeedparser misses a ``media:thumbnail`` inside a ``media:group`` (YouTube's feeds):
# read from each item's own bytes (the document cut at its item end tags).
_THUMBNAIL = re.compile(
    rb"""<[\w.-]+:thumbnail\s[^<>]{0,2000}?\burl\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')"""
)


def thumbnails(data: bytes, count: int) -> list[str] | None:
    """Each item's first ``media:thumbnail`` URL ("" for none), when the document's items
    line up with the ``count`` entries; None otherwise."""
    if b"thumbnail" not in data:
        return [""] * count
    cuts = item_ends(data)
    if len(cuts) != count:
        return None
    found, start = [], 0
    for end in cuts:
        match = _THUMBNAIL.search(data, start, end)
        value = (match[1] if match[1] is not None else match[2]) if match else b""
        found.append(unescape(value.decode("utf-8", "replace")))
        start = end
    return found
