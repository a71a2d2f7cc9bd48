"""A feed's own settings at work in a refresh, and the global user_agent and proxy: a
real HTTP server on 127.0.0.1, real proxies on 127.0.0.1 (tests/proxy.py), a real
SQLite store, the real parse workers, and the real command."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tests.proxy import HttpProxy, Socks5Proxy
from tuinews import default_user_agent
from tuinews.fetch import Fetcher, FetchRequest, FetchResult
from tuinews.ingest import run_refresh, stale_feeds
from tuinews.network import new_fetcher
from tuinews.settings import Settings
from tuinews.store import Store, View

ITEMS = [(str(n), f"Item {n}") for n in range(1, 7)]


def tuinews(db: Path, *args: str, config: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    if config:
        Path(env["TUINEWS_CONFIG"]).write_text(config)
    return subprocess.run(
        [sys.executable, "-m", "tuinews", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def user_agents(server: FeedServer, path: str) -> list[str | None]:
    return [request.header("User-Agent") for request in server.requests_to(path)]


def test_a_feed_s_user_agent_is_sent_for_it_and_the_global_one_for_the_others(
    server: FeedServer, store: Store
) -> None:
    server.route("/own.xml", Response(body=rss("Own", ("1", "One"))))
    server.route("/plain.xml", Response(body=rss("Plain", ("1", "One"))))
    own = store.add_feed(server.url("/own.xml"))
    plain = store.add_feed(server.url("/plain.xml"))
    store.change_feed(own.id, {"user_agent": "Mozilla/5.0 (own)"})
    run_refresh(store, Settings(), store.feeds())
    assert user_agents(server, "/own.xml") == ["Mozilla/5.0 (own)"]
    assert user_agents(server, "/plain.xml") == [default_user_agent()]
    run_refresh(store, Settings(user_agent="Reader/2.0"), store.feeds())
    assert user_agents(server, "/own.xml")[-1] == "Mozilla/5.0 (own)"
    assert user_agents(server, "/plain.xml")[-1] == "Reader/2.0"
    assert plain.id != own.id


def test_the_feed_s_user_agent_goes_with_every_redirect_and_its_full_texts(
    server: FeedServer, store: Store
) -> None:
    page = b"<html><body><article><h1>Page</h1>" + b"<p>Words of the page.</p>" * 20
    server.route("/page.html", Response(body=page + b"</article></body></html>"))
    item = (
        b'<rss version="2.0"><channel><title>F</title><item><guid>1</guid><title>One</title>'
        + f"<link>{server.url('/page.html')}</link>".encode()
        + b"</item></channel></rss>"
    )
    server.route("/feed.xml", Response(body=item))
    server.redirect("/old.xml", "/feed.xml", status=302)
    feed = store.add_feed(server.url("/old.xml"))
    store.change_feed(feed.id, {"user_agent": "Own/1.0", "full_text": True})
    changed = store.get_feed(feed.id)
    assert changed is not None
    (result,) = run_refresh(store, Settings(), [changed])
    assert (result.new, result.full_texts) == (1, 1)
    assert user_agents(server, "/old.xml") == user_agents(server, "/feed.xml") == ["Own/1.0"]
    assert user_agents(server, "/page.html") == ["Own/1.0"]


def test_a_feed_keeps_its_own_number_of_articles_and_the_others_the_global(
    server: FeedServer, store: Store
) -> None:
    server.route("/few.xml", Response(body=rss("Few", *ITEMS)))
    server.route("/many.xml", Response(body=rss("Many", *ITEMS)))
    few = store.add_feed(server.url("/few.xml"))
    many = store.add_feed(server.url("/many.xml"))
    store.change_feed(few.id, {"keep": 2})
    settings = Settings(keep_articles=4)
    run_refresh(store, settings, store.feeds())
    assert {f.id: f.total for f in store.feeds()} == {few.id: 6, many.id: 6}  # all current
    # The feeds list none of them any more: each keeps its newest.
    server.route("/few.xml", Response(body=rss("Few")))
    server.route("/many.xml", Response(body=rss("Many")))
    run_refresh(store, settings, store.feeds())
    kept = {f.id: f.total for f in store.feeds()}
    assert kept == {few.id: 2, many.id: 4}
    store.change_feed(few.id, {"keep": None})  # back to the global number
    run_refresh(store, Settings(keep_articles=3), store.feeds())
    assert {f.id: f.total for f in store.feeds()} == {few.id: 2, many.id: 3}


def test_which_feeds_are_due_follows_each_feed_s_own_interval(
    server: FeedServer, store: Store
) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"))))
    server.route("/ttl.xml", Response(body=rss("T", ("1", "One"), ttl=120)))
    often = store.add_feed(server.url("/feed.xml"), title="Often")
    rarely = store.add_feed(server.url("/feed.xml?rarely"), title="Rarely")
    store.add_feed(server.url("/feed.xml?default"), title="Default")
    bounded = store.add_feed(server.url("/ttl.xml"), title="Bounded by its ttl")
    store.change_feed(often.id, {"refresh_interval": 5})
    store.change_feed(rarely.id, {"refresh_interval": 600})
    store.change_feed(bounded.id, {"refresh_interval": 5})
    run_refresh(store, Settings(), store.feeds())
    now = time.time()

    def due(minutes: int | None, later: float) -> list[str]:
        return sorted(f.name for f in stale_feeds(store, minutes, now=now + later * 60))

    assert due(60, 1) == []
    assert due(60, 6) == ["Often"]  # the ttl of 120 minutes holds the other one back
    assert due(60, 61) == ["Default", "Often"]
    assert due(60, 121) == ["Bounded by its ttl", "Default", "Often"]
    assert due(60, 601) == ["Bounded by its ttl", "Default", "Often", "Rarely"]
    # refresh_interval = 0 (no automatic refresh): the app's timer takes only feeds with
    # an interval of their own (None), its start every feed not fetched (0).
    assert due(None, 6) == ["Often"]
    assert due(0, 1) == ["Default"]


def test_tuinews_refresh_waits_for_a_feed_s_own_interval_unless_all(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/a.xml", Response(body=rss("A", ("1", "One"))))
    server.route("/b.xml", Response(body=rss("B", ("1", "One"))))
    db = tmp_path / "t.db"
    with Store(db) as store:
        own = store.add_feed(server.url("/a.xml"))
        store.add_feed(server.url("/b.xml"))
        store.change_feed(own.id, {"refresh_interval": 30})
    first = tuinews(db, "refresh")
    assert first.returncode == 0, first.stderr
    assert "Refreshed 2 feeds" in first.stdout
    second = tuinews(db, "refresh", "--json")
    report = json.loads(second.stdout)
    assert (report["total"], report["not_due"]) == (1, 1)
    assert [len(server.requests_to(p)) for p in ("/a.xml", "/b.xml")] == [1, 2]
    text = tuinews(db, "refresh")
    assert "1 not due yet (an interval of their own: --all fetches them)" in text.stdout
    everything = tuinews(db, "refresh", "--all", "--json")
    assert json.loads(everything.stdout)["total"] == 2
    assert [len(server.requests_to(p)) for p in ("/a.xml", "/b.xml")] == [2, 4]


def fetch_with(fetcher: Fetcher, url: str) -> FetchResult:
    async def go() -> FetchResult:
        async with fetcher:
            return await fetcher.fetch(FetchRequest(url))

    return asyncio.run(go())


def test_the_proxy_setting_sends_every_request_through_that_proxy(
    server: FeedServer, store: Store
) -> None:
    server.route("/feed.xml", Response(body=rss("Proxied", ("1", "Through the proxy"))))
    feed = store.add_feed(server.url("/feed.xml"))
    store.change_feed(feed.id, {"user_agent": "Own/1.0"})
    with HttpProxy() as proxy:
        (result,) = run_refresh(store, Settings(proxy=proxy.url), store.feeds())
    assert (result.status, result.new) == ("ok", 1)
    assert proxy.requests == [server.url("/feed.xml")]  # asked of the proxy, absolute
    assert proxy.headers[0]["User-Agent"] == "Own/1.0"
    assert [h.title for h in store.headlines(View())] == ["Through the proxy"]


def test_without_the_setting_the_environment_s_proxy_is_used(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"))))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with HttpProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        fetched = fetch_with(new_fetcher(Settings()), server.url("/feed.xml"))
    assert fetched.ok and b"One" in (fetched.body or b"")
    assert proxy.requests == [server.url("/feed.xml")]


def test_a_socks5_proxy_carries_the_requests(server: FeedServer) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"))))
    with Socks5Proxy() as proxy:
        fetched = fetch_with(new_fetcher(Settings(proxy=proxy.url)), server.url("/feed.xml"))
    assert fetched.ok and b"One" in (fetched.body or b""), fetched.error
    assert proxy.connects == [("127.0.0.1", server.port)]


def test_a_proxy_that_is_not_there_fails_each_feed_with_a_reason(
    server: FeedServer, store: Store
) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"))))
    store.add_feed(server.url("/feed.xml"))
    with HttpProxy() as gone:
        url = gone.url  # a port nothing listens on once it is closed
    (result,) = run_refresh(store, Settings(proxy=url), store.feeds())
    assert result.failed and "refused" in result.error
    assert server.requests == []


def test_an_invalid_proxy_is_one_clear_message_at_start_up(
    server: FeedServer, tmp_path: Path
) -> None:
    """Said once, naming the setting and what it falls back to; the command runs."""
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"))))
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.add_feed(server.url("/feed.xml"))
    result = tuinews(db, "refresh", config='proxy = "ftp://proxy.example:21"\n')
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "'proxy' must be a proxy URL: http://HOST:PORT" in lines[0]
    assert "the environment's" in lines[0] and "Traceback" not in result.stderr
    assert result.returncode == 0 and "Refreshed 1 feed" in result.stdout
