"""Enclosures (podcast episodes and other attached files) as each parser finds them, and
made safe for the store: RSS ``<enclosure>``, Atom ``<link rel="enclosure">``, Media RSS
``media:content``, iTunes ``itunes:duration`` and JSON Feed ``attachments``.

Every value is untrusted: the URL must be http(s) once resolved (anything else is
dropped), the type must look like a MIME type, the size and duration must be sensible
numbers; at most :data:`MAX_ENCLOSURES` per article, each URL once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import unescape
from typing import Any

from tuinews.formats.raw_feed import RawEnclosure, item_ends
from tuinews.links import safe_link
from tuinews.models import Enclosure
from tuinews.sanitise import clean_url

MAX_ENCLOSURES = 20
MAX_LENGTH = 1 << 50  # a petabyte: anything larger is a made-up number
MAX_DURATION = 1000 * 3600  # 1000 hours
_MIME = re.compile(r"[A-Za-z0-9][\w.+-]{0,60}/[A-Za-z0-9][\w.+-]{0,100}")
_CLOCK = re.compile(r"(?:(\d{1,4}):)?(\d{1,4}):(\d{1,2})(?:\.\d+)?")
_SECONDS = re.compile(r"(\d{1,9})(?:\.\d+)?")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(int(value)) if value == value and abs(value) < 1e18 else ""
    return value if isinstance(value, str) else ""


def _url(value: object) -> str:
    return value if isinstance(value, str) else ""


def parse_length(value: str) -> int | None:
    """A size in bytes (``"12345"``), or None for nothing, zero or nonsense."""
    value = value.strip()
    if not value.isdigit() or len(value) > 16:
        return None
    number = int(value)
    return number if 0 < number <= MAX_LENGTH else None


def parse_duration(value: str) -> int | None:
    """A duration in seconds: ``"3723"``, ``"62:03"``, ``"1:02:03"`` (iTunes), or None."""
    value = value.strip()
    clock = _CLOCK.fullmatch(value)
    if clock:
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        total = hours * 3600 + minutes * 60 + seconds
    else:
        plain = _SECONDS.fullmatch(value)
        if not plain:
            return None
        total = int(plain[1])
    return total if 0 < total <= MAX_DURATION else None


def clean_enclosures(raw: Iterable[RawEnclosure], base: str = "") -> tuple[Enclosure, ...]:
    """The enclosures safe to keep: http(s) URLs (resolved against ``base``), each once,
    the first :data:`MAX_ENCLOSURES`; a later mention of the same URL fills in a size,
    type or duration the first lacked."""
    found: dict[str, Enclosure] = {}
    for item in raw:
        url = safe_link(item.url, base) if item.url else None
        if not url:
            continue
        url = clean_url(url)
        kind = item.type.strip()
        enclosure = Enclosure(
            url=url,
            type=kind.lower() if _MIME.fullmatch(kind) else "",
            length=parse_length(item.length),
            duration=parse_duration(item.duration),
        )
        known = found.get(url)
        if known is not None:
            found[url] = Enclosure(
                url,
                known.type or enclosure.type,
                known.length or enclosure.length,
                known.duration or enclosure.duration,
            )
        elif len(found) < MAX_ENCLOSURES:
            found[url] = enclosure
    return tuple(found.values())


def _with_item_duration(found: list[RawEnclosure], duration: str) -> tuple[RawEnclosure, ...]:
    """An item's ``itunes:duration`` is its first enclosure's (when that has none)."""
    if duration and found and not found[0].duration:
        first = found[0]
        found[0] = RawEnclosure(first.url, first.type, first.length, duration)
    return tuple(found)


def from_feedparser(entry: Mapping[str, Any]) -> tuple[RawEnclosure, ...]:
    """An entry's enclosures as feedparser read them (``enclosures`` holds RSS's and
    Atom's; ``media_content`` Media RSS's)."""
    found = [
        RawEnclosure(
            _url(e.get("href") or e.get("url")), _text(e.get("type")), _text(e.get("length"))
        )
        for e in entry.get("enclosures") or ()
        if isinstance(e, Mapping)
    ]
    found += [
        RawEnclosure(
            _url(m.get("url")),
            _text(m.get("type")),
            _text(m.get("filesize") or m.get("fileSize")),
            _text(m.get("duration")),
        )
        for m in entry.get("media_content") or ()
        if isinstance(m, Mapping)
    ]
    return _with_item_duration(found, _text(entry.get("itunes_duration")))


def from_json_feed(item: Mapping[str, Any]) -> tuple[RawEnclosure, ...]:
    """A JSON Feed item's ``attachments``."""
    attachments = item.get("attachments")
    if not isinstance(attachments, list):
        return ()
    return tuple(
        RawEnclosure(
            _url(a.get("url")),
            _text(a.get("mime_type")),
            _text(a.get("size_in_bytes")),
            _text(a.get("duration_in_seconds")),
        )
        for a in attachments
        if isinstance(a, Mapping)
    )


# -- fastfeedparser, which reads the URL and type (and RSS's length) but neither Atom's
# length, Media RSS's fileSize and duration nor ``itunes:duration``: those are read from
# each item's own bytes (the document cut at its item end tags), matched by URL.

_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:enclosure|content|link)\s([^<>]{0,4000})>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ITEM_DURATION = re.compile(rb"<itunes:duration>\s*([^<]{1,40}?)\s*</itunes:duration>")


def _attributes(text: bytes) -> dict[str, str]:
    return {
        m[1].decode("ascii", "replace").lower(): unescape(
            (m[2] if m[2] is not None else m[3] or b"").decode("utf-8", "replace")
        )
        for m in _ATTRIBUTE.finditer(text)
    }


def _item_extras(item: bytes) -> tuple[dict[str, tuple[str, str]], str]:
    """(url -> (length, duration)) of an item's enclosure-like tags, and its
    ``itunes:duration``."""
    extras: dict[str, tuple[str, str]] = {}
    for tag in _TAG.finditer(item):
        attributes = _attributes(tag[1])
        url = attributes.get("url") or attributes.get("href") or ""
        length = attributes.get("length") or attributes.get("filesize") or ""
        if url and url not in extras:
            extras[url] = (length, attributes.get("duration", ""))
    duration = _ITEM_DURATION.search(item)
    return extras, duration[1].decode("utf-8", "replace") if duration else ""


def from_fastfeedparser(entry: Mapping[str, Any]) -> list[RawEnclosure]:
    """An entry's enclosures as fastfeedparser read them: URL and type, RSS's length."""
    found = [
        RawEnclosure(
            _url(e.get("url") or e.get("href")), _text(e.get("type")), _text(e.get("length"))
        )
        for e in entry.get("enclosures") or ()
        if isinstance(e, Mapping)
    ]
    found += [
        RawEnclosure(_url(link.get("href")), _text(link.get("type")))
        for link in entry.get("links") or ()
        if isinstance(link, Mapping) and link.get("rel") == "enclosure"
    ]
    found += [
        RawEnclosure(_url(m.get("url")), _text(m.get("type")))
        for m in entry.get("media_content") or ()
        if isinstance(m, Mapping)
    ]
    return found


def complete(data: bytes, entries: list[list[RawEnclosure]]) -> list[tuple[RawEnclosure, ...]]:
    """Each entry's enclosures with the sizes and durations only the bytes hold, when the
    document's items line up with the entries (else as they are)."""
    if not any(entries):
        return [tuple(found) for found in entries]
    cuts = item_ends(data)
    if len(cuts) != len(entries):
        return [tuple(found) for found in entries]
    done: list[tuple[RawEnclosure, ...]] = []
    start = 0
    for end, found in zip(cuts, entries, strict=True):
        if found:
            extras, duration = _item_extras(data[start:end])
            found = [
                RawEnclosure(
                    e.url,
                    e.type,
                    e.length or extras.get(e.url, ("", ""))[0],
                    e.duration or extras.get(e.url, ("", ""))[1],
                )
                for e in found
            ]
            done.append(_with_item_duration(found, duration))
        else:
            done.append(())
        start = end
    return done
