"""An article as one Markdown document (a heading, where it is from, the body), saved in
a folder under a safe, unused name, or written to a temporary file for a command."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tuinews.file_names import numbered, safe_filename
from tuinews.models import Article

MAX_TRIES = 1000


def article_document(article: Article, markdown: str) -> str:
    """``article`` (its fields are already sanitised) with ``markdown``, its body."""
    lines = [f"# {article.title or 'Untitled'}", ""]
    facts = [
        ("Feed", article.source),
        ("Author", article.author),
        ("Date", article.date.isoformat() if article.date else ""),
        ("Link", f"<{article.link}>" if article.link else ""),
    ]
    lines += [f"- {name}: {value}" for name, value in facts if value]
    return "\n".join(lines) + "\n\n" + markdown.strip() + "\n"


def save_document(folder: Path, title: str, date: str, document: str) -> Path:
    """Write ``document`` in ``folder`` (made if missing) as a new file named after
    ``title``: never over an existing file (" (2)", " (3)"... are added). Raises OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    name = safe_filename(title, ".md", date)
    data = document.encode("utf-8")
    for number in range(1, MAX_TRIES + 1):
        path = folder / (name if number == 1 else numbered(name, number))
        try:
            with path.open("xb") as file:  # "x": fails if it exists (no race, no overwrite)
                file.write(data)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{MAX_TRIES} files named like {name} already in {folder}")


def temporary_document(document: str) -> Path:
    """``document`` in a new temporary file readable by the user only (the caller
    removes it)."""
    handle, name = tempfile.mkstemp(prefix="tuinews-", suffix=".md")
    with os.fdopen(handle, "wb") as file:
        file.write(document.encode("utf-8"))
    return Path(name)


def save_article(folder: Path, article: Article) -> Path:
    """``article`` (its body converted to Markdown if it is HTML; the full text if one
    was fetched) saved in ``folder``: what ``tuinews save`` does for each match."""
    from tuinews.formats import article_markdown  # (the HTML converter: when first used)

    markdown = article.full or article_markdown(article)
    return save_document(
        folder, article.title, article.date_text, article_document(article, markdown)
    )
