"""The fetcher against a real HTTP server on 127.0.0.1: headers, validators, decoding,
redirects and statuses. Limits, deadlines and concurrency are in test_fetch_limits.py."""

from __future__ import annotations

import email.utils
import gzip
import socket
import time
import zlib

import pytest

from tests.netserver import FeedServer, Request, Response
from tuinews.fetch import Fetcher, FetchLimits, FetchRequest, FetchResult

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


async def fetch(url: str, limits: FetchLimits | None = None, **kwargs: str) -> FetchResult:
    async with Fetcher(limits or FetchLimits()) as fetcher:
        return await fetcher.fetch(FetchRequest(url, **kwargs))


# a plain fetch ----------------------------------------------------------------------------


async def test_200_returns_body_validators_and_sends_our_headers(server: FeedServer) -> None:
    server.feed("/feed.xml", RSS, etag='"v1"', last_modified=LAST_MODIFIED)
    request = FetchRequest(server.url("/feed.xml"), key=42)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(request)
    assert result.ok and result.error is None
    assert result.request is request and result.request.key == 42
    assert (result.status, result.body) == (200, RSS)
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.final_url == server.url("/feed.xml") and result.permanent_url is None
    assert not result.not_modified and not result.gone and result.retry_after is None
    assert 0 < result.elapsed < 5
    [seen] = server.requests
    assert seen.method == "GET"
    user_agent = seen.header("user-agent")
    assert user_agent is not None and user_agent.startswith("tuinews/")
    assert "+https://github.com/tuinews/tuinews" in user_agent
    assert seen.header("accept-encoding") == "gzip, deflate"  # never br: we inflate ourselves
    accept = seen.header("accept") or ""
    assert accept.startswith("application/rss+xml, application/atom+xml")
    assert seen.header("if-none-match") is None and seen.header("if-modified-since") is None


async def test_custom_user_agent(server: FeedServer) -> None:
    server.feed("/f", RSS)
    async with Fetcher(user_agent="probe/1") as fetcher:
        assert (await fetcher.fetch(FetchRequest(server.url("/f")))).ok
    assert server.requests[0].header("user-agent") == "probe/1"


async def test_empty_200_and_html_are_fetched_as_they_are(server: FeedServer) -> None:
    # Deciding that these are not feeds is the caller's job; the fetch itself worked.
    server.route("/empty", Response(body=b""))
    server.route("/page", Response(body=b"<html></html>", headers={"Content-Type": "text/html"}))
    empty = await fetch(server.url("/empty"))
    page = await fetch(server.url("/page"))
    assert empty.ok and empty.body == b""
    assert page.ok and page.body == b"<html></html>" and page.content_type == "text/html"


# conditional GET --------------------------------------------------------------------------


async def test_etag_then_304(server: FeedServer) -> None:
    server.feed("/feed.xml", RSS, etag='"abc"')
    url = server.url("/feed.xml")
    first = await fetch(url)
    assert first.etag == '"abc"' and first.body == RSS
    second = await fetch(url, etag=first.etag or "")
    assert second.ok and second.not_modified and second.status == 304
    assert second.body is None and second.etag == '"abc"'
    assert server.requests[1].header("if-none-match") == '"abc"'
    changed = await fetch(url, etag='"old"')
    assert changed.status == 200 and not changed.not_modified and changed.body == RSS


async def test_last_modified_then_304(server: FeedServer) -> None:
    server.feed("/feed.xml", RSS, last_modified=LAST_MODIFIED)
    first = await fetch(server.url("/feed.xml"))
    assert first.last_modified == LAST_MODIFIED and first.etag is None
    second = await fetch(server.url("/feed.xml"), last_modified=LAST_MODIFIED)
    assert second.not_modified and second.ok and second.body is None
    assert server.requests[1].header("if-modified-since") == LAST_MODIFIED
    assert server.requests[1].header("if-none-match") is None


async def test_bare_304_keeps_the_request_validators(server: FeedServer) -> None:
    server.route("/f", Response(status=304))
    result = await fetch(server.url("/f"), etag='"e"', last_modified=LAST_MODIFIED)
    assert result.not_modified and (result.etag, result.last_modified) == ('"e"', LAST_MODIFIED)


async def test_hostile_validators_are_not_kept_or_sent(server: FeedServer) -> None:
    server.route("/f", Response(body=RSS, headers={"ETag": '"a\x1b[2Jb"'}))
    result = await fetch(server.url("/f"), etag="caf\u00e9\n")
    assert result.ok and result.etag is None  # a control character: not stored
    assert server.requests[0].header("if-none-match") is None  # not sendable: not sent


# decoding ---------------------------------------------------------------------------------


async def test_gzip_body_is_decoded(server: FeedServer) -> None:
    server.route("/f", Response(body=gzip.compress(RSS), headers={"Content-Encoding": "gzip"}))
    result = await fetch(server.url("/f"))
    assert result.ok and result.body == RSS


async def test_multi_member_gzip_and_x_gzip(server: FeedServer) -> None:
    two = gzip.compress(RSS[:20]) + gzip.compress(RSS[20:])
    server.route("/f", Response(body=two, headers={"Content-Encoding": "x-gzip"}))
    result = await fetch(server.url("/f"))
    assert result.body == RSS


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
async def test_deflate_with_and_without_zlib_header(server: FeedServer, wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(RSS) + packer.flush()
    server.route("/f", Response(body=body, headers={"Content-Encoding": "deflate"}))
    result = await fetch(server.url("/f"))
    assert result.ok and result.body == RSS


async def test_unsupported_and_corrupt_encodings_fail(server: FeedServer) -> None:
    server.route("/br", Response(body=b"\x0b\x02\x80hi\x03", headers={"Content-Encoding": "br"}))
    server.route("/bad", Response(body=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"}))
    br = await fetch(server.url("/br"))
    bad = await fetch(server.url("/bad"))
    assert br.error == "unsupported content encoding (br)" and br.body is None
    assert bad.error is not None and bad.error.startswith("could not decode response")
    assert bad.body is None and bad.etag is None


# redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_chain_sets_permanent_url(server: FeedServer, status: int) -> None:
    server.redirect("/a", server.url("/b"), status)
    server.redirect("/b", "/c", status)  # relative Location
    server.feed("/c", RSS)
    result = await fetch(server.url("/a"))
    assert result.ok and result.body == RSS
    assert result.final_url == result.permanent_url == server.url("/c")
    assert [r.path for r in server.requests] == ["/a", "/b", "/c"]


@pytest.mark.parametrize("statuses", [(302,), (307,), (303,), (301, 302), (302, 301)])
async def test_any_temporary_hop_means_no_permanent_url(
    server: FeedServer, statuses: tuple[int, ...]
) -> None:
    for i, status in enumerate(statuses):
        server.redirect(f"/r{i}", f"/r{i + 1}", status)
    server.feed(f"/r{len(statuses)}", RSS)
    result = await fetch(server.url("/r0"))
    assert result.ok and result.body == RSS
    assert result.final_url == server.url(f"/r{len(statuses)}")
    assert result.permanent_url is None


async def test_permanent_redirect_to_an_error_is_not_a_new_address(server: FeedServer) -> None:
    server.redirect("/a", "/missing", 301)
    result = await fetch(server.url("/a"))
    assert result.error == "HTTP 404 Not Found" and result.status == 404
    assert result.final_url == server.url("/missing") and result.permanent_url is None


async def test_redirect_to_another_host(server: FeedServer) -> None:
    server.redirect("/a", server.url("/b", host="localhost"), 301)
    server.feed("/b", RSS)
    result = await fetch(server.url("/a"))
    assert result.ok and result.permanent_url == server.url("/b", host="localhost")
    assert [r.host for r in server.requests] == ["127.0.0.1", "localhost"]


async def test_failure_after_a_redirect_reports_the_last_hop(server: FeedServer) -> None:
    server.redirect("/a", "/drop", 301)
    server.route("/drop", Response(drop=True))
    result = await fetch(server.url("/a"))
    assert result.error == "connection closed by the server"  # not "truncated response"
    assert result.status is None and result.final_url == server.url("/drop")
    assert result.permanent_url is None


async def test_redirect_loop_stops_at_max_redirects(server: FeedServer) -> None:
    server.redirect("/x", "/y", 302)
    server.redirect("/y", "/x", 302)
    result = await fetch(server.url("/x"))
    assert result.error == "too many redirects" and result.body is None
    assert len(server.requests) == 11  # the first request and 10 redirects followed


async def test_max_redirects_is_exact(server: FeedServer) -> None:
    server.redirect("/1", "/2", 301)
    server.redirect("/2", "/3", 301)
    server.feed("/3", RSS)
    assert (await fetch(server.url("/1"), FetchLimits(max_redirects=2))).ok
    assert (await fetch(server.url("/1"), FetchLimits(max_redirects=1))).error == (
        "too many redirects"
    )


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/feed"]
)
async def test_redirect_to_a_non_http_url_is_refused(server: FeedServer, location: str) -> None:
    server.redirect("/a", location, 302)
    result = await fetch(server.url("/a"))
    assert result.error == "redirect to a non-http URL"
    assert result.status == 302 and result.final_url == server.url("/a")
    assert result.permanent_url is None and result.body is None


async def test_redirect_without_location(server: FeedServer) -> None:
    server.route("/a", Response(status=301))
    result = await fetch(server.url("/a"))
    assert result.error == "redirect without a location"


# statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (403, "HTTP 403 Forbidden"),
    ],
)
async def test_error_statuses(server: FeedServer, status: int, reason: str) -> None:
    server.route("/f", Response(status=status, body=b"<html>error page</html>"))
    result = await fetch(server.url("/f"))
    assert not result.ok and result.error == reason and result.status == status
    assert result.body is None and not result.gone and result.etag is None


async def test_410_is_gone(server: FeedServer) -> None:
    server.route("/f", Response(status=410))
    result = await fetch(server.url("/f"))
    assert result.gone and result.error == "HTTP 410 Gone" and result.status == 410


async def test_429_retry_after_seconds(server: FeedServer) -> None:
    server.route("/f", Response(status=429, headers={"Retry-After": "120"}))
    result = await fetch(server.url("/f"))
    assert result.retry_after == 120
    assert result.error == "HTTP 429 Too Many Requests (retry in 2 min)"


async def test_429_retry_after_http_date(server: FeedServer) -> None:
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    server.route("/f", Response(status=429, headers={"Retry-After": when}))
    result = await fetch(server.url("/f"))
    assert result.retry_after is not None and 117 <= result.retry_after <= 120


async def test_503_huge_retry_after_is_capped(server: FeedServer) -> None:
    server.route("/f", Response(status=503, headers={"Retry-After": "99999999"}))
    result = await fetch(server.url("/f"))
    assert result.retry_after == 7 * 24 * 3600
    assert result.error == "HTTP 503 Service Unavailable (retry in 7 days)"
    capped = await fetch(server.url("/f"), FetchLimits(retry_after_cap=3600))
    assert capped.retry_after == 3600


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), ("-5", None), ("", None)],
)
async def test_retry_after_in_the_past_or_invalid(
    server: FeedServer, value: str, expected: float | None
) -> None:
    server.route("/f", Response(status=429, headers={"Retry-After": value}))
    result = await fetch(server.url("/f"))
    assert result.retry_after == expected
    assert result.error is not None and result.error.startswith("HTTP 429 Too Many Requests")


async def test_retry_after_is_ignored_on_other_statuses(server: FeedServer) -> None:
    server.route("/f", Response(status=404, headers={"Retry-After": "60"}))
    assert (await fetch(server.url("/f"))).retry_after is None


@pytest.mark.parametrize(
    ("cache_control", "expected"),
    [
        ("max-age=3600", 3600.0),
        ('public, max-age="60"', 60.0),
        ("no-cache, max-age=3600", None),
        ("max-age=3600, no-store", None),
        ("max-age=-1", None),
        ("max-age=999999999", 7 * 24 * 3600.0),
    ],
)
async def test_cache_control_max_age(
    server: FeedServer, cache_control: str, expected: float | None
) -> None:
    server.feed("/f", RSS, headers={"Cache-Control": cache_control})
    assert (await fetch(server.url("/f"))).max_age == expected


# transport failures -----------------------------------------------------------------------


async def test_truncated_body(server: FeedServer) -> None:
    server.route(
        "/f", Response(body=b"<rss>only part", content_length=1000, headers={"ETag": '"t"'})
    )
    result = await fetch(server.url("/f"))
    assert result.error == "truncated response"
    assert result.status == 200 and result.body is None and result.etag is None


async def test_connection_closed_without_answer(server: FeedServer) -> None:
    server.route("/f", Response(drop=True))
    result = await fetch(server.url("/f"))
    assert result.error == "connection closed by the server" and result.status is None


async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await fetch(f"http://127.0.0.1:{port}/feed")  # nobody listens there now
    assert result.error == "connection refused" and result.status is None
    assert result.body is None and not result.ok


async def test_huge_response_headers(server: FeedServer) -> None:
    server.route("/f", Response(body=RSS, headers={"X-Big": "a" * 200_000}))
    result = await fetch(server.url("/f"))
    assert result.error == "response headers too large"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://{host}/feed",
        "feed://{host}/feed",
        "//{host}/feed",
        "http://",
        "",
        "http://{host}/a\r\nX-Injected: 1",
        "http://{host}/" + "a" * 8001,
    ],
    ids=["javascript", "ftp", "feed", "no-scheme", "no-host", "empty", "crlf", "too-long"],
)
async def test_invalid_urls_are_refused_without_io(server: FeedServer, url: str) -> None:
    url = url.format(host=f"127.0.0.1:{server.port}")
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(FetchRequest(url))
        assert fetcher._client is None  # no client was even created
    assert result.error == "invalid URL" and result.status is None
    assert result.final_url == url and result.elapsed == 0
    assert server.requests == []


async def test_the_longest_accepted_url_is_fetched(server: FeedServer) -> None:
    path = "/" + "a" * (8000 - len(server.url("/")))
    server.feed(path, RSS)
    url = server.url(path)
    assert len(url) == 8000
    assert (await fetch(url)).body == RSS


def test_request_log_records_headers(server: FeedServer) -> None:
    # The server helper itself: a handler sees the request, the log keeps it.
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(status=204)

    server.route("/h", handler)
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(b"GET /h?x=1 HTTP/1.1\r\nHost: example.test:80\r\nX-Test: yes\r\n\r\n")
        assert conn.recv(100).startswith(b"HTTP/1.1 204")
    assert seen == server.requests
    assert (seen[0].path, seen[0].host, seen[0].header("X-TEST")) == (
        "/h?x=1",
        "example.test",
        "yes",
    )
