"""newsboat's ``urls`` file: one feed per line, with tags, a ``~title`` and the ``!`` that
hides a feed. (Its ``cache.db`` is read by :mod:`tuinews.newsboat_cache`.)"""

from __future__ import annotations

import re

from tuinews.sanitise import clean_line
from tuinews.subscriptions.common import (
    Collector,
    ImportResult,
    SubscriptionFileError,
    clean_tag,
    normalise_feed_url,
    rejection,
    shown,
)

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^\"|^[\w-]+(\.[\w-]+)+(/|$)")


def parse_newsboat_urls(text: str) -> ImportResult:
    """Read a newsboat ``urls`` file.

    One feed per line: the URL, then tags separated by blanks (double-quoted when they
    contain blanks; ``\\"`` and ``\\\\`` escape inside quotes). A tag starting with ``~``
    is the title; one starting with ``!`` hides the feed in newsboat: the feed is
    imported as hidden (:attr:`Subscription.hidden`), the tag itself is not kept.
    ``#`` starts a comment. ``query:`` lines are kept in :attr:`ImportResult.queries`
    (saved searches, once translated); ``exec:``, ``filter:``, ``file://`` and other
    non-http(s) lines are rejected with their line number. Raises
    :class:`SubscriptionFileError` when no line looks like a feed line.
    """
    return parse_newsboat(text, "The file")


def _tokens(line: str) -> list[str]:
    """Split a urls line into tokens: blanks separate, quotes group, ``#`` starts a comment."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char.isspace():
            i += 1
            continue
        if char == "#":
            break
        if char == '"':
            i += 1
            buf: list[str] = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n and line[i + 1] in '"\\':
                    i += 1
                buf.append(line[i])
                i += 1
            i += 1  # the closing quote (an unclosed quote runs to the end of the line)
            tokens.append("".join(buf))
            continue
        start = i
        while i < n and not line[i].isspace():
            i += 1
        tokens.append(line[start:i])
    return tokens


def parse_newsboat(text: str, label: str) -> ImportResult:
    out = Collector("newsboat")
    content_lines = 0
    url_like = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tokens = _tokens(stripped)
        if not tokens:
            continue
        content_lines += 1
        if _URL_LIKE.match(stripped):
            url_like += 1
        if out.full():
            continue
        raw = tokens[0]
        if raw[:6].lower() == "query:":
            out.result.queries.append((f"line {number}", raw))
            continue
        url = normalise_feed_url(raw)
        if url is None:
            out.reject(f"line {number}: {shown(stripped)}", rejection(raw))
            continue
        title = ""
        tags: list[str] = []
        hidden = False
        for token in tokens[1:]:
            if token.startswith("~"):
                title = title or clean_line(token[1:])
            elif token.startswith("!"):
                hidden = True
            else:
                tags.append(clean_tag(token))
        out.add(url, title, tags, hidden)
    if content_lines and not url_like and not out.result.subscriptions:
        raise SubscriptionFileError(
            f"{label} is neither an OPML file nor a newsboat urls file (no line holds a feed URL)."
        )
    return out.finish("feed lines")
