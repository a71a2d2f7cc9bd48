"""Cron and the app together (issue 12, section 3): a real ``tuinews refresh`` process
writes the database while the app (driven by Pilot) has it open and sets read and
starred flags; two refreshes started at once. Feeds from a real server on 127.0.0.1,
real SQLite files, nothing mocked. Afterwards the file holds everything both wrote,
nothing twice, and passes PRAGMA integrity_check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.hostile.faults import assert_intact, rows, tuinews
from tests.netserver import FeedServer, Request, Response
from tests.ui.helpers import main, settle, wait_for
from tests.waiting import wait_until
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp

pytestmark = pytest.mark.slow  # real refresh processes beside the app

FEEDS = 24
OLD = 8  # items in every version of a feed
NEW = 4  # items only the second version has
DELAY = 0.15  # seconds each feed takes to answer: the refresh lasts a few seconds


def feed_body(feed: int, version: int) -> bytes:
    items = [(f"f{feed}-a{i}", f"Feed {feed} old {i}", 1 + i) for i in range(OLD)]
    if version:
        items += [(f"f{feed}-b{j}", f"Feed {feed} new {j}", 20 + j) for j in range(NEW)]
    entries = "".join(
        f"<item><guid>{uid}</guid><title>{title}</title><link>http://127.0.0.1/{uid}</link>"
        f"<description>Words about {title}.</description>"
        f"<pubDate>Mon, {day:02d} Jan 2024 {feed % 24:02d}:00:00 GMT</pubDate></item>"
        for uid, title, day in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>http://127.0.0.1/</link>{entries}</channel></rss>"
    ).encode()


def serve(server: FeedServer, version: int, delay: float = 0.0) -> None:
    for feed in range(FEEDS):
        server.route(f"/f{feed}.xml", Response(body=feed_body(feed, version), delay=delay))


def subscribe_and_fetch(server: FeedServer, db: Path) -> None:
    serve(server, 0)
    with Store(db) as store:
        for feed in range(FEEDS):
            store.add_feed(server.url(f"/f{feed}.xml"))
    first = subprocess.run(tuinews("refresh", "--db", str(db)), capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr


def assert_each_article_once(db: Path, per_feed: int) -> None:
    counts = rows(db, "SELECT feed_id, count(*), count(DISTINCT uid) FROM articles GROUP BY 1")
    assert len(counts) == FEEDS
    assert all(total == distinct == per_feed for _, total, distinct in counts), counts


async def test_flags_set_in_the_app_and_a_refresh_in_another_process_both_persist(
    tmp_path: Path,
) -> None:
    db = tmp_path / "tuinews.db"
    with FeedServer() as server:
        subscribe_and_fetch(server, db)
        serve(server, 1, delay=DELAY)
        app = TuinewsApp(
            store=Store(db),
            start=lambda **_: Opened(View()),
            settings=Settings(refresh_on_start=False, refresh_interval=0),
        )
        starred: list[int] = []
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            screen = main(pilot)
            assert len(screen.headlines.ids) == FEEDS * OLD
            first = screen.headlines.current_id  # read at start-up: the first article shown
            cron = subprocess.Popen(
                tuinews("refresh", "--db", str(db)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # While cron's refresh runs: go down the list, each article read (once shown)
            # and starred, each flag committed by the app's own writer.
            writes_during_refresh = 0
            while cron.poll() is None or not starred:
                await pilot.press("j")
                current = screen.headlines.current_id
                assert current is not None
                article = screen.article_view
                await wait_for(pilot, lambda: article.ready and article.article_id == current)  # noqa: B023
                await pilot.press("s")
                await settle(pilot)  # the flags are committed by the app's writers
                starred.append(current)
                writes_during_refresh += cron.poll() is None
            out, err = cron.communicate(timeout=60)
            assert cron.returncode == 0, out + err
            assert f"{FEEDS * NEW} new articles" in out
            assert writes_during_refresh >= 3, "the refresh ended before the app wrote"
            # The app shows cron's articles without a restart, the cursor where it was.
            await wait_for(
                pilot, lambda: len(screen.headlines.ids) == FEEDS * (OLD + NEW), guard=2000
            )
            assert screen.headlines.current_id == starred[-1]
            unread = FEEDS * (OLD + NEW) - len({first, *starred})
            await wait_for(pilot, lambda: screen.feed_list.entries[1].unread == unread)
        app.store.close()
    flags = {row[0]: (row[1], row[2]) for row in rows(db, "SELECT id, read, starred FROM articles")}
    assert all(flags[i] == (1, 1) for i in starred), "a flag set in the app was lost"
    assert sum(1 for _, s in flags.values() if s) == len(set(starred))
    assert_each_article_once(db, OLD + NEW)
    assert_intact(db)


def test_two_refreshes_at_once_fetch_each_feed_once_and_store_nothing_twice(
    tmp_path: Path,
) -> None:
    db = tmp_path / "tuinews.db"
    with FeedServer() as server:
        subscribe_and_fetch(server, db)
        serve(server, 1, delay=2 * DELAY)  # the second starts while the first fetches
        requests_before = len(server.requests)
        first = subprocess.Popen(
            tuinews("refresh", "--db", str(db)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # the first is fetching (it holds the lock by now)
        wait_until(lambda: len(server.requests) > requests_before, timeout=60)
        second = subprocess.run(
            tuinews("refresh", "--db", str(db), "--json"), capture_output=True, text=True
        )
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, out + err
        assert f"Refreshed {FEEDS} feeds" in out and f"{FEEDS * NEW} new articles" in out
        assert second.returncode == 0, second.stdout + second.stderr
        assert "another refresh" in second.stderr and "waiting for it" in second.stderr
        assert '"total": 0' in second.stdout  # it waited, then had nothing left to fetch
        fetched: list[Request] = server.requests[requests_before:]
        assert sorted(r.path for r in fetched) == sorted(f"/f{n}.xml" for n in range(FEEDS))
    assert_each_article_once(db, OLD + NEW)
    assert_intact(db)
