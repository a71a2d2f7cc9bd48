"""The fragment sanitiser's shortcuts (issue 15, the cold refresh's parse CPU) give exactly
what its full steps give: one walk over the body (attributes removed, blocks found) with
the removal passes only when there is something to remove; plain text without markup
read without lxml; a plain text of spaces and line breaks collapsed at once; a
document's end found without lower-casing the fragment. The reference is the full steps
as they were, always (``full_fragment``), checked on random fragments drawn from every
kind of thing they treat: elements removed or unwrapped, blocks, attributes kept,
dropped or checked (``javascript:`` links...), entities, controls, odd white space, an
early ``</body>``, a nesting beyond libxml2's limit."""

from __future__ import annotations

import random
import re

from lxml import etree

from tuinews.formats import fragment
from tuinews.formats.fragment import _plain, sanitise_fragment
from tuinews.sanitise import clean_text

TAGS = (  # noqa: SIM905
    "p div br span a img b em ul li table td pre blockquote h2 figure figcaption script "
    "style iframe object embed input link meta base title head body html svg form button "
    "noscript template textarea param keygen o:p section header footer nav"
).split()
ATTRIBUTES = (
    'href="https://x.example/a"',
    'href="javascript:alert(1)"',
    "href='mailto:a@b.example'",
    'href=" JaVaScRiPt:x"',
    'href="/relative"',
    'src="http://x.example/i.png"',
    'src="file:///etc/passwd"',
    "src=data:image/png;base64,xx",
    'onclick="x()"',
    'style="color:red"',
    "class=a",
    'alt="a &amp; b"',
    'title="t\u202e"',
    "lang=fr",
    'xml:lang="de"',
    "colspan=2",
    'cite="javascript:y"',
    'HREF="https://X.example"',
    'xlink:href="javascript:z"',
)
TEXTS = (
    "word",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "&amp;",
    "&lt;b&gt;",
    "&nbsp;",
    "&#27;[31m",
    "\x1b",
    "\x00",
    "\u00a0",
    "\u2028",
    "\u200b",
    "\u202e",
    "é",
    "東京",
    "\u0301" * 6,
    "&bogus;",
    "<!-- c -->",
    "<?pi x?>",
    "</body>",
    "</HTML >",
    "</bOdY>",
    "<",
    ">",
    "&",
    "\x0c",
    "]]>",
)


def fuzz(chosen: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(chosen.randint(1, 5)):
        if chosen.random() < 0.45 and depth < 5:
            tag = chosen.choice(TAGS)
            attributes = "".join(" " + a for a in chosen.sample(ATTRIBUTES, chosen.randint(0, 3)))
            end = f"</{tag}>" if chosen.random() < 0.8 else ""
            out.append(f"<{tag}{attributes}>{fuzz(chosen, depth + 1)}{end}")
        else:
            out.append(chosen.choice(TEXTS))
    return "".join(out)


def full_plain(text: str) -> str:
    """Each line's white space collapsed, empty lines dropped (the reference)."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_END = re.compile(r"</\s*(?:body|html)\s*>", re.I)


def full_steps(html: str) -> tuple[str, str]:
    """_with_lxml's steps as they were, every one of them, always (the reference)."""
    if "</" in html:
        html = _END.sub("", html)
    parser = fragment._html_parser()
    root = etree.fromstring(f"<html><body>{html}</body></html>", parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise fragment._TooDeep
    if root is None:
        return "", ""
    etree.strip_elements(root, *fragment._DROP, with_tail=False)
    etree.strip_tags(root, *fragment._UNWRAP)
    body = root.find("body")
    if body is None:
        return "", ""
    body.attrib.clear()
    for element in body.iter(etree.Element):
        attributes = element.attrib
        names = element.keys()  # (a list: deleting while looping is safe)
        for name in names:
            if name not in fragment._KEEP_ATTRS or (
                name in fragment._URL_ATTRS and not fragment._safe_url(str(attributes[name]), name)
            ):
                del attributes[name]
    sanitised = etree.tostring(body, encoding="unicode", method="html")
    sanitised = sanitised.removeprefix("<body>").removesuffix("</body>").strip()
    for element in body.iter(*fragment._BLOCKS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    text = etree.tostring(body, encoding="unicode", method="text")
    return clean_text(sanitised), clean_text(full_plain(text))


def full_fragment(html: str) -> tuple[str, str]:
    """sanitise_fragment with the full steps (its fallbacks as they are)."""
    if not html.strip():
        return "", ""
    try:
        try:
            return full_steps(html)
        except ValueError:
            return full_steps(clean_text(html))
    except Exception:
        return fragment.content_and_text(html)


def test_fragments_are_sanitised_as_the_full_steps_do() -> None:
    chosen = random.Random(15)
    fragments = [fuzz(chosen) for _ in range(3000)]
    fragments += ["<div>" * n + "deep" + "</div>" * n for n in (250, 256, 300)]
    for html in fragments:
        assert sanitise_fragment(html) == full_fragment(html), repr(html)


def test_the_walk_finds_what_the_removal_passes_remove() -> None:
    html = '<p class=x>a<script>evil()</script> b<embed src="x"> c<a href="javascript:x">d</a></p>'
    assert sanitise_fragment(html) == full_fragment(html) == ("<p>a b c<a>d</a></p>", "a b cd")


def test_plain_text_without_markup_is_what_lxml_gives() -> None:
    """ASCII text without "<" or "&" skips lxml: the same results, character by character
    (every ASCII character alone and within words) and on random texts."""
    texts = []
    for code in range(128):
        c = chr(code)
        texts += [c, f"word{c}word", f"{c} lead", f"trail {c}", f"a\n{c}\nb", c * 3]
    chosen = random.Random(16)
    alphabet = "ab XY 09 .,;:!?'\"()/\\=+-_*#%$@^~`|>\n\t\r\x0c\x00é\u00a0"
    texts += [
        "".join(chosen.choice(alphabet) for _ in range(chosen.randint(1, 30))) for _ in range(3000)
    ]
    for text in texts:
        assert sanitise_fragment(text) == full_fragment(text), repr(text)
    assert sanitise_fragment("  5 > 3\tand\n\n2 < 3 ") == (
        "5 &gt; 3\tand\n\n2 &lt; 3",
        "5 > 3 and\n2 < 3",
    )


def test_a_plain_text_of_spaces_and_line_breaks_is_collapsed_as_line_by_line() -> None:
    chosen = random.Random(17)
    for alphabet in ("ab \n", "a  \n\n", "ab\t \n", "a \n\x7f"):
        for _ in range(2000):
            text = "".join(chosen.choice(alphabet) for _ in range(chosen.randint(0, 24)))
            assert _plain(text) == full_plain(text), repr(text)


def test_a_plain_text_too_long_for_libxml2_is_still_read_as_before() -> None:
    """Ten million characters and more: libxml2 stops (its text node limit) and the
    html.parser extractor reads it; the shortcut is not taken for it."""
    text = "plain > text\n" * 850_000
    assert len(text) > 10_000_000 > fragment.PLAIN_SHORTCUT_CHARS
    assert sanitise_fragment(text) == full_fragment(text)
