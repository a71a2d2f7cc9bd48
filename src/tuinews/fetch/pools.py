"""A connection pool per host name, for the fetcher's client when no proxy is in use.

httpcore's pool goes over all its connections several times whenever a request starts or a
response is closed (and asks each idle one whether its socket has become readable): with
one pool of 16 connections that was a quarter of the CPU a cold refresh of 1,000 feeds took
in the main process. The fetcher already sends at most ``per_host`` requests at once to one
host name, so that is all the connections a host's pool needs, and a pool of two is
quickly gone over.

The pools of the hosts with no response open are closed, least recently used first, once
there are more than ``keep`` pools (so sockets stay bounded however many hosts a refresh
reaches); a pool is made when its host is next asked for (~30 µs, sharing one TLS context).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx

__all__ = ["HostPools"]


class HostPools(httpx.AsyncBaseTransport):
    def __init__(self, per_host: int, keep: int, ssl_context: ssl.SSLContext) -> None:
        self._limits = httpx.Limits(
            max_connections=max(1, per_host), max_keepalive_connections=max(1, per_host)
        )
        self._keep = max(1, keep)
        self._ssl_context = ssl_context
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}  # least recently used first
        self._open: dict[str, int] = {}  # host -> its requests whose response is not closed
        # The first host's pool is made now, with the client (Fetcher.prepare: in a thread):
        # making one imports httpcore and h11 (~30 ms), not to be done on the event loop.
        self._spare: httpx.AsyncHTTPTransport | None = self._new_pool()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        pool = self._pools.pop(host, None)
        if pool is None:
            pool, self._spare = self._spare or self._new_pool(), None
        self._pools[host] = pool
        self._open[host] = self._open.get(host, 0) + 1
        try:
            if len(self._pools) > self._keep:
                await self._close_idle()
            response = await pool.handle_async_request(request)
        except BaseException:
            self._closed(host)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Tracked(response.stream, self, host)
        return response

    def _new_pool(self) -> httpx.AsyncHTTPTransport:
        return httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=self._limits)

    async def aclose(self) -> None:
        pools = [*self._pools.values(), *([self._spare] if self._spare is not None else [])]
        self._pools, self._spare = {}, None
        for pool in pools:
            await pool.aclose()

    def _closed(self, host: str) -> None:
        left = self._open[host] - 1
        if left:
            self._open[host] = left
        else:
            del self._open[host]

    async def _close_idle(self) -> None:
        while len(self._pools) > self._keep:
            # (looked for again after each await: meanwhile a host may have been asked for)
            host = next((host for host in self._pools if host not in self._open), None)
            if host is None:
                return
            await self._pools.pop(host).aclose()


class _Tracked(httpx.AsyncByteStream):
    """A response's body: tells the pools when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, pools: HostPools, host: str) -> None:
        self._stream = stream
        self._pools: HostPools | None = pools
        self._host = host

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            pools, self._pools = self._pools, None
            if pools is not None:  # (once, however often it is closed)
                pools._closed(self._host)
