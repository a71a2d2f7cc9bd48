"""What the article's container holds after the article: a tags or share line, teasers of
other stories, a heading left with nothing under it (its comments were dropped), and a
block outside the container when readability took the whole page.

Every rule reads the page's structure (link density, the shape of a block, its place at
the end of the article), never the words of a language or of a site. Blocks are taken
off the end only, one at a time, and never more than a share of the article's text.
"""

from __future__ import annotations

import copy

import lxml.etree
from lxml.html import HtmlElement

from tuinews.extract.cleanup import text_of
from tuinews.extract.lines import words

# Each element of the page is numbered (document order) in this attribute (main_content
# numbers them), so that what the content keeps can be found in the page again.
ID = "data-tn"
_BY_NUMBER = lxml.etree.XPath(f"//*[@{ID}=$number]")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol", "dl", "table", "tbody", "thead", "tr", "li", "dd", "dt"})
_INLINE = frozenset(
    {"a", "b", "strong", "em", "i", "u", "span", "time", "br", "code", "sub", "sup"}
)
# Elements that hold an article.
_CONTAINERS = frozenset({"div", "section", "article", "main"})
# Blocks that are the article's own: never taken by these rules.
_MEDIA = frozenset({"figure", "img", "picture", "video", "audio", "pre", "blockquote"})
# A line of links (tags, share): at least this many links, this share of its text, each
# link at most this many words, and at most this many words before them (a label).
LINK_LINE_MIN_LINKS = 2
LINK_LINE_MIN_DENSITY = 0.3
_LINK_MARK = "\ue000"  # (a private-use character: lxml takes no NUL)
LINK_LINE_MAX_LINK_WORDS = 4
LINK_LINE_MAX_LABEL_WORDS = 3
# A teaser: a heading that is wholly a link, then at most this many words of summary; the
# end of the article is trimmed of a run of at least this many.
TEASER_MAX_WORDS = 45
TEASER_MIN_RUN = 2
# A heading left last is dropped when the page's text under it is less than this share
# links (prose the article left out: comments).
SECTION_MAX_LINK_DENSITY = 0.5
# What is taken off the end is at most this share of the article's text.
MAX_TRIMMED_SHARE = 0.4
# When readability took the page's body, the child holding at least this share of its
# text is the article's container, and blocks after it at most this share of it go.
CONTAINER_MIN_SHARE = 0.75
OUTSIDE_MAX_SHARE = 0.15


def trim_end(content: HtmlElement, page: HtmlElement) -> None:
    """Take the site's blocks off the end of the article (``content``, whose elements keep
    their numbers in ``page``, the whole parsed page)."""
    total = _size(content)
    if not total:
        return
    lookup = _Page(page)
    budget = MAX_TRIMMED_SHARE * total
    budget -= _drop_outside(content, lookup, budget)
    trimmed = False
    while True:
        last = _last_block(content)
        if last is None:
            return
        if last.tag in HEADINGS:
            # A heading with nothing under it: its section was taken here (teasers) or
            # left out of the article (comments: prose; a list of links under a heading
            # is often the article's own, its heading kept as Readability keeps it).
            if not (trimmed or _section_left_out(last, lookup)):
                return
        elif not _is_link_line(last):
            last = _teaser(last, content, lookup)
            if last is None:
                return
        size = _size(last)
        if size > budget:
            return
        _remove(last)
        budget -= size
        trimmed = True


def _remove(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tree()
    while parent is not None and parent.getparent() is not None and not _has_text(parent):
        if any(parent.iter("img", "picture", "video")):
            break
        grand = parent.getparent()
        parent.drop_tree()
        parent = grand


def _last_block(content: HtmlElement) -> HtmlElement | None:
    """The block holding the content's last text: the heading or paragraph it is in, else
    the innermost element that is not inline."""
    element = content
    while True:
        for child in reversed(element):
            if child.tail and child.tail.strip():
                break  # the last text is the element's own, after this child
            if isinstance(child.tag, str) and _has_text(child):
                element = child
                break
        else:
            break
        if element is not child:
            break
    if element is content:
        return None
    for ancestor in [element, *element.iterancestors()]:
        if ancestor is content:
            break
        if ancestor.tag in HEADINGS or ancestor.tag == "p":
            return ancestor
    while element.tag in _INLINE and element.getparent() is not content:
        element = element.getparent()
    return element


def _section_left_out(heading: HtmlElement, lookup: _Page) -> bool:
    """Whether the page has text under this heading (its following siblings, up to the
    next heading) that is not a list and mostly not links: prose the article left out."""
    original = lookup.find(heading.get(ID, ""))
    section = _text_after(original) if original is not None else []
    if not section or all(element.tag in _LISTS for element in section):
        return False  # (a list of references or links under it: the article's, as a rule)
    links = sum(len(text_of(link)) for element in section for link in element.iter("a"))
    return links < SECTION_MAX_LINK_DENSITY * sum(len(text_of(element)) for element in section)


def _text_after(element: HtmlElement) -> list[HtmlElement]:
    """The element's following siblings with text, up to the next heading."""
    found = []
    for sibling in element.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in HEADINGS:
            break
        if text_of(sibling):
            found.append(sibling)
    return found


def _is_link_line(element: HtmlElement) -> bool:
    """A line of short links after at most a short label, with nothing but separators
    between and after them (tags, share buttons); not an item of a list (a closing list
    of links is the article's), not a sentence with links in it."""
    if element.tag in _LISTS or element.tag in _MEDIA:
        return False
    if any(ancestor.tag in _LISTS for ancestor in element.iterancestors()):
        return False
    links = [link for link in element.iter("a") if text_of(link)]
    if len(links) < LINK_LINE_MIN_LINKS:
        return False
    if any(words(text_of(link)) > LINK_LINE_MAX_LINK_WORDS for link in links):
        return False
    text = text_of(element)
    if sum(len(text_of(link)) for link in links) < LINK_LINE_MIN_DENSITY * len(text):
        return False
    if _LINK_MARK in text:
        return False
    marked = copy.deepcopy(element)
    marked.tail = None
    for link in marked.iter("a"):
        if text_of(link):
            for child in list(link):
                link.remove(child)
            link.text = _LINK_MARK
    label, _, rest = text_of(marked).partition(_LINK_MARK)
    if any(character.isalnum() for character in rest):
        return False
    return words(label) <= LINK_LINE_MAX_LABEL_WORDS


def _teaser(block: HtmlElement, content: HtmlElement, lookup: _Page) -> HtmlElement | None:
    """The content's element holding a teaser that ``block`` (the article's last block) is
    part of, when it ends a run of at least TEASER_MIN_RUN teasers in the page; else None.
    A teaser: an element holding a heading that is wholly a link (which readability may
    have dropped), then a short paragraph."""
    found = _teaser_in_page(block, content, lookup)
    if found is None:
        return None
    held, original = found
    run = 1
    for preceding in (True, False):
        for sibling in original.itersiblings(preceding=preceding):
            if not isinstance(sibling.tag, str) or not _teaser_shaped(sibling):
                break
            run += 1
    return held if run >= TEASER_MIN_RUN else None


def _teaser_in_page(
    block: HtmlElement, content: HtmlElement, lookup: _Page
) -> tuple[HtmlElement, HtmlElement] | None:
    """The block's element (or the ancestor of it in the content) that is a teaser in
    the page, and the page's element."""
    original = lookup.find(block.get(ID, ""))
    held: HtmlElement | None = block
    while original is not None and held is not None and held is not content:
        if _teaser_shaped(original):
            return (held, original) if held.get(ID) == original.get(ID) else None
        if original.tag not in ("p", "div", "span", "a"):
            return None
        original, held = original.getparent(), held.getparent()
    return None


def _teaser_shaped(element: HtmlElement) -> bool:
    """A heading wholly a link, then at most a short paragraph, and nothing else."""
    if not isinstance(element.tag, str) or element.tag in HEADINGS or element.tag == "p":
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if not children or children[0].tag not in HEADINGS:
        return False
    heading = children[0]
    heading_text = text_of(heading)
    if not heading_text or sum(len(text_of(a)) for a in heading.iter("a")) < len(heading_text):
        return False
    rest = text_of(element)[len(heading_text) :]
    if any(child.tag in HEADINGS for child in children[1:]):
        return False
    return words(rest) <= TEASER_MAX_WORDS


def _drop_outside(content: HtmlElement, lookup: _Page, budget: float) -> float:
    """When readability took the page's body (or children of it), the blocks after the
    child that holds most of the text (the article's container) are the site's footer:
    dropped when small. Returns the characters dropped."""
    children = _body_children(content, lookup)
    sizes = [_size(child) for child in children]
    if not children:
        return 0.0
    largest = max(range(len(children)), key=sizes.__getitem__)
    main = children[largest]
    if main.tag not in _CONTAINERS:
        return 0.0  # (the body's own paragraphs: no container)
    if sizes[largest] < CONTAINER_MIN_SHARE * sum(sizes):
        return 0.0
    after = children[largest + 1 :]
    size = sum(sizes[largest + 1 :])
    if not after or size > OUTSIDE_MAX_SHARE * sizes[largest] or size > budget:
        return 0.0
    if any(any(child.iter("img", "picture", "video", "figure")) for child in after):
        return 0.0
    for child in after:
        child.drop_tree()
    return float(size)


def _body_children(content: HtmlElement, lookup: _Page) -> list[HtmlElement]:
    """The content's elements that are children of the page's body, if they are all of
    one element's children (readability's output keeps neither the body nor its own
    wrapper as elements of the page)."""
    waiting = [content]  # (readability's wrappers, at the top, have no number)
    while waiting:
        element = waiting.pop()
        children = [child for child in element if isinstance(child.tag, str)]
        if len(children) >= 2 and all(lookup.in_body(child.get(ID, "")) for child in children):
            return children
        waiting.extend(child for child in children if not child.get(ID))
    return []


class _Page:
    """The page's elements by their number, and the numbers of its body's children."""

    def __init__(self, page: HtmlElement) -> None:
        self.page = page
        self._body: set[str] | None = None

    def find(self, number: str) -> HtmlElement | None:
        if not number.isdigit():
            return None
        found = _BY_NUMBER(self.page, number=number)  # (in libxml2: no proxy per element)
        return found[0] if isinstance(found, list) and found else None

    def in_body(self, number: str) -> bool:
        if self._body is None:
            body = self.page.find("body")
            self._body = {child.get(ID, "") for child in body} if body is not None else set()
            self._body.discard("")
        return number in self._body


def _size(element: HtmlElement) -> int:
    """The length of an element's text (spaces and all: for shares of one article)."""
    return len(element.text_content())


def _has_text(element: HtmlElement) -> bool:
    return any(not piece.isspace() for piece in element.itertext() if piece)
