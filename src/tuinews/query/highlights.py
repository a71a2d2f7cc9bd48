"""Highlights: headlines a query matches are drawn in a style of their own (the config
file's ``[[highlight]]`` tables: ``match = "QUERY"``, ``style = "bold red"``, a Rich style
string). Plain data, made from text by :func:`make_highlight` (which says what is wrong
instead); the store finds which headlines match (``tuinews.store.highlight_sql``), the
headline list draws them."""

from __future__ import annotations

from dataclasses import dataclass

from tuinews.query.rules import BadRule, parse_match
from tuinews.query.terms import Query
from tuinews.sanitise import clean_line


@dataclass(frozen=True)
class Highlight:
    """``match`` as written, parsed into ``query``; ``style`` a Rich style string
    ("bold red", "italic #ff8800 on grey15"); ``name``: how the user knows it."""

    name: str
    match: str
    query: Query
    style: str


class BadHighlight(ValueError):
    """What is wrong with a highlight (one sentence, without its name)."""


def check_style(style: str) -> str:
    """``style`` if Rich reads it as a style, else BadHighlight saying why."""
    from rich.errors import StyleSyntaxError  # (Rich: only when there are highlights)
    from rich.style import Style

    text = style.strip()
    if not text:
        raise BadHighlight('needs style = "STYLE" (a Rich style, e.g. "bold red")')
    try:
        Style.parse(text)
    except StyleSyntaxError as error:
        shown = clean_line(text, limit=60)
        raise BadHighlight(f"style {shown!r} is not a Rich style ({error})") from None
    return text


def make_highlight(name: str, match: str, style: str) -> Highlight:
    """A highlight from its text, or BadHighlight saying why not."""
    try:
        query = parse_match(match)
    except BadRule as error:
        raise BadHighlight(str(error)) from None
    return Highlight(name, match.strip(), query, check_style(style))
