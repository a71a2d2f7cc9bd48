"""Subscription lists (OPML, newsboat urls) and feed discovery: pure functions."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tuinews.subscriptions import (
    MAX_FEEDS,
    ImportResult,
    Subscription,
    SubscriptionFileError,
    export_opml,
    normalise_feed_url,
    parse_newsboat_urls,
    parse_opml,
    read_subscriptions,
)
from tuinews.subscriptions.discover import DiscoveredFeed, discover_feeds

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "subscriptions"


def fixture(name: str) -> bytes:
    return (HERE / name).read_bytes()


def by_url(result: ImportResult) -> dict[str, Subscription]:
    return {sub.url: sub for sub in result.subscriptions}


def opml(body: str, version: str = "2.0") -> bytes:
    return f'<?xml version="1.0"?><opml version="{version}"><body>{body}</body></opml>'.encode()


# --- normalise_feed_url -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/feed.xml", "https://example.com/feed.xml"),
        ("  http://example.com/rss?x=1#top \n", "http://example.com/rss?x=1#top"),
        ("HTTPS://Example.com/Feed", "HTTPS://Example.com/Feed"),
        ("feed://example.com/rss", "https://example.com/rss"),
        ("FEED://example.com/rss", "https://example.com/rss"),
        ("feed:https://example.com/rss", "https://example.com/rss"),
        ("feed:http://example.com/rss", "http://example.com/rss"),
        ("http://user:pw@example.com:8080/x", "http://user:pw@example.com:8080/x"),
        ("http://[::1]:8000/feed", "http://[::1]:8000/feed"),
    ],
)
def test_normalise_accepts_http_urls(value: str, expected: str) -> None:
    assert normalise_feed_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "example.com/feed",
        "//example.com/feed",
        "/feed.xml",
        "http://",
        "http:///path",
        "ftp://example.com/feed",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "exec:rm -rf ~",
        "|~/evil.sh",
        "query:Unread:unread = yes",
        "feed:example.com/rss",
        "feed:javascript:alert(1)",
        "-http://example.com/",
        "--config=x",
        "http://example.com/a b",
        "http://example.com/a\tb",
        "http://example.com/a\r\nX-Injected: 1",
        "http://example.com/\x1b[2J",
        "http://example.com/\u202eexe.xml",
        "http://exa\u200bmple.com/feed",
        "http://example.com:99999999/",
        "http://example.com:port/",
        "http://[::1/feed",
        "http://" + "a" * 8000 + ".com/",
    ],
)
def test_normalise_refuses_everything_else(value: str) -> None:
    assert normalise_feed_url(value) is None


# --- OPML ---------------------------------------------------------------------------------


def test_opml_1_0_feedly_export_folders_become_tags_and_duplicates_merge() -> None:
    result = read_subscriptions(fixture("opml1-feedly.opml"), "feedly.opml")
    assert result.format == "opml"
    assert result.rejected == []
    assert [s.url for s in result.subscriptions] == [
        "https://lwn.net/headlines/rss",
        "http://planet.debian.org/rss20.xml",
        "http://feeds.bbci.co.uk/news/world/rss.xml",
        "https://xkcd.com/atom.xml",
    ]
    subs = by_url(result)
    # LWN appears in two folders: one subscription, both tags, first title.
    assert subs["https://lwn.net/headlines/rss"] == Subscription(
        "https://lwn.net/headlines/rss", "LWN.net", ("Linux", "News")
    )
    assert subs["http://feeds.bbci.co.uk/news/world/rss.xml"].tags == ("News",)
    assert subs["https://xkcd.com/atom.xml"] == Subscription(
        "https://xkcd.com/atom.xml", "xkcd.com", ()
    )


def test_opml_2_0_nested_folders_categories_title_preference_and_rejections() -> None:
    result = parse_opml(fixture("opml2-categories.opml"))
    subs = by_url(result)
    assert list(subs) == [
        "https://blog.python.org/feeds/posts/default?alt=rss",
        "https://cafe.example.org/feed.xml",
        "https://only-title.example.net/atom",
        "https://filtered.example.com/rss",
        "https://pod.example.com/episodes.rss",
    ]
    python = subs["https://blog.python.org/feeds/posts/default?alt=rss"]
    # text is preferred over title; nested folders outermost first, then category entries
    # (a "/"-path loses its leading slash).
    assert python.title == "My name for it"
    assert python.tags == ("Tech", "Programming", "python", "Languages/Scripting")
    # ISO-8859-1 document, character and entity references decoded.
    assert subs["https://cafe.example.org/feed.xml"].title == "Café & Code"
    assert subs["https://cafe.example.org/feed.xml"].tags == ("Tech", "Programming")
    # xmlURL in another case; only a title attribute.
    assert subs["https://only-title.example.net/atom"] == Subscription(
        "https://only-title.example.net/atom", "Only a title", ("Tech",)
    )
    assert subs["https://pod.example.com/episodes.rss"].tags == ("audio",)

    rejected = dict(result.rejected)
    assert rejected["|~/evil.sh"] == "runs a command: not an http(s) feed URL"
    assert rejected["exec:rm -rf ~"] == "runs a command: not an http(s) feed URL"
    assert rejected["javascript:alert(document.cookie)"] == "not an http(s) feed URL"
    assert rejected["file:///etc/passwd"] == "a local file: not an http(s) feed URL"
    filtered = [why for what, why in result.rejected if what.startswith("filtercmd=")]
    assert filtered == ["command filters are not supported; the feed was imported without it"]
    assert len(result.rejected) == 5


def test_opml_title_falls_back_and_url_only_title_is_empty() -> None:
    result = parse_opml(
        opml(
            '<outline text="" title="From title" xmlUrl="https://a.example/f"/>'
            '<outline xmlUrl="https://b.example/f"/>'
            '<outline text="https://c.example/f" xmlUrl="https://c.example/f"/>'
            '<outline text="Both" title="Ignored" xmlUrl="https://d.example/f"/>'
        )
    )
    assert [s.title for s in result.subscriptions] == ["From title", "", "", "Both"]


def test_opml_type_attribute_is_ignored_and_empty_xmlurl_is_reported() -> None:
    result = parse_opml(
        opml(
            '<outline type="link" text="A" xmlUrl="https://a.example/f"/>'
            '<outline type="rss" text="Empty" xmlUrl="  "/>'
            '<outline type="rss" text="No url at all"/>',
            version="1.0",
        )
    )
    assert [s.url for s in result.subscriptions] == ["https://a.example/f"]
    assert result.rejected == [('"Empty" (no xmlUrl)', "the outline has an empty xmlUrl")]


def test_opml_category_edge_cases() -> None:
    result = parse_opml(
        opml(
            '<outline text="F"><outline text="x" xmlUrl="https://a.example/f"'
            ' category=" F ,, /Boston/Weather , //odd, / ,tag"/></outline>'
        )
    )
    assert result.subscriptions[0].tags == ("F", "Boston/Weather", "/odd", "tag")


def test_opml_titles_and_tags_are_sanitised() -> None:
    # C1 CSI (U+009B) is legal in XML 1.0 and is a terminal escape; so are bidi overrides.
    hostile = (
        "&#155;2J&#x202e;Evil&#x200b; [bold red]markup[/]&#10;second line"
        " \u200f&#x1b6;"  # a stray RLM, then a plain character
    )
    result = parse_opml(
        opml(
            f'<outline text="Folder&#155;31m &#x2066;x">'
            f'<outline text="{hostile}" xmlUrl="https://a.example/f" category="a&#155;b"/>'
            "</outline>"
        )
    )
    sub = result.subscriptions[0]
    assert sub.title == "2JEvil [bold red]markup[/] second line \u01b6"
    assert sub.tags == ("Folder31m x", "ab")
    for text in (sub.title, *sub.tags):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text)
        assert not set(text) & {"\u202e", "\u2066", "\u200b", "\u200f"}


def test_opml_feed_outline_nested_in_feed_outline_does_not_make_a_tag() -> None:
    result = parse_opml(
        opml(
            '<outline text="Parent feed" xmlUrl="https://a.example/f">'
            '<outline text="Child" xmlUrl="https://b.example/f"/></outline>'
        )
    )
    assert [(s.url, s.tags) for s in result.subscriptions] == [
        ("https://a.example/f", ()),
        ("https://b.example/f", ()),
    ]


# --- Hostile OPML -----------------------------------------------------------------------------


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)
    )
    + ']><opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://a.example/"/>'
    "</body></opml>"
).encode()


def test_one_line_billion_laughs_is_refused_quickly() -> None:
    assert b"\n" not in BILLION_LAUGHS
    start = time.perf_counter()
    with pytest.raises(SubscriptionFileError, match="declares XML entities"):
        read_subscriptions(BILLION_LAUGHS, "laughs.opml")
    assert time.perf_counter() - start < 10  # a guard against a hang, not a speed test


def test_any_entity_declaration_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY name "Harmless">]>'
        b'<opml><body><outline text="&name;" xmlUrl="https://a.example/"/></body></opml>'
    )
    with pytest.raises(SubscriptionFileError) as caught:
        parse_opml(data)
    message = str(caught.value)
    assert message.count(".") == 1 and message.endswith(".")


XXE_SCRIPT = """
import sys
touched = []
def hook(event, args):
    if event == "open" and "passwd" in str(args[0]):
        touched.append(args[0])
    if event in ("socket.connect", "socket.getaddrinfo"):
        touched.append(args)
sys.addaudithook(hook)
from tuinews.subscriptions import parse_opml, SubscriptionFileError
docs = [
    b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<opml><body><outline text="&x;" xmlUrl="https://a.example/"/></body></opml>',
    b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
    b'<opml><body/></opml>',
    b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/x.dtd">'
    b'<opml><body><outline text="t" xmlUrl="https://a.example/"/></body></opml>',
]
outcomes = []
for doc in docs:
    try:
        result = parse_opml(doc)
        outcomes.append("ok:" + ",".join(s.title for s in result.subscriptions))
    except SubscriptionFileError as error:
        outcomes.append("refused")
print(outcomes, touched)
"""


def test_xxe_and_external_dtds_are_never_fetched() -> None:
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(XXE_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    # The two entity declarations are refused; the external DTD is simply not loaded.
    assert run.stdout.strip() == "['refused', 'refused', 'ok:t'] []"
    assert "root:" not in run.stdout


def test_100000_outlines_are_capped_reported_and_fast() -> None:
    body = "".join(
        f'<outline text="Feed {i}" xmlUrl="https://example.com/{i}.xml"/>' for i in range(100_000)
    )
    data = opml(body)
    start = time.perf_counter()
    result = read_subscriptions(data)
    elapsed = time.perf_counter() - start
    assert len(result.subscriptions) == MAX_FEEDS == 10_000
    assert result.subscriptions[-1].url == "https://example.com/9999.xml"
    assert result.rejected == [
        ("90000 more feed outlines", "over the limit of 10,000 feeds read from one file")
    ]
    assert elapsed < 10  # a guard against a hang, not a speed test


def test_nesting_10000_deep_has_no_recursion_error() -> None:
    depth = 10_000
    body = (
        "".join(f'<outline text="level {i}">' for i in range(depth))
        + '<outline text="Deep" xmlUrl="https://deep.example/feed"/>'
        + "</outline>" * depth
    )
    start = time.perf_counter()
    result = parse_opml(opml(body))
    assert time.perf_counter() - start < 10  # a guard against a hang, not a speed test
    (sub,) = result.subscriptions
    assert sub.title == "Deep"
    # Tags are capped per subscription; the outermost folders come first.
    assert sub.tags[:3] == ("level 0", "level 1", "level 2")
    assert len(sub.tags) == 64


def test_folder_stack_unwinds_correctly() -> None:
    result = parse_opml(
        opml(
            '<outline text="A"><outline text="B"><outline text="ab" xmlUrl="https://ab.x/f"/>'
            '</outline><outline text="a" xmlUrl="https://a.x/f"/></outline>'
            '<outline text="top" xmlUrl="https://top.x/f"/>'
        )
    )
    assert [(s.title, s.tags) for s in result.subscriptions] == [
        ("ab", ("A", "B")),
        ("a", ("A",)),
        ("top", ()),
    ]


# --- Format detection and garbage ------------------------------------------------------------


def test_detection_picks_the_format() -> None:
    assert read_subscriptions(fixture("opml1-feedly.opml")).format == "opml"
    assert read_subscriptions(fixture("urls")).format == "newsboat"
    # BOMs and leading blank lines do not hide the format.
    bom = b"\xef\xbb\xbf\n  " + opml('<outline xmlUrl="https://a.example/"/>')
    assert read_subscriptions(bom).format == "opml"
    utf16 = opml('<outline text="Ünïcode" xmlUrl="https://a.example/"/>').decode()
    utf16 = utf16.replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    result = read_subscriptions(utf16.encode("utf-16"))
    assert (result.format, result.subscriptions[0].title) == ("opml", "Ünïcode")
    newsboat = read_subscriptions(b"\xef\xbb\xbfhttps://a.example/feed tag\r\n")
    assert newsboat.subscriptions == [Subscription("https://a.example/feed", "", ("tag",))]
    # A latin-1 urls file still reads.
    latin = read_subscriptions('https://a.example/f "~Caf\xe9"\n'.encode("latin-1"))
    assert latin.subscriptions[0].title == "Café"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<opml><body><outline text='x'", "malformed XML (unclosed token at line 1, column 13)"),
        (b"<?xml version='1.0'?>\n<opml>\n<body>\n<outline></body></opml>", "line 4"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "<rss> root element"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "<feed> root element"),
        (b"<!DOCTYPE html><html><head><title>x</title></head></html>", "is a web page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        (b"Dear diary,\ntoday I read the news.\n", "neither an OPML file nor a newsboat"),
        (bytes(random.Random(7).randrange(1, 256) for _ in range(3000)), "subscriptions.txt"),
    ],
)
def test_garbage_raises_one_clear_sentence(data: bytes, fragment: str) -> None:
    with pytest.raises(SubscriptionFileError) as caught:
        read_subscriptions(data, "subscriptions.txt")
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("subscriptions.txt ")
    assert message.endswith(".") and "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_truncated_opml_says_where_its_xml_breaks_and_keeps_what_it_can_read() -> None:
    data = fixture("opml2-categories.opml")
    cut = data[: data.index(b"Run me") + 3]  # in the middle of the fourth feed outline
    result = read_subscriptions(cut, "subs.opml")
    assert result.format == "opml"
    assert result.problem.startswith("subs.opml is malformed XML (")
    assert "(unclosed token at line 16, column 3)" in result.problem
    assert result.problem.endswith("the 3 feed outlines that could be read were imported.")
    assert [s.url for s in result.subscriptions] == [
        "https://blog.python.org/feeds/posts/default?alt=rss",
        "https://cafe.example.org/feed.xml",
        "https://only-title.example.net/atom",
    ]
    assert result.subscriptions[0].tags == ("Tech", "Programming", "python", "Languages/Scripting")
    # A well-formed file has no problem.
    assert read_subscriptions(data).problem == ""


def test_malformed_opml_keeps_outlines_after_the_fault() -> None:
    # An unescaped "&" stops expat at line 3; libxml2's recover mode reads on.
    data = (
        b'<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
        b'<outline text="News"><outline text="A & B" xmlUrl="https://a.example/feed"/>\n'
        b'<outline text="C" xmlUrl="https://c.example/feed"/></outline>\n'
        b'<outline text="D" xmlUrl="exec:rm -rf ~"/>\n'
    )
    result = read_subscriptions(data, "x.opml")
    assert "x.opml is malformed XML (not well-formed (invalid token) at line 3" in result.problem
    assert [(s.url, s.tags) for s in result.subscriptions] == [
        ("https://a.example/feed", ("News",)),
        ("https://c.example/feed", ("News",)),
    ]
    assert result.rejected == [("exec:rm -rf ~", "runs a command: not an http(s) feed URL")]


def test_opml_after_a_stray_line_is_opml_not_a_urls_file() -> None:
    data = b"Exported by SomeReader 1.0\n" + opml('<outline xmlUrl="https://a.example/f"/>')
    result = read_subscriptions(data, "export.opml")
    assert result.format == "opml"
    assert "malformed XML (syntax error at line 1, column 1)" in result.problem
    assert [s.url for s in result.subscriptions] == ["https://a.example/f"]


def test_malformed_xml_that_is_not_opml_or_declares_entities_is_still_refused() -> None:
    with pytest.raises(SubscriptionFileError, match=r"malformed XML .* not an OPML subscription"):
        read_subscriptions(b"<?xml version='1.0'?>\n<<rss><channel><item>", "f.xml")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]>'
        b'<opml><body><outline xmlUrl="https://a.example/&a;"'
    )
    with pytest.raises(SubscriptionFileError, match="declares XML entities"):
        read_subscriptions(bomb, "f.opml")
    truncated_prolog = b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "'
    with pytest.raises(SubscriptionFileError, match="declares XML entities"):
        read_subscriptions(truncated_prolog, "f.opml")


def test_oversized_file_is_refused_before_parsing() -> None:
    from tuinews import subscriptions

    data = b" " * (subscriptions.MAX_FILE_BYTES + 1)
    with pytest.raises(SubscriptionFileError, match="too large"):
        read_subscriptions(data)


def test_empty_or_comment_only_urls_file_is_an_empty_list() -> None:
    assert read_subscriptions(b"") == ImportResult([], [], "newsboat")
    assert read_subscriptions(b"# nothing yet\n\n") == ImportResult([], [], "newsboat")


# --- newsboat urls ---------------------------------------------------------------------------


def test_newsboat_urls_fixture() -> None:
    result = read_subscriptions(fixture("urls"), "urls")
    assert result.format == "newsboat"
    assert result.subscriptions == [
        # The duplicate on line 12 adds its tag, and its title since the first had none.
        Subscription(
            "https://lwn.net/headlines/rss", "LWN duplicate title", ("linux", "news", "security")
        ),
        Subscription(
            "https://www.debian.org/News/news", "Debian News", ("Debian project", "linux")
        ),
        # "!hidden": hidden in newsboat, so imported hidden (the tag itself is not kept).
        Subscription(
            "http://feeds.bbci.co.uk/news/world/rss.xml", "BBC: World", ("news",), hidden=True
        ),
        Subscription("https://xkcd.com/atom.xml", "", ("comics",)),
        Subscription("https://feeds.example.org/podcast.xml", "", ("podcasts",)),
    ]
    # The query feed is kept for the importer (a saved search, once translated).
    assert result.queries == [("line 8", 'query:Unread Articles:unread = "yes"')]
    assert result.rejected == [
        ("line 9: exec:~/bin/fetch-secret-feed.sh", "runs a command: not an http(s) feed URL"),
        (
            "line 10: filter:~/bin/fix.sh:https://broken.example.com/rss",
            "runs a command: not an http(s) feed URL",
        ),
        ("line 11: file:///home/me/local-feed.xml", "a local file: not an http(s) feed URL"),
        ("line 13: gopher://gopher.example.org/1/phlog", "not an http(s) feed URL"),
    ]


def test_newsboat_duplicate_keeps_first_title_or_the_first_one_given() -> None:
    result = parse_newsboat_urls(
        "https://a.example/f one\nhttps://a.example/f two ~Later\nhttps://a.example/f ~Ignored\n"
    )
    assert result.subscriptions == [Subscription("https://a.example/f", "Later", ("one", "two"))]


def test_newsboat_tokenising() -> None:
    result = parse_newsboat_urls(
        "\n"
        'https://a.example/f#frag "tag with spaces" "say \\"hi\\"" back\\slash ~Unquoted #comment\n'
        '\thttps://b.example/f\ttab\t"!hidden" !also-hidden "~"  "" "unterminated tag\n'
        'https://c.example/f "~First" "~Second"\n'
        '"https://d.example/quoted" x\n'
    )
    assert result.subscriptions == [
        Subscription(
            "https://a.example/f#frag",
            "Unquoted",
            ("tag with spaces", 'say "hi"', "back\\slash"),
        ),
        Subscription("https://b.example/f", "", ("tab", "unterminated tag"), hidden=True),
        Subscription("https://c.example/f", "First", ()),
        Subscription("https://d.example/quoted", "", ("x",)),
    ]
    assert result.rejected == []


def test_newsboat_titles_and_tags_are_sanitised() -> None:
    result = parse_newsboat_urls(
        'https://a.example/f "~\x1b[31mRed\x1b[0m \u202eevil\x07" "t\x1b]0;pwned\x07ag" "\u200b"\n'
    )
    (sub,) = result.subscriptions
    assert sub.title == "[31mRed[0m evil"
    assert sub.tags == ("t]0;pwnedag",)


def test_newsboat_every_rejected_line_names_its_line_number() -> None:
    text = "\n".join(
        [
            "https://ok.example/feed",
            "javascript:alert(1)",
            "  ",
            "-http://dash.example/",
            '"http://host.example/has space" tag',
            "QUERY:x:y",
            "EXEC:cmd",
            "#https://commented.example/",
            "ftp://files.example/feed",
        ]
    )
    result = parse_newsboat_urls(text)
    assert [s.url for s in result.subscriptions] == ["https://ok.example/feed"]
    assert [what.split(":")[0] for what, _ in result.rejected] == [
        "line 2",
        "line 4",
        "line 5",
        "line 7",
        "line 9",
    ]
    assert result.queries == [("line 6", "QUERY:x:y")]


def test_newsboat_only_rejections_is_not_garbage() -> None:
    result = read_subscriptions(b'"query:Unread:unread = \\"yes\\""\nexec:foo\n')
    assert result.subscriptions == []
    assert len(result.rejected) == 1 and len(result.queries) == 1


def test_newsboat_lines_are_capped() -> None:
    text = "".join(f"https://example.com/{i}\n" for i in range(MAX_FEEDS + 5))
    result = parse_newsboat_urls(text)
    assert len(result.subscriptions) == MAX_FEEDS
    assert result.rejected == [
        ("5 more feed lines", "over the limit of 10,000 feeds read from one file")
    ]


# --- Export --------------------------------------------------------------------------------


def test_export_is_opml_2_with_folders_and_categories() -> None:
    text = export_opml(
        [
            Subscription("https://a.example/f", "A & <b>", ("News", "World")),
            Subscription("https://b.example/f", "", ()),
            Subscription("https://c.example/f", 'C "quoted"', ("News",)),
            Subscription("file:///etc/passwd", "local", ("x",)),
        ],
        title="My <feeds>",
    )
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>My &lt;feeds&gt;</title>" in text
    assert (
        '<outline text="News" title="News">\n'
        '      <outline type="rss" text="A &amp; &lt;b&gt;" title="A &amp; &lt;b&gt;"'
        ' xmlUrl="https://a.example/f" category="News,World"/>\n'
        '      <outline type="rss" text="C &quot;quoted&quot;" title="C &quot;quoted&quot;"'
        ' xmlUrl="https://c.example/f" category="News"/>\n'
        "    </outline>"
    ) in text
    assert '<outline type="rss" text="https://b.example/f" xmlUrl="https://b.example/f"/>' in text
    assert "passwd" not in text
    result = parse_opml(text.encode())
    assert result.rejected == []
    assert by_url(result) == {
        "https://a.example/f": Subscription("https://a.example/f", "A & <b>", ("News", "World")),
        "https://b.example/f": Subscription("https://b.example/f", "", ()),
        "https://c.example/f": Subscription("https://c.example/f", 'C "quoted"', ("News",)),
    }


WORDS = [
    "news",
    "Tech",
    "AT&T",
    "<script>",
    'say "hi"',
    "it's",
    "Café",
    "日本語",
    "Ελληνικά",
    "emoji 📰",
    "a/b/c",
    "/rooted",
    "x > y",
    "&amp;",
    "[bold]",
    "\\backslash",
    "tab\tand  spaces",
    "שלום",
]


def _generated(seed: int) -> list[Subscription]:
    rng = random.Random(seed)
    subs = []
    for i in range(rng.randrange(1, 25)):
        title = " ".join(rng.sample(WORDS, rng.randrange(0, 4)))
        tags = tuple(dict.fromkeys(rng.sample(WORDS, rng.randrange(0, 5))))
        if rng.random() < 0.2:
            tags = ("First, with comma", *tags)
        url = rng.choice(["https", "http"]) + f"://host{i % 7}.example/feed/{i}?q=a&b=<c>"
        subs.append(Subscription(url, title, tags, hidden=rng.random() < 0.2))
    return subs


def _cleaned(sub: Subscription) -> Subscription:
    from tuinews.sanitise import clean_line

    tags = tuple(clean_line(t) for t in sub.tags)
    return Subscription(sub.url, clean_line(sub.title), tags, sub.hidden)


@pytest.mark.parametrize("seed", range(12))
def test_export_then_parse_round_trips_titles_and_tags(seed: int) -> None:
    subs = [_cleaned(s) for s in _generated(seed)]
    result = parse_opml(export_opml(subs).encode("utf-8"))
    assert result.rejected == []
    assert by_url(result) == {s.url: s for s in subs}
    # And the same through detection, as `tuinews import` reads it.
    assert by_url(read_subscriptions(export_opml(subs).encode())) == {s.url: s for s in subs}


def test_export_marks_hidden_feeds_in_an_attribute_of_its_own() -> None:
    text = export_opml(
        [
            Subscription("https://a.example/f", "Hidden", ("x",), hidden=True),
            Subscription("https://b.example/f", "Shown"),
        ]
    )
    assert '<opml version="2.0" xmlns:tuinews="urn:tuinews:opml">' in text
    assert (
        '<outline type="rss" text="Hidden" title="Hidden" xmlUrl="https://a.example/f"'
        ' category="x" tuinews:hidden="true"/>'
    ) in text
    assert [s.hidden for s in parse_opml(text.encode()).subscriptions] == [False, True]
    # Read with any namespace, or none; only a true value hides.
    body = "".join(
        f'<outline xmlUrl="https://{n}.example/f" {attr}/>'
        for n, attr in enumerate(
            ['x:hidden="1"', 'hidden="TRUE"', 'hidden="yes"', 'hidden="false"', 'hidden=""', ""]
        )
    )
    opml = f'<opml version="2.0" xmlns:x="urn:other"><body>{body}</body></opml>'
    read = parse_opml(opml.encode()).subscriptions
    assert [s.hidden for s in read] == [True, True, True, False, False, False]


def test_export_merges_duplicates_and_drops_unwritable_characters() -> None:
    text = export_opml(
        [
            Subscription("https://a.example/f", "One\x1b[2J\uffff", ("x",)),
            Subscription("https://a.example/f", "Two", ("y", "x")),
        ]
    )
    assert text.count("xmlUrl=") == 1
    assert by_url(parse_opml(text.encode())) == {
        "https://a.example/f": Subscription("https://a.example/f", "One[2J", ("x", "y"))
    }


# --- Feed discovery ----------------------------------------------------------------------------


def test_discover_feeds_on_a_blog_page() -> None:
    html = fixture("blog.html").decode()
    found = discover_feeds(html, "https://blog.example.com/2024/05/post.html")
    assert found == [
        DiscoveredFeed(
            "https://blog.example.com/blog/feed/", "application/rss+xml", "Example Blog » Feed"
        ),
        DiscoveredFeed(
            "https://blog.example.com/blog/comments/feed/",
            "application/rss+xml",
            "Example Blog » Comments Feed",
        ),
        DiscoveredFeed("https://cdn.example.net/atom.xml", "application/atom+xml", "Atom"),
        DiscoveredFeed("https://blog.example.com/feed.json", "application/feed+json", "JSON Feed"),
        DiscoveredFeed(
            "https://blog.example.com/late.atom", "application/atom+xml", "Late [31mAtom"
        ),
    ]


def test_discover_feeds_relative_without_base_and_rel_tokens() -> None:
    html = """
    <html><head>
    <LINK REL="ALTERNATE" TYPE="application/rss+xml" HREF="../rss.xml" TITLE="Up">
    <link rel="feed alternate" type="application/json" href="feed.json">
    <link rel="alternative" type="application/rss+xml" href="/typo.xml">
    <link rel="stylesheet alternate" type="text/css" href="/alt.css">
    <link rel="alternate" type="application/rss+xml">
    <link rel="alternate" type="application/rss+xml" href="  ">
    <link rel="alternate" type="application/atom+xml" href="feed:https://example.org/atom">
    <link rel="alternate" type="application/atom+xml" href="feed://example.org/atom2">
    <link rel="alternate" type="application/rss+xml" href="-rf">
    <link rel="alternate" type="application/rss+xml" href="JaVaScRiPt:alert(1)">
    <link rel="alternate" type="application/rss+xml" href="http://[broken/x">
    <link rel="alternate" type="application/rss+xml" href="../rss.xml">
    </head></html>
    """
    found = discover_feeds(html, "http://example.org/a/b/page")
    assert [(f.url, f.type, f.title) for f in found] == [
        ("http://example.org/a/rss.xml", "application/rss+xml", "Up"),
        ("http://example.org/a/b/feed.json", "application/json", ""),
        ("https://example.org/atom", "application/atom+xml", ""),
        ("https://example.org/atom2", "application/atom+xml", ""),
        ("http://example.org/a/b/-rf", "application/rss+xml", ""),
    ]


def test_discover_feeds_ignores_hostile_base_and_finds_nothing_on_plain_pages() -> None:
    html = (
        '<base href="javascript:alert(1)//">'
        '<link rel="alternate" type="application/rss+xml" href="feed.xml">'
    )
    assert [f.url for f in discover_feeds(html, "https://site.example/dir/")] == [
        "https://site.example/dir/feed.xml"
    ]
    assert discover_feeds("<html><body><p>No feeds</p></body></html>", "https://x.example/") == []
    assert discover_feeds("", "https://x.example/") == []
    assert discover_feeds("<link rel=alternate type=application/rss+xml href=f>", "") == []


def test_discover_feeds_only_first_base_counts() -> None:
    html = (
        '<base href="https://one.example/x/"><base href="https://two.example/y/">'
        '<link rel="alternate" type="application/atom+xml" href="a.xml">'
    )
    assert [f.url for f in discover_feeds(html, "https://page.example/")] == [
        "https://one.example/x/a.xml"
    ]
