"""``tuinews extract FILE|URL``: reader mode without the UI (a real server for URLs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.netserver import FeedServer, Response


def extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", "extract", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sample_without_its_site() -> None:
    result = extract(str(FIXTURES / "moscow_times.txt"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Russia ‘Regroups’ Troops in East as Ukraine Advances"
    for heading in ("'Astonishing' advance", "Houses gutted", "German pledge"):
        assert f"## {heading}" in lines
    assert "Press service of the Russian Defense Ministry / TASS" in lines
    assert "Support The Moscow Times!" not in result.stdout
    assert "small favor to ask" not in result.stdout and "Read more" not in result.stdout
    assert "Concerns have also been rising" in result.stdout  # the last story paragraph


def test_a_page_at_a_url() -> None:
    page = (
        "<html><head><title>A story | The Site</title>"
        '<meta property="og:title" content="A story"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>A story</h1>"
        + "".join(
            f"<p>Paragraph {i} of the story, with enough words to read as prose.</p>"
            for i in range(8)
        )
        + "</article><footer>Subscribe to our newsletter!</footer></body></html>"
    ).encode()
    with FeedServer() as server:
        server.route("/story", Response(body=page, headers={"Content-Type": "text/html"}))
        server.route("/missing", Response(status=404))
        result = extract(server.url("/story"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("# A story\n")
        assert "Paragraph 7 of the story" in result.stdout
        assert "newsletter" not in result.stdout
        missing = extract(server.url("/missing"))
        assert missing.returncode == 2 and "HTTP 404" in missing.stderr


def test_bad_sources_are_one_clear_line(tmp_path: Path) -> None:
    missing = extract(str(tmp_path / "nope.html"))
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
    for name, content in [("empty.txt", ""), ("blank.md", " \n\u200b\n\t\n")]:
        empty = tmp_path / name
        empty.write_text(content)
        skipped = extract(str(empty))  # as the app skips it, with its reason
        assert (skipped.returncode, skipped.stdout) == (2, "")
        assert skipped.stderr == f"tuinews: skipped {str(empty)!r}: empty file\n"


# -- issue 12, defect 15: binary files, feed files, invisible characters

HIDDEN = ("\u200b", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u2063")


def test_a_binary_file_is_skipped_with_the_apps_reason(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    result = extract(str(binary))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"tuinews: skipped {str(binary)!r}: binary file\n"


RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Channel</title>'
    "<link>https://site.example/</link>"
    "<item><title>First item</title><link>/one</link>"
    "<description>&lt;p&gt;The &lt;b&gt;first&lt;/b&gt; body.&lt;/p&gt;</description></item>"
    "<item><title>Second item</title><link>https://site.example/two</link>"
    "<description>The second body.</description></item></channel></rss>"
)
ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
    '<entry><id>urn:1</id><title>Atom entry</title><link href="https://site.example/a"/>'
    '<content type="html">&lt;p&gt;Atom body.&lt;/p&gt;</content></entry></feed>'
)
JSON_FEED = (
    '{"version": "1.1", "title": "J", "items": [{"id": "1", "title": "JSON item", '
    '"url": "https://site.example/j", "content_html": "<p>JSON body.</p>"}]}'
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "feed.xml",
            RSS,
            "# First item\n\n<https://site.example/one>\n\nThe **first** body.\n\n---\n\n"
            "# Second item\n\n<https://site.example/two>\n\nThe second body.\n",
        ),
        ("feed.atom", ATOM, "# Atom entry\n\n<https://site.example/a>\n\nAtom body.\n"),
        ("feed.json", JSON_FEED, "# JSON item\n\n<https://site.example/j>\n\nJSON body.\n"),
        ("no-extension", RSS, None),
    ],
)
def test_a_feed_file_prints_its_items_as_articles(
    tmp_path: Path, name: str, content: str, expected: str | None
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    assert "<?xml" not in result.stdout and '"version"' not in result.stdout
    if expected is not None:
        assert result.stdout == expected
    else:
        assert result.stdout.startswith("# First item\n")


def test_a_feed_without_items_is_said(tmp_path: Path) -> None:
    path = tmp_path / "empty.rss"
    path.write_text('<rss version="2.0"><channel><title>Nothing</title></channel></rss>')
    result = extract(str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().endswith(": feed has no items")


def test_a_feed_at_a_url_resolves_its_links_against_it() -> None:
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><id>urn:1</id><title>Relative</title><link href="posts/1"/>'
        b"<summary>Text.</summary></entry></feed>"
    )
    with FeedServer() as server:
        server.route("/feeds/atom.xml", Response(body=body))
        result = extract(server.url("/feeds/atom.xml"))
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"# Relative\n\n<{server.url('/feeds/posts/1')}>\n\nText.\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("story.txt", "A story\n\nOne para\u200bgraph with hid\u2060den char\ufeffacters.\n"),
        (
            "story.html",
            "<html><head><title>A st&#8203;ory</title></head><body><article>"
            "<p>One para&#8203;graph with hid&#x2060;den char&#xfeff;acters and a "
            "soft&shy;hyphen &#x200e;mark.</p></article></body></html>",
        ),
        (
            "feed.rss",
            '<rss version="2.0"><channel><title>T</title><item><title>A st\u200bory</title>'
            "<description>One para&amp;#8203;graph, hid\u2063den.</description></item>"
            "</channel></rss>",
        ),
    ],
)
def test_invisible_characters_are_not_in_the_output(
    tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    assert "paragraph" in result.stdout or "story" in result.stdout.lower()
    assert not [c for c in HIDDEN if c in result.stdout], ascii(result.stdout)


# -- the QA pass of issue 12: JSON that is no feed, a plain-text title printed twice


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("doc.json", '{"version": "1.1"}', "JSON, but not a JSON Feed (no items list)"),
        ("list.txt", "[1, 2, 3]", "JSON, but not a JSON Feed (no items list)"),
        ("odd.json", '{"items": "none"}', "JSON, but its items are not a list"),
        ("broken.json", '{"version":', "invalid JSON at line 1, column 12: Expecting value"),
    ],
)
def test_json_that_is_no_feed_says_why(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    """The reasons the app skips such a file with, and ``add`` refuses it with."""
    path = tmp_path / name
    path.write_text(content)
    result = extract(str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"tuinews: skipped {str(path)!r}: {reason}\n"


def test_a_plain_text_title_is_printed_once(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("My plain title\n\nA paragraph of text here, long enough to be read.\n")
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "# My plain title\n\nA paragraph of text here, long enough to be read.\n"
    )
    escaped = tmp_path / "c.txt"  # the body escapes it for Markdown; still the same line
    escaped.write_text("C++ *tips* for_the_day\n\nShort body.\n")
    again = extract(str(escaped))
    assert again.stdout.count("tips") == 1, again.stdout
    assert again.stdout.endswith("\n\nShort body.\n")
    braces = tmp_path / "braces.txt"  # text that is not JSON, in a file not named .json
    braces.write_text("{not json, a note}\n\nIt reads as text.\n")
    text = extract(str(braces))
    assert text.returncode == 0 and "It reads as text." in text.stdout


MARKDOWN = (
    "---\ntitle: Front\nauthor: Ann\ndate: 2024-05-01\n---\n\n"
    "Some *emph*, a [web](https://w.example/) link and **bold**.\n\n"
    "## A section\n\n- an item\n\n```\ncode *as is*\n```\n"
)


@pytest.mark.parametrize("name", ["doc.md", "doc.markdown", "notes"])
def test_a_markdown_file_is_printed_as_the_app_reads_it(tmp_path: Path, name: str) -> None:
    """Its title from the front matter, its markup kept (it was read as plain text: the
    front matter was the title, ``\\*emph\\*``, ``\\[web\\](...)``); a file without a
    Markdown extension is Markdown by its content, as in the app."""
    path = tmp_path / name
    path.write_text(MARKDOWN, encoding="utf-8")
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "# Front\n\nSome *emph*, a [web](https://w.example/) link and **bold**.\n\n"
        "## A section\n\n- an item\n\n```\ncode *as is*\n```\n"
    )


def test_a_markdown_file_without_front_matter_takes_its_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "readme.md"
    path.write_text("# The *real* title\n\nText with `code` and a_b_c.\n", encoding="utf-8")
    result = extract(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "# The real title\n\nText with `code` and a_b_c.\n"
