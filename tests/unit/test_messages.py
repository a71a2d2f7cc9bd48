"""Messages that wrap an error which has brackets of its own say it without nesting them:
"another tuinews is using X (already running (PID n))" read badly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuinews.settings import load_settings
from tuinews.store import Feed
from tuinews.store.lock import AlreadyRunning, Holder, StoreLock


def nested(text: str) -> bool:
    """Whether brackets are opened inside brackets."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth > 1:
                return True
        elif char == ")":
            depth = max(0, depth - 1)
    return False


def test_nested_finds_brackets_in_brackets() -> None:
    assert nested("x (already running (PID 1))")
    assert not nested("another tuinews (PID 1) is using x (a file)")


def test_the_lock_says_who_holds_it_without_nested_brackets(tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    with StoreLock(db), pytest.raises(AlreadyRunning) as raised:  # this process holds it
        StoreLock(db).acquire()
    message = str(raised.value)
    assert message == f"another tuinews is using it (PID {os.getpid()})"
    assert not nested(message)
    earlier = str(AlreadyRunning(Holder(4242)))  # an earlier version's lock: no "since"
    assert earlier == "an earlier tuinews is using it (PID 4242)" and not nested(earlier)


def test_a_feed_added_but_not_fetched_says_why_without_nested_brackets() -> None:
    from tuinews.add_feed import Subscribed
    from tuinews.ingest import FeedResult

    feed = Feed(
        1, "https://example.com/feed", "feed", "Example", "", "", None, None, None, None, "",
        "failed", None, None, "", False,
    )  # fmt: skip
    error = "could not connect (Connection refused)"
    result = FeedResult(1, "Example", feed.url, "failed", error=error)
    message = Subscribed(feed=feed, result=result).message
    assert error in message and not nested(message)


def test_a_broken_settings_file_says_where_without_nested_brackets(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = \n")
    _, problems = load_settings(path)
    assert len(problems) == 1 and "line 1" in problems[0]
    assert not nested(problems[0]), problems[0]
