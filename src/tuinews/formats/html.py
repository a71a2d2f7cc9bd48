"""HTML pages: metadata, the content HTML (kept for lazy conversion), plain text.

Parsing uses the stdlib ``html.parser`` in one pass, so opening a page is cheap. The
conversion to Markdown (markdownify + bs4, both imported lazily) runs only when an
article is shown, through :func:`html_to_markdown`.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from tuinews.formats.dates import parse_date
from tuinews.formats.text import escape_markdown
from tuinews.links import listed_link, safe_link
from tuinews.models import Article
from tuinews.sanitise import clean_line, clean_text, clean_url

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

# Elements dropped with everything inside them (not article content).
DROP_ELEMENTS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "form",
        "button",
        "select",
        "textarea",
        "iframe",
        "svg",
        "canvas",
        "template",
        "aside",
        "object",
        "applet",
        "dialog",
        "frameset",
        "head",
    }
)
# Dropped too, but only outside <article>/<main>: there they hold the article's own header.
PAGE_CHROME = frozenset({"header", "footer"})
# Inside these nothing counts, not even a headline.
_OPAQUE = frozenset({"script", "style", "template", "svg", "noscript", "textarea", "iframe"})
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# What may stand in <head>; any other element starts the body (</head> is optional).
_HEAD_ELEMENTS = frozenset(
    {"head", "title", "meta", "link", "base", "script", "style", "noscript", "template"}
)
_DROP_VOID = frozenset({"input", "embed", "link", "meta", "base", "keygen", "param"})
_UNWRAP = frozenset({"html", "body"})
_KEEP_ATTRS = frozenset(
    {"href", "src", "alt", "title", "colspan", "rowspan", "start", "datetime", "cite", "lang"}
)
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "br",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u3000]+")


class _Extractor(HTMLParser):
    """One pass over a page: metadata, content HTML without chrome, plain text."""

    def __init__(self, *, keep_html: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_html = keep_html
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title: list[str] = []
        self.h1: list[str] = []
        self.time = ""
        self.html: list[str] = []
        self.text: list[str] = []
        self._skip_tag = ""
        self._skip_depth = 0
        self._article_depth = 0
        self._in_title = False
        self._title_done = False
        self._h1_depth = 0
        self._h1_done = False

    # -- helpers
    @property
    def _skipping(self) -> bool:
        return self._skip_depth > 0

    def _record_meta(self, attrs: dict[str, str]) -> None:
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
        content = attrs.get("content")
        if key and content is not None:
            self.meta.setdefault(key.strip().lower(), content)

    # -- HTMLParser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self._in_title:  # <title> holds text only: a tag means it was never closed
            self._in_title, self._title_done = False, True
        if tag == "meta":
            self._record_meta(values)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href", "")
        elif tag == "time" and not self.time and values.get("datetime"):
            self.time = values["datetime"]

        if self._skip_tag == "head" and self._skipping and tag not in _HEAD_ELEMENTS:
            self._skip_tag, self._skip_depth = "", 0
        if self._skipping:
            if tag == self._skip_tag and tag not in VOID_ELEMENTS:
                self._skip_depth += 1
            if self._skip_tag in _OPAQUE:
                return
        elif tag in VOID_ELEMENTS:
            pass
        elif tag in DROP_ELEMENTS or (tag in PAGE_CHROME and self._article_depth == 0):
            self._skip_tag, self._skip_depth = tag, 1
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "h1" and not self._h1_done:
            self._h1_depth += 1
        if tag in ("article", "main"):
            self._article_depth += 1
        if self._skipping:
            return

        if tag in _BLOCKS:
            self.text.append("\n")
        if self.keep_html and tag not in _UNWRAP and tag not in _DROP_VOID and tag != "title":
            kept = "".join(
                f' {name}="{escape(value, quote=True)}"'
                for name, value in values.items()
                if name in _KEEP_ATTRS
            )
            self.html.append(f"<{tag}{kept}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            self._h1_done = self._h1_depth == 0 and bool("".join(self.h1).strip())
            if not self._h1_done:
                self.h1.clear()
        if tag in ("article", "main") and self._article_depth:
            self._article_depth -= 1
        if self._skipping:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        if tag in VOID_ELEMENTS:
            return
        if tag in _BLOCKS:
            self.text.append("\n")
        if self.keep_html and tag not in _UNWRAP and tag != "title":
            self.html.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skipping and self._skip_tag in _OPAQUE:
            return
        if self._in_title:
            self.title.append(data)
            return
        if self._h1_depth and not self._h1_done:
            self.h1.append(data)
        if self._skipping:
            return
        self.text.append(data)
        if self.keep_html:
            self.html.append(escape(data, quote=False))

    # -- results
    def plain_text(self) -> str:
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self.text).split("\n"))
        return "\n".join(line for line in lines if line)


# A "<" that starts a tag, comment or declaration never closed before the next "<".
_UNCLOSED_TAG = re.compile(r"<(?=[A-Za-z/!?][^<>]*(?:<|\Z))")
# Up to this many are left alone (an attribute value may hold a "<"); each costs one scan.
UNCLOSED_TAGS_TOLERATED = 20


def defuse(html: str) -> str:
    """Escape the "<" of tags never closed before the next "<", when there are many.

    html.parser rescans the rest of the document for each such "<" (quadratic time: a
    60 KB page of ``<a `` took seconds); as text they cost nothing.
    """
    for count, _ in enumerate(_UNCLOSED_TAG.finditer(html)):
        if count >= UNCLOSED_TAGS_TOLERATED:
            return _UNCLOSED_TAG.sub("&lt;", html)
    return html


def _extract(html: str, *, keep_html: bool) -> _Extractor:
    parser = _Extractor(keep_html=keep_html)
    try:
        parser.feed(defuse(html))
        parser.close()
    except Exception:
        pass
    return parser


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment or page, without scripts, styles, navigation, forms."""
    if not html:
        return ""
    return clean_text(_extract(html, keep_html=False).plain_text())


def content_and_text(html: str) -> tuple[str, str]:
    """(content HTML without scripts, styles, navigation and forms; plain text) of an HTML
    fragment or page, both through clean_text."""
    page = _extract(html, keep_html=True)
    return clean_text("".join(page.html).strip()), clean_text(page.plain_text())


def _first(meta: dict[str, str], *keys: str, skip_urls: bool = False) -> str:
    for key in keys:
        value = clean_line(meta.get(key, ""))
        if value and not (skip_urls and re.match(r"(?i)^https?://", value)):
            return value
    return ""


def parse_html(text: str, *, name: str, path: str = "", mtime: datetime | None = None) -> Article:
    """An HTML page as one article whose body stays HTML (converted when shown)."""
    page = _extract(text, keep_html=True)
    meta = page.meta
    plain = page.plain_text()
    title = (
        _first(meta, "og:title")
        or clean_line("".join(page.title))
        or clean_line("".join(page.h1))
        or clean_line(plain.split("\n", 1)[0], limit=120)
        or clean_line(name)
    )
    author = _first(
        meta, "author", "article:author", "dc.creator", "dcterms.creator", skip_urls=True
    )
    date = None
    for raw in (
        meta.get("article:published_time", ""),
        page.time,
        meta.get("date", ""),
        meta.get("dc.date", ""),
        meta.get("dcterms.date", ""),
        meta.get("dc.date.issued", ""),
        meta.get("dcterms.created", ""),
        meta.get("datepublished", ""),
        meta.get("pubdate", ""),
    ):
        date = parse_date(raw) if raw else None
        if date is not None:
            break
    link = safe_link(page.canonical) or safe_link(meta.get("og:url", "")) or ""
    return Article(
        title=title,
        source=_first(meta, "og:site_name") or clean_line(name),
        body=clean_text("".join(page.html).strip()),
        kind="html",
        text=clean_text(plain),
        author=author,
        date=date or mtime,
        link=clean_url(link),
        path=path,
        uid=path,
    )


# -- conversion to Markdown (lazy, when an article is shown)

_URL_BREAKERS = str.maketrans(
    {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", " ": "%20", "\\": "%5C", '"': "%22"}
)
_LINK_ATTRS = ("href", "src", "poster")
_ALT_ESCAPE = re.compile(r"([\\\[\]`*_<>])")
_BLANK_LINES = re.compile(r"\n{3,}")
DEEP_NESTING_NOTE = "*Shown as plain text: this article's HTML is nested too deeply to format.*"


def _markdown_url(url: str) -> str:
    """A URL that cannot end or break out of a Markdown link destination."""
    return url.translate(_URL_BREAKERS)


def _secure_links(soup: BeautifulSoup, base_url: str) -> None:
    for tag in soup.find_all(True):
        for attr in _LINK_ATTRS:
            value = tag.get(attr)
            if value is None:
                continue
            value = value if isinstance(value, str) else " ".join(value)
            # A link that is not http(s) (mailto:, ftp:) stays a link, listed and never
            # opened (as in a Markdown file); javascript:, file: and data: are not links.
            safe = listed_link(value, base_url) if attr == "href" else safe_link(value, base_url)
            if safe is None:
                del tag[attr]
            else:
                tag[attr] = _markdown_url(safe)
        if tag.get("title") is not None:
            del tag["title"]
        alt = tag.get("alt")
        if alt is not None:
            alt_text = clean_line(alt if isinstance(alt, str) else " ".join(alt))
            tag["alt"] = _ALT_ESCAPE.sub(r"\\\1", alt_text)
        if tag.name == "img" and tag.get("src") is None:
            tag.replace_with(str(tag.get("alt") or ""))


def _plain_fallback(soup: BeautifulSoup) -> str:
    lines = (line.strip() for line in soup.get_text("\n").split("\n"))
    paragraphs = [escape_markdown(_SPACES.sub(" ", line)) for line in lines if line]
    return "\n\n".join([DEEP_NESTING_NOTE, *paragraphs])


def html_to_markdown(html: str, base_url: str = "", *, parser: str = "html.parser") -> str:
    """Convert an HTML body to Markdown with safe links; never raises for deep nesting.

    ``parser="lxml"`` is faster, for HTML that is known to be nested less than 255 levels
    deep (libxml2 drops what lies deeper; html.parser keeps it).
    """
    if not html or not html.strip():
        return ""
    # (BeautifulSoup and markdownify, ~140 ms: with the first HTML body made Markdown)
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html if parser == "lxml" else defuse(html), parser)
    for tag in soup.find_all(DROP_ELEMENTS - {"head"}):
        tag.decompose()
    _secure_links(soup, base_url)
    converter = MarkdownConverter(
        heading_style="ATX",
        bullets="-",
        escape_misc=True,
        strip=["input", "embed", "link", "meta"],
    )
    try:
        markdown = converter.convert_soup(soup)
    except RecursionError:
        markdown = _plain_fallback(soup)
    markdown = _BLANK_LINES.sub("\n\n", clean_text(markdown))
    return markdown.strip()


def article_markdown(article: Article) -> str:
    """An article's body as Markdown: HTML converted the first time it is asked for (when
    the article is first shown), then kept in ``article.cached_markdown``."""
    markdown = article.ready_markdown
    if markdown is None:  # two threads racing here both get the same result
        markdown = html_to_markdown(article.body, base_url=article.link)
        article.cached_markdown = markdown
    return markdown
