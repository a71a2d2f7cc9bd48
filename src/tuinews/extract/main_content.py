"""Main content of an HTML page: readability-lxml picks the article, trafilatura confirms
what it left out, and a cleanup pass (``cleanup``) removes what is left of the site
around it.

Every rule here reads the page's structure (elements, attributes that say "hidden" or
"navigation", link density, text length and punctuation), never the words of a language
or of a site.
"""

from __future__ import annotations

import bisect
import copy
import re
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from tuinews.extract.cleanup import BLOCK_TAGS, SPACES, post_clean, text_of
from tuinews.extract.lines import words
from tuinews.extract.trailing import ID, trim_end

# trafilatura's second opinion is asked for article regions up to this size (elements,
# characters of article text): past that its cost would break the 1 s a page may take.
SECOND_OPINION_MAX_ELEMENTS = 5000
SECOND_OPINION_MAX_CHARS = 60_000
# What it adds may be at most this share of what readability found.
MAX_ADDED_SHARE = 0.5
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
# Commas as Readability.js counts them (Latin, Arabic, full-width and others).
COMMAS = re.compile("[\u002c\u060c\ufe50\ufe10\ufe11\u2e41\u2e34\u2e32\uff0c]")


@dataclass
class Body:
    """The article's HTML (a fragment) and whether it is an article at all."""

    html: str
    found: bool
    byline: str = ""  # the text of an element marked as the byline, taken out


def _readability_class() -> type[Any]:
    # (readability-lxml, ~85 ms: not for pages too big for it or read as text)
    from readability import Document
    from readability.readability import clean

    class Readability(Document):  # type: ignore[misc]
        """readability-lxml, with link densities cached while paragraphs are scored
        (the same numbers; scoring a 1 MB page took seconds without the cache)."""

        _lengths: dict[Any, int] | None = None

        def score_paragraphs(self) -> Any:
            self._lengths = {}
            try:
                return self._score_paragraphs()
            finally:
                self._lengths = None

        def _score_paragraphs(self) -> Any:
            """readability-lxml's paragraph scores, its commas counted as Readability.js
            counts them: the commas of Arabic, Chinese and other scripts too (readability
            -lxml counts ",", so a Chinese or Arabic article's paragraphs scored as if they
            had none, and a page's teasers and comments weighed as much as its article)."""
            candidates: dict[Any, dict[str, Any]] = {}
            ordered = []
            for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
                parent = elem.getparent()
                if parent is None:
                    continue
                grand_parent = parent.getparent()
                inner_text = clean(elem.text_content() or "")
                if len(inner_text) < self.min_text_length:
                    continue
                for node in (parent, grand_parent):
                    if node is not None and node not in candidates:
                        candidates[node] = self.score_node(node)
                        ordered.append(node)
                score = 1 + len(COMMAS.findall(inner_text)) + 1 + min(len(inner_text) / 100, 3)
                candidates[parent]["content_score"] += score
                if grand_parent is not None:
                    candidates[grand_parent]["content_score"] += score / 2.0
            for elem in ordered:
                candidates[elem]["content_score"] *= 1 - self.get_link_density(elem)
            return candidates

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
    import trafilatura  # (~180 ms: only when a second opinion is affordable)

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
    if not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _number(root: HtmlElement) -> None:
    for index, element in enumerate(root.iter()):
        if isinstance(element.tag, str):
            element.set(ID, str(index))


def _own_text(element: HtmlElement) -> str:
    """The text of an element outside its block-level descendants."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag in BLOCK_TAGS:
            parts.append(" ")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return SPACES.sub(" ", "".join(parts)).strip()


def _inline_text(element: HtmlElement) -> str:
    if not isinstance(element.tag, str):
        return ""
    if any(isinstance(e.tag, str) and e.tag in BLOCK_TAGS for e in element.iterdescendants()):
        return " "
    return str(element.text_content())


def text_blocks(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Block elements with text of their own, in document order."""
    blocks = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCK_TAGS:
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
    document = lxml.html.document_fromstring("<html><body></body></html>")
    body = document.find("body")
    if body is not None:
        clone = copy.deepcopy(element)
        clone.tail = None
        body.append(clone)
    return document


def extract_body(root: HtmlElement, title: str, base: str = "") -> Body:
    """The article in a parsed, pre-cleaned page (the tree is changed); ``base``: the
    page's URL (its images' relative sources resolve against it)."""
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
    byline = post_clean(content, title, base, trim=lambda kept: trim_end(kept, root))
    if words(text_of(content)) < MIN_ARTICLE_WORDS or link_density(content) > (
        MAX_ARTICLE_LINK_DENSITY
    ):
        return whole_page(root, title)
    return Body(html=lxml.html.tostring(content, encoding="unicode"), found=True, byline=byline)


def whole_page(root: HtmlElement, title: str) -> Body:
    """All of a (pre-cleaned) page's text, for pages without an article."""
    body = root.find("body")
    page = copy.deepcopy(body if body is not None else root)
    byline = post_clean(page, title, images=False)
    return Body(html=lxml.html.tostring(page, encoding="unicode"), found=False, byline=byline)


def _insert(content: HtmlElement, added: list[HtmlElement]) -> None:
    """Put copies of page blocks into the content, each after the content's element that
    precedes it in the page (before the first one, for a lead)."""
    if not added:
        return
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
