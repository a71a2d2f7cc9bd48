"""A line under the panes: why the selected feed's last refresh failed (the feed list
marks such a feed with "!"; the reason stays here while the feed is selected)."""

from __future__ import annotations

import time

from textual.content import Content
from textual.widgets import Static

from tuinews.store import Feed


def ago(timestamp: int | None, now: float | None = None) -> str:
    """``timestamp`` (seconds since the epoch) as "5 min ago", "3 h ago", "2 days ago"."""
    if timestamp is None:
        return ""
    seconds = max(0, int((time.time() if now is None else now) - timestamp))
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' * (unit == 'day' and count != 1)} ago"
    return ""  # (not reached)


def failure_text(feed: Feed) -> str:
    """What to say about a feed whose last refresh failed ("" if it did not)."""
    if feed.status not in ("failed", "gone") or not feed.last_error:
        return ""
    what = "is gone, no longer fetched" if feed.status == "gone" else "could not be refreshed"
    when = ago(feed.last_fetch)
    return f"{feed.name} {what}{f' ({when})' if when else ''}: {feed.last_error}"


class FeedStatus(Static):
    """Hidden unless the selected feed failed. Plain text: the error may quote a server."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.text = ""

    def show_feed(self, feed: Feed | None) -> None:
        text = failure_text(feed) if feed is not None else ""
        if text != self.text:
            self.text = text
            self.update(Content("! " + text) if text else "")
        self.display = bool(text)
