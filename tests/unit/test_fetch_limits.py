"""The fetcher's limits against a real server on 127.0.0.1: size caps and gzip bombs,
the total deadline, per-host and overall concurrency, and fetch_all."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
import tracemalloc
import zlib

import pytest

from tests.netserver import FeedServer, Response
from tests.waiting import wait_until_async
from tuinews.fetch import Fetcher, FetchLimits, FetchRequest, FetchResult

MB = 1024 * 1024
RSS = b"<rss version='2.0'><channel><title>T</title></channel></rss>"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """100 MB of zeros, gzipped (about 100 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    return b"".join(packer.compress(zeros) for _ in range(100)) + packer.flush()


async def fetch(url: str, limits: FetchLimits | None = None) -> FetchResult:
    async with Fetcher(limits or FetchLimits()) as fetcher:
        return await fetcher.fetch(FetchRequest(url))


# size caps --------------------------------------------------------------------------------


async def test_gzip_bomb_stops_at_the_cap_with_little_memory(
    server: FeedServer, bomb: bytes
) -> None:
    server.route("/bomb", Response(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        result = await fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response too large (over 15 MB)"
    assert result.body is None and result.status == 200 and not result.ok
    assert peak < 40 * MB, f"peak {peak / MB:.0f} MB while decoding a 100 MB bomb"


async def test_gzip_bomb_with_a_small_cap(server: FeedServer, bomb: bytes) -> None:
    server.route("/bomb", Response(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        result = await fetch(server.url("/bomb"), FetchLimits(max_bytes=MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response too large (over 1 MB)"
    assert peak < 6 * MB


async def test_decoded_size_exactly_at_the_cap_is_accepted(server: FeedServer) -> None:
    body = bytes(range(256)) * 40  # 10,240 bytes
    server.route("/exact", Response(body=gzip.compress(body), headers={"Content-Encoding": "gzip"}))
    server.route("/plain", Response(body=body))
    limits = FetchLimits(max_bytes=len(body))
    assert (await fetch(server.url("/exact"), limits)).body == body
    assert (await fetch(server.url("/plain"), limits)).body == body
    smaller = FetchLimits(max_bytes=len(body) - 1)
    assert (await fetch(server.url("/exact"), smaller)).error == "response too large (over 10 KB)"
    assert (await fetch(server.url("/plain"), smaller)).error == "response too large (over 10 KB)"


async def test_endless_chunked_body_is_cut_at_the_cap(server: FeedServer) -> None:
    chunk = b"<item>" + b"x" * 65536 + b"</item>"
    server.route("/endless", Response(stream=itertools.repeat(chunk)))
    started = time.monotonic()
    result = await fetch(server.url("/endless"), FetchLimits(max_bytes=MB))
    assert result.error == "response too large (over 1 MB)" and result.body is None
    assert time.monotonic() - started < 10


async def test_huge_content_length_fails_before_reading(server: FeedServer) -> None:
    # 2 GB announced, nothing sent: reading would wait for the deadline.
    server.route("/huge", Response(body=b"", content_length=2 * 1024 * MB))
    started = time.monotonic()
    result = await fetch(server.url("/huge"), FetchLimits(total_timeout=5))
    assert result.error == "response too large (over 15 MB)"
    assert time.monotonic() - started < 4  # not the 5 s deadline


# the deadline -----------------------------------------------------------------------------


async def test_slow_drip_ends_at_the_total_deadline(server: FeedServer) -> None:
    # One byte every 0.2 s never trips a per-read timeout; only a total deadline stops it.
    server.route("/drip", Response(body=RSS[:40], drip=0.2))  # 8 s in all
    started = time.monotonic()
    result = await fetch(server.url("/drip"), FetchLimits(total_timeout=1.0))
    wall = time.monotonic() - started
    assert result.error == "timed out" and result.body is None and result.status == 200
    assert 0.95 <= wall < 3, wall  # not the 8 s the drip would take
    assert 0.95 <= result.elapsed < 3


async def test_stall_after_accept_times_out(server: FeedServer) -> None:
    server.route("/stall", Response(delay=30))
    started = time.monotonic()
    result = await fetch(server.url("/stall"), FetchLimits(total_timeout=0.5))
    assert result.error == "timed out" and result.status is None
    assert 0.45 <= time.monotonic() - started < 3  # not the 30 s stall


async def test_the_deadline_covers_the_whole_redirect_chain(server: FeedServer) -> None:
    for i in range(5):  # each hop alone is well within the deadline
        server.route(
            f"/hop{i}", Response(status=302, headers={"Location": f"/hop{i + 1}"}, delay=0.3)
        )
    server.route("/hop5", Response(body=RSS))
    started = time.monotonic()
    result = await fetch(server.url("/hop0"), FetchLimits(total_timeout=1.0))
    assert result.error == "timed out" and result.status is None  # cut in mid-hop
    assert 0.95 <= time.monotonic() - started < 2.5
    assert 3 <= len(server.requests) <= 4  # the chain never reached its end


async def test_waiting_for_a_slot_does_not_count_against_the_deadline(server: FeedServer) -> None:
    server.route("/slow", Response(body=RSS, delay=0.6))
    limits = FetchLimits(total_timeout=1.0, per_host=1)
    async with Fetcher(limits) as fetcher:
        started = time.monotonic()
        results = await asyncio.gather(
            fetcher.fetch(FetchRequest(server.url("/slow"))),
            fetcher.fetch(FetchRequest(server.url("/slow"))),
        )
    assert time.monotonic() - started >= 1.15  # one after the other
    assert [r.error for r in results] == [None, None]
    assert all(0.55 <= r.elapsed < 1.1 for r in results)  # 1.2 if the wait counted


async def test_the_deadline_pauses_while_a_redirect_waits_for_another_host(
    server: FeedServer,
) -> None:
    # B's redirect leads to a host whose only slot two other requests hold for 1.4 s in
    # turn. B spends 0.6 s on the network, 1.7 s in all: it must succeed under a 1.2 s
    # deadline.
    server.route("/a", Response(body=b"a", delay=0.7))
    server.route("/b2", Response(body=b"b", delay=0.3))
    moved = Response(
        status=301, delay=0.3, headers={"Location": server.url("/b2", host="localhost")}
    )
    server.route("/b", moved)
    async with Fetcher(FetchLimits(total_timeout=1.2, per_host=1)) as fetcher:
        a_url = server.url("/a", host="localhost")
        others = [asyncio.create_task(fetcher.fetch(FetchRequest(a_url))) for _ in range(2)]
        await wait_until_async(lambda: server.requests_to("/a"))  # the first holds the slot
        started = time.monotonic()
        b = await fetcher.fetch(FetchRequest(server.url("/b")))
        wall = time.monotonic() - started
        assert [(await a).body for a in others] == [b"a", b"a"]
    assert b.ok and b.body == b"b", b.error
    assert b.final_url == server.url("/b2", host="localhost")
    assert wall >= 1.5 and 0.55 <= b.elapsed < 1.15


# concurrency ------------------------------------------------------------------------------


async def test_per_host_limit(server: FeedServer) -> None:
    server.route("/slow", Response(body=RSS, delay=0.25))
    async with Fetcher(FetchLimits(per_host=2)) as fetcher:
        started = time.monotonic()
        results = [
            r async for r in fetcher.fetch_all(FetchRequest(server.url("/slow")) for _ in range(6))
        ]
    assert all(r.ok for r in results) and len(results) == 6
    assert server.peak_by_host == {"127.0.0.1": 2}
    assert time.monotonic() - started >= 0.7  # three rounds of two


async def test_two_hosts_proceed_side_by_side(server: FeedServer) -> None:
    server.route("/slow", Response(body=RSS, delay=0.25))
    requests = [
        FetchRequest(server.url("/slow", host=host), key=host)
        for host in ("127.0.0.1", "localhost")
        for _ in range(6)
    ]
    async with Fetcher(FetchLimits(per_host=2)) as fetcher:
        started = time.monotonic()
        results = [r async for r in fetcher.fetch_all(requests)]
        wall = time.monotonic() - started
    assert all(r.ok for r in results) and len(results) == 12
    assert server.peak_by_host == {"127.0.0.1": 2, "localhost": 2}
    assert server.peak_in_flight == 4
    assert wall < 1.2  # three rounds, not six


async def test_overall_concurrency_limit(server: FeedServer) -> None:
    server.route("/slow", Response(body=RSS, delay=0.2))
    async with Fetcher(FetchLimits(concurrency=3, per_host=10)) as fetcher:
        results = [
            r async for r in fetcher.fetch_all(FetchRequest(server.url("/slow")) for _ in range(9))
        ]
    assert len(results) == 9 and all(r.ok for r in results)
    assert server.peak_in_flight == 3


async def test_a_busy_host_does_not_hold_up_the_others(server: FeedServer) -> None:
    # Requests queued behind a busy host must not sit on overall slots.
    server.route("/slow", Response(body=RSS, delay=0.4))
    server.route("/fast", Response(body=RSS))
    requests = [FetchRequest(server.url("/slow"), key="slow") for _ in range(4)]
    requests.append(FetchRequest(server.url("/fast", host="localhost"), key="fast"))
    async with Fetcher(FetchLimits(concurrency=2, per_host=1)) as fetcher:
        started = time.monotonic()
        async for result in fetcher.fetch_all(requests):
            assert result.request.key == "fast", "the other host waited for the busy one"
            assert time.monotonic() - started < 1.5
            break


async def test_fetch_all_yields_every_result_as_it_completes(server: FeedServer) -> None:
    server.route("/slow", Response(body=b"slow", delay=0.4))
    server.route("/fast", Response(body=b"fast"))
    server.route("/gone", Response(status=410))
    requests = [
        FetchRequest(server.url("/slow"), key=1),
        FetchRequest(server.url("/fast", host="localhost"), key=2),
        FetchRequest(server.url("/gone", host="localhost"), key=3),
        FetchRequest("javascript:alert(1)", key=4),
    ]
    async with Fetcher() as fetcher:
        results = [r async for r in fetcher.fetch_all(iter(requests))]
    assert len(results) == 4 and {r.request.key for r in results} == {1, 2, 3, 4}
    assert results[-1].request.key == 1 and results[-1].body == b"slow"
    by_key = {r.request.key: r for r in results}
    assert by_key[3].gone and by_key[4].error == "invalid URL"


async def test_fetch_all_stopped_early_cancels_the_rest(server: FeedServer) -> None:
    server.route("/fast", Response(body=RSS))
    server.route("/stall", Response(delay=30))
    async with Fetcher() as fetcher:
        stream = fetcher.fetch_all(
            [FetchRequest(server.url("/fast"))]
            + [FetchRequest(server.url("/stall", host="localhost")) for _ in range(3)]
        )
        started = time.monotonic()
        async for result in stream:
            assert result.ok
            break
        await stream.aclose()
        assert time.monotonic() - started < 5  # not the 30 s stall
        # The fetcher is still usable, with its slots given back.
        assert (await fetcher.fetch(FetchRequest(server.url("/fast", host="localhost")))).ok
        assert fetcher._hosts == {}


async def test_one_client_keeps_its_connection_alive(server: FeedServer) -> None:
    server.route("/f", Response(body=RSS))
    async with Fetcher() as fetcher:
        for _ in range(3):
            assert (await fetcher.fetch(FetchRequest(server.url("/f")))).ok
    assert len(server.requests) == 3
    assert len({r.client for r in server.requests}) == 1  # one TCP connection for all three
