"""Fetching images (a real HTTP server on 127.0.0.1): http(s) only, through the disk
cache, with the fetcher's limits (per host, deadline, size cap)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.images import png
from tests.netserver import FeedServer, Response
from tuinews.images.cache import DiskCache
from tuinews.images.decode import Refused
from tuinews.images.loader import ImageLoader, prepare


async def _get(loader: ImageLoader, url: str) -> tuple[bytes, str | None]:
    try:
        return await loader.get(url)
    finally:
        await loader.close()


async def test_an_image_is_fetched_once_then_read_from_the_disk_cache(
    server: FeedServer, tmp_path: Path
) -> None:
    body = png(20, 10)
    server.route("/a.png", Response(body=body, headers={"Content-Type": "image/png"}))
    cache = DiskCache(tmp_path / "images", 1_000_000)
    first = ImageLoader(cache)
    assert await _get(first, server.url("/a.png")) == (body, "image/png")
    again = ImageLoader(DiskCache(tmp_path / "images", 1_000_000))  # a later run
    assert await _get(again, server.url("/a.png")) == (body, "image/png")
    assert len(server.requests) == 1 and again.fetched == 0
    ready = prepare(body, "image/png", 80, "halfblock")
    assert (ready.columns, ready.rows) == (3, 1) and ready.lines is not None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "ftp://h/a",
    ],
)
async def test_only_http_images_are_fetched(url: str, tmp_path: Path) -> None:
    with pytest.raises(Refused, match=r"not an http\(s\) address"):
        await _get(ImageLoader(DiskCache(tmp_path, 1_000_000)), url)


async def test_an_error_status_is_the_reason(server: FeedServer) -> None:
    server.route("/gone.png", Response(status=404, body=b"no"))
    with pytest.raises(Refused, match="404"):
        await _get(ImageLoader(None), server.url("/gone.png"))


async def test_a_slow_image_stops_at_the_deadline(server: FeedServer) -> None:
    server.route("/slow.png", Response(body=png(20, 10), drip=0.2))
    started = time.monotonic()
    with pytest.raises(Refused, match="timed out"):
        await _get(ImageLoader(None, timeout=1.0), server.url("/slow.png"))
    assert time.monotonic() - started < 5


async def test_a_body_over_the_cap_is_refused_while_it_is_read(server: FeedServer) -> None:
    endless = (b"\x00" * 65536 for _ in range(10_000))  # 655 MB if it were all read
    server.route("/endless.png", Response(stream=endless, headers={"Content-Type": "image/png"}))
    server.route("/declared.png", Response(body=b"x", content_length=50_000_000))
    loader = ImageLoader(None, max_bytes=200_000)
    with pytest.raises(Refused, match="too large"):
        await loader.get(server.url("/endless.png"))
    with pytest.raises(Refused, match="too large"):
        await _get(loader, server.url("/declared.png"))


async def test_images_from_one_host_keep_to_the_per_host_limit(
    server: FeedServer, tmp_path: Path
) -> None:
    for index in range(6):
        server.route(f"/{index}.png", Response(body=png(8, 8), delay=0.2))
    loader = ImageLoader(DiskCache(tmp_path, 1_000_000), per_host=2)
    try:
        await asyncio.gather(*(loader.get(server.url(f"/{i}.png")) for i in range(6)))
    finally:
        await loader.close()
    assert len(server.requests) == 6
    assert server.peak_by_host["127.0.0.1"] == 2
