"""The fetcher's connection pool per host name (tuinews.fetch.pools), against a real server
on 127.0.0.1: connections kept alive per host, the pools of idle hosts closed past the
bound, never a busy one."""

from __future__ import annotations

import asyncio

import pytest

from tests.netserver import FeedServer, Response
from tuinews.fetch import Fetcher, FetchLimits, FetchRequest
from tuinews.fetch.pools import HostPools

RSS = b"<rss version='2.0'><channel><title>T</title></channel></rss>"


def connections(server: FeedServer, host: str) -> list[tuple[str, int]]:
    """The client addresses (one per TCP connection) of the requests to ``host``, in order."""
    return [request.client for request in server.requests if request.host == host]


async def test_each_host_keeps_its_own_connection_alive(server: FeedServer) -> None:
    server.route("/f", Response(body=RSS))
    async with Fetcher() as fetcher:
        assert isinstance(fetcher._get_client()._transport, HostPools)
        for _ in range(3):
            for host in ("127.0.0.1", "localhost"):
                assert (await fetcher.fetch(FetchRequest(server.url("/f", host=host)))).ok
    assert len(server.requests) == 6
    assert len(set(connections(server, "127.0.0.1"))) == 1
    assert len(set(connections(server, "localhost"))) == 1


async def test_a_304_leaves_its_connection_alive(server: FeedServer) -> None:
    # A warm refresh is all 304s: each one closed its connection, so every feed opened one.
    server.feed("/f", RSS, etag='"v1"')
    async with Fetcher() as fetcher:
        for _ in range(3):
            result = await fetcher.fetch(FetchRequest(server.url("/f"), etag='"v1"'))
            assert result.not_modified and result.etag == '"v1"' and result.body is None
    assert len(server.requests) == 3
    assert len(set(connections(server, "127.0.0.1"))) == 1


async def test_the_pool_of_an_idle_host_is_closed_past_the_bound(server: FeedServer) -> None:
    server.route("/f", Response(body=RSS))
    # One request at a time overall: one pool kept (concurrency // per_host).
    async with Fetcher(FetchLimits(concurrency=1, per_host=1)) as fetcher:
        for host in ("127.0.0.1", "localhost", "127.0.0.1"):
            assert (await fetcher.fetch(FetchRequest(server.url("/f", host=host)))).ok
        assert list(fetcher._get_client()._transport._pools) == ["127.0.0.1"]  # type: ignore[attr-defined]
    first, second = connections(server, "127.0.0.1")
    assert first != second  # its pool was closed for the other host's, and made again


async def test_a_busy_host_s_pool_is_kept_and_the_least_recently_used_idle_one_goes(
    server: FeedServer,
) -> None:
    server.route("/slow", Response(body=RSS * 100, delay=0.3))
    server.route("/f", Response(body=RSS))
    # Two at once overall, two per host: one idle pool kept.
    async with Fetcher(FetchLimits(concurrency=2, per_host=2)) as fetcher:
        slow = asyncio.create_task(fetcher.fetch(FetchRequest(server.url("/slow"))))
        while not server.requests:
            await asyncio.sleep(0.01)
        # A second host while the first is busy: two pools, neither closed.
        assert (await fetcher.fetch(FetchRequest(server.url("/f", host="localhost")))).ok
        result = await slow
        assert result.ok and result.body == RSS * 100
        # The first host again: its pool (and connection) kept, the other host's closed.
        assert (await fetcher.fetch(FetchRequest(server.url("/f")))).ok
        pools = fetcher._get_client()._transport._pools  # type: ignore[attr-defined]
        assert list(pools) == ["127.0.0.1"]
    assert len(set(connections(server, "127.0.0.1"))) == 1


async def test_through_a_proxy_every_request_goes_through_one_pool(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (the proxy's pool: its connections all go to the proxy)
    async with Fetcher(proxy=server.url("/")) as fetcher:
        assert not isinstance(fetcher._get_client()._transport, HostPools)
    monkeypatch.setenv("HTTP_PROXY", server.url("/"))
    async with Fetcher() as fetcher:
        assert not isinstance(fetcher._get_client()._transport, HostPools)
