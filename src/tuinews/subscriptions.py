"""Subscription lists in and out (OPML and newsboat ``urls``), and finding a page's feeds.

Pure functions: no network, no database, no Textual. Everything read from a file or a
page is untrusted: titles and tags go through :func:`~tuinews.sanitise.clean_line`, and
only absolute http(s) feed URLs are accepted (:func:`normalise_feed_url`). Entries that
would run a command (newsboat ``exec:``/``filter:``, Liferea's ``|cmd``), query feeds,
local files and anything else that is not http(s) are listed in
:attr:`ImportResult.rejected` with a reason, never imported.

OPML is read with expat (the parser under ``xml.etree.ElementTree``) driven through its
event handlers: the walk keeps its own stack, so nesting depth costs no recursion, and no
tree is built. A document that declares any entity is refused outright (OPML never needs
one), which stops billion-laughs and external-entity (XXE) tricks before expansion; expat
never reads an external DTD or entity itself. At most :data:`MAX_FEEDS` feed outlines are
read from one file; the rest are counted and reported.

OPML titles: an outline's ``text`` attribute is preferred over ``title`` when both are set.
``text`` is what the OPML 2.0 spec requires and what readers show; exporters that let
people rename feeds put the user's name in ``text`` and the feed's own title in ``title``.
FreshRSS, listparser and newsboat (for folders) read ``text`` first; Miniflux reads
``title`` first. :func:`export_opml` writes the same value to both, so our own files
round-trip either way.

Tags: OPML folders (outlines without ``xmlUrl``, outermost first), then the entries of the
``category`` attribute (comma-separated; a leading ``/`` of an OPML 2.0 category path is
dropped, so ``/Tech/Linux`` becomes the tag ``Tech/Linux``). Export puts each feed in a
folder named after its first tag and lists all its tags in ``category``. A tag containing
a comma cannot be written in ``category``; it survives export only as the first tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.parsers import expat
from xml.sax.saxutils import escape

from tuinews.sanitise import clean_line, clean_url

__all__ = [
    "MAX_FEEDS",
    "MAX_FILE_BYTES",
    "ImportResult",
    "Subscription",
    "SubscriptionFileError",
    "export_opml",
    "normalise_feed_url",
    "parse_newsboat_urls",
    "parse_opml",
    "read_subscriptions",
]

MAX_FEEDS = 10_000  # feed entries read from one file; the rest are reported
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_URL_CHARS = 8000
MAX_TAGS = 64  # per subscription
MAX_TAG_CHARS = 200
MAX_SHOWN_CHARS = 200  # of a rejected entry, in ImportResult.rejected

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)

NOT_HTTP = "not an http(s) feed URL"


@dataclass(frozen=True)
class Subscription:
    """One feed to follow. ``url`` is an absolute http(s) URL; strings are sanitised."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """What a subscription file held: feeds to add, and entries refused with a reason."""

    subscriptions: list[Subscription] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    format: str = ""  # "opml" | "newsboat"


class SubscriptionFileError(ValueError):
    """The file is not a subscription list (or is broken XML); the message is one sentence."""


# --- URLs -------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s")


def normalise_feed_url(url: str) -> str | None:
    """Return ``url`` as an absolute http(s) feed URL, or None.

    Surrounding whitespace is stripped and the ``feed:`` schemes are mapped
    (``feed://host/x`` to ``https://host/x``, ``feed:https://host/x`` to the inner URL);
    nothing else is changed. Refused: no http(s) scheme or no host, a value starting with
    ``-`` (a browser or tool could read it as an option), whitespace, control or invisible
    characters inside, an invalid port, more than 8000 characters.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or url.startswith("-"):
        return None
    if _WHITESPACE.search(url) or clean_url(url) != url:
        return None
    lower = url.lower()
    if lower.startswith("feed://"):
        url = "https://" + url[len("feed://") :]
    elif lower.startswith("feed:"):
        url = url[len("feed:") :]
        if not url.lower().startswith(("http://", "https://")):
            return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _rejection(value: str) -> str:
    """Why ``value`` (already refused by :func:`normalise_feed_url`) is not imported."""
    lower = value.strip().lower()
    if lower.startswith("query:"):
        return "query feeds are not supported"
    if lower.startswith(("exec:", "filter:", "|")):
        return f"runs a command: {NOT_HTTP}"
    if lower.startswith("file:"):
        return f"a local file: {NOT_HTTP}"
    return NOT_HTTP


def _shown(value: str) -> str:
    return clean_line(value, MAX_SHOWN_CHARS)


def _clean_tag(tag: str) -> str:
    return clean_line(tag, MAX_TAG_CHARS)


def _category_tags(category: str) -> list[str]:
    """Tags from an OPML ``category`` attribute: ``"a, /Tech/Linux"`` -> a, Tech/Linux."""
    tags = []
    for entry in category.split(","):
        entry = entry.strip()
        if entry.startswith("/"):
            entry = entry[1:]
        tag = _clean_tag(entry)
        if tag:
            tags.append(tag)
    return tags


class _Collector:
    """Collects subscriptions in order, merging duplicates by URL, capped at MAX_FEEDS."""

    def __init__(self, fmt: str) -> None:
        self.result = ImportResult(format=fmt)
        self._by_url: dict[str, int] = {}
        self.seen = 0
        self.over_cap = 0

    def full(self) -> bool:
        """Count one more entry; True (and it is counted as skipped) past the cap."""
        self.seen += 1
        if self.seen > MAX_FEEDS:
            self.over_cap += 1
            return True
        return False

    def add(self, url: str, title: str, tags: Iterable[str]) -> None:
        index = self._by_url.get(url)
        if index is None:
            self._by_url[url] = len(self.result.subscriptions)
            self.result.subscriptions.append(Subscription(url, title, _unique(tags)))
            return
        old = self.result.subscriptions[index]
        self.result.subscriptions[index] = Subscription(
            url, old.title or title, _unique([*old.tags, *tags])
        )

    def reject(self, what: str, why: str) -> None:
        self.result.rejected.append((what, why))

    def finish(self, unit: str) -> ImportResult:
        if self.over_cap:
            self.reject(
                f"{self.over_cap} more {unit}",
                f"over the limit of {MAX_FEEDS:,} feeds read from one file",
            )
        return self.result


def _unique(tags: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for tag in tags:
        if tag and tag not in out:
            out[tag] = None
            if len(out) >= MAX_TAGS:
                break
    return tuple(out)


# --- Detection ----------------------------------------------------------------------------


def _label(name: str) -> str:
    name = clean_line(name, MAX_SHOWN_CHARS)
    return name if name else "The file"


def _looks_like_xml(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").startswith("<")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip(b" \t\r\n").startswith(b"<")


def read_subscriptions(data: bytes, name: str = "") -> ImportResult:
    """Read a subscription file: OPML (XML whose root is ``<opml>``) or a newsboat ``urls`` file.

    ``name`` (the file's name) is only used in error messages. Raises
    :class:`SubscriptionFileError` when the data is neither, or is broken XML.
    """
    label = _label(name)
    if len(data) > MAX_FILE_BYTES:
        raise SubscriptionFileError(
            f"{label} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB,"
            " too large for a subscription list."
        )
    if _looks_like_xml(data):
        head = data[:2048].lower()
        if b"<opml" not in head and (b"<!doctype html" in head or b"<html" in head):
            raise SubscriptionFileError(
                f"{label} is a web page, not a subscription list (OPML or newsboat urls)."
            )
        return _parse_opml(data, label)
    if b"\x00" in data:
        raise SubscriptionFileError(
            f"{label} is a binary file, not a subscription list (OPML or newsboat urls)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return _parse_newsboat(text, label)


# --- OPML ---------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised from inside expat handlers to stop parsing."""


def parse_opml(data: bytes) -> ImportResult:
    """Read an OPML 1.0 or 2.0 subscription list (see the module docstring for the rules)."""
    return _parse_opml(data, "The file")


def _local(name: str) -> str:
    return name.rpartition(":")[2].lower()


def _parse_opml(data: bytes, label: str) -> ImportResult:
    if len(data) > MAX_FILE_BYTES:
        raise SubscriptionFileError(
            f"{label} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB,"
            " too large for a subscription list."
        )
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Blank lines before the XML declaration are a common fault of generated files.
        data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    out = _Collector("opml")
    # One entry per open element: whether it added a folder name to ``folders``.
    stack: list[bool] = []
    folders: list[str] = []
    root: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if not root:
            root.append(local)
            if local != "opml":
                raise _Refused(
                    f"{label} is XML with a <{clean_line(local, 40)}> root element,"
                    " not an OPML subscription list."
                )
        if local != "outline":
            stack.append(False)
            return
        attrs = {_local(key): value for key, value in attributes.items()}
        if "xmlurl" not in attrs:
            folder = _clean_tag(attrs.get("text", "") or attrs.get("title", ""))
            pushed = bool(folder) and len(folders) < MAX_TAGS
            if pushed:
                folders.append(folder)
            stack.append(pushed)
            return
        stack.append(False)
        if out.full():
            return
        _opml_feed(out, attrs, folders)

    def end(name: str) -> None:
        if stack.pop():
            folders.pop()

    def refuse_entities(*args: object) -> None:
        raise _Refused(
            f"{label} declares XML entities, which OPML never needs, so it was not read."
        )

    def refuse_external(*args: object) -> int:
        raise _Refused(f"{label} refers to an external XML entity, so it was not read.")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entities
    parser.UnparsedEntityDeclHandler = refuse_entities
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise SubscriptionFileError(str(refused)) from None
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) or "broken XML"
        raise SubscriptionFileError(
            f"{label} is not well-formed XML ({reason} at line {error.lineno},"
            f" column {error.offset + 1})."
        ) from None
    if not root:  # pragma: no cover - expat reports "no element found" first
        raise SubscriptionFileError(f"{label} is empty, not an OPML subscription list.")
    return out.finish("feed outlines")


def _opml_feed(out: _Collector, attrs: dict[str, str], folders: list[str]) -> None:
    raw = attrs["xmlurl"]
    title = clean_line(attrs.get("text", "") or attrs.get("title", ""))
    url = normalise_feed_url(raw)
    if url is None:
        what = _shown(raw) if raw.strip() else f'"{title}" (no xmlUrl)'
        out.reject(what, _rejection(raw) if raw.strip() else "the outline has an empty xmlUrl")
        return
    if title in (raw.strip(), url):
        title = ""  # a title that only repeats the URL says nothing
    tags = [*folders, *_category_tags(attrs.get("category", ""))]
    command = attrs.get("filtercmd", "")
    if command.strip():
        out.reject(
            f"filtercmd={_shown(command)} on {_shown(url)}",
            "command filters are not supported; the feed was imported without it",
        )
    out.add(url, title, tags)


_XML_INVALID = re.compile("[\ufffe\uffff]")


def _attr(value: str) -> str:
    """Escape an attribute value for a double-quoted XML attribute."""
    return escape(_XML_INVALID.sub("", value), {'"': "&quot;"})


def export_opml(subscriptions: Iterable[Subscription], title: str = "tuinews subscriptions") -> str:
    """Write an OPML 2.0 document.

    Each feed goes in a folder outline named after its first tag (feeds without tags sit
    at the top level), and a ``category`` attribute lists all its tags, comma-separated
    (a tag starting with ``/`` is written with one more ``/``, since a leading ``/`` marks
    an OPML category path). Titles go in both ``text`` and ``title``; an untitled feed
    gets its URL as ``text`` (required by the spec), which :func:`parse_opml` reads back
    as no title. Entries whose URL is not http(s) are left out; duplicate URLs are
    merged. :func:`parse_opml` reads the result back to the same titles and tags.
    """
    merged = _Collector("opml")
    for sub in subscriptions:
        url = normalise_feed_url(sub.url)
        if url is not None:
            merged.add(url, clean_line(sub.title), [_clean_tag(tag) for tag in sub.tags])
    groups: dict[str, list[Subscription]] = {"": []}
    for sub in merged.result.subscriptions:
        groups.setdefault(sub.tags[0] if sub.tags else "", []).append(sub)

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(_XML_INVALID.sub('', clean_line(title)))}</title>",
        "  </head>",
        "  <body>",
    ]
    for folder, subs in groups.items():
        indent = "    "
        if folder:
            lines.append(f'    <outline text="{_attr(folder)}" title="{_attr(folder)}">')
            indent = "      "
        for sub in subs:
            attrs = [f'type="rss" text="{_attr(sub.title or sub.url)}"']
            if sub.title:
                attrs.append(f'title="{_attr(sub.title)}"')
            attrs.append(f'xmlUrl="{_attr(sub.url)}"')
            category = [
                "/" + tag if tag.startswith("/") else tag for tag in sub.tags if "," not in tag
            ]
            if category:
                attrs.append(f'category="{_attr(",".join(category))}"')
            lines.append(f"{indent}<outline {' '.join(attrs)}/>")
        if folder:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


# --- newsboat urls --------------------------------------------------------------------------

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^\"|^[\w-]+(\.[\w-]+)+(/|$)")


def parse_newsboat_urls(text: str) -> ImportResult:
    """Read a newsboat ``urls`` file.

    One feed per line: the URL, then tags separated by blanks (double-quoted when they
    contain blanks; ``\\"`` and ``\\\\`` escape inside quotes). A tag starting with ``~``
    is the title, one starting with ``!`` hides the feed in newsboat (the feed is
    imported, the flag ignored). ``#`` starts a comment. ``query:``, ``exec:``,
    ``filter:``, ``file://`` and other non-http(s) lines are rejected with their line
    number. Raises :class:`SubscriptionFileError` when no line looks like a feed line.
    """
    return _parse_newsboat(text, "The file")


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


def _parse_newsboat(text: str, label: str) -> ImportResult:
    out = _Collector("newsboat")
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
        url = normalise_feed_url(raw)
        if url is None:
            out.reject(f"line {number}: {_shown(stripped)}", _rejection(raw))
            continue
        title = ""
        tags: list[str] = []
        for token in tokens[1:]:
            if token.startswith("~"):
                title = title or clean_line(token[1:])
            elif not token.startswith("!"):
                tags.append(_clean_tag(token))
        out.add(url, title, tags)
    if content_lines and not url_like and not out.result.subscriptions:
        raise SubscriptionFileError(
            f"{label} is neither an OPML file nor a newsboat urls file (no line holds a feed URL)."
        )
    return out.finish("feed lines")
