"""The orders a list can be sorted in: the headlines (newest first by default) and the
feeds (by name by default, in natural order: "feed 2" before "feed 10"). Names only, and
the natural sort key: the store turns an order into SQL (``tuinews.store.listing``,
``tuinews.store.feeds``), where ``natural_key`` is a SQL function of its connections."""

from __future__ import annotations

import re
from typing import Literal

HeadlineOrder = Literal["newest", "oldest", "title", "feed", "unread"]
FeedOrder = Literal["name", "unread", "updated", "added"]

HEADLINE_ORDERS: tuple[HeadlineOrder, ...] = ("newest", "oldest", "title", "feed", "unread")
FEED_ORDERS: tuple[FeedOrder, ...] = ("name", "unread", "updated", "added")

# As a list's title shows them.
HEADLINE_ORDER_NAMES: dict[str, str] = {
    "newest": "newest first",
    "oldest": "oldest first",
    "title": "by title",
    "feed": "by feed",
    "unread": "unread first",
}
FEED_ORDER_NAMES: dict[str, str] = {  # (the feed list is narrow)
    "name": "by name",
    "unread": "by unread",
    "updated": "by update",
    "added": "as added",
}

_DIGITS = re.compile(r"[0-9]+")
_MAX_DIGITS = 99


def _number(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0") or "0"
    # Its length first (two digits), so that a longer number sorts after a shorter one.
    return f"{min(len(digits), _MAX_DIGITS):02d}{digits}"


def natural_key(text: object) -> str:
    """A key whose plain (binary) order is the natural order of ``text``: without regard
    to case, and numbers by their value ("feed 2" before "feed 10", "a 007" with "a 7")."""
    return _DIGITS.sub(_number, str(text or "").casefold())


def next_in(orders: tuple[str, ...], current: str) -> str:
    """The order after ``current`` (the first after the last, or for an unknown one)."""
    try:
        return orders[(orders.index(current) + 1) % len(orders)]
    except ValueError:
        return orders[0]
