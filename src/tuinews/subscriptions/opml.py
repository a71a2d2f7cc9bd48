"""OPML subscription lists in and out.

OPML is read with expat (the parser under ``xml.etree.ElementTree``) driven through its
event handlers: the walk keeps its own stack, so nesting depth costs no recursion, and no
tree is built. A document that declares any entity is refused outright (OPML never needs
one), which stops billion-laughs and external-entity (XXE) tricks before expansion; expat
never reads an external DTD or entity itself. At most :data:`MAX_FEEDS` feed outlines are
read from one file; the rest are counted and reported.

Malformed XML (a truncated file, an unescaped ``&``...) is not given up on: the error and
where expat found it become :attr:`ImportResult.problem`, and the document is read again
by libxml2 in recover mode (no network, no DTD, no entity expansion; the same walk over
its events), which keeps the outlines it can make sense of, also after the fault. Only
when no feed outline at all can be read is the file refused.

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

Hidden feeds (newsboat's ``"!"``: fetched, but not in All or Unread): export marks their
outline with ``tuinews:hidden="true"`` (the namespace :data:`NAMESPACE`, declared on the
root only when a feed is hidden). Other readers ignore an attribute they do not know;
tuinews reads a ``hidden`` attribute of any namespace (``true``, ``1`` or ``yes``) back
as hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.parsers import expat
from xml.sax.saxutils import escape

from tuinews.sanitise import clean_line
from tuinews.subscriptions.common import (
    MAX_FILE_BYTES,
    MAX_TAGS,
    Collector,
    ImportResult,
    Subscription,
    SubscriptionFileError,
    clean_tag,
    normalise_feed_url,
    rejection,
    shown,
    too_large,
)

NAMESPACE = "urn:tuinews:opml"  # of the attributes only tuinews writes (tuinews:hidden)
_TRUE = frozenset({"true", "1", "yes"})


class _Refused(Exception):
    """Raised from inside the walk to stop parsing."""


def parse_opml(data: bytes) -> ImportResult:
    """Read an OPML 1.0 or 2.0 subscription list (see the module docstring for the rules)."""
    return read_opml(data, "The file")


def _local(name: str) -> str:
    """An element or attribute name without its namespace (``{uri}x`` or ``prefix:x``)."""
    return name.rpartition("}")[2].rpartition(":")[2].lower()


def _category_tags(category: str) -> list[str]:
    """Tags from an OPML ``category`` attribute: ``"a, /Tech/Linux"`` -> a, Tech/Linux."""
    tags = []
    for entry in category.split(","):
        entry = entry.strip()
        if entry.startswith("/"):
            entry = entry[1:]
        tag = clean_tag(entry)
        if tag:
            tags.append(tag)
    return tags


class _Walk:
    """The outline walk, fed start and end events by expat or by lxml's ``iterwalk``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.out = Collector("opml")
        self.stack: list[bool] = []  # per open element: whether it added a folder name
        self.folders: list[str] = []
        self.root = ""

    def start(self, name: str, attributes: Mapping[str, str]) -> None:
        local = _local(name)
        if not self.root:
            self.root = local
            if local != "opml":
                raise _Refused(
                    f"{self.label} is XML with a <{clean_line(local, 40)}> root element,"
                    " not an OPML subscription list."
                )
        if local != "outline":
            self.stack.append(False)
            return
        attrs = {_local(key): value for key, value in attributes.items()}
        if "xmlurl" not in attrs:
            folder = clean_tag(attrs.get("text", "") or attrs.get("title", ""))
            pushed = bool(folder) and len(self.folders) < MAX_TAGS
            if pushed:
                self.folders.append(folder)
            self.stack.append(pushed)
            return
        self.stack.append(False)
        if self.out.full():
            return
        _opml_feed(self.out, attrs, self.folders)

    def end(self, name: str = "") -> None:
        if self.stack and self.stack.pop():
            self.folders.pop()


def _declares_entities(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "<!ENTITY" in data.decode("utf-16", errors="ignore")
    return b"<!ENTITY" in data


def read_opml(data: bytes, label: str) -> ImportResult:
    """Read OPML; ``label`` names the file in messages."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(label)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Blank lines before the XML declaration are a common fault of generated files.
        data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    walk = _Walk(label)

    def refuse_entities(*args: object) -> None:
        raise _Refused(
            f"{label} declares XML entities, which OPML never needs, so it was not read."
        )

    def refuse_external(*args: object) -> int:
        raise _Refused(f"{label} refers to an external XML entity, so it was not read.")

    parser = expat.ParserCreate()
    parser.StartElementHandler = walk.start
    parser.EndElementHandler = walk.end
    parser.EntityDeclHandler = refuse_entities
    parser.UnparsedEntityDeclHandler = refuse_entities
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise SubscriptionFileError(str(refused)) from None
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) or "broken XML"
        where = f"{reason} at line {error.lineno}, column {error.offset + 1}"
        return _recover(data, walk, label, where)
    return walk.out.finish("feed outlines")


def _recover(data: bytes, strict: _Walk, label: str, where: str) -> ImportResult:
    """Malformed XML: the feed outlines libxml2's recover mode can read (or those expat
    read before the fault, if that is more), with the fault as the result's problem."""
    malformed = f"{label} is malformed XML ({where})"
    if _declares_entities(data):
        raise SubscriptionFileError(
            f"{label} declares XML entities, which OPML never needs, so it was not read."
        )
    recovered = _Walk(label)
    try:
        _recover_walk(data, recovered)
    except _Refused:
        if not strict.root:  # what the root is, only the recovered parse could say
            raise SubscriptionFileError(
                f"{malformed}, and its root element is not <opml>: not a subscription list."
            ) from None
    except Exception:  # lxml missing or beaten: keep what expat read
        pass
    found = max(strict, recovered, key=lambda w: len(w.out.result.subscriptions))
    if not found.root:
        raise SubscriptionFileError(f"{malformed}, not an OPML subscription list.")
    result = found.out.finish("feed outlines")
    if not result.subscriptions and not result.rejected:
        raise SubscriptionFileError(f"{malformed}, and no feed outline could be read from it.")
    count = len(result.subscriptions)
    result.problem = (
        f"{malformed}; the {count} feed outline{'s' * (count != 1)} that could be read"
        f" {'were' if count != 1 else 'was'} imported."
    )
    return result


def _recover_walk(data: bytes, walk: _Walk) -> None:
    from lxml import etree  # (lxml, ~25 ms: only to recover a broken OPML file)

    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        start = data.find(b"<")
        data = data[start:] if start > 0 else data  # libxml2 gives up on text before the root
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = etree.fromstring(data, parser)
    if root is None:
        return
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if event == "start":
            walk.start(element.tag, {str(k): str(v) for k, v in element.attrib.items()})
        else:
            walk.end()


def _opml_feed(out: Collector, attrs: dict[str, str], folders: list[str]) -> None:
    raw = attrs["xmlurl"]
    title = clean_line(attrs.get("text", "") or attrs.get("title", ""))
    url = normalise_feed_url(raw)
    if url is None:
        what = shown(raw) if raw.strip() else f'"{title}" (no xmlUrl)'
        out.reject(what, rejection(raw) if raw.strip() else "the outline has an empty xmlUrl")
        return
    if title in (raw.strip(), url):
        title = ""  # a title that only repeats the URL says nothing
    tags = [*folders, *_category_tags(attrs.get("category", ""))]
    command = attrs.get("filtercmd", "")
    if command.strip():
        out.reject(
            f"filtercmd={shown(command)} on {shown(url)}",
            "command filters are not supported; the feed was imported without it",
        )
    out.add(url, title, tags, hidden=attrs.get("hidden", "").strip().lower() in _TRUE)


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
    as no title. A hidden feed's outline has ``tuinews:hidden="true"``. Entries whose URL
    is not http(s) are left out; duplicate URLs are merged. :func:`parse_opml` reads the
    result back to the same titles, tags and hidden marks.
    """
    merged = Collector("opml")
    for sub in subscriptions:
        url = normalise_feed_url(sub.url)
        if url is not None:
            tags = [clean_tag(tag) for tag in sub.tags]
            merged.add(url, clean_line(sub.title), tags, hidden=sub.hidden)
    groups: dict[str, list[Subscription]] = {"": []}
    for sub in merged.result.subscriptions:
        groups.setdefault(sub.tags[0] if sub.tags else "", []).append(sub)

    hidden = any(sub.hidden for sub in merged.result.subscriptions)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<opml version="2.0" xmlns:tuinews="{NAMESPACE}">' if hidden else '<opml version="2.0">',
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
            if sub.hidden:
                attrs.append('tuinews:hidden="true"')
            lines.append(f"{indent}<outline {' '.join(attrs)}/>")
        if folder:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
