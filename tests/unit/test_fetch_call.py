"""Fetcher.call, the fetcher's request for APIs (the Google Reader client uses it): the
same limits as feed fetching, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import urllib.parse

from tests.netserver import FeedServer, Response
from tuinews.fetch import Fetcher, FetchLimits


async def test_post_with_repeated_form_fields_query_and_headers(server: FeedServer) -> None:
    server.route("/api", Response(status=201, body=b"OK", headers={"Content-Type": "text/plain"}))
    async with Fetcher() as fetcher:
        reply = await fetcher.call(
            "POST",
            server.url("/api"),
            params=[("output", "json")],
            form=[("i", "1"), ("i", "-2"), ("t", "a b&c=d")],
            headers={"Authorization": "GoogleLogin auth=x"},
        )
    assert (reply.status, reply.body, reply.error) == (201, b"OK", None)
    assert reply.content_type == "text/plain"
    [request] = server.requests
    assert request.method == "POST" and request.path == "/api?output=json"
    assert request.header("content-type") == "application/x-www-form-urlencoded"
    assert request.header("authorization") == "GoogleLogin auth=x"
    assert urllib.parse.parse_qsl(request.body.decode()) == [
        ("i", "1"),
        ("i", "-2"),
        ("t", "a b&c=d"),
    ]


async def test_any_status_comes_back_with_its_body(server: FeedServer) -> None:
    server.route("/api", Response(status=401, body=b"Unauthorized!"))
    async with Fetcher() as fetcher:
        reply = await fetcher.call("GET", server.url("/api"))
    assert (reply.status, reply.body, reply.error) == (401, b"Unauthorized!", None)


async def test_the_body_cap_holds_gzipped_too(server: FeedServer) -> None:
    server.route("/big", Response(body=b"x" * 5000))
    server.route(
        "/bomb", Response(body=gzip.compress(bytes(10**6)), headers={"Content-Encoding": "gzip"})
    )
    async with Fetcher(FetchLimits(max_bytes=4000)) as fetcher:
        for path in ("/big", "/bomb"):
            reply = await fetcher.call("GET", server.url(path))
            assert reply.status == 200 and reply.body is None
            assert reply.error == "response too large (over 3.91 KB)"


async def test_one_deadline_for_the_whole_exchange(server: FeedServer) -> None:
    server.route("/drip", Response(body=b"x" * 100, drip=0.05))
    async with Fetcher(FetchLimits(total_timeout=0.5)) as fetcher:
        reply = await fetcher.call("GET", server.url("/drip"))
    assert reply.error == "timed out" and reply.body is None
    assert reply.elapsed < 2


async def test_redirects_are_not_followed_but_said(server: FeedServer) -> None:
    server.redirect("/old", "/new?x=1", status=308)
    server.route("/bad", Response(status=302, headers={"Location": "javascript:alert(1)"}))
    async with Fetcher() as fetcher:
        moved = await fetcher.call("POST", server.url("/old"), form=[("a", "b")])
        bad = await fetcher.call("GET", server.url("/bad"))
    assert (moved.status, moved.location, moved.error) == (308, server.url("/new?x=1"), None)
    assert bad.status == 302 and bad.location == "javascript:alert(1)"
    assert [r.path for r in server.requests] == ["/old", "/bad"]


async def test_only_http_urls_and_no_request_otherwise(server: FeedServer) -> None:
    async with Fetcher() as fetcher:
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/", "/relative", "x" * 9000):
            reply = await fetcher.call("GET", url)
            assert reply.error == "invalid URL" and reply.status is None
    assert server.requests == []


async def test_connection_refused(server: FeedServer) -> None:
    with FeedServer() as gone:
        url = gone.url("/api")
    async with Fetcher() as fetcher:
        reply = await fetcher.call("GET", url)
    assert reply.status is None and reply.error == "connection refused"


async def test_calls_keep_the_per_host_slots(server: FeedServer) -> None:
    server.route("/slow", Response(body=b"ok", delay=0.2))
    async with Fetcher(FetchLimits(per_host=2)) as fetcher:
        replies = await asyncio.gather(
            *(fetcher.call("GET", server.url("/slow")) for _ in range(6))
        )
    assert all(reply.body == b"ok" for reply in replies)
    assert server.peak_by_host["127.0.0.1"] == 2
