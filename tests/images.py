"""Images for the image tests, made with Pillow (no files shipped): a small PNG, a JPEG,
an image bomb (a PNG whose header claims a huge size), a huge SVG."""

from __future__ import annotations

import io
import struct
import zlib


def png(width: int = 32, height: int = 16, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 640, height: int = 480) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(out, format="JPEG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A small PNG whose IDAT inflates to width x height grey pixels (a decompression bomb:
    tens of kilobytes that would be gigabytes decoded); the header says its size."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 2_000)))
    data += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def huge_svg(shapes: int = 120_000) -> bytes:
    """An SVG of many shapes (megabytes of XML): never drawn."""
    body = "".join(
        f'<rect x="{i % 1000}" y="{i // 1000}" width="1" height="1"/>' for i in range(shapes)
    )
    head = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000">'
    return f'<?xml version="1.0"?>{head}{body}</svg>'.encode()
