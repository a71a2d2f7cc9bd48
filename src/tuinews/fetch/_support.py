"""Pieces of the fetcher that need no network: decoding, headers, reasons."""

from __future__ import annotations

import email.utils
import http
import socket
import ssl
import urllib.request
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC

import httpx

from tuinews.fetch.pools import HostPools

MAX_URL_LENGTH = 8000
WRITE_TIMEOUT = 10.0
MAX_VALIDATOR = 1024  # longer ETag / Last-Modified values are not kept


class FetchFailure(Exception):
    """A reason to give up on this request; the message is the result's error."""


class Inflater:
    """gzip or deflate, inflated at most `limit` bytes per call (so a bomb stays small)."""

    _GZIP_MAGIC = b"\x1f\x8b"

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        # gzip: also accept a zlib stream. deflate: zlib or raw, decided on the first bytes.
        self._obj = zlib.decompressobj(zlib.MAX_WBITS | 32) if gzip else None
        self._pending = b""
        self._finished = False

    @classmethod
    def for_encoding(cls, encoding: str) -> Inflater | None:
        if encoding in ("", "identity"):
            return None
        if encoding in ("gzip", "x-gzip"):
            return cls(gzip=True)
        if encoding == "deflate":
            return cls(gzip=False)
        raise FetchFailure(f"unsupported content encoding ({clean(encoding, 40)})")

    def feed(self, data: bytes, limit: int) -> bytes:
        out: list[bytes] = []
        try:
            while data and limit > 0 and not self._finished:
                if self._obj is None:  # the start of a stream: wait for two bytes to decide
                    self._pending += data
                    if len(self._pending) < 2:
                        break
                    data, self._pending = self._pending, b""
                    if self._gzip:
                        if data[:2] != self._GZIP_MAGIC:  # trailing bytes after the stream
                            self._finished = True
                            break
                        self._obj = zlib.decompressobj(zlib.MAX_WBITS | 32)
                    else:
                        zlib_header = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                        self._obj = zlib.decompressobj(
                            zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
                        )
                chunk = self._obj.decompress(data, limit)
                out.append(chunk)
                limit -= len(chunk)
                if not self._obj.eof:
                    break  # all input taken, or the limit reached
                data = self._obj.unused_data  # a gzip file may have several members
                self._obj = None
                self._finished = not self._gzip
        except zlib.error:
            raise FetchFailure("could not decode response (bad compressed data)") from None
        return b"".join(out)


def parse_url(url: str) -> httpx.URL | None:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return None
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    return parsed


def printable(value: str) -> bool:
    return value.isascii() and value.isprintable()


def clean(value: str | None, limit: int) -> str:
    if not value:
        return ""
    text = "".join(c if c.isprintable() else " " for c in value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validator(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALIDATOR or not printable(value):
        return None
    return value


def retry_after(value: str | None, now: float, cap: float) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; capped, never < 0."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    return min(max(seconds, 0.0), cap)


def max_age(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    max_age = None
    for directive in value.split(","):
        name, _, argument = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-cache", "no-store"):
            return None
        if name == "max-age":
            argument = argument.strip().strip('"')
            if argument.isdigit():
                max_age = min(float(argument), cap)
    return max_age


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


def size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def http_error(status: int, retry_after: float | None) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase  # never the server's own reason text
    except ValueError:
        phrase = ""
    reason = f"HTTP {status} {phrase}".rstrip()
    if retry_after is not None:
        reason += f" (retry in {duration(retry_after)})"
    return reason


def causes(exc: BaseException) -> Iterable[BaseException]:
    """The exception, its causes and contexts, and the members of exception groups."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 50:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)


def describe(exc: BaseException, had_response: bool) -> str:
    """One short human reason for a transport failure."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid URL"
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc)
        if had_response:
            return "truncated response"
        if "Receive buffer too long" in text or "too long" in text.lower():
            return "response headers too large"
        if "disconnected" in text.lower():
            return "connection closed by the server"
        return "invalid HTTP response"
    chain = list(causes(exc))
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return "host not found"
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = clean(cause.verify_message or "", 60)
            return (
                f"TLS certificate not valid ({detail})" if detail else "TLS certificate not valid"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({clean(cause.reason or type(cause).__name__, 60)})"
    for cause in chain:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset" if had_response else "connection reset by the server"
        if isinstance(cause, TimeoutError):
            return "timed out"
    leaf = next(
        (c for c in reversed(chain) if isinstance(c, OSError) and c.strerror),
        None,
    )
    detail = clean(leaf.strerror if leaf is not None else str(exc) or type(exc).__name__, 60)
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({detail})"
    if had_response:
        return "truncated response"
    return f"network error ({detail})"


def make_client(
    timeouts: tuple[float, float],
    connections: tuple[int, int],
    headers: Mapping[str, str],
    proxy: str | None,
    hook: Callable[[httpx.Response], Awaitable[None]],
) -> httpx.AsyncClient:
    """The fetcher's one client: no redirects followed (the fetcher does), ``timeouts``
    (to connect, to read), ``connections`` (overall, to one host name: the fetcher's
    limits on requests at once), these ``headers`` on every request, ``proxy`` for every
    request (None: the environment's, if any), ``hook`` on every response. A socks5 proxy
    needs the ``socksio`` package (a dependency).

    Without a proxy each host name has a pool of its own (``HostPools``: one big pool cost
    a quarter of a refresh's CPU); through a proxy, every request goes to the proxy, in
    one pool."""
    connect, total = timeouts
    overall, per_host = (max(1, n) for n in connections)
    transport = None
    if proxy is None and not _environment_proxies():
        context = httpx.create_ssl_context(trust_env=True)  # (once, shared by the pools)
        transport = HostPools(per_host, keep=max(1, overall // per_host), ssl_context=context)
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(connect=connect, read=total, write=WRITE_TIMEOUT, pool=total),
        limits=httpx.Limits(max_connections=overall, max_keepalive_connections=overall),
        headers={**headers, "Accept-Encoding": "gzip, deflate"},
        proxy=proxy,
        trust_env=True,  # HTTP_PROXY and the others, when no proxy is set here
        event_hooks={"response": [hook]},
        transport=transport,
    )


def _environment_proxies() -> bool:
    """Whether the environment names a proxy that httpx would use (its own test)."""
    found = urllib.request.getproxies()
    return any(found.get(scheme) for scheme in ("http", "https", "all"))
