"""A first sync from a real FreshRSS 1.24.3 with enough subscriptions that the worker pool
reads its reading-list pages and stores their items (FIRST_WORKERS: issue 14's UI stall
and speed), run as a user runs it (``tuinews account add``, ``tuinews sync``): every item
arrives once, with the server's read and starred state, sanitised, searchable."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.freshrss import FreshRSS, LoopFeed
from tests.netserver import FeedServer
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.fetch.greader import READ, STARRED, GReaderClient
from tuinews.store import Store, View
from tuinews.sync.account_sync import FIRST_WORKERS

pytestmark = pytest.mark.slow  # a real FreshRSS

FEEDS = FIRST_WORKERS + 1
ITEMS = 4


def tuinews(db: Path, password: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tuinews", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, TUINEWS_PASSWORD=password),
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_first_sync_of_many_feeds_is_read_and_stored_by_the_workers(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    feeds = [LoopFeed(web, f"/f{n}.xml", title=f"Loop {n}") for n in range(FEEDS)]
    for feed in feeds:
        feed.add(ITEMS)
    feeds[0].items.append(("hostile", "Hostile", '<p onclick="x()">Hi<script>bad()</script></p>'))

    async def on_server() -> tuple[set[str], set[str]]:
        async with Fetcher(FetchLimits(total_timeout=60.0)) as fetcher:
            client = GReaderClient(freshrss.api_url, fetcher)
            await client.login(freshrss.user, freshrss.password)
            for feed in feeds:
                await client.quickadd(feed.url)
            refs = await client.all_item_ids()
            await client.mark_read(ref.id for ref in refs[:7])
            await client.star(ref.id for ref in refs[5:9])
            read = await client.all_item_ids(include=READ)
            starred = await client.all_item_ids(STARRED)
            return {ref.id for ref in read}, {ref.id for ref in starred}

    read, starred = asyncio.run(on_server())
    assert len(read) == 7 and len(starred) == 4
    db = tmp_path / "tuinews.db"
    tuinews(db, freshrss.password, "account", "add", freshrss.api_url, "--user", freshrss.user)
    (account,) = json.loads(tuinews(db, freshrss.password, "sync", "--json"))["accounts"]
    assert account["status"] == "ok", account["error"]
    assert account["first"] and account["new"] == FEEDS * ITEMS + 1

    store = Store(db)  # (the command is done: the database as it left it)
    try:
        headlines = store.headlines(View(with_hidden=True))
        assert len(headlines) == FEEDS * ITEMS + 1
        assert len({(h.feed_id, h.title) for h in headlines}) == len(headlines)  # once each
        assert sum(h.read for h in headlines) == 7
        assert sum(h.starred for h in headlines) == 4
        assert store.pending_index() == 0  # every article searchable
        (hostile,) = [h for h in headlines if h.title == "Hostile"]
        article = store.get_article(hostile.id)
        assert article is not None and "Hi" in article.body
        for bad in ("script", "onclick", "bad()"):
            assert bad not in article.body
    finally:
        store.close()
