"""Enclosures as each feed format gives them (issue 16): RSS <enclosure> with
itunes:duration, Atom rel="enclosure", Media RSS media:content, JSON Feed attachments;
read alike by the fast parser and by feedparser, and made safe."""

from __future__ import annotations

import json

import pytest

from tests.builders import atom_document
from tuinews.enclosures import describe, header_lines
from tuinews.file_names import file_name_for, safe_file_name
from tuinews.formats import parse_feed
from tuinews.formats.enclosures import MAX_ENCLOSURES, parse_duration, parse_length
from tuinews.formats.fastfeed import read as fast_read
from tuinews.formats.feeds import _build_feed, _read_with_feedparser
from tuinews.models import Enclosure
from tuinews.render import header

PODCAST = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Pod</title><link>https://pod.example/</link>
<item><title>Episode 1</title><link>https://pod.example/1</link><guid>e1</guid>
<description>First.</description>
<enclosure url="https://cdn.example/e1.mp3?a=1&amp;b=2" type="audio/mpeg" length="56789012"/>
<itunes:duration>1:02:03</itunes:duration>
<media:content url="https://cdn.example/e1.mp4" type="video/mp4" fileSize="99" duration="60"/>
</item>
<item><title>Episode 2</title><link>https://pod.example/2</link><guid>e2</guid>
<description>Second.</description>
<enclosure url="file:///etc/passwd" type="audio/mpeg" length="1"/>
<enclosure url="javascript:alert(1)" type="audio/mpeg" length="1"/>
<enclosure url="media/e2.ogg" type="&lt;b&gt;bold&lt;/b&gt;" length="-5"/>
<itunes:duration>forever</itunes:duration>
</item>
<item><title>Episode 3</title><link>https://pod.example/3</link><guid>e3</guid>
<description>No enclosure.</description></item>
</channel></rss>"""

EXPECTED = [
    (
        Enclosure("https://cdn.example/e1.mp3?a=1&b=2", "audio/mpeg", 56789012, 3723),
        Enclosure("https://cdn.example/e1.mp4", "video/mp4", 99, 60),
    ),
    (Enclosure("https://pod.example/media/e2.ogg", "", None, None),),
    (),
]


def test_rss_enclosures_with_itunes_duration_and_media_rss() -> None:
    assert fast_read(PODCAST) is not None  # the fast path reads this document
    parsed = parse_feed(PODCAST, "https://pod.example/feed.xml")
    assert [a.enclosures for a in parsed.articles] == EXPECTED


def test_feedparser_reads_the_same_enclosures() -> None:
    raw = _read_with_feedparser(PODCAST)
    built = _build_feed(raw, name="x", path="", mtime=None, url="https://pod.example/feed.xml")
    assert [a.enclosures for a in built.articles] == EXPECTED


ATOM = atom_document(
    "<entry><id>urn:1</id><title>T</title><link href='https://a.example/1'/>"
    "<link rel='enclosure' href='https://a.example/talk.opus' type='audio/opus' length='4096'/>"
    "<link rel='enclosure' href='file:///home/me/.ssh/id_rsa' type='audio/opus'/>"
    "<content type='html'>Talk</content></entry>"
)


def test_atom_enclosure_links_both_parsers() -> None:
    expected = (Enclosure("https://a.example/talk.opus", "audio/opus", 4096, None),)
    assert parse_feed(ATOM, "https://a.example/feed").articles[0].enclosures == expected
    built = _build_feed(_read_with_feedparser(ATOM), name="x", path="", mtime=None)
    assert built.articles[0].enclosures == expected


def test_json_feed_attachments() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "home_page_url": "https://j.example/",
        "items": [
            {
                "id": "1",
                "content_text": "hi",
                "attachments": [
                    {
                        "url": "/e/1.m4a",
                        "mime_type": "audio/x-m4a",
                        "size_in_bytes": 1000,
                        "duration_in_seconds": 90.5,
                    },
                    {"url": "data:audio/mpeg;base64,AAAA", "mime_type": "audio/mpeg"},
                    "not an attachment",
                    {"url": 5},
                ],
            }
        ],
    }
    parsed = parse_feed(json.dumps(feed).encode(), "https://j.example/feed.json")
    assert parsed.articles[0].enclosures == (
        Enclosure("https://j.example/e/1.m4a", "audio/x-m4a", 1000, 90),
    )


def test_at_most_a_few_enclosures_each_url_once() -> None:
    many = "".join(
        f'<enclosure url="https://x.example/{n % 30}.mp3" type="audio/mpeg"/>' for n in range(60)
    )
    doc = (
        '<rss version="2.0"><channel><title>X</title><item><title>t</title><guid>g</guid>'
        f"<description>d</description>{many}</item></channel></rss>"
    ).encode()
    (article,) = parse_feed(doc, "https://x.example/f").articles
    assert len(article.enclosures) == MAX_ENCLOSURES
    assert len({e.url for e in article.enclosures}) == MAX_ENCLOSURES


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3723", 3723), ("62:03", 3723), ("1:02:03", 3723), ("45.7", 45), ("0", None)],
)
def test_durations(text: str, seconds: int | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "x", "-1", "0", "1e9", "99999999999999999999"])
def test_bad_lengths_are_none(text: str) -> None:
    assert parse_length(text) is None


def test_the_header_shows_type_size_and_duration() -> None:
    parsed = parse_feed(PODCAST, "https://pod.example/feed.xml")
    lines = [line.plain for line in header(parsed.articles[0])]
    assert "Enclosure 1: audio/mpeg · 54.2 MB · 1:02:03" in lines
    assert "https://cdn.example/e1.mp3?a=1&b=2" in lines
    assert header_lines((Enclosure("https://x/a", ""),)) == [("Enclosure: file", "https://x/a")]
    assert describe(Enclosure("https://x/a", "audio/ogg", None, 65)) == "audio/ogg · 1:05"


def test_the_header_never_reads_markup() -> None:
    enclosure = Enclosure("https://x.example/[bold]x[/bold].mp3", "audio/mpeg")
    lines = header_lines((enclosure,))
    assert lines[0][1] == "https://x.example/[bold]x[/bold].mp3"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("episode 1.mp3", "episode 1.mp3"),
        ("a/../../.bashrc;rm -rf ~;$(id).mp3", "a_.._.._.bashrc;rm -rf ~;$(id).mp3"),
        ("..", "enclosure"),
        ("CON.mp3", "_CON.mp3"),
        ("nul", "_nul"),
        ('what?<>:"|*.mp3', "what_______.mp3"),
        ("-rf.mp3", "rf.mp3"),
        ("trailing. ", "trailing"),
        ("tab\there\x00.mp3", "tab here.mp3"),
        ("\u202eevil.mp3", "evil.mp3"),
        ("zero\u200bwidth.mp3", "zerowidth.mp3"),  # the article names' rules too
        ("COM\u00b9.mp3", "_COM\u00b9.mp3"),
        ("ok.\x1b[2J", "ok.[2J"),
    ],
)
def test_safe_file_names(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_file_name("é" * 300 + ".mp3")
    assert name.endswith(".mp3") and len(name.encode()) <= 150


def test_file_name_from_the_url() -> None:
    assert file_name_for(Enclosure("https://x.example/a/b%20c.mp3?x=1")) == "b c.mp3"
    assert file_name_for(Enclosure("https://x.example/a/", "audio/mpeg")) == "enclosure.mp3"
    assert file_name_for(Enclosure("https://x.example/get?id=5", "video/mp4")) == "get.mp4"
    hostile = Enclosure("https://x.example/a%2F..%2F..%2F.bashrc")
    assert "/" not in file_name_for(hostile) and file_name_for(hostile) != ".bashrc"


def test_reader_api_items_carry_their_enclosures() -> None:
    """A synced item's ``enclosure`` entries (FreshRSS, Miniflux) become enclosures by the
    same rules as a feed's."""
    from tuinews.fetch.greader_data import parse_contents_page
    from tuinews.sync.items import remote_articles

    page = parse_contents_page(
        {
            "items": [
                {
                    "id": "tag:google.com,2005:reader/item/000000000000001f",
                    "title": "Episode",
                    "origin": {"streamId": "feed/1", "title": "Pod"},
                    "canonical": [{"href": "https://pod.example/1"}],
                    "summary": {"content": "notes"},
                    "enclosure": [
                        {"href": "https://cdn.example/1.mp3", "type": "audio/mpeg", "length": 77},
                        {"href": "file:///etc/passwd", "type": "audio/mpeg"},
                        "junk",
                    ],
                }
            ]
        }
    )
    (remote,) = remote_articles(page.items)
    assert remote.article.enclosures == (
        Enclosure("https://cdn.example/1.mp3", "audio/mpeg", 77, None),
    )
