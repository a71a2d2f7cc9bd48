"""Images in reader mode: the article's own pictures are kept, each with one http(s)
source, so the article pane draws them (or shows their alt text); tracking pixels and
icons, and every image of a page where no article was found, are dropped.

Which images are the article's is readability's choice (the content it picked); here
only the page's structure is read: the sizes an image declares, its ``src``, the lazy-
loading attributes (``data-src``...), ``srcset`` and ``<picture>``'s ``<source>``
elements. Never a site's words.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from tuinews.links import safe_link
from tuinews.sanitise import clean_line

# An image declared smaller than this on a side (pixels) is a tracking pixel, an icon or
# a share button, not a picture of the article.
MIN_SIDE_PX = 32
# From a srcset, the smallest candidate at least this wide (else the widest): a full-width
# picture in the article pane, without fetching the 4000-pixel original.
TARGET_WIDTH_PX = 1000
# Set (before readability runs: it removes width and height) on images too small to keep.
TINY = "data-tn-tiny"
# Where lazy-loading scripts keep the real source (``src`` holding a placeholder).
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original")
_LAZY_SRCSETS = ("data-srcset", "data-lazy-srcset", "srcset")
# <source> types Pillow may not decode: a <picture>'s other sources are preferred.
_UNLIKELY_TYPES = frozenset({"image/avif", "image/jxl", "image/svg+xml", "image/heic"})
_PX = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)
_STYLE_SIDE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
# Markdown has no image inside a heading or a table cell (the converter writes the alt
# text there, as if it were the article's words): an image in a heading goes after it,
# one in a table is dropped.
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CELLS = frozenset({"td", "th", "caption"})
_CANDIDATE = re.compile(r"\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,|$)", re.I)


def _declared_sides(img: HtmlElement) -> list[float]:
    sides = []
    for name in ("width", "height"):
        match = _PX.match(img.get(name, ""))
        if match:
            sides.append(float(match.group(1)))
    sides.extend(float(size) for _, size in _STYLE_SIDE.findall(img.get("style", "")))
    return sides


def mark_tiny(root: HtmlElement) -> None:
    """Mark the images declared smaller than :data:`MIN_SIDE_PX` on a side (width or
    height attribute, or inline style), before readability removes those attributes."""
    for img in root.iter("img"):
        if any(side < MIN_SIDE_PX for side in _declared_sides(img)):
            img.set(TINY, "1")


def srcset_choice(srcset: str) -> str:
    """The candidate of a ``srcset`` to fetch: the smallest at least
    :data:`TARGET_WIDTH_PX` wide, else the widest; with density descriptors the one
    closest to 1x; "" if there is none."""
    candidates: list[tuple[str, float, str]] = []
    for match in _CANDIDATE.finditer(srcset):
        url = match.group(1).rstrip(",")
        if url:
            size = float(match.group(2)) if match.group(2) else 1.0
            candidates.append((url, size, (match.group(3) or "x").lower()))
        if match.end() >= len(srcset):
            break
    if not candidates:
        return ""
    widths = [(size, url) for url, size, unit in candidates if unit == "w"]
    if widths:
        wide = [entry for entry in widths if entry[0] >= TARGET_WIDTH_PX]
        return min(wide)[1] if wide else max(widths)[1]
    return min(candidates, key=lambda entry: abs(entry[1] - 1.0))[0]


def _source(element: HtmlElement, base: str) -> str | None:
    """An element's image source as a safe http(s) URL (lazy-loading attributes first:
    ``src`` then holds a placeholder), or None."""
    for name in (*_LAZY_ATTRS, "src"):
        url = safe_link(element.get(name, ""), base)
        if url:
            return url
    for name in _LAZY_SRCSETS:
        url = safe_link(srcset_choice(element.get(name, "")), base)
        if url:
            return url
    return None


def _picture_source(img: HtmlElement, base: str) -> str | None:
    """For an image in a ``<picture>`` without a source of its own: its ``<source>``
    elements', those of a type any decoder reads first."""
    picture = next((a for a in img.iterancestors("picture")), None)
    if picture is None:
        return None
    sources = list(picture.iter("source"))
    sources.sort(key=lambda source: source.get("type", "").strip().lower() in _UNLIKELY_TYPES)
    for source in sources:
        url = _source(source, base)
        if url:
            return url
    return None


def keep_images(content: HtmlElement, base: str, *, keep: bool = True) -> None:
    """Give each image of the article content one safe http(s) ``src`` (resolved against
    ``base``) and its alt text; drop the images that have none, the tiny ones, the
    ``<source>`` and ``<picture>`` tags, video, audio and frames (``keep=False``: every
    image too). The text after a dropped element stays."""
    for img in list(content.iter("img")):
        usable = keep and not img.get(TINY)
        src = (_source(img, base) or _picture_source(img, base)) if usable else None
        if src is None:
            if img.getparent() is not None:
                img.drop_tree()
            continue
        alt = clean_line(img.get("alt", ""))  # (lxml refuses a control character in it)
        img.attrib.clear()
        img.set("src", src)
        img.set("alt", alt)
        _out_of_inline_blocks(img)
    for element in list(content.iter("iframe", "video", "audio")):
        if element.getparent() is not None:
            element.drop_tree()
    # (libxml2's HTML parser does not know <source> is empty: what follows one is inside
    # it, the <picture>'s <img> among it)
    for element in list(content.iter("source", "picture")):
        if element.getparent() is not None:
            element.drop_tag()


def _out_of_inline_blocks(img: HtmlElement) -> None:
    """An image in a heading moved after it; one in a table cell dropped (the text after
    either stays where it was)."""
    outer = None
    for ancestor in img.iterancestors():
        if not isinstance(ancestor.tag, str):
            continue
        if ancestor.tag in _CELLS:
            img.drop_tree()
            return
        if ancestor.tag in _HEADINGS:
            outer = ancestor
    if outer is None:
        return
    tail, img.tail = img.tail, None
    previous, parent = img.getprevious(), img.getparent()
    if tail and previous is not None:
        previous.tail = (previous.tail or "") + tail
    elif tail and parent is not None:
        parent.text = (parent.text or "") + tail
    outer.addnext(img)  # (the heading's tail, the text after it, stays after it)
