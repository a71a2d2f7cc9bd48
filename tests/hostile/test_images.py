"""Hostile images (issue 16), fetched from a real HTTP server on 127.0.0.1 and prepared
as the article pane does: an image bomb, a huge SVG, content that is not an image, a body
over the cap. Each is refused quickly with its reason (shown after the alt text), never
decoded past its header, never drawn."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.images import huge_svg, png_bomb
from tests.netserver import FeedServer, Response
from tuinews.images.cache import DiskCache
from tuinews.images.decode import Refused
from tuinews.images.loader import ImageLoader, prepare


async def _prepared(server: FeedServer, path: str, tmp_path: Path, **limits: int) -> str:
    """The reason the image at ``path`` is not shown (fetched and prepared like the pane)."""
    loader = ImageLoader(DiskCache(tmp_path / "images", 50_000_000), **limits)
    started = time.monotonic()
    try:
        body, kind = await loader.get(server.url(path))
        prepare(body, kind, 100, "halfblock")
    except Refused as refused:
        assert time.monotonic() - started < 5
        return str(refused)
    finally:
        await loader.close()
    raise AssertionError(f"{path} was drawn")


async def test_an_image_bomb_is_refused_from_its_header(server: FeedServer, tmp_path: Path) -> None:
    # 60 KB that inflate to 10 GB of pixels; and one within Pillow's own limit but not ours.
    server.route("/bomb.png", Response(body=png_bomb(100_000, 100_000)))
    server.route("/big.png", Response(body=png_bomb(9_000, 9_000)))
    assert "too many pixels" in await _prepared(server, "/bomb.png", tmp_path)
    assert await _prepared(server, "/big.png", tmp_path) == "too many pixels (9000x9000)"


@pytest.mark.parametrize("kind", ["image/svg+xml", "application/octet-stream", "image/png"])
async def test_a_huge_svg_is_never_drawn(server: FeedServer, tmp_path: Path, kind: str) -> None:
    svg = huge_svg()
    assert len(svg) > 5_000_000
    server.route("/huge.svg", Response(body=svg, headers={"Content-Type": kind}))
    assert await _prepared(server, "/huge.svg", tmp_path) == "an SVG image (not drawn)"


async def test_content_that_is_not_an_image_says_so(server: FeedServer, tmp_path: Path) -> None:
    page = b"<!doctype html><html><body>Sign in</body></html>"
    server.route("/page", Response(body=page, headers={"Content-Type": "text/html"}))
    server.route("/lying.jpg", Response(body=page, headers={"Content-Type": "image/jpeg"}))
    assert await _prepared(server, "/page", tmp_path) == "not an image (text/html)"
    assert "not an image" in await _prepared(server, "/lying.jpg", tmp_path)
    assert DiskCache(tmp_path / "images", 50_000_000).get(server.url("/page")) is None


async def test_an_oversize_body_is_cut_off(server: FeedServer, tmp_path: Path) -> None:
    chunks = (b"\xff" * 65536 for _ in range(100_000))
    server.route("/huge.jpg", Response(stream=chunks, headers={"Content-Type": "image/jpeg"}))
    reason = await _prepared(server, "/huge.jpg", tmp_path)
    assert reason.startswith("response too large (over 8")


def test_a_sixel_image_of_noise_is_bounded(tmp_path: Path) -> None:
    """The worst picture for Sixel (every pixel another colour) at the widest pane: at
    most 256 colours, one image a row of at most MAX_ROWS, in bounded time and size,
    and nothing in it but sixel data (the test decoder refuses anything else)."""
    import io
    import random

    from PIL import Image

    from tests.sixel_decoder import decode as decode_sixel
    from tuinews.images.cells import MAX_ROWS

    rng = random.Random(3)
    noise = Image.frombytes("RGB", (1600, 1600), rng.randbytes(1600 * 1600 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    started = time.monotonic()
    ready = prepare(out.getvalue(), "image/png", 200, "sixel", (10, 20))
    assert time.monotonic() - started < 30
    assert ready.sixel is not None and len(ready.sixel) == ready.rows <= MAX_ROWS
    assert sum(map(len, ready.sixel)) < 40 * 1024 * 1024
    for data in ready.sixel:
        image = decode_sixel(data)
        assert len(image.colours) <= 256 and image.height == 20
