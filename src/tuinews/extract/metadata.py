"""A page's title, byline and date from its metadata and headings.

Sources, strongest first: a schema.org article object in JSON-LD (``headline``), Dublin
Core, Open Graph, Twitter and other ``<meta>`` titles, then the ``<title>`` element
without its site-name part, then the page's ``<h1>``. Where the ``<title>`` has to be
cut, the cut is chosen by agreement with the headings and the other titles.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tuinews.formats.dates import parse_date
from tuinews.sanitise import clean_line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SPACES = re.compile(r"\s+")
# schema.org types whose headline is an article's title.
_ARTICLE_TYPE = re.compile(
    r"^(?:\w*Article|Report|\w*Posting|APIReference|Review|Recipe|WebPage|Blog)$"
)
# Separators between a title and the site's name ("Title | Site", "Site » Title",
# "Title — Site").
_CUT = re.compile(r"\s[|\-–—/\\>»]\s")
_TITLE_KEYS = (
    "dc:title",
    "dcterm:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
    "parsely-title",
)
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc:creator",
    "dcterm:creator",
    "parsely-author",
    "sailthru.author",
    "byl",
)
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "dc:date",
    "dcterm:date",
    "dc:date:issued",
    "dcterm:created",
    "pubdate",
    "publishdate",
    "parsely-pub-date",
    "sailthru.date",
)
MAX_TITLE_CHARS = 300
MAX_JSON_CHARS = 200_000


def norm(text: str) -> str:
    """One line, single spaces."""
    return _SPACES.sub(" ", text).strip()


@dataclass
class PageMeta:
    """What a page says about itself."""

    jsonld_titles: list[str] = field(default_factory=list)  # headline, name
    meta: dict[str, str] = field(default_factory=dict)
    title_element: str = ""
    headings: list[str] = field(default_factory=list)  # h1 texts, then h2 texts
    h1: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    jsonld_author: str = ""
    jsonld_date: str = ""
    time_element: str = ""

    @property
    def byline(self) -> str:
        for key in _AUTHOR_KEYS:
            value = self.meta.get(key, "")
            if value and not re.match(r"(?i)^(?:https?:|www\.)", value):
                return clean_line(value, limit=200)
        return clean_line(self.jsonld_author, limit=200)

    @property
    def date(self) -> datetime | None:
        for raw in (self.jsonld_date, *(self.meta.get(key, "") for key in _DATE_KEYS)):
            parsed = parse_date(raw) if raw else None
            if parsed is not None:
                return parsed
        return parse_date(self.time_element) if self.time_element else None


def _json_objects(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD value, @graph members included, outermost first."""
    if depth > 6:
        return []
    if isinstance(value, list):
        return [found for item in value[:50] for found in _json_objects(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    found = [value]
    graph = value.get("@graph")
    if graph is not None:
        found.extend(_json_objects(graph, depth + 1))
    return found


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _name(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(name for name in (_name(item) for item in value[:5]) if name)
    return ""


def _read_jsonld(text: str, page: PageMeta) -> None:
    text = text.strip()
    if not text or len(text) > MAX_JSON_CHARS:
        return
    text = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", text)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        try:  # trailing garbage after the object, several objects one after another
            value, _ = json.JSONDecoder().raw_decode(text)
        except (ValueError, RecursionError):
            return
    for item in _json_objects(value):
        types = _types(item)
        if any(kind in ("Organization", "NewsMediaOrganization", "WebSite") for kind in types):
            name = _name(item.get("name"))
            if name:
                page.site_names.append(name)
        if not any(_ARTICLE_TYPE.match(kind) for kind in types):
            continue
        if not page.jsonld_titles and "WebPage" not in types:
            page.jsonld_titles = [
                norm(value)
                for value in (item.get("headline"), item.get("name"))
                if isinstance(value, str) and value.strip()
            ]
        if not page.jsonld_author:
            page.jsonld_author = _name(item.get("author"))
        if not page.jsonld_date and isinstance(item.get("datePublished"), str):
            page.jsonld_date = item["datePublished"]
        publisher = _name(item.get("publisher"))
        if publisher:
            page.site_names.append(publisher)


def read_metadata(root: HtmlElement) -> PageMeta:
    """Metadata of a parsed page (before anything is removed from it)."""
    page = PageMeta()
    by_name: dict[str, str] = {}
    for element in root.iter("meta", "title", "script", "h1", "h2", "time"):
        tag = element.tag
        if tag == "meta":
            content = element.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                found = page.meta if attr == "property" else by_name
                for key in (element.get(attr) or "").lower().split():
                    found.setdefault(_meta_key(key), norm(content))
        elif tag == "title":
            if not page.title_element:
                page.title_element = norm(element.text_content())
        elif tag == "script":
            if (element.get("type") or "").strip().lower() == "application/ld+json":
                _read_jsonld(element.text or "", page)
        elif tag == "time":
            if not page.time_element and element.get("datetime"):
                page.time_element = element.get("datetime") or ""
        else:
            text = norm(element.text_content())
            if text:
                page.headings.append(text)
                if tag == "h1":
                    page.h1.append(text)
    page.meta = {**by_name, **page.meta}  # a property= wins over a name=
    for key in ("og:site_name", "application-name", "twitter:site", "apple-mobile-web-app-title"):
        if page.meta.get(key):
            page.site_names.append(page.meta[key].lstrip("@"))
    return page


def _meta_key(key: str) -> str:
    """``DC.title``, ``dc:title`` and ``dcterms.title`` alike."""
    key = key.replace(".", ":")
    return "dcterm:" + key[8:] if key.startswith("dcterms:") else key


def _key(text: str) -> str:
    """A comparison key: case, spaces and punctuation do not matter."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _is_site_name(part: str, page: PageMeta) -> bool:
    key = _key(part)
    if not key:
        return True
    for name in page.site_names:
        other = _key(name)
        if other and (key == other or (len(key) >= 3 and (key in other or other in key))):
            return True
    return False


def clean_title_element(title: str, page: PageMeta) -> str:
    """The ``<title>`` without the site's name.

    The title is cut at a spaced separator (``|``, ``-``, ``–``, ``—``, ``/``, ``>``,
    ``»``): the part that names the site (by agreement with the page's own site names)
    goes, else the last part. A cut that leaves four words or fewer is not trusted (the
    title may be "Name - Role", "Topic | Section"), nor one that a heading contradicts.
    Words are what spaces separate, as in Readability (the pages' expected titles follow
    it): a headline in a script written without spaces (Chinese, Japanese, Thai) is one
    or two such words, so its ``<title>`` stays whole, the site's name with it.
    """
    if not title:
        return ""
    headings = {_key(heading) for heading in page.headings if heading}
    if _key(title) in headings:
        return title
    cuts = list(_CUT.finditer(title))
    if not cuts:
        return title
    first, last = cuts[0], cuts[-1]
    if _is_site_name(title[first.end() :], page) or not _is_site_name(title[: first.start()], page):
        candidate = title[: last.start()]
        if _spaced_words(candidate) < 3:  # "Site | Title"
            candidate = title[first.end() :]
    else:
        candidate = title[first.end() :]
    candidate = candidate.strip()
    if _spaced_words(candidate) <= 4:
        return title
    return candidate


def _spaced_words(text: str) -> int:
    return len(text.split())


def _jsonld_title(page: PageMeta) -> str:
    """The JSON-LD headline, or its name where that is what the page's title says."""
    if not page.jsonld_titles:
        return ""
    headline = page.jsonld_titles[0]
    if len(page.jsonld_titles) > 1:
        name = page.jsonld_titles[1]
        title_key = _key(page.title_element)
        headings = {_key(heading) for heading in page.h1}
        if (
            _key(headline) not in title_key
            and _key(headline) not in headings
            and (_key(name) in title_key or _key(name) in headings)
        ):
            return name
    return headline


def choose_title(page: PageMeta) -> str:
    """The article's title (empty if the page gives none)."""
    for candidate in (_jsonld_title(page), *(page.meta.get(key, "") for key in _TITLE_KEYS)):
        if candidate and not re.match(r"(?i)^https?://", candidate):
            return clean_line(candidate, limit=MAX_TITLE_CHARS)
    title = clean_title_element(page.title_element, page)
    if title:
        return clean_line(title, limit=MAX_TITLE_CHARS)
    for heading in page.h1:
        return clean_line(heading, limit=MAX_TITLE_CHARS)
    return ""
