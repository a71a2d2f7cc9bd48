"""The fetcher's network-free parts (decoding, header parsing, reasons), and a real TLS
failure against a self-signed server on 127.0.0.1."""

from __future__ import annotations

import email.utils
import gzip
import shutil
import socket
import ssl
import subprocess
import zlib
from pathlib import Path

import httpx
import pytest

from tests.needs import need
from tests.netserver import FeedServer, Response
from tuinews.fetch import Fetcher, FetchRequest
from tuinews.fetch._support import (
    FetchFailure,
    Inflater,
    describe,
    http_error,
    max_age,
    retry_after,
)

TEXT = b"<rss>" + b"".join(b"<item>%d</item>" % i for i in range(2000)) + b"</rss>"


def inflate(encoding: str, data: bytes, step: int, limit: int = 10**9) -> bytes:
    decoder = Inflater.for_encoding(encoding)
    assert decoder is not None
    out = []
    for i in range(0, len(data), step):
        out.append(decoder.feed(data[i : i + step], limit))
    return b"".join(out)


@pytest.mark.parametrize("step", [1, 2, 3, 7, 4096, 10**6])
def test_inflater_gives_the_same_bytes_however_the_input_is_cut(step: int) -> None:
    deflate_raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = deflate_raw.compress(TEXT) + deflate_raw.flush()
    two_members = gzip.compress(TEXT[:5000]) + gzip.compress(TEXT[5000:])
    assert inflate("gzip", gzip.compress(TEXT), step) == TEXT
    assert inflate("gzip", two_members, step) == TEXT
    assert inflate("gzip", zlib.compress(TEXT), step) == TEXT  # mislabelled zlib stream
    assert inflate("deflate", zlib.compress(TEXT), step) == TEXT
    assert inflate("deflate", raw, step) == TEXT


def test_inflater_never_returns_more_than_asked() -> None:
    decoder = Inflater.for_encoding("gzip")
    assert decoder is not None
    bomb = gzip.compress(bytes(50 * 1024 * 1024))
    assert len(decoder.feed(bomb, 1000)) == 1000


def test_inflater_ignores_trailing_garbage_and_rejects_corrupt_data() -> None:
    assert inflate("gzip", gzip.compress(TEXT) + b"\n\0junk", 100) == TEXT
    with pytest.raises(FetchFailure, match="could not decode response"):
        inflate("deflate", b"\x78\x9c" + b"\xff" * 50, 100)
    with pytest.raises(FetchFailure, match=r"unsupported content encoding \(zstd\)"):
        Inflater.for_encoding("zstd")
    assert Inflater.for_encoding("identity") is None and Inflater.for_encoding("") is None


def test_retry_after_parsing() -> None:
    now = 1_700_000_000.0
    cap = 3600.0
    assert retry_after("120", now, cap) == 120
    assert retry_after(" 0 ", now, cap) == 0
    assert retry_after("86400", now, cap) == cap
    assert retry_after(email.utils.formatdate(now + 90, usegmt=True), now, cap) == 90
    assert retry_after(email.utils.formatdate(now - 90, usegmt=True), now, cap) == 0
    assert retry_after("Sun, 06 Nov 1994 08:49:37 -0000", now, cap) == 0  # no zone given
    for bad in (None, "", "1.5", "-3", "tomorrow", "Mon, 99 Foo 2024"):
        assert retry_after(bad, now, cap) is None, bad


def test_max_age_parsing() -> None:
    assert max_age("max-age=60", 1e9) == 60
    assert max_age("MAX-AGE=60, must-revalidate", 1e9) == 60
    assert max_age("private, max-age=600", 100) == 100
    for value in (None, "", "no-store", "max-age=abc", "max-age=", "No-Cache, max-age=5"):
        assert max_age(value, 1e9) is None, value


def test_http_error_uses_standard_phrases_and_readable_delays() -> None:
    assert http_error(404, None) == "HTTP 404 Not Found"
    assert http_error(429, 30) == "HTTP 429 Too Many Requests (retry in 30 s)"
    assert http_error(429, 7200) == "HTTP 429 Too Many Requests (retry in 2 h)"
    assert http_error(503, 3 * 86400) == "HTTP 503 Service Unavailable (retry in 3 days)"
    assert http_error(599, None) == "HTTP 599"  # no invented phrase


def chained(outer: BaseException, *causes: BaseException) -> BaseException:
    current = outer
    for cause in causes:
        current.__cause__ = cause
        current = cause
    return outer


def test_describe_finds_the_root_cause() -> None:
    gai = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert describe(chained(httpx.ConnectError("x"), OSError("y"), gai), False) == (
        "host not found"
    )
    group = ExceptionGroup("attempts", [ConnectionRefusedError(111, "refused")])
    assert describe(chained(httpx.ConnectError("x"), OSError("all"), group), False) == (
        "connection refused"
    )
    unreachable = OSError(113, "No route to host")
    assert describe(chained(httpx.ConnectError("x"), unreachable), False) == (
        "could not connect (No route to host)"
    )
    assert describe(httpx.ReadTimeout("t"), True) == "timed out"
    assert describe(httpx.ConnectTimeout("t"), False) == "timed out"
    assert describe(httpx.UnsupportedProtocol("u"), False) == "invalid URL"
    reset = chained(httpx.ReadError("r"), ConnectionResetError(104, "reset"))
    assert describe(reset, True) == "connection reset"
    hostile = OSError(1, "bad\x1b]52;c;AAAA\x07thing " + "x" * 200)
    reason = describe(chained(httpx.ConnectError("x"), hostile), False)
    assert "\x1b" not in reason and "\x07" not in reason and len(reason) < 100


async def test_self_signed_certificate_is_refused(tmp_path: Path) -> None:
    need(shutil.which("openssl"), "needs the openssl command")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with FeedServer(tls=context) as server:
        server.route("/feed", Response(body=b"<rss/>"))
        assert server.url("/feed").startswith("https://127.0.0.1:")
        async with Fetcher() as fetcher:
            result = await fetcher.fetch(FetchRequest(server.url("/feed")))
    assert result.error == "TLS certificate not valid (self-signed certificate)"
    assert result.status is None and result.body is None
