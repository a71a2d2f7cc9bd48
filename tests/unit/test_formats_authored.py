"""Feeds as their authors wrote them (issue 12, section 5): JSON Feeds with a short
``version``, titles with child elements, relative and non-web links, guids that are not
permalinks, Media RSS titles and links.

Every XML case is read by both parse paths, which must agree field by field:
fastfeedparser (``read_xml_feed``, which hands what it would read differently to
feedparser) and feedparser alone through the same article rules."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.builders import atom_document, rss_document
from tests.netserver import FeedServer, Response
from tuinews.add_feed import subscribe
from tuinews.formats import FormatError, parse_document, parse_feed
from tuinews.formats.feeds import _build_feed, _read_with_feedparser, read_xml_feed
from tuinews.ingest import Refresher, run_refresh
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.store import Store, View

URL = "https://feeds.example.org/blog/feed.xml"  # where the documents were "fetched"
FIELDS = ("title", "source", "author", "date", "link", "uid", "kind", "text")
MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"'


def fields(article: Article) -> tuple[object, ...]:
    return tuple(getattr(article, name) for name in FIELDS)


def read(data: bytes, url: str = URL) -> list[Article]:
    """The articles, after checking that both parse paths and parse_feed agree."""
    slow = _build_feed(_read_with_feedparser(data), name="n", path="", mtime=None, url=url)
    fast = read_xml_feed(data, name="n", url=url)
    assert [fields(a) for a in fast.articles] == [fields(a) for a in slow.articles]
    fetched = parse_feed(data, url)
    assert [(a.title, a.link) for a in fetched.articles] == [
        (a.title, a.link) for a in fast.articles
    ]
    return fast.articles


# -- JSON Feed


@pytest.mark.parametrize("version", ["1.1", "1.0", "1", None, "https://jsonfeed.org/version/1.1"])
def test_json_feed_with_any_version_is_a_feed(version: str | None) -> None:
    document: dict[str, object] = {
        "title": "Short version",
        "home_page_url": "https://site.example/",
        "items": [{"id": "1", "url": "/posts/1", "title": "Hello", "content_text": "Hi."}],
    }
    if version is not None:
        document["version"] = version
    data = json.dumps(document).encode()
    (item,) = parse_feed(data, "https://site.example/feed.json").articles
    assert (item.title, item.source, item.link) == (
        "Hello",
        "Short version",
        "https://site.example/posts/1",
    )
    (local,) = parse_document(data, name="feed.json")
    assert local.title == "Hello"


def test_json_feed_relative_urls_without_a_home_page_resolve_against_the_address() -> None:
    data = json.dumps({"version": "1.1", "items": [{"id": "1", "url": "p/1"}]}).encode()
    (item,) = parse_feed(data, "https://site.example/feeds/feed.json").articles
    assert item.link == "https://site.example/feeds/p/1"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'{"version": "1.1", "items": [{"id": 1,}]}',
            "not a feed (invalid JSON at line 1, column 39: Expecting property name enclosed "
            "in double quotes)",
        ),
        (b'{"name": "package", "version": "1.1"}', "JSON, but not a JSON Feed (no items list)"),
        (b"[1, 2, 3]", "JSON, but not a JSON Feed (no items list)"),
        (b'{"version": "1.1", "items": {"a": 1}}', "JSON, but its items are not a list"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "not a feed (an HTML page)"),
    ],
)
def test_a_document_that_is_not_a_feed_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(FormatError) as error:
        parse_feed(data, "https://site.example/x")
    assert reason in str(error.value)


def add(store: Store, url: str) -> tuple[str, str]:
    """``subscribe`` as ``tuinews add`` and the app's add dialog call it: (message, error)."""

    async def go() -> tuple[str, str]:
        refresher = Refresher(store, Settings())
        try:
            outcome = await subscribe(refresher, url)
        finally:
            await refresher.close()
        return outcome.message, outcome.error

    return asyncio.run(go())


def test_subscribing_on_a_loopback_server(tmp_path: Path) -> None:
    short = {
        "version": "1.1",
        "title": "Publisher",
        "items": [{"id": "a", "url": "/a", "title": "From a short version"}],
    }
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/feed.json", Response(body=json.dumps(short).encode()))
        server.route("/broken.json", Response(body=b'{"version": "1.1", "items": [}'))
        server.route("/api.json", Response(body=b'{"data": []}'))
        server.route(
            "/page",
            Response(
                body=b"<html><head><title>P</title></head><body>No feed</body></html>",
                headers={"Content-Type": "text/html"},
            ),
        )
        message, error = add(store, server.url("/feed.json"))
        assert not error and "Added Publisher: 1 article." in message
        (headline,) = store.headlines()
        article = store.get_article(headline.id)
        assert article is not None and article.link == server.url("/a")
        _, broken = add(store, server.url("/broken.json"))
        assert broken == (
            f"No feed found at {server.url('/broken.json')}: it is not a feed: invalid JSON "
            "at line 1, column 30: Expecting value."
        )
        _, api = add(store, server.url("/api.json"))
        assert "it is not a feed: JSON, but not a JSON Feed (no items list)" in api
        _, page = add(store, server.url("/page"))
        assert page.endswith(": it is a web page that links to no feed.")
        assert len(store.feeds()) == 1


# -- titles


@pytest.mark.parametrize(
    "data",
    [
        atom_document(
            '<entry><title type="html">Example <a href="test.html">test</a></title>'
            "<id>urn:1</id><summary>Sum.</summary></entry>"
        ),
        atom_document(
            '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example '
            '<a href="test.html">test</a></div></title><id>urn:1</id><summary>Sum.</summary>'
            "</entry>"
        ),
        atom_document(
            '<entry><title type="html">Example &lt;a href="test.html"&gt;test&lt;/a&gt;</title>'
            "<id>urn:1</id><summary>Sum.</summary></entry>"
        ),
        rss_document(
            "<item><title>Example <b>test</b></title><guid>1</guid>"
            "<description>D</description></item>"
        ),
        rss_document("<item><title>Example <b>test</b></title><guid>1</guid></item>"),
    ],
)
def test_a_title_with_child_elements_keeps_all_its_text(data: bytes) -> None:
    (item,) = read(data)
    assert item.title == "Example test"


def test_rss_title_with_markup_in_the_middle() -> None:
    data = rss_document(
        "<item><title>Example <b>bold</b> end</title><guid>1</guid>"
        "<description>A description.</description></item>"
        "<item><title>Plain</title><guid>2</guid><description>Two.</description></item>"
    )
    assert [a.title for a in read(data)] == ["Example bold end", "Plain"]


# -- links


def test_relative_links_without_xml_base_resolve_against_the_fetched_address() -> None:
    no_channel_link = rss_document(
        "<item><title>a</title><link>/posts/a</link><description>D</description></item>"
        "<item><title>b</title><link>b.html</link><description>D</description></item>"
    )
    assert [a.link for a in read(no_channel_link)] == [
        "https://feeds.example.org/posts/a",
        "https://feeds.example.org/blog/b.html",
    ]
    # Atom: the document's address is the base (RFC 4287 section 2), not the site link
    entries = atom_document(
        '<entry><title>a</title><id>urn:a</id><link href="a.html"/><summary>S</summary></entry>',
        head='<title>A</title><link rel="alternate" href="https://site.example/"/>',
    )
    assert [a.link for a in read(entries)] == ["https://feeds.example.org/blog/a.html"]
    # RSS: the channel's own link (relative too: against the address) comes first
    relative_channel = rss_document(
        "<item><title>a</title><link>a.html</link><description>D</description></item>",
        channel="<title>T</title><link>/site/</link>",
    )
    assert [a.link for a in read(relative_channel)] == ["https://feeds.example.org/site/a.html"]


def test_xml_base_is_honoured_by_both_paths() -> None:
    data = atom_document(
        '<entry><title>a</title><id>urn:a</id><link href="a.html"/><summary>S</summary></entry>'
        '<entry xml:base="/other/"><title>b</title><id>urn:b</id><link href="b.html"/>'
        "<summary>S</summary></entry>",
        head='<title>A</title><link rel="alternate" href="https://site.example/"/>',
        namespaces='xml:base="https://base.example/dir/"',
    )
    assert [a.link for a in read(data)] == [
        "https://base.example/dir/a.html",
        "https://base.example/other/b.html",
    ]


def test_the_first_http_alternate_is_the_link() -> None:
    data = atom_document(
        '<entry><title>g</title><id>urn:1</id><link rel="alternate" href="gemini://g.example/1"/>'
        '<link rel="alternate" href="https://web.example/1"/><summary>S</summary></entry>'
        '<entry><title>o</title><id>urn:2</id><link href="gopher://g.example/2"/>'
        '<link rel="self" href="https://self.example/2"/>'
        '<link href="https://web.example/2"/><summary>S</summary></entry>'
        '<entry><title>t</title><id>urn:3</id><link rel="alternate" href="https://one.example/3"/>'
        '<link rel="alternate" href="https://two.example/3"/><summary>S</summary></entry>'
        '<entry><title>n</title><id>urn:4</id><link href="gemini://g.example/4"/>'
        "<summary>S</summary></entry>"
    )
    assert [a.link for a in read(data)] == [
        "https://web.example/1",
        "https://web.example/2",
        "https://one.example/3",
        "",
    ]


def test_a_guid_that_is_not_a_permalink_is_not_the_link() -> None:
    data = rss_document(
        '<item><title>a</title><guid isPermaLink="false">https://e.example/not-a-link</guid>'
        "<description>D</description></item>"
        '<item><title>b</title><guid isPermaLink="False">https://e.example/nor-this</guid>'
        "<description>D</description></item>"
        "<item><title>c</title><guid>https://e.example/permalink</guid>"
        "<description>D</description></item>"
        '<item><title>d</title><link>https://e.example/d</link><guid isPermaLink="false">'
        "https://e.example/d</guid><description>D</description></item>"
        '<item><title>e</title><guid isPermaLink="true">relative/guid</guid>'
        "<description>D</description></item>"
        '<item><title>f</title><link>https://e.example/post-f</link><guid isPermaLink="false">'
        "https://e.example/?p=6</guid><description>D</description></item>"
        "<item><title>g</title><guid isPermaLink='false'><![CDATA[https://e.example/?p=7&x=1]]>"
        "</guid><description>D</description></item>"
        '<item><title>h</title><guid isPermaLink="false">https://e.example/?p=8&amp;x=1</guid>'
        "<description>D</description></item>",
        channel="<title>T</title><link>https://e.example/</link>",
    )
    items = read(data)
    assert [a.link for a in items] == [
        "",
        "",
        "https://e.example/permalink",
        "https://e.example/d",
        "",
        "https://e.example/post-f",
        "",
        "",
    ]
    assert items[0].uid == "https://e.example/not-a-link"  # still its identity
    assert items[5].uid == "https://e.example/?p=6"


def test_an_atom_id_is_not_a_link() -> None:
    data = atom_document(
        "<entry><title>a</title><id>https://e.example/id/1</id><summary>S</summary></entry>"
    )
    (item,) = read(data)
    assert item.link == "" and item.uid == "https://e.example/id/1"


def test_a_wordpress_feed_stays_on_the_fast_path() -> None:
    from tuinews.formats import fastfeed

    data = rss_document(
        "<item><title>Post</title><link>https://blog.example/post/</link>"
        '<guid isPermaLink="false">https://blog.example/?p=12</guid>'
        "<description>D</description></item>"
    )
    assert fastfeed.read(data) is not None


# -- Media RSS


def test_media_title_and_links_when_the_item_has_none() -> None:
    data = rss_document(
        "<item><media:title>Direct</media:title><guid isPermaLink='false'>g1</guid>"
        '<description>D</description><media:player url="https://v.example/player/1"/></item>'
        "<item><media:group><media:title>In a group</media:title>"
        '<media:content url="https://v.example/2.mp4"/></media:group>'
        "<guid isPermaLink='false'>g2</guid><description>D</description></item>"
        '<item><media:content url="https://v.example/3.mp4"><media:title>In content'
        "</media:title></media:content><guid isPermaLink='false'>g3</guid>"
        "<description>D</description></item>"
        "<item><media:title>Not this</media:title><title>Own title</title>"
        "<link>https://e.example/4</link><description>D</description>"
        '<media:player url="https://v.example/player/4"/></item>'
        "<item><title>Own again</title><media:title>Nor this</media:title>"
        "<link>https://e.example/5</link><description>D</description></item>",
        namespaces=MEDIA,
    )
    assert [(a.title, a.link) for a in read(data)] == [
        ("Direct", "https://v.example/player/1"),
        ("In a group", "https://v.example/2.mp4"),
        ("In content", "https://v.example/3.mp4"),
        ("Own title", "https://e.example/4"),
        ("Own again", "https://e.example/5"),
    ]


def test_media_title_in_atom() -> None:
    data = atom_document(
        "<entry><id>urn:1</id><media:title>Direct</media:title><summary>S</summary></entry>"
        "<entry><id>urn:2</id><media:group><media:title>Grouped</media:title>"
        '<media:content url="https://v.example/2"/></media:group><summary>S</summary></entry>'
        "<entry><id>urn:3</id><media:title>No</media:title><title>Yes</title>"
        '<link href="https://e.example/3"/><summary>S</summary></entry>',
        namespaces=MEDIA,
    )
    assert [(a.title, a.link) for a in read(data)] == [
        ("Direct", ""),
        ("Grouped", "https://v.example/2"),
        ("Yes", "https://e.example/3"),
    ]


def test_subscribed_feed_on_a_loopback_server_keeps_titles_and_links(tmp_path: Path) -> None:
    body = rss_document(
        "<item><title>Example <b>bold</b> end</title><link>/posts/1</link>"
        "<description>Summary.</description></item>"
        "<item><media:group><media:title>A video</media:title>"
        '<media:content url="/videos/2.mp4"/></media:group><guid isPermaLink="false">v2</guid>'
        "<description>Watch.</description></item>"
        '<item><title>Guid</title><guid isPermaLink="false">https://x.example/3</guid>'
        "<description>Three.</description></item>",
        namespaces=MEDIA,
    )
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/feeds/main.xml", Response(body=body))
        feed = store.add_feed(server.url("/feeds/main.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status == "ok" and result.new == 3
        shown = {}
        for headline in store.headlines(View(feed_id=feed.id)):
            article = store.get_article(headline.id)
            assert article is not None
            shown[article.title] = article.link
    assert shown == {
        "Example bold end": server.url("/posts/1"),
        "A video": server.url("/videos/2.mp4"),
        "Guid": "",
    }
