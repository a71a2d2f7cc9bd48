"""Plain text: headline, subheadings, paragraphs, lists, Markdown escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.formats_helpers import fixture, headings, parse_one, render_html, rendered_text
from tuinews.formats.text import escape_markdown, text_to_markdown

PROSE_A = "The first paragraph tells the story at some length, as news stories do."
PROSE_B = "The second paragraph goes on with more of the same, and then it stops."


@pytest.fixture(scope="module")
def moscow():
    return parse_one(fixture("moscow_times.txt"), name="moscow_times.txt", path="/n/mt.txt")


def test_sample_title_skips_site_banner(moscow):
    assert moscow.title == "Russia ‘Regroups’ Troops in East as Ukraine Advances"
    assert moscow.kind == "markdown"
    assert moscow.source == "moscow_times.txt"
    assert moscow.uid == "/n/mt.txt" and moscow.path == "/n/mt.txt"


def test_sample_title_removed_but_banner_kept(moscow):
    assert "Regroups’ Troops" not in moscow.body
    assert moscow.body.startswith("Support The Moscow Times!")


def test_sample_subheadings(moscow):
    assert headings(moscow.body) == ["'Astonishing' advance", "Houses gutted", "German pledge"]


def test_sample_credit_and_read_more_are_not_headings(moscow):
    lines = moscow.body.split("\n")
    assert "Press service of the Russian Defense Ministry / TASS" in lines
    assert "Read more" in lines
    assert not any(line.startswith("#") for line in lines if "TASS" in line or "Read" in line)


def test_sample_renders_paragraphs(moscow):
    html = render_html(moscow.body)
    assert html.count("<h2>") == 3
    assert "<h1>" not in html
    assert html.count("<p>") > 40
    assert "$3 billion military package" in rendered_text(moscow.body)


def test_sample_short_lines_keep_breaks(moscow):
    assert "paiment methods\\\nNot ready to support today?\\\nRemind me later." in moscow.body


def test_mtime_is_the_date():
    when = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    article = parse_one("Just one line of text here\n\nAnd a paragraph.", mtime=when)
    assert article.date == when


def test_headline_after_short_and_punctuated_banners():
    text = f"Menu\n\nSubscribe now!\n\nA Real Headline About Something\n\n{PROSE_A}\n"
    article = parse_one(text)
    assert article.title == "A Real Headline About Something"
    assert article.body.startswith("Menu\n\nSubscribe now!\n\nThe first paragraph")


def test_title_skips_url_and_date_lines():
    text = (
        "https://example.com/news/item\n\n10 September 2022\n\n"
        f"Markets Rally on Strong Data\n\n{PROSE_A}"
    )
    assert parse_one(text).title == "Markets Rally on Strong Data"


def test_title_falls_back_to_first_line():
    article = parse_one(f"{PROSE_A}\n\n{PROSE_B}")
    assert article.title == PROSE_A
    assert PROSE_A not in article.body


def test_title_fallback_long_first_line_is_trimmed_and_kept():
    long_line = "word " * 100
    article = parse_one(long_line)
    assert article.title.endswith("…") and len(article.title) <= 130
    assert article.body.startswith("word word")


def test_line_after_title_is_not_a_heading():
    text = f"A Headline With Five Words\n\nPhotograph by Somebody Else\n\n{PROSE_A}\n\n{PROSE_B}"
    article = parse_one(text)
    assert article.title == "A Headline With Five Words"
    assert headings(article.body) == []
    assert "Photograph by Somebody Else" in article.body.split("\n")


def test_heading_needs_prose_on_both_sides():
    text = (
        f"A Headline With Five Words\n\n{PROSE_A}\n\nMiddle part\n\n{PROSE_B}\n\n"
        "Short one\n\nAnother short one\n\n"
        f"{PROSE_A}\n\nThe end bit"
    )
    assert headings(parse_one(text).body) == ["Middle part"]


def test_heading_candidate_rules():
    cases = {
        "Ends with a colon:": False,
        "lower case start here": False,
        "Eleven words is far too many for a heading in this": False,
        "(Photo: Somebody Else)": False,
        "Name Surname Images/Agency": False,
        "^ A footnote marker": False,
        "Fine heading": True,
        "“Quoted” heading": True,
    }
    for line, expected in cases.items():
        body = parse_one(f"A Headline With Five Words\n\n{PROSE_A}\n\n{line}\n\n{PROSE_B}").body
        assert (headings(body) == [line]) is expected, line


def test_hard_wrapped_paragraphs_are_joined():
    text = (
        "A Headline With Five Words\n\n"
        "This paragraph was wrapped by an editor at seventy columns, so every\n"
        "line is long except the last one, and the lines belong together as\n"
        "one paragraph.\n\n"
        "A second wrapped paragraph follows here, also hard-wrapped by the\n"
        "same editor.\n"
    )
    body = parse_one(text).body
    assert body.split("\n\n") == [
        "This paragraph was wrapped by an editor at seventy columns, so every line is long "
        "except the last one, and the lines belong together as one paragraph.",
        "A second wrapped paragraph follows here, also hard-wrapped by the same editor.",
    ]


def test_short_lines_keep_their_breaks():
    text = "A Headline With Five Words\n\nRoses are red\nViolets are blue\n  Indented line"
    body = parse_one(text).body
    assert body == "Roses are red\\\nViolets are blue\\\n\u00a0\u00a0Indented line"
    assert render_html(body).count("<br />") == 2
    assert "<code>" not in render_html(body)


def test_bullets_become_list_items():
    text = (
        "A Headline With Five Words\n\nKey points\n- first point\n* second [point]\n"
        "• third point\n  continues here\n\n1986. was a year"
    )
    body = parse_one(text).body
    assert "- first point\n- second \\[point\\]\n- third point continues here" in body
    html = render_html(body)
    assert html.count("<li>") == 3
    assert "<ol" not in html
    assert "1986. was a year" in rendered_text(body)


@pytest.mark.parametrize(
    "line",
    [
        "[bold]x[/] and [@click=app.quit]y[/]",
        r"back\slash *star* _under_ `tick` <b>tag</b> a|b ~~strike~~ &amp;",
        "# not a heading",
        "> not a quote",
        "1986. A fine year",
        "+ not a list",
        "- 5 degrees",
        "---",
        "===",
        "[link](javascript:alert(1))",
        "![img](pic.png)",
    ],
)
def test_escaping_shows_text_as_written(line):
    markdown = escape_markdown(line) if not line.startswith("- ") else text_to_markdown(line)
    if line.startswith("- "):  # a bulleted line stays a list item
        assert render_html(markdown).count("<li>") == 1
        return
    html = render_html(markdown)
    assert "<a " not in html and "<img" not in html and "<h1>" not in html
    assert "<em>" not in html and "<strong>" not in html and "<blockquote>" not in html
    assert rendered_text(markdown) == line


def test_text_field_is_plain_and_title_removed():
    article = parse_one(f"Support us!\n\nA Headline With Five Words\n\n*{PROSE_A}*")
    assert article.text == f"Support us!\n\n*{PROSE_A}*"
