"""Reading a file as the reader shows it: the document parsed (:mod:`tuinews.formats`),
and a web page or a plain-text copy of one in reader mode (the article, without the site
around it); feeds and Markdown as they are."""

from __future__ import annotations

from datetime import datetime

from tuinews.extract import Extracted, extract_html, extract_text
from tuinews.formats import as_format_error, parse_detected
from tuinews.models import Article


def read_document(
    data: bytes,
    *,
    name: str,
    path: str = "",
    mtime: datetime | None = None,
    fast_only: bool = False,
) -> list[Article]:
    """One file's bytes as articles, web pages and plain text in reader mode. Raises only
    FormatError (and NeedsWorker): the arguments are :func:`tuinews.formats.parse_document`'s.
    """
    with as_format_error():
        parsed = parse_detected(data, name=name, path=path, mtime=mtime, fast_only=fast_only)
        if parsed.format == "html":
            (page,) = parsed.articles
            return [reader_mode(page, extract_html(parsed.text, url=page.link))]
        if parsed.format == "text":
            (page,) = parsed.articles
            return [reader_mode(page, extract_text(parsed.text))]
        return parsed.articles


def reader_mode(page: Article, extracted: Extracted) -> Article:
    """A web page or a plain-text copy of one, as reader mode shows it: the article's own
    title, byline, date and body, without the site around it. The page's own metadata
    (link, site name) is kept; when no article is found, everything is shown, with a note."""
    body = extracted.markdown
    if not extracted.found and extracted.note:
        body = f"*{extracted.note}*\n\n{body}" if body else f"*{extracted.note}*"
    if not body.strip():
        return page
    page.title = extracted.title or page.title
    page.author = extracted.byline or page.author
    page.date = extracted.date or page.date
    page.body, page.kind, page.text = body, "markdown", extracted.markdown
    return page
