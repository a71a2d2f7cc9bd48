"""The feed's own picture of an article (``Article.image``: Media RSS, JSON Feed) at the
top of its Markdown, as an image like any other (fetched, drawn, or its reason shown,
by the article pane), when the article's text has no image of its own: a body that
shows pictures, or this one, is left as it is. Plain string work, for the render thread."""

from __future__ import annotations

import re

from tuinews.links import safe_link

# A Markdown image (inline or by reference) or an HTML one left in the text.
_IMAGE = re.compile(r"!\[[^\]\n]*\]\s*[(\[]|<img\b", re.IGNORECASE)
# Characters that would end or break a Markdown link destination in angle brackets.
_UNSAFE = {ord(c): f"%{ord(c):02X}" for c in "<>()[] \\\n\r\t"}


def has_image(markdown: str, url: str) -> bool:
    """Whether the text shows an image already (any, or this URL)."""
    return url in markdown or _IMAGE.search(markdown) is not None


def with_feed_image(markdown: str, url: str) -> str:
    """The Markdown with the picture above it, or as it is (no picture, an address that
    is not http(s), or the text has an image already)."""
    link = safe_link(url) if url else None
    if not link or has_image(markdown, link):
        return markdown
    return f"![]({link.translate(_UNSAFE)})\n\n{markdown}"
