"""Refreshing feeds end to end: a real HTTP server on 127.0.0.1, a real SQLite store,
and the real parse worker processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tuinews.formats import article_markdown
from tuinews.ingest import due_feeds, run_refresh
from tuinews.settings import Settings
from tuinews.store import Store, View

SETTINGS = Settings()


def titles(store: Store, feed_id: int) -> list[str]:
    return [h.title for h in store.headlines(View(feed_id=feed_id))]


def test_refresh_stores_new_articles_then_a_304_costs_nothing(
    server: FeedServer, store: Store
) -> None:
    server.feed("/feed.xml", rss("Loopback", ("1", "One"), ("2", "Two")), etag='"v1"')
    feed = store.add_feed(server.url("/feed.xml"))
    (result,) = run_refresh(store, SETTINGS, [feed])
    assert (result.status, result.new) == ("ok", 2)
    assert titles(store, feed.id) == ["Two", "One"]
    stored = store.get_feed(feed.id)
    assert stored is not None and stored.title == "Loopback" and stored.etag == '"v1"'
    (again,) = run_refresh(store, SETTINGS, [stored])
    assert again.status == "not modified"
    assert server.requests_to("/feed.xml")[-1].header("If-None-Match") == '"v1"'
    assert titles(store, feed.id) == ["Two", "One"]


def test_refetch_updates_content_keeps_read_state_never_duplicates(
    server: FeedServer, store: Store
) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"), ("2", "Two"))))
    feed = store.add_feed(server.url("/feed.xml"))
    run_refresh(store, SETTINGS, [feed])
    store.set_read([h.id for h in store.headlines() if h.title == "One"])
    server.route("/feed.xml", Response(body=rss("F", ("1", "One, corrected"), ("3", "Three"))))
    (result,) = run_refresh(store, SETTINGS, [feed])
    assert (result.new, result.updated) == (1, 1)
    headlines = {h.title: h for h in store.headlines(View(feed_id=feed.id))}
    assert set(headlines) == {"One, corrected", "Two", "Three"}
    assert headlines["One, corrected"].read
    assert not headlines["Three"].read


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (Response(status=500), "HTTP 500"),
        (Response(body=b"<html><body>Please log in</body></html>"), "not a feed"),
        (Response(body=b""), "not a feed"),
        (Response(status=404), "HTTP 404"),
    ],
)
def test_a_failure_keeps_old_articles_and_validators(
    server: FeedServer, store: Store, response: Response, reason: str
) -> None:
    server.feed("/feed.xml", rss("F", ("1", "One")), etag='"v1"')
    feed = store.add_feed(server.url("/feed.xml"))
    run_refresh(store, SETTINGS, [feed])
    server.route("/feed.xml", response)
    (result,) = run_refresh(store, SETTINGS, [feed])
    assert result.failed and reason in result.error
    after = store.get_feed(feed.id)
    assert after is not None
    assert after.status == "failed" and reason in after.last_error
    assert after.etag == '"v1"'
    assert titles(store, feed.id) == ["One"]


def test_gone_feeds_stop_and_rate_limited_feeds_wait(server: FeedServer, store: Store) -> None:
    server.route("/gone.xml", Response(status=410))
    server.route("/busy.xml", Response(status=429, headers={"Retry-After": "120"}))
    gone = store.add_feed(server.url("/gone.xml"))
    busy = store.add_feed(server.url("/busy.xml"))
    results = {r.feed_id: r for r in run_refresh(store, SETTINGS, [gone, busy])}
    assert results[gone.id].status == "gone"
    assert results[busy.id].status == "postponed"
    assert due_feeds(store, force=True) == []  # neither is fetched again now
    later = due_feeds(store, force=True, now=__import__("time").time() + 200)
    assert [f.id for f in later] == [busy.id]


def test_ttl_is_a_lower_bound_on_the_interval(server: FeedServer, store: Store) -> None:
    server.route("/feed.xml", Response(body=rss("F", ("1", "One"), ttl=60)))
    feed = store.add_feed(server.url("/feed.xml"))
    run_refresh(store, SETTINGS, [feed])
    assert due_feeds(store) == []
    assert [f.id for f in due_feeds(store, force=True)] == [feed.id]


def test_permanent_redirect_seen_twice_updates_the_url(server: FeedServer, store: Store) -> None:
    server.route("/new.xml", Response(body=rss("F", ("1", "One"))))
    server.redirect("/old.xml", "/new.xml", status=301)
    server.redirect("/temp.xml", "/new.xml", status=302)
    moved = store.add_feed(server.url("/old.xml"))
    temp = store.add_feed(server.url("/temp.xml"))
    run_refresh(store, SETTINGS, [moved, temp])
    once = store.get_feed(moved.id)
    assert once is not None and once.url == server.url("/old.xml")
    run_refresh(store, SETTINGS, [once, temp])
    twice = store.get_feed(moved.id)
    assert twice is not None and twice.url == server.url("/new.xml")
    unchanged = store.get_feed(temp.id)
    assert unchanged is not None and unchanged.url == server.url("/temp.xml")


def test_json_feed_and_atom(server: FeedServer, store: Store) -> None:
    server.route(
        "/feed.json",
        Response(
            body=json.dumps(
                {
                    "version": "https://jsonfeed.org/version/1.1",
                    "title": "JSON news",
                    "items": [{"id": "a", "title": "From JSON", "content_text": "Hi."}],
                }
            ).encode()
        ),
    )
    server.route(
        "/atom.xml",
        Response(
            body=b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b"<title>Atom news</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>"
            b"<entry><id>urn:1</id><title>From Atom</title>"
            b"<updated>2024-01-01T00:00:00Z</updated><summary>Hi.</summary></entry></feed>"
        ),
    )
    one = store.add_feed(server.url("/feed.json"))
    two = store.add_feed(server.url("/atom.xml"))
    results = run_refresh(store, SETTINGS, [one, two])
    assert all(r.status == "ok" and r.new == 1 for r in results)
    assert titles(store, one.id) == ["From JSON"]
    assert titles(store, two.id) == ["From Atom"]


def tuinews(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_headless_commands(server: FeedServer, tmp_path: Path) -> None:
    server.route("/good.xml", Response(body=rss("Good", ("1", "Kharkiv story"))))
    server.route("/bad.xml", Response(status=500))
    server.route(
        "/",
        Response(
            body=b'<html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/good.xml"></head></html>',
            headers={"Content-Type": "text/html"},
        ),
    )
    env = dict(os.environ, TUINEWS_DB=str(tmp_path / "cli.db"))
    added = tuinews("add", server.url("/"), "--tag", "news", env=env)
    assert added.returncode == 0, added.stderr
    assert "Found the rss+xml feed" in added.stdout and "Added Good: 1 article.\n" in added.stdout
    assert tuinews("add", server.url("/bad.xml"), env=env).returncode == 2
    server.route("/bad.xml", Response(status=503))
    refresh = tuinews("refresh", "--json", env=env)
    assert refresh.returncode == 0, refresh.stdout
    report = json.loads(refresh.stdout)
    assert report["total"] == 1 and report["failed"] == 0
    found = tuinews("search", "kharkiv", "--json", env=env)
    assert json.loads(found.stdout)["articles"][0]["title"] == "Kharkiv story"
    feeds = tuinews("feeds", "--json", env=env)
    assert json.loads(feeds.stdout)["feeds"][0]["tags"] == ["news"]
    exported = tuinews("export", env=env)
    assert server.url("/good.xml") in exported.stdout
    (tmp_path / "urls").write_text(f'{server.url("/bad.xml")} "~Broken one"\nexec:ls\n')
    imported = tuinews("import", str(tmp_path / "urls"), env=env)
    assert "Imported 1 feed" in imported.stdout and "exec:ls" in imported.stdout
    failing = tuinews("refresh", env=env)
    assert failing.returncode == 1
    assert "Broken one: failed: HTTP 503" in failing.stdout
    listing = tuinews("feeds", env=env)
    assert "HTTP 503" in listing.stdout
    removed = tuinews("remove", server.url("/bad.xml"), env=env)
    assert removed.returncode == 0 and "Removed Broken one" in removed.stdout


def test_feeds_set_to_full_text_fetch_new_articles_from_their_links(
    server: FeedServer, store: Store
) -> None:
    page = (
        "<html><head><title>Story</title></head><body><nav>Home | About</nav><article>"
        + "".join(
            f"<p>Full text paragraph {i}, written out at length for readers.</p>" for i in range(6)
        )
        + "</article></body></html>"
    ).encode()
    server.route("/story", Response(body=page, headers={"Content-Type": "text/html"}))
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Short</title>'
        f"<item><guid>1</guid><title>Story</title><link>{server.url('/story')}</link>"
        "<description>A summary.</description></item></channel></rss>"
    ).encode()
    server.route("/feed.xml", Response(body=body))
    feed = store.add_feed(server.url("/feed.xml"))
    store.set_feed_full_text(feed.id, True)
    stored = store.get_feed(feed.id)
    assert stored is not None and stored.full_text
    (result,) = run_refresh(store, SETTINGS, [stored])
    assert (result.new, result.full_texts) == (1, 1)
    (headline,) = store.headlines()
    article = store.get_article(headline.id)
    assert article is not None
    assert "Full text paragraph 5" in article.full and "Home | About" not in article.full
    assert "A summary." in article_markdown(article)  # the summary stays
    assert len(server.requests_to("/story")) == 1


def test_prepare_makes_the_http_client_once(tmp_path: Path) -> None:
    import threading

    from tuinews.ingest import Refresher

    with Store(tmp_path / "tuinews.db") as store:
        refresher = Refresher(store, Settings())
        threads = [threading.Thread(target=refresher.prepare) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client = refresher.fetcher._client
        assert client is not None
        refresher.prepare()
        assert refresher.fetcher._client is client  # one client, however many asked
        asyncio.run(refresher.close())
