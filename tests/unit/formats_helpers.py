"""Shared helpers for the format tests."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from markdown_it import MarkdownIt

from tuinews.formats import parse_document
from tuinews.models import Article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

_MD = MarkdownIt("gfm-like")
_TAG = re.compile(r"<[^>]+>")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_one(data: bytes | str, name: str = "doc.txt", **kwargs: object) -> Article:
    if isinstance(data, str):
        data = data.encode("utf-8")
    articles = parse_document(data, name=name, **kwargs)  # type: ignore[arg-type]
    assert len(articles) == 1
    return articles[0]


def render_html(markdown: str) -> str:
    """Markdown rendered the way Textual's Markdown widget parses it (markdown-it)."""
    return _MD.render(markdown)


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered Markdown's text, whitespace collapsed."""
    return " ".join(unescape(_TAG.sub(" ", render_html(markdown))).split())


def headings(markdown: str, level: int = 2) -> list[str]:
    marks = "#" * level
    return [line[level + 1 :] for line in markdown.split("\n") if line.startswith(marks + " ")]


def all_strings(article: Article) -> list[str]:
    return [
        article.title,
        article.source,
        article.body,
        article.text,
        article.author,
        article.link,
        article.path,
        article.uid,
    ]
