"""Which links may be opened: http and https only, resolved against the article's URL."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from tuinews.sanitise import clean_url

# An absolute http(s) URL that urljoin gives back as it is, whatever the base: a lower-case
# scheme, a host, and nothing that splitting and joining it again would drop or change (an
# empty query or fragment, a ";", white space, brackets). Most links in feeds are such; not
# joining them saves ~6% of the CPU of parsing a feed. Nor is it split to check it: its host
# is what follows any "user@" up to any ":port" (urlsplit's hostname), 4% more.
_ABSOLUTE = re.compile(r"https?://([^/?#;\s\[\]]+)(?:/[^?#;\s]*)?(?:\?[^#\s]+)?(?:#\S+)?\Z")


def safe_link(url: str, base: str = "") -> str | None:
    """Return an absolute http(s) URL that is safe to hand to a browser, or None.

    Anything else (``javascript:``, ``file:``, ``data:``, a value starting with ``-``
    that a browser could read as an option, a URL without a host, one that urllib cannot
    even split, ``http://[oops``, or one with such a base) is refused.
    """
    url = clean_url(url)
    if not url or url.startswith("-"):
        return None
    absolute = _ABSOLUTE.match(url)
    try:
        if base:
            base = _http_base(base)
            if base and absolute is None:  # (an absolute one: urljoin gives it back)
                url = urljoin(base, url)
        if absolute is not None and absolute.group(1).isascii():
            # Nor is it split: urlsplit takes it (only a host that is not ASCII may make
            # it raise), and it is an http(s) URL if it has a host.
            return url if absolute.group(1).rpartition("@")[2].partition(":")[0] else None
        parts = urlsplit(url)
    except ValueError:  # (URL or base "http://[oops": as an entry's links with such a base)
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if url.startswith("-"):
        return None
    return url


# A link's scheme (two letters at least: "c:" is a Windows drive), and the schemes that run
# or read something when followed, never even listed (Markdown's links refuse them too).
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{1,31}):")
_HARMFUL_SCHEMES = frozenset({"javascript", "vbscript", "file", "data"})


def listed_link(url: str, base: str = "") -> str | None:
    """A link that is shown and listed (numbered, as in a Markdown file) but never opened:
    ``mailto:``, ``ftp:``, ``tel:``... as written, sanitised; an http(s) link as
    :func:`safe_link` gives it; None for ``javascript:``, ``vbscript:``, ``file:``,
    ``data:``, a value starting with ``-`` and anything without a scheme."""
    safe = safe_link(url, base)
    if safe is not None:
        return safe
    url = clean_url(url)
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() in _HARMFUL_SCHEMES:
        return None
    if scheme.group(1).lower() in ("http", "https"):
        return None  # (an http(s) URL that safe_link refused: no host)
    return url


@lru_cache(maxsize=64)
def _http_base(base: str) -> str:
    """The base URL sanitised, if it is http(s); "" otherwise. A feed's entries share one
    base, so it is worked out once, not once per entry."""
    base = clean_url(base)
    return base if urlsplit(base).scheme.lower() in ("http", "https") else ""


def shown_url(url: str) -> str:
    """A URL as shown to the user (lists, messages): a password in it is replaced by
    ``***`` (``https://me:***@host/feed``). The stored URL keeps it, to fetch with."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()
