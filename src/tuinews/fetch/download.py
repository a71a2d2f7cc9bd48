"""Downloading a large file (an enclosure) to disk, resumably, with a fetcher's limits.

Unlike :meth:`Fetcher.fetch` the body is streamed to a file, never held in memory, and
there is no deadline for the whole exchange (an episode may take many minutes): a server
that sends nothing for the read timeout fails it instead. The file is ``part``: what it
already holds is asked for no more (HTTP ``Range``), and whatever arrives is appended, so
a dropped connection or a restart resumes where it stopped. The caller renames ``part``
to the final name only when :func:`download` says it is complete.

Only http(s) URLs, redirects included; the host's slot (``per_host``) and an overall one
are held during each request, as for feeds; a body over ``max_bytes`` is refused (by its
declared size before anything is written, else as soon as it grows past it).

The name the server gives the file (``Content-Disposition``'s ``filename*`` or
``filename``) is handed back as sent, unsafe: the caller makes it a safe name.
"""

from __future__ import annotations

import fcntl
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from tuinews.fetch import Fetcher
from tuinews.fetch._support import describe, http_error, parse_url, size

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CONTENT_RANGE = re.compile(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.I)
_UNSATISFIABLE = re.compile(r"\s*bytes\s+\*/(\d+)\s*$", re.I)

Progress = Callable[[int, int | None], None]  # (bytes in the file, total if known)


@dataclass(frozen=True)
class Outcome:
    complete: bool
    received: int  # bytes in ``part`` now
    total: int | None
    error: str | None  # why it is not complete, for the user
    filename: str | None = None  # Content-Disposition's, as the server sent it (unsafe)


def disposition_filename(value: str | None) -> str | None:
    """The file name in a Content-Disposition header, ``filename*`` (RFC 6266: its
    charset decoded) before ``filename``; as sent, NOT safe to use as a path. None when
    there is none."""
    if not value:
        return None
    from email.message import Message  # (with the first named download)
    from email.utils import collapse_rfc2231_value

    message = Message()
    try:
        message["content-disposition"] = value
        params = message.get_params(header="content-disposition") or []
        found = [v for k, v in params[1:] if k.lower() == "filename"]
        extended = [v for v in found if isinstance(v, tuple)]  # filename*=UTF-8''...
        chosen = (extended or found)[0] if found else None
        return None if chosen is None else collapse_rfc2231_value(chosen)
    except (ValueError, LookupError, TypeError):
        return None


TOO_LARGE = "too large"  # (the error's start: such a download is not resumed)


class _Failure(Exception):
    pass


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _next(url: httpx.URL, location: str | None) -> httpx.URL:
    if not location or not location.strip():
        raise _Failure("redirect without a location")
    try:
        target = url.join(location.strip())
    except (httpx.InvalidURL, ValueError):
        raise _Failure("invalid redirect URL") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise _Failure("redirect to a non-http URL")
    return target


async def download(
    fetcher: Fetcher,
    url: str,
    part: Path,
    *,
    max_bytes: int,
    progress: Progress | None = None,
) -> Outcome:
    """Bring ``part`` up to the whole of ``url``'s body. Never raises for the network,
    the server or a full disk: the reason is ``error`` and ``part`` keeps what came."""
    target = parse_url(url)
    if target is None:
        return Outcome(False, _size_of(part), None, "not an http(s) URL")
    received, total = _size_of(part), None
    try:
        for _hop in range(fetcher.limits.max_redirects + 1):
            host = target.host
            await fetcher._acquire(host)
            try:
                result = await _exchange(fetcher, target, part, max_bytes, progress)
            finally:
                fetcher._release(host)
            if isinstance(result, httpx.URL):
                target = result
                continue
            return result
        raise _Failure("too many redirects")
    except _Failure as failure:
        error = str(failure)
    except TimeoutError:
        error = "timed out"
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        error = describe(exc, True)
    except OSError as exc:
        error = f"cannot write {part.name} ({exc.strerror or type(exc).__name__})"
    received = _size_of(part)
    if received:
        error += f"; {size(received)} kept, it resumes from there"
    return Outcome(False, received, total, error)


async def _exchange(
    fetcher: Fetcher,
    url: httpx.URL,
    part: Path,
    max_bytes: int,
    progress: Progress | None,
) -> Outcome | httpx.URL:
    """One request: the outcome, or the URL a redirect points to."""
    offset = _size_of(part)
    headers = {"Accept-Encoding": "identity"}  # ranges count the bytes as stored
    if offset:
        headers["Range"] = f"bytes={offset}-"
    client = fetcher._get_client()
    request = client.build_request("GET", url, headers=headers)
    try:
        response = await client.send(request, stream=True)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.RemoteProtocolError):
        early = fetcher._redirect_responses.get(id(request))
        if early is None:
            raise
        return _next(url, early.headers.get("location"))  # a Location httpx refused
    finally:
        fetcher._redirect_responses.pop(id(request), None)
    try:
        return await _receive(response, url, part, offset, max_bytes, progress)
    finally:
        await response.aclose()


async def _receive(
    response: httpx.Response,
    url: httpx.URL,
    part: Path,
    offset: int,
    max_bytes: int,
    progress: Progress | None,
) -> Outcome | httpx.URL:
    status = response.status_code
    if status in _REDIRECTS:
        return _next(url, response.headers.get("location"))
    if status == 416 and offset:
        whole = _UNSATISFIABLE.match(response.headers.get("content-range", ""))
        if whole and int(whole[1]) == offset:
            return Outcome(True, offset, offset, None)  # it was all there already
        part.unlink(missing_ok=True)  # the file changed on the server: start again
        raise _Failure("the file on the server changed; try again")
    if status == 206 and offset:
        match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
        if match is None or int(match[1]) != offset:
            raise _Failure("the server sent another part of the file than asked")
        total = int(match[3]) if match[3] != "*" else None
        restart = False
    elif 200 <= status < 300:
        offset, restart = 0, True  # no ranges: from the start
        declared = response.headers.get("content-length", "").strip()
        total = int(declared) if declared.isdigit() else None
    else:
        raise _Failure(http_error(status, None))
    if total is not None and total > max_bytes:
        raise _Failure(f"{TOO_LARGE} ({size(total)}, over {size(max_bytes)})")
    received = offset
    reported = 0.0
    with part.open("ab") as file:  # (appending: nothing is cut before the lock is held)
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise _Failure("another tuinews is downloading it") from None
        if restart:
            file.truncate(0)
        async for chunk in response.aiter_bytes():  # as it comes: nothing held back
            received += len(chunk)
            if received > max_bytes:
                raise _Failure(f"{TOO_LARGE} (over {size(max_bytes)})")
            file.write(chunk)
            now = time.monotonic()
            if progress is not None and now - reported > 0.2:
                file.flush()
                progress(received, total)
                reported = now
    if progress is not None:
        progress(received, total)
    if total is not None and received != total:
        raise _Failure(f"incomplete ({size(received)} of {size(total)})")
    named = disposition_filename(response.headers.get("content-disposition"))
    return Outcome(True, received, total if total is not None else received, None, named)
