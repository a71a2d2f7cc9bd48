"""One article handed to one command of the config (what a key or ``tuinews`` runs): the
article as a temporary Markdown file, given as the command's input and as ``{file}``,
removed once the command has ended."""

from __future__ import annotations

from tuinews.handoffs.commands import Command, substitute
from tuinews.handoffs.running import Outcome, run
from tuinews.handoffs.saving import article_document, temporary_document
from tuinews.links import safe_link
from tuinews.models import Article


def article_values(article: Article, file: str = "") -> dict[str, str]:
    """The placeholders' values: ``{url}`` only an http(s) link (never ``file:`` or an
    option-like ``-...``: :func:`tuinews.links.safe_link`), else empty."""
    return {
        "url": safe_link(article.link) or "",
        "title": article.title,
        "feed": article.source,
        "file": file,
    }


def hand_off(command: Command, article: Article, markdown: str, timeout: float) -> Outcome:
    """Run ``command`` for ``article`` (``markdown``: its body) and say how it ended."""
    path = temporary_document(article_document(article, markdown))
    try:
        argv = substitute(command.argv, article_values(article, str(path)))
        return run(argv, timeout, stdin=path)
    finally:
        path.unlink(missing_ok=True)
