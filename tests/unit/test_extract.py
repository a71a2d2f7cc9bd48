"""Reader mode: the article from a page, HTML or plain text, and nothing from the site."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tuinews.extract import (
    NO_ARTICLE_NOTE,
    TOO_DEEP_NOTE,
    Extracted,
    extract_document,
    extract_html,
    extract_text,
    heading_text,
    render_markdown,
)
from tuinews.formats.text import escape_markdown

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXTRACT = FIXTURES / "extract"
SAMPLE = FIXTURES / "moscow_times.txt"  # the same bytes as ../shared/samples/000_…txt
# Big inputs must cost in proportion to their size: ten times the input may take at most
# this many times as long (linear gives about 10, quadratic about 100). A ratio of two
# runs in the same process, not a time, so a busy machine does not fail it; the absolute
# times are benchmarks/extract.py's.
TEN_TIMES = 30


def load(name: str) -> bytes:
    return (EXTRACT / name).read_bytes()


def best_time(function, *args) -> float:  # type: ignore[no-untyped-def]
    """The fastest of three runs (the machine may be busy with other tests)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def growth(function, small: object, large: object) -> float:  # type: ignore[no-untyped-def]
    """How many times longer ``function(large)`` takes than ``function(small)``."""
    return best_time(function, large) / best_time(function, small)


# -- the sample (plain text)


@pytest.fixture(scope="module")
def sample() -> Extracted:
    return extract_document(SAMPLE.read_bytes(), name="000_110e5bd00de09844.txt")


def sample_story_paragraphs() -> list[str]:
    """Every paragraph of the story: after the title, up to the appeal."""
    text = SAMPLE.read_text(encoding="utf-8")
    story = text.split("Russia ‘Regroups’ Troops in East as Ukraine Advances", 1)[1]
    story = story.split("… we have a small favor to ask.", 1)[0]
    return [block.strip() for block in story.split("\n\n") if block.strip()]


def test_sample_title_is_the_headline_not_the_banner(sample: Extracted) -> None:
    assert sample.title == "Russia ‘Regroups’ Troops in East as Ukraine Advances"
    assert sample.found and sample.note == ""
    assert render_markdown(sample).startswith(
        "# Russia ‘Regroups’ Troops in East as Ukraine Advances\n\n"
    )


def test_sample_drops_banner_and_appeal(sample: Extracted) -> None:
    markdown = sample.markdown
    assert "Support The Moscow Times" not in markdown
    for boilerplate in (
        "we have a small favor to ask",
        "refuse to be silenced",
        "please support us monthly",
        "paiment methods",
        "Not ready to support today?",
        "Remind me later.",
        "Read more",
    ):
        assert boilerplate not in markdown


def test_sample_keeps_every_story_paragraph_credit_and_subheadings(sample: Extracted) -> None:
    markdown = sample.markdown
    paragraphs = sample_story_paragraphs()
    assert len(paragraphs) == 40  # 36 paragraphs, the credit, three subheadings
    for paragraph in paragraphs:
        assert escape_markdown(paragraph) in markdown, paragraph
    lines = markdown.split("\n")
    assert "Press service of the Russian Defense Ministry / TASS" in lines
    assert [line for line in lines if line.startswith("#")] == [
        "## 'Astonishing' advance",
        "## Houses gutted",
        "## German pledge",
    ]
    assert markdown.rstrip().endswith("in the south of the country.")


# -- HTML pages from the corpus


def test_html_article_kept_site_dropped_heise() -> None:
    result = extract_document(load("heise.html"), name="heise.html")
    assert result.found
    assert result.title == "1Password für Mac generiert Einmal-Passwörter"
    markdown = result.markdown
    assert "Das direkte Erstellen von Einmal-Passwörtern." in markdown
    assert "1Password kostet aktuell knapp 50 Euro im Mac App Store" in markdown
    for boilerplate in (
        "Auch auf heise online",  # teaser list
        "Apple stopft Sicherheitslücken",  # news stream
        "Billig kontra Apple",  # magazine promotion
        "Kommentare lesen",
        "Version zum Drucken",
    ):
        assert boilerplate not in markdown
    assert result.date is not None and result.date.year == 2015


def test_html_lead_above_the_main_container_is_kept_herald_sun() -> None:
    result = extract_document(load("herald-sun-1.html"), name="herald-sun-1.html")
    assert result.title == "Angry media won’t buckle over new surveillance laws"
    assert result.byline == "Laurie Oakes"
    markdown = result.markdown
    # The lead sits beside the container readability picks; trafilatura confirms it.
    assert "doing the rounds of media organisations" in markdown
    assert "The roadshow featured the Prime Minister’s national security adviser" in markdown
    assert "Those CEOs should make it clear they are just as angry" in markdown
    assert "Subscribe now to access Herald Sun" not in markdown
    assert markdown.count("The roadshow featured") == 1  # added once, not twice
    assert "](javascript:" not in markdown


# -- plain-text pages from the corpus


def test_text_article_kept_teasers_dropped_heise() -> None:
    result = extract_document(load("heise.txt"), name="heise.txt")
    assert result.found
    assert result.title == "1Password für Mac generiert Einmal-Passwörter"
    markdown = result.markdown
    assert "AgileBits hat Version 5.3 seines bekannten Passwortmanagers" in markdown
    assert "Die Engine zur Passworteingabe im Browser soll beschleunigt worden sein." in markdown
    for boilerplate in (
        "Apple hat mit den Betriebssystem-Updates vom Mittwoch",  # teaser after the article
        "Billig kontra Apple",
        "Kommentare lesen",
        "Auch auf heise online",
        "Permalink",
    ):
        assert boilerplate not in markdown


def test_text_navigation_and_footer_dropped_ars() -> None:
    result = extract_text(load("ars-1.txt").decode("utf-8"))
    assert result.title == "Just-released Minecraft exploit makes it easy to crash game servers"
    markdown = result.markdown
    assert markdown.startswith("A flaw in the wildly popular online game Minecraft")
    assert "Mojang has failed to act on it" in markdown
    for boilerplate in (
        "Skip to main content",
        "Staff Directory",
        "Join the Ars Orbital Transmission mailing list",
        "All rights reserved",
        "Your California Privacy Rights",
    ):
        assert boilerplate not in markdown


# -- pages without an article


FRONT_PAGE = """<!DOCTYPE html><html><head><title>Example News</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<ul>
<li><a href="/a">Storm hits the coast</a></li>
<li><a href="/b">Election results are in</a></li>
<li><a href="/c">New bridge opens</a></li>
<li><a href="/d">Markets close higher</a></li>
</ul>
</body></html>"""


def test_html_front_page_has_no_article_but_shows_its_text() -> None:
    result = extract_html(FRONT_PAGE)
    assert not result.found
    assert result.note == NO_ARTICLE_NOTE
    assert result.title == "Example News"
    assert "Storm hits the coast" in result.markdown
    assert "Markets close higher" in result.markdown


def test_text_menu_has_no_article_but_shows_its_text() -> None:
    result = extract_text("Home\n\nWorld\n\nSport\n\n* Login\n* Register\n\nContact us")
    assert not result.found
    assert result.note == NO_ARTICLE_NOTE
    assert "Register" in result.markdown and "Contact us" in result.markdown


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n ", b"<html><body></body></html>"], ids=["empty", "blank", "no-body"]
)
def test_empty_pages_say_so(data: bytes) -> None:
    result = extract_document(data, name="page.html")
    assert not result.found
    assert result.note
    assert render_markdown(result).startswith("# ")


# -- hostile and broken input


def deep_page(levels: int) -> bytes:
    return (
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * levels
        + "<p>The only sentence of this page, buried five thousand levels down.</p>"
        + "</div>" * levels
        + "</body></html>"
    ).encode()


def test_deep_nesting_falls_back_to_the_text() -> None:
    result = extract_document(deep_page(5000), name="deep.html")
    assert "five thousand levels down" in result.markdown
    assert result.note == TOO_DEEP_NOTE
    assert result.title == "Deep"
    assert growth(extract_document, deep_page(500), deep_page(5000)) < TEN_TIMES


def test_nesting_markdownify_cannot_follow_is_still_shown() -> None:
    # Shallow enough for lxml, deeper than markdownify's recursion once converted.
    html = (
        "<html><body>" + "<blockquote>" * 240 + "<p>Deep but readable text, written down "
        "as a sentence of some length so that it counts.</p>" * 5 + "</blockquote>" * 240
    )
    result = extract_html(html)
    assert "Deep but readable text" in result.markdown


def megabyte_article(paragraphs: int = 6500) -> str:
    paragraph = (
        "<p>This paragraph is part of a very long article about the weather, the harbour "
        "and the town, and it says so in several sentences. Nothing in it is a link.</p>"
    )
    nav = "<ul>" + "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(50))
    return (
        "<html><head><title>A long read about the harbour | Example</title></head><body>"
        + nav
        + "</ul><article><h1>A long read about the harbour</h1>"
        + paragraph * paragraphs
        + "</article><footer>Footer</footer></body></html>"
    )


def test_megabyte_page_under_the_time_limit() -> None:
    html = megabyte_article()
    assert len(html) > 1_000_000
    result = extract_html(html)
    assert result.found and result.title == "A long read about the harbour"
    assert result.markdown.count("This paragraph is part of a very long article") == 6500
    assert "Section 7" not in result.markdown
    assert growth(extract_html, megabyte_article(650), html) < TEN_TIMES


def test_megabyte_page_of_scripts_under_the_time_limit() -> None:
    # Most of a big real page is script and style: the article goes the whole way.
    script = "<script>window.__STATE__ = " + '{"k": "' + "x" * 2000 + '"};</script>'
    article = megabyte_article(paragraphs=3000)  # under the size that goes as plain text
    html = article.replace("<article>", script * 600 + "<article>", 1)
    html = html.replace("</article>", "</article>" + "<style>.a{b:c}</style>" * 10_000)
    assert len(html) > 1_500_000
    result = extract_html(html)
    assert result.found and result.title == "A long read about the harbour"
    assert "window.__STATE__" not in result.markdown
    small = megabyte_article(paragraphs=300).replace("<article>", script * 60 + "<article>", 1)
    small = small.replace("</article>", "</article>" + "<style>.a{b:c}</style>" * 1000)
    assert growth(extract_html, small, html) < TEN_TIMES


def test_megabyte_text_under_the_time_limit() -> None:
    paragraph = "A sentence of an article, long enough to be prose, ends here. " * 3
    text = "Menu\n\nHome\n\n" + "\n\n".join([paragraph] * 6000)
    assert len(text) > 1_000_000
    result = extract_text(text)
    assert result.found
    small = "Menu\n\nHome\n\n" + "\n\n".join([paragraph] * 600)
    assert growth(extract_text, small, text) < TEN_TIMES


HOSTILE_HTML = """<html><head><title>Bad \x1b[31mtitle\u202e</title>
<meta name="author" content="Eve \x1b]0;pwned\x07"></head><body><article>
<h1>Bad title</h1>
<p>A paragraph with an escape \x1b[2J sequence and a <a href="javascript:alert(1)">script
link</a>, a <a href="data:text/html,x">data link</a> and a
<a href="https://example.com/ok">good link</a>, written as a sentence of some length.</p>
<p>Another paragraph &#27;[31m with an entity that decodes to ESC, also long enough.</p>
<p>A third paragraph, with <img src="javascript:alert(2)" alt="x"> nothing else in it.</p>
</article></body></html>"""


@pytest.mark.parametrize("kind", ["html", "text"])
def test_hostile_strings_never_reach_the_output(kind: str) -> None:
    if kind == "html":
        result = extract_document(HOSTILE_HTML.encode(), name="bad.html")
    else:
        text = HOSTILE_HTML.replace("<", " ").replace(">", " ")
        result = extract_document(text.encode(), name="bad.txt")
    output = render_markdown(result) + result.title + result.byline
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert "](javascript:" not in output and "](data:" not in output
    if kind == "html":  # links: only the safe one is a link, the others are gone
        assert "javascript:" not in output and "data:text" not in output
        assert "(https://example.com/ok)" in result.markdown
        assert result.byline.startswith("Eve")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
        b"\xff\xfe\x00\x00garbage",
        b'{"not": "a feed"}',
        b"<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>",
        b"<html>" + b"<b>" * 100_000,
        b"<" * 100_000,
        "texte en fran\u00e7ais".encode("latin-1"),
    ],
    ids=["png", "utf32-garbage", "json", "rss", "unclosed-tags", "angle-brackets", "latin-1"],
)
def test_extract_document_never_raises(data: bytes) -> None:
    result = extract_document(data, name="x")
    assert isinstance(result, Extracted)
    assert "\x1b" not in result.markdown


# -- Markdown output


def test_render_markdown_is_title_then_body() -> None:
    result = Extracted(title="A | B", byline="", date=None, markdown="Body.", found=True)
    assert render_markdown(result) == "# A | B\n\nBody.\n"
    empty = Extracted(title="", byline="", date=None, markdown="", found=False)
    assert render_markdown(empty) == "# Untitled\n"


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("Get your Frontend JavaScript Code Covered | Code", None),
        ("新台阶_科技_腾讯网", None),
        ("欲張りなイヌ <福娘童話集>", None),
        ("C++ *and* Rust", "C++ \\*and\\* Rust"),
        ("<b>bold</b>", "\\<b>bold\\</b>"),
        ("[a](javascript:x)", "\\[a\\](javascript:x)"),
        ("Tom &amp; Jerry", "Tom \\&amp; Jerry"),
        ("Issue #", "Issue \\#"),
    ],
)
def test_heading_text_escapes_only_what_markdown_would_change(title: str, line: str | None) -> None:
    assert heading_text(title) == (title if line is None else line)


def test_markdown_is_read_as_markdown_a_text_copy_of_a_page_in_reader_mode() -> None:
    """A Markdown document (by its name, or by its content as the app reads it) keeps its
    markup and takes its front matter's title; a file named as plain text is a text copy
    of a page (html2text writes ``#`` lines) unless it opens with front matter."""
    markdown = (
        b"---\ntitle: Front\nauthor: Ann\n---\n\nSome *emph* and [a link](https://w.example/).\n"
    )
    for name in ("a.md", "a.MARKDOWN", "", "notes", "a.txt"):
        result = extract_document(markdown, name=name)
        assert (result.title, result.byline, result.found) == ("Front", "Ann", True), name
        assert result.markdown == "Some *emph* and [a link](https://w.example/).", name
    heading = b"# A title\n\nSome *emph*.\n"
    assert extract_document(heading, name="notes.md").markdown == "Some *emph*."
    assert "\\*emph\\*" in extract_document(heading, name="copy.txt").markdown
