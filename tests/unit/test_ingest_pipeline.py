"""The refresh pipeline under load: a parse's time limit counts its own run, not its wait
behind other feeds; workers store what they parse; host interleaving."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.builders import rss
from tests.netserver import FeedServer
from tuinews import ingest, refresh_worker
from tuinews.fetch import FetchRequest
from tuinews.formats import ParsedFeed
from tuinews.query import parse_query
from tuinews.settings import Settings
from tuinews.store import Store, View
from tuinews.store.store import UpsertCounts


def slow_parse_and_store(*args: Any) -> tuple[ParsedFeed, UpsertCounts]:
    """Runs in a worker process: a parse that takes a while."""
    time.sleep(0.5)  # part of the test: the slow parse
    return refresh_worker.parse_and_store(*args)


def test_queued_feeds_do_not_time_out_behind_each_other(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 feeds of 0.5 s each on at most 2 workers take about 3 s in all: past a 2.5 s
    limit if it counted the wait in the queue (it did: a 1,000-feed refresh lost most
    feeds to "parse timeout" and then to the killed pool). The margin is for starting the
    worker processes on a loaded machine."""
    monkeypatch.setattr(ingest, "PARSE_TIMEOUT", 2.5)
    monkeypatch.setattr(ingest, "_parse_and_store", slow_parse_and_store)
    with Store(tmp_path / "t.db") as store:
        feeds = []
        for n in range(12):
            server.feed(f"/f{n}.xml", rss(f"Feed {n}", (f"{n}-1", f"Item {n}")))
            feeds.append(store.add_feed(server.url(f"/f{n}.xml")))
        results = ingest.run_refresh(store, Settings(), feeds)
        assert [r.status for r in results] == ["ok"] * 12, [r.error for r in results]
        assert sum(r.new for r in results) == 12
        # stored by the workers, seen through the parent's connection
        assert len(store.headlines(View())) == 12
        assert store.get_feed(feeds[0].id).title == "Feed 0"  # type: ignore[union-attr]
        # indexed for search by the end of the refresh, though workers index in batches
        assert store.pending_index() == 0
        found = store.headlines(View(), parse_query("text"))
        assert len(found) == 12


def test_hosts_are_interleaved() -> None:
    requests = [
        FetchRequest(url)
        for url in [
            "http://a.example/1",
            "http://a.example/2",
            "http://a.example/3",
            "http://b.example/1",
            "http://c.example/1",
            "http://b.example/2",
            "http://[bad/",
        ]
    ]
    ordered = [r.url for r in ingest._interleave_hosts(requests)]
    assert sorted(ordered) == sorted(r.url for r in requests)
    assert ordered[:4] == [
        "http://a.example/1",
        "http://b.example/1",
        "http://c.example/1",
        "http://[bad/",
    ]
