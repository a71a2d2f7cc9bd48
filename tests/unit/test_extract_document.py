"""Reading a file: parsing (tuinews.formats) only parses; reader mode is applied on top
of it by the extract layer (read_document), to web pages and plain text, never to feeds
or Markdown (issue 13: reader mode is called by the layer that decides to use it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuinews.extract.document import read_document
from tuinews.formats import FormatError, NeedsWorker, article_markdown, parse_document

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
TEASER = "Apple hat mit den Betriebssystem-Updates vom Mittwoch"  # after heise's article
STORY = "AgileBits hat Version 5.3 seines bekannten Passwortmanagers"


def test_a_web_page_is_read_in_reader_mode_and_parsed_as_it_is() -> None:
    data = (EXTRACT / "heise.html").read_bytes()
    (page,) = parse_document(data, name="heise.html", path="/p/heise.html")
    (read,) = read_document(data, name="heise.html", path="/p/heise.html")
    assert page.kind == "html" and read.kind == "markdown"
    assert TEASER in page.text and TEASER not in read.body and TEASER not in read.text
    assert STORY in read.body
    assert read.title == "1Password für Mac generiert Einmal-Passwörter"
    assert read.path == read.uid == "/p/heise.html"  # the page's own fields are kept


def test_plain_text_is_read_in_reader_mode() -> None:
    data = (EXTRACT.parent / "moscow_times.txt").read_bytes()
    (page,) = parse_document(data, name="story.txt")
    (read,) = read_document(data, name="story.txt")
    appeal = "we have a small favor to ask"
    assert appeal in page.body and appeal not in read.body
    assert "Concerns have also been rising" in read.body  # the last story paragraph
    assert read.title == "Russia ‘Regroups’ Troops in East as Ukraine Advances"


def test_markdown_looking_text_is_not_read_in_reader_mode() -> None:
    data = (EXTRACT / "heise.txt").read_bytes()  # read as Markdown (its "#" headings)
    assert (
        read_document(data, name="heise.txt")[0].body
        == parse_document(data, name="heise.txt")[0].body
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("note.md", b"---\ntitle: A note\n---\n\nSome *Markdown* text.\n"),
        (
            "feed.xml",
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
            b"<item><title>One</title><description>&lt;p&gt;Body.&lt;/p&gt;</description>"
            b"</item></channel></rss>",
        ),
        ("feed.json", b'{"version": "1.1", "items": [{"id": "1", "content_text": "Hi."}]}'),
    ],
)
def test_markdown_and_feeds_are_read_as_they_are_parsed(name: str, data: bytes) -> None:
    mtime = datetime(2024, 5, 1, tzinfo=UTC)
    parsed = parse_document(data, name=name, path="/p", mtime=mtime)
    read = read_document(data, name=name, path="/p", mtime=mtime)
    fields = ("title", "source", "body", "kind", "text", "date", "link", "uid")
    assert [[getattr(a, f) for f in fields] for a in read] == [
        [getattr(a, f) for f in fields] for a in parsed
    ]


def test_errors_are_the_parsers() -> None:
    with pytest.raises(FormatError, match="binary file"):
        read_document(b"\x00\x01\x02 binary", name="x.txt")
    with pytest.raises(NeedsWorker):
        read_document(b"<html><body><p>A page</p></body></html>", name="a.html", fast_only=True)


def test_html_is_converted_once_when_first_asked_for() -> None:
    data = b"<html><head><title>T</title></head><body><h2>Sub</h2><p>Para</p></body></html>"
    (article,) = parse_document(data, name="a.html")
    assert article.cached_markdown is None and article.ready_markdown is None
    assert article_markdown(article) == "## Sub\n\nPara"
    assert article.ready_markdown == article.cached_markdown == "## Sub\n\nPara"
