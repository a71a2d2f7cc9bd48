"""Fetching an image for the article pane: http(s) only, over a fetcher of its own with
the fetcher's limits (the per-host slots, a deadline for the whole exchange, the body
capped at decode.MAX_BYTES while it is read), through the disk cache; and preparing it
for a width and a mode: the pixel work (decode, scale, encode) where it cannot hold the
app's interpreter (the image worker process), then the cells. Never raises: a failure is a
``Refused`` with its reason. httpx and Pillow load when the first image is shown."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuinews.images import cells, decode, kitty, sixel
from tuinews.images.cache import DiskCache
from tuinews.images.decode import MAX_BYTES, Refused
from tuinews.links import safe_link

if TYPE_CHECKING:
    from rich.segment import Segment

    from tuinews.fetch import Fetcher

TIMEOUT = 20.0  # seconds for one image, redirects and body included
CONCURRENCY = 6  # images at once, overall (the per-host limit is the setting's)
_NOT_IMAGES = ("text/", "application/json", "application/xml", "application/xhtml")


@dataclass(frozen=True)
class Prepared:
    """An image ready for the pane at one width: half-block lines, for Kitty its cells
    and the PNG to send (base64), for Sixel a sixel image for each of its rows."""

    columns: int
    rows: int
    lines: list[list[Segment]] | None = None
    kitty: str | None = None
    sixel: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Pixels:
    """The pixel work's result, small to send between processes: the half-block pixels
    (RGB, two a cell, row after row), Kitty's base64 PNG or Sixel's rows."""

    columns: int
    rows: int
    rgb: bytes | None = None
    kitty: str | None = None
    sixel: tuple[str, ...] | None = None


def prepare(
    body: bytes,
    content_type: str | None,
    width: int,
    mode: str,
    cell: tuple[int, int] = sixel.CELL,
) -> Prepared:
    """Decode and draw (tens of milliseconds for a large photo; a Sixel image a few
    hundred). ``cell``: a cell's size in pixels (Sixel draws pixels)."""
    return finish(prepare_pixels(body, content_type, width, mode, cell))


def prepare_pixels(
    body: bytes,
    content_type: str | None,
    width: int,
    mode: str,
    cell: tuple[int, int] = sixel.CELL,
) -> Pixels:
    """Decode, scale and encode (Kitty's PNG, Sixel's rows): all the pixel work, in the
    image worker process (:mod:`tuinews.pool`), where it cannot hold the app's
    interpreter. Raises Refused."""
    # The pixels the cells can show at most: 1x2 a cell in half blocks; Kitty's CELL.
    if mode == "kitty":
        box = (width * kitty.CELL[0], cells.MAX_ROWS * kitty.CELL[1])
    elif mode == "sixel":
        width = max(1, width - 1)  # (a cell left right of it: see ImageLayer.overlay)
        box = (width * cell[0], cells.MAX_ROWS * cell[1])
    else:
        box = (width, 2 * cells.MAX_ROWS)
    picture = decode.decode(body, content_type, box)
    columns, rows = cells.cell_size(picture, width)
    if mode == "kitty":
        columns, rows = min(columns, kitty.MAX_CELLS), min(rows, kitty.MAX_CELLS)
        return Pixels(columns, rows, kitty=kitty.payload(picture, columns, rows))
    if mode == "sixel":
        return Pixels(columns, rows, sixel=tuple(sixel.rows_of(picture, columns, rows, cell)))
    return Pixels(*cells.half_block_pixels(picture, width))


def finish(pixels: Pixels) -> Prepared:
    """The pane's cells from the pixels (in the app: a few ms of Python for half blocks)."""
    if pixels.kitty is not None:
        return Prepared(pixels.columns, pixels.rows, kitty=pixels.kitty)
    if pixels.sixel is not None:
        return Prepared(pixels.columns, pixels.rows, sixel=pixels.sixel)
    lines = cells.half_block_lines(pixels.columns, pixels.rows, pixels.rgb or b"")
    return Prepared(pixels.columns, pixels.rows, lines=lines)


class ImageLoader:
    def __init__(
        self,
        cache: DiskCache | None,
        per_host: int = 2,
        user_agent: str = "",
        proxy: str = "",
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.cache = cache
        self.per_host = per_host
        self.user_agent = user_agent
        self.proxy = proxy
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.fetched = 0  # bodies fetched over the network (for tests)
        self._fetcher: Fetcher | None = None
        self._making: asyncio.Lock | None = None  # one fetcher, however many ask at once

    def _make_fetcher(self) -> Fetcher:
        from tuinews.fetch import Fetcher, FetchLimits  # (httpx, ~35 ms: in a thread)

        limits = FetchLimits(
            total_timeout=self.timeout,
            connect_timeout=min(10.0, self.timeout),
            max_bytes=self.max_bytes,
            per_host=self.per_host,
            concurrency=CONCURRENCY,
        )
        fetcher = Fetcher(limits, self.user_agent or None, self.proxy or None)
        fetcher.prepare()  # its TLS context: here, not on the event loop
        return fetcher

    async def get(self, url: str) -> tuple[bytes, str | None]:
        """The image's body and content type, from the cache or the network (raises
        Refused with the reason it cannot be had)."""
        link = safe_link(url)
        if link is None:
            raise Refused("not an http(s) address")
        if self.cache is not None:
            kept = await asyncio.to_thread(self.cache.get, link)
            if kept is not None:
                return kept
        fetcher = await self._get_fetcher()
        from tuinews.fetch import FetchRequest  # (loaded by _make_fetcher)

        result = await fetcher.fetch(FetchRequest(link))
        self.fetched += 1
        if not result.ok or result.body is None:
            raise Refused(result.error or "no content")
        kind = (result.content_type or "").split(";")[0].strip().lower()
        if kind.startswith(_NOT_IMAGES):
            raise Refused(f"not an image ({kind})")
        if self.cache is not None:
            await asyncio.to_thread(self.cache.put, link, result.body, result.content_type)
        return result.body, result.content_type

    async def _get_fetcher(self) -> Fetcher:
        if self._making is None:
            self._making = asyncio.Lock()
        async with self._making:
            if self._fetcher is None:
                self._fetcher = await asyncio.to_thread(self._make_fetcher)
            return self._fetcher

    async def close(self) -> None:
        fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            await fetcher.aclose()
