"""Image bytes to pixels, with limits: never an SVG, never a format Pillow should not
guess, never more pixels than MAX_PIXELS (the size is read from the header, before
anything is decoded: an image bomb is refused, not decoded), and always scaled down to
what the pane can show. Runs in a thread (Pillow releases the GIL while it decodes).
Pillow is imported when the first image is decoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 40_000_000  # width x height, from the header (a 8000x5000 photo is 40 M)
MAX_SIDE = 20_000  # pixels on either side
MAX_BYTES = 8 * 1024 * 1024  # an image's body (the fetcher stops reading past it)
MAX_DECODED = 1600  # pixels on the longer side kept after decoding (more never shows)
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "ICO")  # what Pillow may open
_SVG_TYPES = ("image/svg", "image/svg+xml")


class Refused(Exception):
    """Not shown, and why (one short phrase, shown after the alt text)."""


@dataclass(frozen=True)
class Picture:
    """A decoded image, RGB, at most MAX_DECODED on its longer side; its original size."""

    image: Image
    width: int
    height: int


def _looks_like_svg(data: bytes, content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in _SVG_TYPES:
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in data[:4096].lower()


def decode(
    data: bytes, content_type: str | None = None, box: tuple[int, int] = (MAX_DECODED, MAX_DECODED)
) -> Picture:
    """Decode ``data`` into at most ``box`` pixels (the aspect kept; raises Refused with
    the reason it is not shown). A JPEG is decoded at the fraction of its size that
    covers the box (a 2400x1600 photo for half blocks: at 1/8, ten times faster)."""
    if len(data) > MAX_BYTES:
        raise Refused(f"too large (over {MAX_BYTES // (1024 * 1024)} MB)")
    if not data:
        raise Refused("empty")
    if _looks_like_svg(data, content_type):
        raise Refused("an SVG image (not drawn)")
    # (Pillow, ~30 ms: only when an image is shown; never at start-up or on a keystroke.)
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    # Refused here by size before Pillow's own bomb check would warn on stderr.
    warnings.filterwarnings("ignore", category=PILImage.DecompressionBombWarning)

    kind = (content_type or "").split(";")[0].strip().lower()
    try:
        image = PILImage.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        if kind and not kind.startswith("image/"):
            raise Refused(f"not an image ({kind})") from None
        said = f" (sent as {kind})" if kind else ""
        raise Refused(f"not an image tuinews can draw{said}") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise Refused(f"a broken image ({error})") from None
    except PILImage.DecompressionBombError:
        raise Refused("too many pixels (an image bomb?)") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise Refused("an image with no pixels")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise Refused(f"too many pixels ({width}x{height})")
    try:
        fit = min(1.0, box[0] / width, box[1] / height, MAX_DECODED / max(width, height))
        if fit < 1:
            image.draft("RGB", (max(1, round(width * fit)), max(1, round(height * fit))))
        image.seek(0)  # an animation's first frame
        image.load()
        flat = _flatten(image)
        if fit < 1:
            target = (max(1, round(width * fit)), max(1, round(height * fit)))
            if flat.size[0] > target[0] or flat.size[1] > target[1]:
                flat.thumbnail(target, PILImage.Resampling.BILINEAR)
    except PILImage.DecompressionBombError:
        raise Refused("too many pixels (an image bomb?)") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as error:
        raise Refused(f"a broken image ({type(error).__name__})") from None
    return Picture(flat, width, height)


def _flatten(image: Image) -> Image:
    """RGB, transparency over a mid grey (readable on dark and light themes alike)."""
    from PIL import Image as PILImage  # (loaded already: see decode)

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        ground = PILImage.new("RGBA", rgba.size, (128, 128, 128, 255))
        return PILImage.alpha_composite(ground, rgba).convert("RGB")
    return image.convert("RGB")
