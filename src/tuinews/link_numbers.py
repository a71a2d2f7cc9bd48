"""An article's links numbered where they appear (no Textual here).

A link is shown as its text followed by its number, ``text[3]``, never with its URL in the
middle of a line; the URLs are listed at the end of the article (``[3] https://…``). The
numbers run on over the chunks a long article is rendered in (:mod:`tuinews.render`): one
:class:`LinkNumbers` is handed from chunk to chunk, so the numbers are those of the whole
article rendered at once.

The Markdown parser's link tokens are rewritten before Rich renders them
(:func:`number_links`): the link's text and its number get a style of their own (from a
theme pushed for the chunk), whose ``meta`` holds the link's number and URL. So the
rendered lines themselves say where each link is: :func:`links_in` reads them back, and
:func:`link_at` finds the link under a mouse click, at any width, from any cached render.

Only http(s) links may be opened (:func:`tuinews.links.safe_link`); the others are listed
(so the reader sees them) and refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme

from tuinews.links import safe_link, shown_url
from tuinews.sanitise import clean_url

if TYPE_CHECKING:
    from markdown_it.token import Token

NUMBER_KEY = "tuinews.link"  # a segment's style meta: the number of the link it is part of
URL_KEY = "tuinews.url"  # ... and its URL (resolved against the article's link)
PART_KEY = "tuinews.part"  # ... and which part: "text", "number" or "list" (the list's entry)
TEXT_STYLE: dict[str, Any] = {"color": "bright_blue", "underline": True}  # (Style's arguments)
NUMBER_STYLE: dict[str, Any] = {"color": "bright_blue", "bold": True}
URL_STYLE: dict[str, Any] = {"underline": True}
TAG = "tuinews_"  # the rewritten tokens' tags start with it: Rich styles them by name
LIST_TITLE = "Links"

Line = list[Segment]


@dataclass(frozen=True)
class ArticleLink:
    """One of the article's links: its number, its URL (resolved against the article's
    link), its text, and the URL a browser may be given (http(s) only), or None."""

    number: int
    url: str
    text: str = ""

    @property
    def openable(self) -> str | None:
        return safe_link(self.url)

    @property
    def shown(self) -> str:
        """The URL as shown (a password in it hidden)."""
        return shown_url(self.url)

    def refusal(self) -> str:
        """Why it is not opened (for a link that is not http(s))."""
        scheme = urlsplit(self.url).scheme.lower() if ":" in self.url else ""
        what = f"a {scheme}: link" if scheme.isalnum() else "not an http(s) link"
        return f"Link {self.number} is {what}: only http and https links are opened."


class LinkNumbers:
    """The links of one article, numbered in order as its chunks are rendered (the next
    chunk's first link gets the next number)."""

    def __init__(self, base: str = "") -> None:
        base = clean_url(base)
        self.base = base if urlsplit(base).scheme.lower() in ("http", "https") else ""
        self.links: list[ArticleLink] = []

    def add(self, href: str, text: str) -> ArticleLink:
        url = clean_url(href)
        if self.base and url and not url.startswith("-"):
            with suppress(ValueError):  # a malformed URL: shown as written, never opened
                url = urljoin(self.base, url)
        link = ArticleLink(len(self.links) + 1, url, " ".join(text.split()))
        self.links.append(link)
        return link


class _Inlines(set[str]):
    """Rich's inline style tags, and the rewritten links' (styled by name: ``markdown.<tag>``)."""

    def __contains__(self, tag: object) -> bool:
        return (isinstance(tag, str) and tag.startswith(TAG)) or super().__contains__(tag)


def inline_tags(tags: Iterable[str]) -> set[str]:
    """Rich's Markdown ``inlines`` with the numbered links' tags added."""
    return _Inlines(tags)


def _style(link: ArticleLink, part: str, look: dict[str, Any]) -> Style:
    """The look, with the link's number and URL (made at once: one Style a part)."""
    return Style(**look, meta={NUMBER_KEY: link.number, URL_KEY: link.url, PART_KEY: part})


def number_links(tokens: Sequence[Token], numbers: LinkNumbers) -> Theme | None:
    """Rewrite the links in a markdown-it token stream (in place): each link's text gets
    a style of its own and is followed by its number, ``[n]``; numbered on from
    ``numbers``. The theme that gives those styles (None: no link)."""
    from markdown_it.token import Token  # (markdown-it: loaded with rich.markdown already)

    styles: dict[str, Style] = {}
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        out: list[Token] = []
        opened: tuple[int, str] | None = None  # where the open link starts in out, its href
        for child in token.children:
            if child.type == "link_open" and opened is None:
                opened = (len(out), str(child.attrs.get("href", "")))
                out.append(child)  # replaced at its close, once its text is known
            elif child.type == "link_close" and opened is not None:
                start, href = opened
                opened = None
                words = [" " if t.type == "softbreak" else t.content for t in out[start + 1 :]]
                link = numbers.add(href, "".join(words))
                name = f"{TAG}link_{link.number}"
                number = f"{TAG}number_{link.number}"
                styles[f"markdown.{name}"] = _style(link, "text", TEXT_STYLE)
                styles[f"markdown.{number}"] = _style(link, "number", NUMBER_STYLE)
                out[start] = Token(f"{TAG}link", name, 1)
                out.append(Token(f"{TAG}link", name, -1))
                out.append(Token(f"{TAG}number", number, 0, content=f"[{link.number}]"))
            else:
                out.append(child)
        token.children = out
    return Theme(styles, inherit=False) if styles else None


def link_list(links: Sequence[ArticleLink]) -> list[Text]:
    """The list at the end of the article: a title, then ``[n] URL`` for each link (a link
    that is not http(s) says it is not opened), one line each (one Text: rendered in one
    go). Text, never markup."""
    if not links:
        return []
    entries = Text(overflow="fold")  # a long URL goes on on the next line, whole
    for index, link in enumerate(links):
        if index:
            entries.append("\n")
        entries.append(f"[{link.number}] ", style=_style(link, "list", NUMBER_STYLE))
        entries.append(link.shown or "(no URL)", style=_style(link, "list", URL_STYLE))
        if link.openable is None:
            entries.append("  (not opened: not http or https)", style="dim")
    return [Text(""), Text(LIST_TITLE, style="bold"), entries]


def _link_of(segment: Segment) -> ArticleLink | None:
    style = segment.style
    if style is None or not style._meta:
        return None
    meta = style.meta
    number, url = meta.get(NUMBER_KEY), meta.get(URL_KEY)
    if not isinstance(number, int) or not isinstance(url, str):
        return None
    return ArticleLink(number, url)


def links_in(lines: Iterable[Line]) -> dict[int, ArticleLink]:
    """The numbered links in rendered lines, by number, with their text (a scan of every
    segment: on a key or a click, never on a move through the headlines)."""
    found: dict[int, ArticleLink] = {}
    texts: dict[int, list[str]] = {}
    rows: dict[int, int] = {}  # the line each link's text was last seen on
    for row, line in enumerate(lines):
        for segment in line:
            link = _link_of(segment)
            if link is None:
                continue
            found.setdefault(link.number, link)
            if segment.style is not None and segment.style.meta.get(PART_KEY) == "text":
                text = texts.setdefault(link.number, [])
                if text and rows[link.number] != row:
                    text.append(" ")  # (wrapped: the space at the end of the line)
                text.append(segment.text)
                rows[link.number] = row
    return {
        number: ArticleLink(number, link.url, _joined(texts.get(number, [])))
        for number, link in sorted(found.items())
    }


def _joined(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def link_at(line: Line, x: int) -> ArticleLink | None:
    """The link drawn at cell ``x`` of the line, if any (where a click lands)."""
    at = 0
    for segment in line:
        end = at + segment.cell_length
        if at <= x < end:
            return _link_of(segment)
        at = end
    return None
