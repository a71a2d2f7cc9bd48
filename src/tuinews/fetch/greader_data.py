"""What the Google Reader API answers, as typed plain data: item ids in both forms, and
parsers that turn the server's (untrusted) JSON into dataclasses.

Every one-line string that leaves here (titles, labels, names, stream ids) went through
:func:`tuinews.sanitise.clean_line`; links are kept only when they are http(s). Item
*content* is the exception: :attr:`Item.content_html` is the server's HTML as sent, raw
and untrusted, for the ingest path to sanitise like any feed item's HTML
(:func:`tuinews.formats.fragment.sanitise_fragment`). Nothing here shows it.

Servers differ in small ways (see docs/sync-design.md); the parsers accept what the
servers we know send, and drop an entry they cannot read rather than fail the whole call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tuinews.fetch._support import parse_url
from tuinews.formats.raw_feed import RawEnclosure
from tuinews.links import safe_link
from tuinews.sanitise import clean_line, clean_url

__all__ = [
    "READ",
    "READING_LIST",
    "STARRED",
    "ContentsPage",
    "IdPage",
    "Item",
    "ItemRef",
    "QuickAdd",
    "Subscription",
    "Tag",
    "UserInfo",
    "id_number",
    "label_name",
    "label_stream",
    "long_id",
    "short_id",
]

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL_PREFIX = "user/-/label/"

LONG_PREFIX = "tag:google.com,2005:reader/item/"
_HEX = re.compile(r"[0-9a-fA-F]{1,16}")
_DECIMAL = re.compile(r"-?[0-9]{1,20}")
_STATE = re.compile(r"user/[^/]*/state/com\.google/(?P<state>[a-z-]+)")
_LABEL = re.compile(r"user/[^/]*/label/(?P<label>.+)", re.DOTALL)
_U64 = 1 << 64
MAX_LABEL = 200
MAX_LINK = 8000


# item ids ---------------------------------------------------------------------------------


def id_number(item_id: str) -> int:
    """The unsigned 64-bit number behind an item id in either form: long
    (``tag:google.com,2005:reader/item/<hex>``) or short (signed decimal, possibly
    negative). Raises ValueError for anything else."""
    if not isinstance(item_id, str):
        raise ValueError("an item id is a string")
    text = item_id.strip()
    if text.startswith(LONG_PREFIX):
        digits = text[len(LONG_PREFIX) :]
        if not _HEX.fullmatch(digits):
            raise ValueError(f"not an item id: {clean_line(text, 80)!r}")
        return int(digits, 16)
    if _DECIMAL.fullmatch(text):
        number = int(text)
        if -(1 << 63) <= number < _U64:
            return number % _U64  # a negative short id is the same bits read as signed
    raise ValueError(f"not an item id: {clean_line(text, 80)!r}")


def long_id(item_id: str | int) -> str:
    """The long form: base 16, zero-padded to 16 digits, after the tag prefix."""
    number = item_id % _U64 if isinstance(item_id, int) else id_number(item_id)
    return f"{LONG_PREFIX}{number:016x}"


def short_id(item_id: str | int) -> str:
    """The short form: the same 64 bits as a *signed* decimal (negative above 2**63-1)."""
    number = item_id % _U64 if isinstance(item_id, int) else id_number(item_id)
    return str(number - _U64 if number >= 1 << 63 else number)


# labels -----------------------------------------------------------------------------------


def label_stream(label: str) -> str:
    """``user/-/label/NAME`` for a label (a folder or a tag) named by the user."""
    name = clean_line(label, MAX_LABEL)
    if not name:
        raise ValueError("a label needs a name")
    return LABEL_PREFIX + name


def label_name(stream_id: object) -> str | None:
    """The name in ``user/<anyone>/label/NAME``, sanitised; None for other streams."""
    match = _LABEL.fullmatch(stream_id) if isinstance(stream_id, str) else None
    return (clean_line(match["label"], MAX_LABEL) or None) if match else None


def _state(stream_id: object) -> str | None:
    match = _STATE.fullmatch(stream_id) if isinstance(stream_id, str) else None
    return match["state"] if match else None


# results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRef:
    """An item id as the server gave it (store it so and send it back so), and its
    number, to match the same item across the two forms."""

    id: str
    number: int

    @classmethod
    def of(cls, item_id: str) -> ItemRef:
        return cls(item_id.strip(), id_number(item_id))


@dataclass(frozen=True)
class IdPage:
    ids: tuple[ItemRef, ...]
    continuation: str | None  # pass as `continuation` for the next page; None at the end
    skipped: int = 0  # entries that carried no readable id


@dataclass(frozen=True)
class ContentsPage:
    items: tuple[Item, ...]
    continuation: str | None  # for the next page; None at the end
    skipped: int = 0  # entries that carried no readable id


@dataclass(frozen=True)
class Subscription:
    id: str  # the stream id, e.g. "feed/12" (FreshRSS) or "feed/https://..." (others)
    title: str
    url: str | None  # the feed's address (http(s) only)
    site_url: str | None  # its web site (http(s) only)
    labels: tuple[str, ...]  # the folders it is in


@dataclass(frozen=True)
class Tag:
    id: str  # "user/-/label/NAME" or a state such as "user/-/state/com.google/starred"
    label: str | None  # NAME for a label, None for a state
    kind: str | None  # "folder" (holds feeds), "tag" (holds items), or None (not said)


@dataclass(frozen=True)
class QuickAdd:
    stream_id: str
    title: str
    query: str


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    user_name: str


@dataclass(frozen=True)
class Item:
    ref: ItemRef  # as given: in contents answers, usually the long form
    title: str
    url: str | None  # http(s) only
    author: str
    feed_id: str  # the stream id of its subscription ("feed/...")
    feed_title: str
    published: float | None  # Unix seconds
    updated: float | None
    timestamp_usec: int | None  # when the server got it: `mark_all_as_read`'s unit
    content_html: str  # RAW, UNTRUSTED HTML as sent: the ingest path must sanitise it
    read: bool
    starred: bool
    labels: tuple[str, ...]
    enclosures: tuple[RawEnclosure, ...] = ()  # RAW, UNTRUSTED: sanitised on ingest

    @property
    def id(self) -> str:
        return self.ref.id


# parsers (their input is untrusted JSON) -----------------------------------------------------


class BadAnswer(ValueError):
    """The server's answer is not the JSON object asked for; the message says why (never
    in the server's own words: they could be anything)."""


def not_reader(what: str) -> str:
    return f"not a Google Reader API ({what})"


def json_object(body: bytes, name: str = "") -> dict[str, Any]:
    """The JSON object of an answer's body (``name``: the call, for the message); raises
    BadAnswer for an HTML page, broken JSON, anything but an object, and Miniflux's
    ``[]`` (its answer to a call it does not implement: "does not support")."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        if body.lstrip()[:1] == b"<":
            raise BadAnswer(not_reader("an HTML page instead of JSON")) from None
        raise BadAnswer(f"malformed JSON from the server ({name})") from None
    if data == []:
        call = "stream/contents" if name.startswith("stream/contents/") else name
        raise BadAnswer(f"the server does not support {call}")
    if not isinstance(data, dict):
        raise BadAnswer(f"malformed JSON from the server ({name}: not an object)")
    return data


def _text(value: object, limit: int = 2000) -> str:
    return clean_line(value, limit) if isinstance(value, str) else ""


def _link(value: object) -> str | None:
    """An item's link: http(s) only, checked as every link opened is (``safe_link``: a
    tenth of the cost of a full parse, on every item of every page)."""
    if not isinstance(value, str) or len(value) > MAX_LINK:
        return None
    return safe_link(value)


def _http(value: object) -> str | None:
    if not isinstance(value, str) or parse_url(value) is None:
        return None
    return clean_url(value) or None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip().isdigit():
        return float(int(value.strip()))
    return None


def _raw(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ref(value: object) -> ItemRef | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    try:
        return ItemRef.of(value)
    except ValueError:
        return None


def parse_id_page(data: dict[str, Any]) -> IdPage:
    refs: list[ItemRef] = []
    skipped = 0
    for entry in _list(data.get("itemRefs")):
        ref = _ref(_dict(entry).get("id"))
        if ref is None:
            skipped += 1
        else:
            refs.append(ref)
    return IdPage(tuple(refs), _continuation(data.get("continuation")), skipped)


def _continuation(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return (clean_line(value, 200) or None) if isinstance(value, str) else None


def parse_subscriptions(data: dict[str, Any]) -> list[Subscription]:
    found = []
    for entry in map(_dict, _list(data.get("subscriptions"))):
        stream = _text(entry.get("id"), 8000)
        if not stream:
            continue
        labels = []
        for category in map(_dict, _list(entry.get("categories"))):
            name = label_name(category.get("id")) or _text(category.get("label"), MAX_LABEL)
            if name and name not in labels:
                labels.append(name)
        found.append(
            Subscription(
                id=stream,
                title=_text(entry.get("title")),
                url=_http(entry.get("url")),
                site_url=_http(entry.get("htmlUrl")),
                labels=tuple(labels),
            )
        )
    return found


def parse_tags(data: dict[str, Any]) -> list[Tag]:
    found = []
    for entry in map(_dict, _list(data.get("tags"))):
        stream = _text(entry.get("id"), 8000)
        if not stream:
            continue
        kind = entry.get("type")
        found.append(Tag(stream, label_name(stream), kind if kind in ("folder", "tag") else None))
    return found


def parse_items(data: dict[str, Any]) -> tuple[list[Item], int]:
    """The items of a contents answer, and how many were dropped for lack of an id."""
    items = []
    skipped = 0
    for entry in map(_dict, _list(data.get("items"))):
        ref = _ref(entry.get("id"))
        if ref is None:
            skipped += 1
            continue
        items.append(_item(ref, entry))
    return items, skipped


def _item(ref: ItemRef, entry: dict[str, Any]) -> Item:
    categories = [c for c in _list(entry.get("categories")) if isinstance(c, str)]
    states = {_state(c) for c in categories}
    labels: list[str] = []
    for category in categories:
        name = label_name(category)
        if name and name not in labels:
            labels.append(name)
    url = None
    for key in ("canonical", "alternate"):
        for link in map(_dict, _list(entry.get(key))):
            url = url or _link(link.get("href"))
    origin = _dict(entry.get("origin"))
    body = _dict(entry.get("content")).get("content")
    if not isinstance(body, str) or not body:
        body = _dict(entry.get("summary")).get("content")
    usec = _number(entry.get("timestampUsec"))
    return Item(
        ref=ref,
        title=_text(entry.get("title")),
        url=url,
        author=_text(entry.get("author"), 500),
        feed_id=_text(origin.get("streamId"), 8000),
        feed_title=_text(origin.get("title")),
        published=_number(entry.get("published")),
        updated=_number(entry.get("updated")),
        timestamp_usec=int(usec) if usec is not None else None,
        content_html=body if isinstance(body, str) else "",
        read="read" in states,
        starred="starred" in states,
        labels=tuple(labels),
        enclosures=tuple(
            RawEnclosure(_raw(e.get("href")), _raw(e.get("type")), str(e.get("length") or "")[:20])
            for e in map(_dict, _list(entry.get("enclosure"))[:50])
        ),
    )


def parse_contents_page(data: dict[str, Any]) -> ContentsPage:
    items, skipped = parse_items(data)
    return ContentsPage(tuple(items), _continuation(data.get("continuation")), skipped)


def parse_quickadd(data: dict[str, Any]) -> QuickAdd | str:
    """The new subscription, or the server's reason (sanitised) why there is none."""
    stream = _text(data.get("streamId"), 8000)
    if not stream or data.get("error"):
        return _text(data.get("error"), 200) or "the server found no feed there"
    return QuickAdd(stream, _text(data.get("streamName")), _text(data.get("query"), 8000))


def parse_user_info(data: dict[str, Any]) -> UserInfo:
    return UserInfo(_text(data.get("userId"), 200), _text(data.get("userName"), 200))
