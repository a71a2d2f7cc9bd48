"""Markdown files: front matter, ATX and setext titles, body kept as Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.formats_helpers import parse_one
from tuinews.formats import detect_format


def test_front_matter_fields():
    doc = (
        "---\n"
        'title: "Front: matter title"\n'
        "author: Jane Doe\n"
        "date: 2022-09-10T08:30:00+02:00\n"
        "url: https://example.com/post\n"
        "source: Example Blog\n"
        "tags: [a, b]\n"
        "---\n"
        "# Front: matter title\n\n"
        "Body **text**.\n"
    )
    article = parse_one(doc, name="post.md", path="/p/post.md")
    assert article.title == "Front: matter title"
    assert article.author == "Jane Doe"
    assert article.date == datetime(2022, 9, 10, 6, 30, tzinfo=UTC)
    assert article.link == "https://example.com/post"
    assert article.source == "Example Blog"
    assert article.body == "Body **text**."  # duplicate H1 removed, Markdown kept
    assert article.kind == "markdown"
    assert article.uid == "/p/post.md"


def test_front_matter_title_keeps_a_different_heading():
    doc = "---\ntitle: Meta title\nsite: My Site\nlink: javascript:alert(1)\n---\n# Other\n\nText\n"
    article = parse_one(doc, name="x.md")
    assert article.title == "Meta title"
    assert article.body.startswith("# Other")
    assert article.source == "My Site"
    assert article.link == ""


def test_date_only_front_matter():
    article = parse_one("---\ntitle: T\ndate: 2021-03-04\n---\nx\n", name="a.md")
    assert article.date == datetime(2021, 3, 4, tzinfo=UTC)


def test_atx_title_removed_from_body():
    article = parse_one("Intro line.\n\n## The *Real* Title ##\n\nBody text.\n", name="a.md")
    assert article.title == "The Real Title"
    assert article.body == "Intro line.\n\nBody text."


def test_setext_title():
    article = parse_one("My Setext Title\n===============\n\nParagraph one.\n", name="a.md")
    assert article.title == "My Setext Title"
    assert "=====" not in article.body
    assert article.body.strip() == "Paragraph one."


def test_setext_h2_title():
    article = parse_one("Second Level\n---\n\nText.\n", name="notes.markdown")
    assert article.title == "Second Level"
    assert article.body.strip() == "Text."


def test_heading_in_code_fence_is_not_the_title():
    doc = "```\n# not a title\n```\n\n# Real [link](http://x) `code`\n\nText\n"
    article = parse_one(doc, name="a.md")
    assert article.title == "Real link code"
    assert "# not a title" in article.body


def test_no_heading_uses_first_line():
    article = parse_one("Just some *text* here.\n\nMore.\n", name="a.md")
    assert article.title == "Just some text here."
    assert article.source == "a.md"


def test_mtime_fallback_and_source_name():
    when = datetime(2020, 5, 6, tzinfo=UTC)
    article = parse_one("# T\n\nx", name="n.md", mtime=when)
    assert article.date == when and article.source == "n.md"


def test_detected_by_content_without_extension():
    assert detect_format("# Heading\n\nText", "notes") == "markdown"
    assert detect_format("---\ntitle: x\n---\nText", "notes.txt") == "markdown"
    assert detect_format("No markup at all.\n\nNone.", "notes.md") == "markdown"
    assert detect_format("No markup at all.\n\n#hashtag", "notes.txt") == "text"
    assert detect_format('<p align="center">logo</p>\n\n# Title', "README.md") == "markdown"


def test_thematic_break_is_not_front_matter():
    article = parse_one("---\n\nSome text.\n\n---\n\nMore.\n", name="a.md")
    assert article.title == "Some text."
    assert "More." in article.body
