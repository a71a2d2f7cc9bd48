"""Fetching feeds over HTTP: politely, with hard limits, and without ever raising.

One `httpx.AsyncClient` per `Fetcher`. httpx's defaults are not safe for untrusted servers
(no total deadline, unbounded decompression, redirects off, Retry-After ignored), so:

- a deadline for the whole exchange (redirects and body included) with `asyncio.timeout`;
- the body is read raw and inflated here with `decompress(chunk, max_length)`, so neither a
  plain body nor a gzip bomb ever grows past `max_bytes` in memory;
- redirects are followed here: counted, limited to http(s), and reported as permanent only
  when every hop was a 301 or 308;
- at most `per_host` requests at once to one host name and `concurrency` overall. A request
  takes its host's slot before an overall slot, so requests queued behind a busy host never
  hold overall slots, and time spent waiting for a slot does not count against the deadline.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx

import tuinews
from tuinews.fetch._support import (
    MAX_URL_LENGTH,
    FetchFailure,
    Inflater,
    clean,
    describe,
    http_error,
    make_client,
    max_age,
    parse_url,
    printable,
    retry_after,
    size,
    validator,
)

__all__ = ["FetchLimits", "FetchRequest", "FetchResult", "Fetcher", "Reply"]

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    total_timeout: float = 30.0  # deadline for the whole exchange, redirects and body included
    max_bytes: int = 15 * 1024 * 1024  # decoded body cap
    max_redirects: int = 10
    concurrency: int = 16  # requests at once, overall
    per_host: int = 2  # requests at once to one host name
    retry_after_cap: float = 7 * 24 * 3600  # also caps max_age


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    key: object = None  # the caller's id, echoed in the result
    user_agent: str | None = None  # instead of the fetcher's (every hop of it)


@dataclass(frozen=True)
class FetchResult:
    request: FetchRequest
    status: int | None  # status of the last response; None when the last request got none
    final_url: str  # after redirects (the request URL when there were none)
    permanent_url: str | None  # every hop 301/308 and the end a 2xx or 304; else None
    body: bytes | None  # decoded body of a 2xx, else None
    etag: str | None  # validators to keep: from this response; on a 304 without them,
    last_modified: str | None  # the request's own (still valid). None on failure.
    not_modified: bool  # 304
    gone: bool  # 410
    retry_after: float | None  # seconds, from Retry-After on a 429 or 503, capped
    max_age: float | None  # Cache-Control max-age (not with no-cache/no-store), capped
    content_type: str | None
    error: str | None  # None on success and on 304, else one short human reason
    elapsed: float  # seconds on the network, not counting the wait for a free slot

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Reply:
    """The answer to `Fetcher.call`. HTTP statuses are the caller's to judge."""

    status: int | None  # None when no response came
    body: bytes | None  # decoded body of any status (capped); None when `error` is set
    content_type: str | None
    location: str | None  # a redirect's Location, made absolute: `call` follows none
    error: str | None  # a transport or limit failure, as one short human reason
    elapsed: float  # seconds on the network, not counting the wait for a free slot


@dataclass
class _Progress:
    url: httpx.URL
    final_url: str
    status: int | None = None
    hops: int = 0
    permanent: bool = True
    waited: float = 0.0


class Fetcher:
    def __init__(
        self,
        limits: FetchLimits = FetchLimits(),
        user_agent: str | None = None,
        proxy: str | None = None,
    ) -> None:
        """``proxy``: an http://, https:// or socks5:// URL for every request; None uses
        the environment's (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), if any."""
        self.limits = limits
        self.proxy = proxy or None
        self.user_agent = user_agent or tuinews.default_user_agent()
        self._client: httpx.AsyncClient | None = None
        self._client_lock = threading.Lock()  # prepare() may run in another thread
        self._overall: asyncio.Semaphore | None = None
        self._hosts: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}
        self._redirect_responses: dict[int, httpx.Response] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # public -------------------------------------------------------------------------------

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one URL. Network, HTTP and protocol problems become `error`, never raise."""
        url = parse_url(request.url)
        if url is None:
            return _result(request, _Progress(httpx.URL(), request.url), error="invalid URL")
        progress = _Progress(url=url, final_url=request.url)
        started = time.monotonic()
        try:
            return await self._fetch(request, progress, started)
        except Exception as exc:  # a bug here must not end a whole refresh
            reason = f"unexpected error ({type(exc).__name__})"
            elapsed = time.monotonic() - started - progress.waited
            return _result(request, progress, error=reason, elapsed=elapsed)

    async def fetch_all(self, requests: Iterable[FetchRequest]) -> AsyncIterator[FetchResult]:
        """Fetch everything at once within the limits; yield results as they complete."""
        tasks = [asyncio.create_task(self.fetch(request)) for request in requests]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def call(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One request (an API call, not a feed): `form` is sent url-encoded, names may
        repeat. The same limits as `fetch` (http(s) only, one deadline for the whole
        exchange, body cap, per-host and overall slots); no redirects are followed. Never
        raises: a failure is `error`."""
        parsed = parse_url(url)
        if parsed is None:
            return Reply(None, None, None, None, "invalid URL", 0.0)
        host = parsed.host
        await self._acquire(host)  # the wait for a slot is not on the clock
        started = time.monotonic()
        status: int | None = None
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                client = self._get_client()
                content = None
                request_headers = dict(headers or {})
                if form is not None:
                    content = urllib.parse.urlencode(list(form)).encode("ascii")
                    request_headers["Content-Type"] = "application/x-www-form-urlencoded"
                outgoing = client.build_request(
                    method, parsed, params=list(params), content=content, headers=request_headers
                )
                try:
                    response = await client.send(outgoing, stream=True)
                except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.RemoteProtocolError):
                    early = self._redirect_responses.get(id(outgoing))
                    if early is None:
                        raise
                    response = early  # a redirect whose Location httpx could not use
                finally:
                    self._redirect_responses.pop(id(outgoing), None)
                try:
                    status = response.status_code
                    location = None
                    if status in _REDIRECTS:
                        location = _absolute(parsed, response.headers.get("location"))
                        body = b""
                    else:
                        body = await self._read_body(response)
                finally:
                    await response.aclose()
            content_type = clean(response.headers.get("content-type"), 200) or None
            elapsed = time.monotonic() - started
            return Reply(status, body, content_type, location or None, None, elapsed)
        except FetchFailure as failure:
            reason = str(failure)
        except TimeoutError:
            reason = "timed out"
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            reason = describe(exc, status is not None)
        except Exception as exc:  # a bug here must not end a whole sync
            reason = f"unexpected error ({type(exc).__name__})"
        finally:
            self._release(host)
        return Reply(status, None, None, None, reason, time.monotonic() - started)

    # slots --------------------------------------------------------------------------------

    async def _acquire(self, host: str) -> None:
        if self._overall is None:
            self._overall = asyncio.Semaphore(max(1, self.limits.concurrency))
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = (asyncio.Semaphore(max(1, self.limits.per_host)), [0])
        semaphore, users = entry
        users[0] += 1
        try:
            await semaphore.acquire()
            try:
                await self._overall.acquire()
            except BaseException:
                semaphore.release()
                raise
        except BaseException:
            self._forget(host)
            raise

    def _release(self, host: str) -> None:
        assert self._overall is not None
        self._overall.release()
        self._hosts[host][0].release()
        self._forget(host)

    def _forget(self, host: str) -> None:
        users = self._hosts[host][1]
        users[0] -= 1
        if users[0] == 0:
            del self._hosts[host]

    def prepare(self) -> None:
        """Make the HTTP client now (its TLS context takes ~20 ms to load the system's
        certificates): from a thread, before a refresh, so the UI never waits for it."""
        self._get_client()

    def _get_client(self) -> httpx.AsyncClient:
        with self._client_lock:
            return self._make_client()

    def _make_client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = self.limits
            self._client = make_client(
                (limits.connect_timeout, limits.total_timeout),
                (limits.concurrency, limits.per_host),
                {"User-Agent": self.user_agent, "Accept": ACCEPT},
                self.proxy,
                hook=self._remember_redirect,
            )
        return self._client

    # the exchange -------------------------------------------------------------------------

    async def _fetch(
        self, request: FetchRequest, progress: _Progress, started: float
    ) -> FetchResult:
        loop = asyncio.get_running_loop()
        held: str | None = None
        try:
            async with asyncio.timeout(None) as deadline:
                while True:
                    host = progress.url.host
                    if host != held:
                        # Hold one host's slot at a time; the clock stops while waiting.
                        left = self.limits.total_timeout
                        if held is not None:
                            when = deadline.when()
                            left = (when if when is not None else loop.time()) - loop.time()
                            deadline.reschedule(None)
                            self._release(held)
                            held = None
                        waiting = time.monotonic()
                        await self._acquire(host)
                        held = host
                        progress.waited += time.monotonic() - waiting
                        deadline.reschedule(loop.time() + left)
                    result = await self._exchange(request, progress, started)
                    if result is not None:
                        return result
        except FetchFailure as failure:
            reason = str(failure)
        except TimeoutError:
            reason = "timed out"
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            reason = describe(exc, progress.status is not None)
        finally:
            if held is not None:
                self._release(held)
        elapsed = time.monotonic() - started - progress.waited
        return _result(request, progress, error=reason, elapsed=elapsed)

    async def _exchange(
        self, request: FetchRequest, progress: _Progress, started: float
    ) -> FetchResult | None:
        """One request. Returns the result, or None after moving `progress` to a redirect."""
        headers = {}
        if request.user_agent and printable(request.user_agent):
            headers["User-Agent"] = request.user_agent  # the feed's own, instead
        if request.etag and printable(request.etag):
            headers["If-None-Match"] = request.etag
        if request.last_modified and printable(request.last_modified):
            headers["If-Modified-Since"] = request.last_modified
        progress.status = None  # the status of this hop's response, once there is one
        client = self._get_client()
        outgoing = client.build_request("GET", progress.url, headers=headers)
        try:
            response = await client.send(outgoing, stream=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.RemoteProtocolError):
            # Even with follow_redirects=False httpx prepares the next request, and raises
            # on a Location it cannot use: judge that Location ourselves.
            early = self._redirect_responses.get(id(outgoing))
            if early is None:
                raise
            progress.status = early.status_code
            self._follow(progress, early.headers.get("location"))
            return None
        finally:
            self._redirect_responses.pop(id(outgoing), None)
        try:
            status = progress.status = response.status_code
            if status in _REDIRECTS:
                self._follow(progress, response.headers.get("location"))
                return None
            ok = 200 <= status < 300
            body = await self._read_body(response) if ok else None
            if status == 304:
                # A 304 has no body (h11 reads none whatever the headers say), but closed
                # before its end is seen the connection is dropped: each feed of a warm
                # refresh then opened a new one (a third of its CPU). Seen, it is reused.
                async for _ in response.aiter_raw():
                    pass
        finally:
            await response.aclose()
        elapsed = time.monotonic() - started - progress.waited
        now = time.time()
        cap = self.limits.retry_after_cap
        delay = None
        if status in (429, 503):
            delay = retry_after(response.headers.get("retry-after"), now, cap)
        error = None
        if not ok and status != 304:
            error = http_error(status, delay)
        etag = validator(response.headers.get("etag"))
        last_modified = validator(response.headers.get("last-modified"))
        if status == 304:
            etag = etag or request.etag
            last_modified = last_modified or request.last_modified
        return FetchResult(
            request=request,
            status=status,
            final_url=progress.final_url,
            permanent_url=(
                progress.final_url
                if progress.hops and progress.permanent and error is None
                else None
            ),
            body=body,
            etag=etag if error is None else None,
            last_modified=last_modified if error is None else None,
            not_modified=status == 304,
            gone=status == 410,
            retry_after=delay,
            max_age=max_age(response.headers.get("cache-control"), cap),
            content_type=clean(response.headers.get("content-type"), 200) or None,
            error=error,
            elapsed=elapsed,
        )

    async def _remember_redirect(self, response: httpx.Response) -> None:
        """Response hook: keep a redirect response in case httpx rejects its Location."""
        if response.status_code in _REDIRECTS:
            self._redirect_responses[id(response.request)] = response

    def _follow(self, progress: _Progress, location: str | None) -> None:
        progress.url = self._next_hop(progress, location)
        progress.final_url = str(progress.url)

    def _next_hop(self, progress: _Progress, location: str | None) -> httpx.URL:
        assert progress.status is not None
        progress.hops += 1
        progress.permanent = progress.permanent and progress.status in _PERMANENT
        if progress.hops > self.limits.max_redirects:
            raise FetchFailure("too many redirects")
        if not location or not location.strip():
            raise FetchFailure("redirect without a location")
        if len(location) > MAX_URL_LENGTH:
            raise FetchFailure("invalid redirect URL")
        try:
            target = progress.url.join(location.strip())
        except (httpx.InvalidURL, ValueError):
            raise FetchFailure("invalid redirect URL") from None
        if target.scheme not in ("http", "https"):
            raise FetchFailure("redirect to a non-http URL")
        if not target.host:
            raise FetchFailure("invalid redirect URL")
        return target

    async def _read_body(self, response: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        too_large = f"response too large (over {size(cap)})"
        encoding = response.headers.get("content-encoding", "").strip().lower()
        decoder = Inflater.for_encoding(encoding)
        if decoder is None:
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > cap:
                raise FetchFailure(too_large)
        parts: list[bytes] = []
        total = 0
        async for raw in response.aiter_raw():
            data = raw if decoder is None else decoder.feed(raw, cap - total + 1)
            total += len(data)
            if total > cap:
                raise FetchFailure(too_large)
            parts.append(data)
        return b"".join(parts)


def _absolute(base: httpx.URL, location: str | None) -> str | None:
    text = clean(location, MAX_URL_LENGTH)
    try:
        return str(base.join(text)) if text else None
    except (httpx.InvalidURL, ValueError):
        return None


def _result(
    request: FetchRequest, progress: _Progress, *, error: str, elapsed: float = 0.0
) -> FetchResult:
    return FetchResult(
        request=request,
        status=progress.status,
        final_url=progress.final_url,
        permanent_url=None,
        body=None,
        etag=None,
        last_modified=None,
        not_modified=False,
        gone=False,
        retry_after=None,
        max_age=None,
        content_type=None,
        error=error,
        elapsed=max(0.0, elapsed),
    )
