"""Feeds: RSS 2.0, 1.0, 0.91, Atom, JSON Feed 1.0/1.1, and broken ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.unit.formats_helpers import fixture, rendered_text
from tuinews.formats import FormatError, article_markdown, parse_document


def parse(name: str, **kwargs: object):
    return parse_document(fixture(name), name=name, path=f"/feeds/{name}", **kwargs)  # type: ignore[arg-type]


def test_rss20():
    first, second = parse("rss20.xml")
    assert first.title == "First story"
    assert first.source == "Example & News"
    assert first.author == "Jane Reporter"
    assert first.date == datetime(2022, 9, 10, 9, 0, tzinfo=UTC)
    assert first.link == "https://news.example.com/stories/1"  # resolved against the feed
    assert first.uid == "/feeds/rss20.xml#story-1"
    assert first.path == "/feeds/rss20.xml"
    assert first.kind == "html"
    assert first.body == "<p>Full <b>text</b> of the first story.</p>"  # content beats summary
    assert first.text == "Full text of the first story."
    assert article_markdown(first) == "Full **text** of the first story."
    assert second.text == "Only a summary."
    assert second.uid == "/feeds/rss20.xml#https://news.example.com/stories/2"
    assert second.date is None


def test_item_without_date_gets_mtime():
    when = datetime(2001, 1, 1, tzinfo=UTC)
    assert parse("rss20.xml", mtime=when)[1].date == when


def test_rss10_rdf():
    (item,) = parse("rss10.rdf")
    assert (item.title, item.source, item.author) == ("RDF item", "RDF Site", "R. Writer")
    assert item.date == datetime(2021, 6, 1, 10, tzinfo=UTC)
    assert item.link == "http://rdf.example.org/a"
    assert item.text == "Item description."


def test_rss091_with_netscape_doctype_and_latin1_declaration():
    (item,) = parse("rss091.xml")
    assert (item.title, item.source, item.link) == (
        "Ancient item",
        "Old Style",
        "http://old.example.com/ancient",
    )


def test_atom():
    one, two = parse("atom.xml")
    assert one.source == "Atom Blog"  # HTML feed title loses its tags
    assert one.title == "Entry one & more"  # HTML title: tags stripped, entities decoded once
    assert one.author == "Ann Author"
    assert one.date == datetime(2023, 1, 1, 5, tzinfo=UTC)  # published beats updated
    assert one.link == "https://atom.example.org/one"
    assert one.uid == "/feeds/atom.xml#urn:uuid:one"
    assert "XHTML **content**." in article_markdown(one)
    assert two.link == ""  # javascript: link dropped
    assert two.text == "Plain text content <not a tag>\nwith a line break."
    assert "Plain text content <not a tag>" in rendered_text(article_markdown(two))


def test_json_feed_10():
    html_item, text_item = parse("jsonfeed10.json")
    assert html_item.source == "JSON One"
    assert html_item.kind == "html" and html_item.text == "Hello world."
    assert html_item.link == "https://json.example.net/posts/1"
    assert html_item.author == "Feed Author"
    assert html_item.date == datetime(2020, 2, 3, 3, 5, 6, tzinfo=UTC)
    assert html_item.uid == "/feeds/jsonfeed10.json#1"
    assert text_item.kind == "markdown"
    assert text_item.uid == "/feeds/jsonfeed10.json#2"
    assert text_item.author == "Item Author"
    assert text_item.title.startswith("A microblog post without a title.")
    assert rendered_text(text_item.body) == text_item.text  # escaped: shown as written
    assert "\\[brackets\\]" in text_item.body


def test_json_feed_11():
    (item,) = parse("jsonfeed11.json")
    assert item.author == "First, Second"
    assert item.text == "Only a summary."
    assert item.date == datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_duplicate_and_missing_ids_stay_unique():
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "x", "content_text": "one"},
            {"id": "x", "content_text": "two"},
            {"content_text": "three"},
            {"title": 5, "content_html": ["not a string"]},
        ],
    }
    articles = parse_document(json.dumps(feed).encode(), name="f.json", path="p")
    uids = [a.uid for a in articles]
    assert len(set(uids)) == 4
    assert uids[:2] == ["p#x", "p#x~2"]
    assert all(uid.startswith("p#") for uid in uids)
    assert articles[3].title == "Untitled"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "feed has no items"),
        (
            b'{"version": "https://jsonfeed.org/version/1", "items": [',
            "invalid JSON at line 1, column 57: Expecting value",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": "x"}',
            "JSON, but its items are not a list",
        ),
        (b'{"name": "package", "dependencies": {}}', "JSON, but not a JSON Feed (no items list)"),
        (b'<rss version="2.0"><channel><title>x</title></channel></rss>', "feed has no items"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "feed has no items"),
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "XML, but not a feed"),
    ],
)
def test_feed_errors(data: bytes, reason: str):
    with pytest.raises(FormatError) as error:
        parse_document(data, name="feed.json" if data.startswith(b"{") else "feed.xml")
    assert str(error.value) == reason


def test_invalid_json_with_json_extension():
    with pytest.raises(FormatError, match="invalid JSON at line 1, column 17"):
        parse_document(b'{"items": [1, 2,,]}', name="broken.json")


def test_truncated_xml_recovers_or_fails_cleanly():
    data = fixture("rss20.xml")
    recovered = parse_document(data[: data.index(b"<item>", data.index(b"</item>"))], name="t.xml")
    assert [a.title for a in recovered] == ["First story"]
    for cut in range(0, len(data), 37):
        try:
            articles = parse_document(data[:cut], name="t.xml")
        except FormatError:
            continue
        assert all(a.title for a in articles)


def test_incomplete_cdata():
    data = b'<rss version="2.0"><channel><item><title><![CD'
    try:
        articles = parse_document(data, name="x.rss")
    except FormatError as error:
        assert str(error)
    else:
        assert len(articles) == 1


def test_html_page_named_like_a_feed_is_read_as_html():
    page = (
        b"<!DOCTYPE html><html><head><title>Login</title></head><body><p>Sign in</p></body></html>"
    )
    (article,) = parse_document(page, name="feed.xml")
    assert article.kind == "html"
    assert article.title == "Login"


def test_feed_title_with_entities_and_markup():
    data = (
        b'<rss version="2.0"><channel><title>A &lt;i&gt;b&lt;/i&gt; &amp;amp; c</title>'
        b"<item><title>Tom &amp;amp; Jerry &lt;b&gt;live&lt;/b&gt;</title><guid>1</guid>"
        b"</item></channel></rss>"
    )
    (item,) = parse_document(data, name="f.rss")
    assert item.source == "A b & c"
    assert item.title == "Tom & Jerry live"


RSS_HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Half</title>'
ATOM_HEAD = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Half</title>'


@pytest.mark.parametrize(
    ("data", "titles"),
    [
        # A download cut inside the second item: it became an article "Untitled" with no
        # id, kept (unread) after the feed came whole, beside the real one.
        (RSS_HEAD + b"<item><title>One</title><guid>1</guid></item><item><title>Tw", ["One"]),
        (RSS_HEAD + b"<item><title>One</title><guid>1</guid></item><item>", ["One"]),
        (
            ATOM_HEAD
            + b"<entry><title>One</title><id>urn:1</id></entry>"
            + b"<entry><title>Two</title><id>urn:2</id><content>half of i",
            ["One"],
        ),
        # Whole items, the end tags of the channel cut: every item is there.
        (RSS_HEAD + b"<item><title>One</title><guid>1</guid></item>", ["One"]),
        (
            RSS_HEAD + b"<item><title>One</title><guid>1</guid></item>"
            b"<item><title>Two</title><guid>2</guid></item></channel></rss>",
            ["One", "Two"],
        ),
    ],
    ids=["rss-in-a-title", "rss-after-a-start-tag", "atom-in-content", "rss-end-cut", "whole"],
)
def test_a_document_cut_short_keeps_its_whole_items_only(data: bytes, titles: list[str]) -> None:
    articles = parse_document(data, name="half.xml", path="/feeds/half.xml")
    assert [a.title for a in articles] == titles


def test_a_document_cut_inside_its_first_item_has_no_items() -> None:
    with pytest.raises(FormatError, match="no items"):
        parse_document(RSS_HEAD + b"<item><title>On", name="half.xml", path="/feeds/half.xml")
