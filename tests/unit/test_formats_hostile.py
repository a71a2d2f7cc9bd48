"""Hostile strings never survive into any Article field, whatever the format."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.unit.formats_helpers import all_strings
from tuinews.formats import FormatError, article_markdown, parse_document
from tuinews.models import Article

# Raw payloads: OSC 52 clipboard write, clear screen, C1 CSI, bidi override, NUL-free.
OSC52 = "\x1b]52;c;SEVMTE8=\x07"
PAYLOAD = f"A{OSC52}B\x1b[2JC\x9b31mD\u202eE\u2066F"
# The same as HTML/XML character references.
ENTITIES = "A&#27;]52;c;SEVMTE8=&#7;B&#x1b;[2JC&#x9b;31mD&#x202e;E&#8294;F"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_clean(articles: list[Article]) -> None:
    assert articles
    for article in articles:
        fields = all_strings(article)
        if article.kind == "html":
            fields.append(article_markdown(article))
        for value in fields:
            assert not FORBIDDEN.search(value), (value, article)


def hostile_rss(text: str) -> bytes:
    return (
        f'<rss version="2.0"><channel><title>{text}</title><link>http://e.x/</link>'
        f"<item><title>{text}</title><author>{text}</author><guid>{text}</guid>"
        f"<link>http://e.x/{text}</link>"
        f"<description>&lt;p&gt;{text}&lt;/p&gt;&lt;a href=&quot;http://e.x/{text}&quot;&gt;"
        f"{text}&lt;/a&gt;</description></item></channel></rss>"
    ).encode()


def hostile_atom(text: str) -> bytes:
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">{text}</title>'
        f"<entry><title>{text}</title><id>{text}</id><author><name>{text}</name></author>"
        f'<content type="html">&lt;b&gt;{text}&lt;/b&gt;</content></entry></feed>'
    ).encode()


def hostile_html(text: str) -> bytes:
    return (
        f'<html><head><title>{text}</title><meta property="og:site_name" content="{text}">'
        f'<meta name="author" content="{text}"></head><body><h1>{text}</h1><p>{text}'
        f'<a href="http://e.x/{text}">{text}</a><img alt="{text}" src="http://e.x/i.png"></p>'
        f"</body></html>"
    ).encode()


@pytest.mark.parametrize("text", [PAYLOAD, ENTITIES], ids=["raw", "entities"])
@pytest.mark.parametrize("build", [hostile_rss, hostile_atom, hostile_html])
def test_markup_formats(build, text: str):
    assert_clean(parse_document(build(text), name=f"x{PAYLOAD}", path="/p/x"))


def test_double_encoded_entities_in_feed_content():
    data = hostile_rss("&amp;#27;[2J &amp;#x9b;31m")
    assert_clean(parse_document(data, name="x.xml"))


def test_plain_text_and_markdown():
    assert_clean(parse_document(f"{PAYLOAD} Title Words\n\n{PAYLOAD}\n".encode(), name="a.txt"))
    doc = f"---\ntitle: {PAYLOAD}\nauthor: {PAYLOAD}\nsource: {PAYLOAD}\n---\n# {PAYLOAD}\n"
    assert_clean(parse_document(doc.encode(), name="a.md"))


def test_json_feed_surrogates_nul_and_escapes():
    item = {
        "id": "a\ud800b\u0000c",
        "title": "a\ud800b\u0000c\u001b[2J",
        "content_text": "x\udfffy\u0000\u009b" + PAYLOAD,
        "authors": [{"name": "n\ud800\u202e"}],
        "url": "https://e.x/\ud800",
    }
    html_item = dict(item, id="h", content_html=f"<p>{ENTITIES}</p>")
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t\ud800\u0000",
        "items": [item, html_item],
    }
    data = json.dumps(feed).encode()  # json escapes: "\ud800" stays a lone surrogate
    assert b"\\ud800" in data
    articles = parse_document(data, name="f.json")
    assert_clean(articles)
    assert articles[0].title == "abc[2J"
    for article in articles:
        for value in all_strings(article):
            value.encode("utf-8")  # no lone surrogate left (SQLite would refuse it)


def test_hostile_links_are_dropped():
    data = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><guid>1</guid><link>javascript:alert(1)</link>"
        b'<description>&lt;a href="file:///etc/passwd"&gt;f&lt;/a&gt;</description></item>'
        b"<item><title>b</title><guid>2</guid><link>file:///etc/passwd</link></item>"
        b"</channel></rss>"
    )
    first, second = parse_document(data, name="x.xml")
    assert first.link == "" and second.link == ""
    assert "file:" not in article_markdown(first) and article_markdown(first) == "f"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>" + b"<a " * 30000,  # quadratic in html.parser without defusing
        b'<html><p><a b="x' * 20000,
        b"<html>" + b"<!--" * 30000,
        b"<!DOCTYPE " + b"[]" * 20000,  # catastrophic backtracking in a naive prolog regex
        b"<!DOCTYPE x [" + b"[ ] " * 20000,
        b"# " + b"[" * 50000 + b"\n\ntext",
    ],
    ids=["a-space", "open-quote", "comments", "doctype-brackets", "doctype-subset", "md-title"],
)
def test_pathological_markup_never_hangs(data: bytes):
    """A guard against catastrophic (quadratic or exponential) parsing, not a speed test:
    these inputs take about a second at most; the bound only catches a hang."""
    start = time.perf_counter()
    try:
        articles = parse_document(data, name="x")
    except FormatError:
        articles = []
    for article in articles:
        article_markdown(article)
    assert time.perf_counter() - start < 20


def test_feedparser_author_redos_is_defused():
    """feedparser#562: a crafted <author> takes ~17 s in feedparser's e-mail regex. The
    entity declaration sends the feed to the feedparser fallback on purpose."""
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel>'
        b"<title>T</title><item><title>a</title><guid>1</guid><author>a@"
        + b"a." * 32000
        + b"!</author></item></channel></rss>"
    )
    start = time.perf_counter()
    (article,) = parse_document(evil, name="x.xml")
    assert time.perf_counter() - start < 10  # a hang guard: it takes well under a second
    assert article.title == "a" and len(article.author) <= 300
