"""Main content of an HTML page: readability-lxml picks the article, trafilatura confirms
what it left out, and a cleanup pass removes what is left of the site around it.

Every rule here reads the page's structure (elements, attributes that say "hidden" or
"navigation", link density, text length and punctuation), never the words of a language
or of a site.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuinews.extract.metadata import words

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# libxml2 stops building the tree (and drops the text) past 255 levels.
MAX_DEPTH = 250
# trafilatura's second opinion is asked for article regions up to this size (elements,
# characters of article text): past that its cost would break the 1 s a page may take.
SECOND_OPINION_MAX_ELEMENTS = 5000
SECOND_OPINION_MAX_CHARS = 60_000
# What it adds may be at most this share of what readability found.
MAX_ADDED_SHARE = 0.5
# Pages longer than this are cut before parsing, once scripts, styles and comments are out
# (they are stripped first from pages longer than STRIP_HEAVY_FROM_CHARS).
MAX_HTML_CHARS = 2_500_000
STRIP_HEAVY_FROM_CHARS = 500_000

# Elements that are never article text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "button",
    "select",
    "textarea",
    "input",
    "object",
    "embed",
    "applet",
    "dialog",
    "frameset",
    "frame",
    "link",
    "meta",
)
# ARIA roles of page furniture.
_CHROME_ROLES = frozenset(
    {"menu", "menubar", "navigation", "complementary", "alert", "alertdialog", "dialog"}
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_SPACES = re.compile(r"\s+")
# Attributes Markdown uses; inline elements it has no use for (unwrapped).
_KEEP_ATTRS = frozenset({"href", "src", "alt", "colspan", "rowspan", "start", "lang", "dir"})
_UNWRAP = frozenset({"span", "font", "bdi", "abbr", "small", "big", "center", "time", "mark"})
_BRACKETS = str.maketrans("[]", "()")
# Less text than this, or more of it in links than this share: not an article (a front
# page, a search result, a list of links).
MIN_ARTICLE_WORDS = 25
MAX_ARTICLE_LINK_DENSITY = 0.5
# A block only trafilatura kept, before the article's first block, is added (as a lead)
# when it is a paragraph this long, and its links are at most this share of it.
LEAD_MIN_WORDS = 10
MAX_ADDED_LINK_DENSITY = 0.5
# Containers a block added to the article is not moved out of.
_LIST_TAGS = frozenset({"ul", "ol", "dl", "table", "tbody", "thead", "tr"})
# Elements whose text is a block of its own (for matching blocks between extractors).
_BLOCK_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "th",
        "figcaption", "caption", "dt", "dd", "div", "section", "article", "header", "footer",
        "ul", "ol", "dl", "table", "tr", "tbody", "thead", "figure", "main", "aside", "nav",
        "form", "fieldset", "address", "details", "summary", "body", "center", "hr", "br",
    }
)  # fmt: skip
# Each element of the page is numbered (document order) in this attribute, so that what
# readability keeps can be found in the page again.
ID = "data-tn"


@dataclass
class Body:
    """The article's HTML (a fragment) and whether it is an article at all."""

    html: str
    found: bool


_HEAVY = re.compile(r"<(script|style|svg|template)\b|<!--", re.I)


def strip_heavy(html: str) -> str:
    """The page without its scripts, styles, inline SVG and comments (most of a big page's
    bytes), removed by a linear scan before anything parses it."""
    if len(html) < STRIP_HEAVY_FROM_CHARS:
        return html
    lowered = html.lower()
    parts, position = [], 0
    while True:
        match = _HEAVY.search(html, position)
        if match is None:
            break
        if match.group(0) == "<!--":
            end = lowered.find("-->", match.end())
            end = len(html) if end < 0 else end + 3
        else:
            close = lowered.find(f"</{match.group(1).lower()}", match.end())
            end = len(html) if close < 0 else lowered.find(">", close)
            end = len(html) if end < 0 else end + 1
            opening = lowered[match.start() : lowered.find(">", match.start(), end) + 1]
            if "ld+json" in opening:  # metadata (the title, the byline) stays
                parts.append(html[position:end])
                position = end
                continue
        parts.append(html[position : match.start()])
        position = end
    parts.append(html[position:])
    return "".join(parts)


def parse(html: str) -> HtmlElement | None:
    """The page as an lxml tree; None when there is nothing to parse."""
    import lxml.etree
    import lxml.html

    html = strip_heavy(html)[:MAX_HTML_CHARS]
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    return root


def too_deep(root: HtmlElement) -> bool:
    """True when the tree reaches the depth where libxml2 stops keeping text."""
    depth: dict[Any, int] = {root: 0}
    for element in root.iterdescendants():
        level = depth[element.getparent()] + 1
        if level >= MAX_DEPTH:
            return True
        depth[element] = level
    return False


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None:
        return True
    if element.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = element.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def pre_clean(root: HtmlElement) -> None:
    """Remove what is never content: scripts, forms' controls, hidden elements, menus."""
    for element in list(root.iter(*_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        if _is_hidden(element) or element.get("role", "").strip().lower() in _CHROME_ROLES:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def text_of(element: HtmlElement) -> str:
    return _SPACES.sub(" ", element.text_content()).strip()


def _readability_class() -> type[Any]:
    from readability import Document

    class Readability(Document):  # type: ignore[misc]
        """readability-lxml, with link densities cached while paragraphs are scored
        (the same numbers; scoring a 1 MB page took seconds without the cache)."""

        _lengths: dict[Any, int] | None = None

        def score_paragraphs(self) -> Any:
            self._lengths = {}
            try:
                return super().score_paragraphs()
            finally:
                self._lengths = None

        def get_link_density(self, elem: Any) -> float:
            lengths = self._lengths
            if lengths is None:
                return float(super().get_link_density(elem))

            def length(element: Any) -> int:
                value = lengths.get(element)
                if value is None:  # text_length's number, without its three regexes
                    value = lengths[element] = len(" ".join(element.text_content().split()))
                return value

            links = sum(length(link) for link in elem.iterdescendants("a"))
            return float(links) / max(length(elem), 1)

    return Readability


def run_readability(root: HtmlElement) -> str:
    """readability-lxml's article HTML for a (pre-cleaned) page; "" if it finds none."""
    document = _readability_class()(copy.deepcopy(root), min_text_length=25)
    try:
        return str(document.summary(html_partial=True))
    except Exception:
        return ""


def run_trafilatura(root: HtmlElement) -> str:
    """trafilatura's article HTML for a (pre-cleaned) page; "" if it finds none."""
    import trafilatura

    try:
        result = trafilatura.extract(
            root,
            output_format="html",
            include_comments=False,
            include_tables=True,
            include_links=True,
            include_formatting=True,
            include_images=False,
            fast=True,  # no fallback extractors: it is the second opinion here
        )
    except Exception:
        return ""
    return result or ""


def _fragment(html: str) -> HtmlElement | None:
    import lxml.etree
    import lxml.html

    if not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def post_clean(content: HtmlElement, title: str) -> None:
    """Cleanup on the chosen content: the headline (shown apart), images (a terminal shows
    their alt text as if it were article text), empty links, page furniture."""
    title_key = _key(title)
    for heading in list(content.iter("h1", "h2")):
        heading_key = _key(text_of(heading))
        if (
            title_key
            and heading_key
            and (
                heading_key == title_key
                or (len(heading_key) >= 0.6 * len(title_key) and heading_key in title_key)
                or (len(title_key) >= 0.6 * len(heading_key) and title_key in heading_key)
            )
        ):
            heading.drop_tree()
            break
    for element in list(content.iter("img", "picture", "source", "iframe", "video", "audio")):
        if element.getparent() is not None:
            element.drop_tree()  # (its tail, the text after it, stays)
    for element in list(content.iter("aside", "footer", "nav", "form", "fieldset")):
        if element.getparent() is not None:
            element.drop_tree()
    for link in list(content.iter("a")):
        if not text_of(link) and link.getparent() is not None:
            link.drop_tree()
            continue
        _unbracket(link)
    # Markdown has no use for most attributes and for inline wrappers; fewer and smaller
    # nodes make the conversion several times faster on big pages.
    for element in list(content.iter()):
        if not isinstance(element.tag, str):
            continue
        for name in [name for name in element.attrib if name not in _KEEP_ATTRS]:
            del element.attrib[name]
        if element.tag in _UNWRAP and element.getparent() is not None:
            element.drop_tag()


def _unbracket(link: HtmlElement) -> None:
    """No square brackets in a link's text ("[2]" footnote marks): escaped brackets in a
    Markdown link's text are where simple Markdown readers lose track of the link."""
    for element in link.iter():
        if element.text and ("[" in element.text or "]" in element.text):
            element.text = element.text.translate(_BRACKETS)
        if element is not link and element.tail and ("[" in element.tail or "]" in element.tail):
            element.tail = element.tail.translate(_BRACKETS)


def _number(root: HtmlElement) -> None:
    for index, element in enumerate(root.iter()):
        if isinstance(element.tag, str):
            element.set(ID, str(index))


def _own_text(element: HtmlElement) -> str:
    """The text of an element outside its block-level descendants."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            parts.append(" ")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return _SPACES.sub(" ", "".join(parts)).strip()


def _inline_text(element: HtmlElement) -> str:
    if not isinstance(element.tag, str):
        return ""
    if any(isinstance(e.tag, str) and e.tag in _BLOCK_TAGS for e in element.iterdescendants()):
        return " "
    return str(element.text_content())


def text_blocks(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Block elements with text of their own, in document order."""
    blocks = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            text = _own_text(element)
            if text:
                blocks.append((element, text))
    return blocks


def _region(root: HtmlElement, content: HtmlElement, levels: int = 3) -> HtmlElement | None:
    """The part of the page around what readability kept: the smallest element holding
    all of it, and ``levels`` more above (a lead paragraph may sit beside the container)."""
    ids = [int(e.get(ID)) for e in content.iter() if isinstance(e.tag, str) and e.get(ID)]
    if not ids:
        return None
    lookup = {e.get(ID): e for e in root.iter() if isinstance(e.tag, str)}
    first, last = lookup.get(str(min(ids))), lookup.get(str(max(ids)))
    if first is None or last is None:
        return None
    ancestors = {id(e) for e in first.iterancestors()} | {id(first)}
    common = last
    while common is not None and id(common) not in ancestors:
        common = common.getparent()
    if common is None:
        return None
    for _ in range(levels):
        parent = common.getparent()
        if parent is None or parent.tag in ("html",):
            break
        common = parent
    return common


def _confirmed(content: HtmlElement, tr_html: str, region: HtmlElement) -> list[HtmlElement]:
    """Blocks of the page that trafilatura kept and readability left out, lying between
    blocks that readability kept (captions, lists, paragraphs it dropped mid-article), or
    just before the first of them (a lead paragraph)."""
    kept_ids = {element.get(ID) for element in content.iter() if isinstance(element.tag, str)}
    blocks = text_blocks(region)
    kept = [i for i, (element, _) in enumerate(blocks) if element.get(ID) in kept_ids]
    if not kept or not tr_html:
        return []
    tr_root = _fragment(tr_html)
    if tr_root is None:
        return []
    tr_text = text_of(tr_root).casefold()
    tr_blocks = {text.casefold() for _, text in text_blocks(tr_root)}

    def confirmed(text: str) -> bool:
        folded = text.casefold()
        return folded in tr_blocks or (len(folded) >= 25 and folded in tr_text)

    added: list[HtmlElement] = []
    for index in range(kept[0] + 1, kept[-1]):
        element, text = blocks[index]
        if element.get(ID) in kept_ids or not confirmed(text):
            continue
        if added and any(ancestor is added[-1] for ancestor in element.iterancestors()):
            continue  # inside a block already added, with it
        added.append(element)
    lead: list[HtmlElement] = []
    for index in range(kept[0] - 1, -1, -1):
        element, text = blocks[index]
        if not confirmed(text):
            if words(text) > 3:
                break  # a short line ("Read more", a label) does not end the lead
        elif words(text) >= LEAD_MIN_WORDS and link_density(element) <= MAX_ADDED_LINK_DENSITY:
            lead.append(element)
    return lead[::-1] + added


def link_density(element: HtmlElement) -> float:
    """The share of an element's text that is link text."""
    total = len(text_of(element))
    if not total:
        return 0.0
    return sum(len(text_of(link)) for link in element.iter("a")) / total


def _affordable(region: HtmlElement, content: HtmlElement) -> bool:
    """Whether a second opinion fits in the time a page may take (a fixed size rule, so
    the same page always gives the same result)."""
    elements = sum(1 for _ in region.iter())
    return elements <= SECOND_OPINION_MAX_ELEMENTS and len(text_of(content)) <= (
        SECOND_OPINION_MAX_CHARS
    )


def _as_document(element: HtmlElement) -> HtmlElement:
    import lxml.html

    document = lxml.html.document_fromstring("<html><body></body></html>")
    body = document.find("body")
    if body is not None:
        clone = copy.deepcopy(element)
        clone.tail = None
        body.append(clone)
    return document


def element_count(root: HtmlElement) -> int:
    return sum(1 for _ in root.iter())


_BREAKS = frozenset({"br"})


def page_text(root: HtmlElement) -> str:
    """A (pre-cleaned) page as plain text: a paragraph per block element, as a browser's
    "copy all" gives it (for pages too big for the whole pipeline)."""
    from lxml import etree

    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            elif tag in _BREAKS:
                parts.append("\n")
            if element.text and tag:
                parts.append(element.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if element.tail:
                parts.append(element.tail)
    paragraphs = []
    for paragraph in "".join(parts).split("\n\n"):
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def extract_body(root: HtmlElement, title: str) -> Body:
    """The article in a parsed, pre-cleaned page (the tree is changed)."""
    import lxml.html

    _number(root)
    article = run_readability(root)
    content = _fragment(article)
    if content is None or not text_of(content):
        return whole_page(root, title)
    region = _region(root, content)
    if region is not None and _affordable(region, content):
        added = _confirmed(content, run_trafilatura(_as_document(region)), region)
        # A second opinion fills gaps; it does not replace the article (a gallery of fifty
        # captions inside the article is not text readability missed).
        if sum(len(_own_text(element)) for element in added) <= MAX_ADDED_SHARE * len(
            text_of(content)
        ):
            _insert(content, added)
    post_clean(content, title)
    if words(text_of(content)) < MIN_ARTICLE_WORDS or link_density(content) > (
        MAX_ARTICLE_LINK_DENSITY
    ):
        return whole_page(root, title)
    return Body(html=lxml.html.tostring(content, encoding="unicode"), found=True)


def whole_page(root: HtmlElement, title: str) -> Body:
    """All of a (pre-cleaned) page's text, for pages without an article."""
    import lxml.html

    body = root.find("body")
    page = copy.deepcopy(body if body is not None else root)
    post_clean(page, title)
    return Body(html=lxml.html.tostring(page, encoding="unicode"), found=False)


def _insert(content: HtmlElement, added: list[HtmlElement]) -> None:
    """Put copies of page blocks into the content, each after the content's element that
    precedes it in the page (before the first one, for a lead)."""
    if not added:
        return
    import bisect

    placed = sorted(
        (int(element.get(ID)), element)
        for element in content.iter()
        if isinstance(element.tag, str) and element.get(ID)
    )
    if not placed:
        return
    positions = [position for position, _ in placed]
    lead: list[HtmlElement] = []
    for element in added:
        clone = copy.deepcopy(element)
        clone.tail = None
        at = bisect.bisect_left(positions, int(element.get(ID, "0"))) - 1
        if at < 0:
            lead.append(clone)
            continue
        anchor = placed[at][1]
        while (
            anchor.getnext() is None
            and anchor.getparent() is not None
            and anchor.getparent() is not content
            and anchor.getparent().tag not in _LIST_TAGS
        ):
            anchor = anchor.getparent()
        anchor.addnext(clone)
        # later blocks of a run go after this one
        positions.insert(at + 1, int(element.get(ID, "0")))
        placed.insert(at + 1, (positions[at + 1], clone))
    if lead:
        first = placed[0][1]
        while (
            first.getprevious() is None
            and first.getparent() is not None
            and (first.getparent() is not content)
        ):
            first = first.getparent()
        for clone in lead:
            first.addprevious(clone)
