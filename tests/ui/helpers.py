"""Helpers for the Pilot tests: an app over articles made in the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuinews.models import Article, Library
from tuinews.settings import Settings
from tuinews.ui.app import TuinewsApp


def make_articles(count: int = 5, paragraphs: int = 3) -> list[Article]:
    articles = []
    for i in range(count):
        body = "\n\n".join(f"Paragraph {p} of article {i}." for p in range(paragraphs))
        articles.append(
            Article(
                title=f"Headline {i}",
                source=f"Source {i % 2}",
                body=body,
                text=body,
                date=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i),
                link=f"https://example.com/{i}",
            )
        )
    return articles


def make_app(
    articles: list[Article] | None = None,
    settings: Settings | None = None,
    opened: list[str] | None = None,
) -> TuinewsApp:
    library = Library(articles if articles is not None else make_articles())
    sink = opened if opened is not None else []
    return TuinewsApp(loader=lambda: library, settings=settings, opener=sink.append)
