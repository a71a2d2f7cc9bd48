"""Reader mode against a few pages of the corpus, read in place (skipped without it), and
the title rules on small pages."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tests.needs import need
from tuinews.extract import extract_document, extract_html, render_markdown

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "readability"
# Pages of several languages and layouts; the score is the corpus README's bag-of-words F1.
PAGES = ["nytimes-1", "lemonde-1", "wapo-2", "qq", "medium-1", "telegraph"]
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]|[^\W_\u3040-\u30ff\u4e00-\u9fff]+")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(_LINK.sub(r"\1", text).lower()))


def f1(got: Counter[str], expected: Counter[str]) -> float:
    overlap = sum((got & expected).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def score(page: str, source: str) -> tuple[float, str, str]:
    folder = CORPUS / page
    if not folder.is_dir():
        need(False, "the readability corpus is not there (../shared/corpus/readability)")
    output = render_markdown(extract_document((folder / source).read_bytes(), name=source))
    title, _, body = output.partition("\n")
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    expected_title = (folder / "expected-title.txt").read_text(encoding="utf-8")

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return f1(tokens(body), tokens(expected)), norm(title.lstrip("#")), norm(expected_title)


@pytest.mark.parametrize("page", PAGES)
def test_corpus_html_pages(page: str) -> None:
    body_f1, title, expected_title = score(page, "source.html")
    assert body_f1 >= 0.95
    assert title == expected_title


@pytest.mark.parametrize("page", PAGES)
def test_corpus_text_pages(page: str) -> None:
    body_f1, _, _ = score(page, "source.txt")
    assert body_f1 >= 0.85


# Plain-text headlines: a dateline after the headline (lazy-image-1: a section heading
# marked "#" sits nearer the text; yahoo-3: a video player's hundred lines lie between),
# a blog's date over its post's title (blogger), a heading ending in a colon and the
# headline's parts repeated (medium-1), a text copy with a tracking image in it (msn).
@pytest.mark.parametrize("page", ["lazy-image-1", "yahoo-3", "blogger", "medium-1", "msn"])
def test_corpus_text_headlines(page: str) -> None:
    body_f1, title, expected_title = score(page, "source.txt")
    assert title == expected_title
    assert body_f1 >= 0.95


# Pages where the text classifier used to keep a feed or a comment thread: a story shown
# over a feed of teasers (yahoo-2), comments after the story (wordpress, aclu), a teaser list
# in Japanese (yahoo-4), a live feed beside the story (liberation-1).
@pytest.mark.parametrize(
    ("page", "least"),
    [
        ("yahoo-2", 0.95),
        ("wordpress", 0.85),
        ("aclu", 0.9),
        ("yahoo-4", 0.95),
        ("liberation-1", 0.7),
    ],
)
def test_corpus_text_pages_beside_feeds_and_comments(page: str, least: float) -> None:
    body_f1, _, _ = score(page, "source.txt")
    assert body_f1 >= least


def page(head: str, body: str = "") -> str:
    paragraph = "<p>A paragraph of the article, long enough to count, with a comma or two.</p>"
    return f"<html><head>{head}</head><body><article>{body}{paragraph * 4}</article></body></html>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # JSON-LD headline first, then Dublin Core, Open Graph, Twitter...
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "headline": "From JSON-LD"}</script>'
            '<meta property="og:title" content="From Open Graph"><title>T | Site</title>',
            "",
            "From JSON-LD",
        ),
        (
            '<meta property="og:title" content="From Open Graph"><title>T</title>',
            "",
            "From Open Graph",
        ),
        (
            '<meta name="DC.title" content="Name"><meta property="dc:title" content="Prop">',
            "",
            "Prop",
        ),
        # <title> without the site's name, at either end
        (
            "<title>Storm floods the old harbour district | Daily Example</title>"
            '<meta property="og:site_name" content="Daily Example">',
            "",
            "Storm floods the old harbour district",
        ),
        (
            "<title>Daily Example » Storm floods the old harbour district</title>"
            '<meta property="og:site_name" content="Daily Example">',
            "",
            "Storm floods the old harbour district",
        ),
        # ...but not when what would remain is too short to be a title on its own
        ("<title>Short Title - Site</title>", "", "Short Title - Site"),
        # a heading that is the whole title keeps it whole
        (
            "<title>Outside the web: a long title - with a dash</title>",
            "<h1>Outside the web: a long title - with a dash</h1>",
            "Outside the web: a long title - with a dash",
        ),
        # JSON-LD name and headline disagree: the one the page's <title> agrees with
        (
            '<script type="application/ld+json">{"@type": "Article", "name": "New Zealand", '
            '"headline": "country in Oceania"}</script><title>New Zealand - Wikipedia</title>',
            "",
            "New Zealand",
        ),
        ("", "<h1>Only a heading</h1>", "Only a heading"),
    ],
)
def test_titles(head: str, body: str, title: str) -> None:
    assert extract_html(page(head, body)).title == title


def test_byline_and_date_from_metadata() -> None:
    result = extract_html(
        page(
            '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "H", '
            '"author": {"@type": "Person", "name": "Ada Lovelace"}, '
            '"datePublished": "2024-03-01T10:00:00Z"}</script>'
        )
    )
    assert result.byline == "Ada Lovelace"
    assert result.date is not None and (result.date.year, result.date.month) == (2024, 3)


def test_the_headline_is_not_repeated_in_the_body() -> None:
    result = extract_html(
        page(
            "<title>A headline of some length here</title>",
            "<h1>A headline of some length here</h1>",
        )
    )
    assert result.title == "A headline of some length here"
    assert "A headline of some length here" not in result.markdown
