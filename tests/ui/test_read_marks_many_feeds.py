"""Marking an article read with many feeds listed: the feed list's counts are changed
without a stall. The list looked the article's feed up again for each of its rows (at
1,000 feeds, 1,000 x 1,000 steps: 60-100 ms on the UI thread each time an article was
read, the longest stall while reading, with images or without: benchmarks/scale.py)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.builders import article
from tests.ui.helpers import main, settle, wait_for
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp

FEEDS = 2000


def many_feeds() -> tuple[Store, int]:
    """FEEDS feeds, some in folders and tags; one article in the last one."""
    store = Store(Path(tempfile.mkdtemp(prefix="tuinews-test-")) / "tuinews.db")
    for number in range(FEEDS):
        tags = ["world/europe"] if number % 3 == 0 else ["tech"] if number % 3 == 1 else []
        feed = store.add_feed(f"https://example.com/{number}.xml", f"Feed {number}", tags=tags)
    store.upsert_articles(feed.id, [article("one", title="The one", day=2)])
    return store, feed.id


async def test_marking_read_with_2000_feeds_changes_the_counts_without_a_stall() -> None:
    store, feed_id = many_feeds()
    settings = Settings(refresh_on_start=False)
    app = TuinewsApp(store=store, start=lambda **_: Opened(View()), settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        feeds = main(pilot).feed_list
        await wait_for(pilot, lambda: len(feeds.entries) > FEEDS)
        rows = {e.label: e for e in feeds.entries if e.feed is None or e.feed.id == feed_id}
        before = {label: e.unread for label, e in rows.items()}
        started = time.thread_time()
        feeds.adjust_unread(feed_id, 1)  # (as a `u` on the article does)
        spent = time.thread_time() - started
        after = {label: e.unread for label, e in rows.items()}
        # The counts that hold the feed went up: all, unread, its tag, the feed.
        changed = {label for label in rows if after[label] != before[label]}
        assert changed == {"All articles", "Unread", "#tech", f"Feed {FEEDS - 1}"}
        assert all(after[label] == (before[label] or 0) + 1 for label in changed)
        assert "Starred" not in changed
        # CPU time of this thread (the UI's): 180 ms before, ~1 ms now.
        assert spent < 0.03, f"{spent * 1000:.0f} ms of the UI thread for one count"
