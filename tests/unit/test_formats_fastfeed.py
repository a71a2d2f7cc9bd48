"""The fast feed path (fastfeedparser + lxml sanitising) against feedparser, and hostile XML.

read_xml_feed tries fastfeedparser first and falls back to feedparser; both go through the
same article rules, so on ordinary feeds they must agree field by field."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.builders import rss_document
from tests.unit.formats_helpers import FIXTURES
from tuinews.formats import FormatError, fastfeed, parse_feed
from tuinews.formats.feeds import _build_feed, _read_with_feedparser, read_xml_feed
from tuinews.formats.fragment import sanitise_fragment
from tuinews.models import Article

XML_FIXTURES = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".xml", ".rdf"))


def both(data: bytes) -> tuple[list[Article], list[Article]]:
    slow = _build_feed(_read_with_feedparser(data), name="n", path="", mtime=None).articles
    fast = read_xml_feed(data, name="n").articles
    return slow, fast


FIELDS = ("title", "source", "author", "date", "link", "uid", "kind", "text")


@pytest.mark.parametrize("name", XML_FIXTURES)
def test_fixtures_read_alike_with_both_parsers(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    slow, fast = both(data)
    assert len(slow) == len(fast) > 0
    for a, b in zip(slow, fast, strict=True):
        for field in FIELDS:
            assert getattr(a, field) == getattr(b, field), (name, field)
        assert a.body.replace(" ", "") == b.body.replace(" ", ""), name


@pytest.mark.parametrize("name", ["rss20.xml", "rss10.rdf"])
def test_fixtures_take_the_fast_path(name: str) -> None:
    assert fastfeed.read((FIXTURES / name).read_bytes()) is not None


def test_atom_xhtml_content_goes_to_feedparser_and_html_content_does_not() -> None:
    xhtml = (FIXTURES / "atom.xml").read_bytes()
    assert fastfeed.read(xhtml) is None  # fastfeedparser loses inline XHTML bodies
    html = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>One</title>'
        b'<id>urn:1</id><updated>2023-01-02T03:04:05Z</updated><link href="https://a.example/1"/>'
        b'<content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>'
    )
    assert fastfeed.read(html) is not None
    slow, fast = both(html)
    for field in FIELDS:
        assert getattr(slow[0], field) == getattr(fast[0], field), field


CHANNEL = "<title>T</title><link>https://e.example/</link>"


def test_uid_rule_and_links_alike() -> None:
    data = rss_document(
        "<item><title>With guid</title><guid>g-1</guid><link>/a</link>"
        "<description>&lt;p&gt;one&lt;/p&gt;</description></item>"
        "<item><title>Link only</title><link>https://e.example/b</link>"
        "<description>two</description></item>"
        "<item><title>Neither</title><pubDate>Sat, 10 Sep 2022 09:00:00 GMT</pubDate>"
        "<description>three</description></item>"
        "<item><title>Bad link</title><link>javascript:alert(1)</link>"
        "<description>four</description></item>",
        channel=CHANNEL,
    )
    slow, fast = both(data)
    assert [a.uid for a in fast] == [a.uid for a in slow]
    assert fast[0].uid == "g-1" and fast[0].link == "https://e.example/a"
    assert fast[1].uid == "https://e.example/b"
    assert len(fast[2].uid) == 40  # sha1 of title and its own date
    assert fast[3].link == "" and fast[3].uid != ""


def test_item_html_is_sanitised_on_the_fast_path() -> None:
    data = rss_document(
        "<item><title>x</title><guid>1</guid><description><![CDATA["
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">bad</a> '
        '<a href="https://ok.example/">ok</a><script>evil()</script>'
        '<iframe src="https://e.example/"></iframe><img src="data:image/png;base64,AA" alt="i">'
        "</p>]]></description></item>",
        channel=CHANNEL,
    )
    (article,) = read_xml_feed(data, name="n").articles
    for bad in ("onclick", "javascript:", "<script", "evil", "<iframe", "data:"):
        assert bad not in article.body
    assert 'href="https://ok.example/"' in article.body
    assert article.text == "Hi bad ok"


def test_sanitise_fragment_keeps_text_after_void_elements() -> None:
    html, text = sanitise_fragment('safe<embed src="http://e.example/"> <b>description</b>')
    assert text == "safe description"
    assert "<embed" not in html


BILLION_LAUGHS = rss_document(
    "<item><title>&lol9;</title><guid>1</guid><description>x</description></item>",
    prolog='<!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    + "]>",
    channel=CHANNEL,
)


def test_billion_laughs_is_refused_or_harmless_and_quick() -> None:
    assert fastfeed.read(BILLION_LAUGHS) is None  # entity declarations: not the fast path
    started = time.process_time()  # (CPU: other processes' load does not count)
    try:
        articles = parse_feed(BILLION_LAUGHS, "https://e.example/feed").articles
    except FormatError:
        articles = []
    assert time.process_time() - started < 5  # an expansion would take minutes
    assert all(len(a.title) < 10_000 for a in articles)


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "file://{secret}">')
    documents = [
        rss_document(
            "<item><title>&xxe;</title><guid>1</guid><description>d &xxe;</description></item>",
            prolog=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
            channel=CHANNEL,
        ),
        rss_document(  # an external DTD that declares the entity: never loaded
            "<item><title>a &xxe; b</title><guid>1</guid><description>d</description></item>",
            prolog=f'<!DOCTYPE rss SYSTEM "file://{dtd}">',
            channel=CHANNEL,
        ),
    ]
    for data in documents:
        try:
            articles = parse_feed(data, "https://e.example/feed").articles
        except FormatError:
            continue
        for article in articles:
            assert "TOPSECRET" not in (article.title + article.body + article.text)


def test_fastfeedparser_parsers_are_hardened(tmp_path: Path) -> None:
    """The swap of fastfeedparser's lxml parsers took hold: even called directly (past our
    <!ENTITY check), it expands no entity and reads no external one."""
    parse = fastfeed._parser()
    assert parse is not None
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = rss_document(
        "<item><title>x &ext; &int;</title><guid>1</guid><description>y</description></item>",
        prolog=(f'<!DOCTYPE rss [<!ENTITY ext SYSTEM "file://{secret}"><!ENTITY int "INTERNAL">]>'),
        channel=CHANNEL,
    )
    try:
        result = parse(data)
    except Exception:
        return  # refusing is fine too
    text = repr(result)
    assert "TOPSECRET" not in text
    assert "INTERNAL" not in text
    from fastfeedparser import main
    from lxml import etree

    assert main._XMLParsers.__init__ is fastfeed._safe_init
    huge = b"<a>" + b"x" * 11_000_000 + b"</a>"  # past libxml2's limit without huge_tree
    for pair in (main._THREAD_XML_PARSERS, main._SHARED_XML_PARSERS):
        with pytest.raises(etree.XMLSyntaxError):
            etree.fromstring(huge, parser=pair.strict)


@pytest.mark.parametrize("body", [b"/etc/passwd", b"file:///etc/passwd", b"https://e.example/x"])
def test_a_body_that_looks_like_a_path_or_url_is_data(body: bytes) -> None:
    assert fastfeed.read(body) is None
    with pytest.raises(FormatError):
        parse_feed(body, "https://e.example/feed")
    with pytest.raises(FormatError):
        read_xml_feed(body, name="n")


def test_not_utf8_goes_to_feedparser() -> None:
    data = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>caf\xe9</title><guid>1</guid><description>d</description></item>"
        "</channel></rss>"
    ).encode("latin-1")
    assert fastfeed.read(data) is None
    (article,) = read_xml_feed(data, name="n").articles
    assert article.title == "café"


def test_ttl_is_read_on_the_fast_path() -> None:
    data = rss_document(
        "<ttl>90</ttl><item><title>a</title><guid>1</guid><description>b</description></item>",
        channel=CHANNEL,
    )
    assert fastfeed.read(data) is not None
    assert read_xml_feed(data, name="n").ttl_minutes == 90
