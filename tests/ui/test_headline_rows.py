"""The headline rows are built as segments directly (a search redraws every row at each
keystroke); they must look exactly as Rich would draw the same row as Text: checked cell
by cell, styles included, over wide characters, cuts, matches, marks, focus and cursor."""

from __future__ import annotations

import itertools

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from tuinews.resources import stylesheets
from tuinews.store import Headline
from tuinews.ui.widgets.headline_list import HeadlineList
from tuinews.ui.widgets.headline_rows import (
    DATE_WIDTH,
    STAR_MARK,
    UNREAD_MARK,
    columns,
    fit,
    short_date,
)

TITLES = [
    "Government announces new market rules for the people",
    "短い見出し：政府が新しい市場ルールを発表しました 日本語のタイトルはとても長いです",
    "",
    "x",
    "The police said the government market is people people",
    "A" * 200,
    "Emoji 🎉🎉 party government 🎉 with wide chars",
    "mixed 政府government政府 text",
    "ends with government",
    "governmentgovernment",
]
WORDS = [[], ["government"], ["gov", "people"], ["政府"], ["🎉"], ["t"]]
WIDTHS = [20, 39, 40, 59, 60, 61, 83, 84, 100]


def reference(view: HeadlineList, headline: Headline, row: int, width: int) -> Strip:
    """The row as Rich Text, the way the list drew it before (the specification), in the
    list's styles (the marks' colours are checked in test_theme_contrast.py)."""
    base = view.rich_style
    styles = view._row_styles(base)
    on = "-cursor" if row == view.cursor else ""
    state = "read" if headline.read else "unread"
    title_style, meta_style = styles[state + on], styles["meta" + on]
    title_width, source_width, show_date = columns(width)
    title = Text(headline.title or "(untitled)", style=title_style, no_wrap=True)
    if view.words:
        title.highlight_words(view.words, styles[f"{state}-match{on}"], case_sensitive=False)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    space = Text(" ", style=styles["plain" + on])
    parts = [
        Text(" " if headline.read else UNREAD_MARK, style=title_style),
        Text(STAR_MARK if headline.starred else " ", style=styles["star" + on]),
        space,
        title,
    ]
    if source_width:
        source = Text(headline.source, style=meta_style, no_wrap=True)
        source.truncate(source_width, overflow="ellipsis", pad=True)
        parts += [space, source]
    if show_date:
        date = short_date(headline.published)
        parts += [space, Text(date.rjust(DATE_WIDTH), style=meta_style)]
    line = Text.assemble(*parts, no_wrap=True)
    strip = Strip(list(line.render(view.app.console, end=""))).apply_style(base)
    return strip.adjust_cell_length(width, base).crop(0, width)


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    return [(char, segment.style) for segment in strip for char in segment.text]


class ListApp(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield HeadlineList(id="headlines")


async def test_rows_look_as_rich_text_would_draw_them() -> None:
    app = ListApp()
    rows = itertools.product(TITLES, ["Source name that is long", "短"], [None, 1767225600])
    headlines = [
        Headline(i, 1, title, source, published, read=i % 2 == 0, starred=i % 3 == 0)
        for i, (title, source, published) in enumerate(rows)
    ]
    compared = 0
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.query_one(HeadlineList)
        for focused in (False, True):
            if focused:
                view.focus()
                await pilot.pause()
            for words, width, cursor in itertools.product(WORDS, WIDTHS, (0, 3)):
                view.words = list(words)
                view.cursor = cursor
                for row, headline in enumerate(headlines):
                    expected = reference(view, headline, row % 5, width)
                    got = view._row_strip(headline, row % 5, width, view.base_style)
                    assert cells(got) == cells(expected), (headline.title, words, width, row)
                    assert got.cell_length == width
                    compared += 1
    assert compared == 2 * len(WORDS) * len(WIDTHS) * 2 * len(headlines)


def test_fit_cuts_with_an_ellipsis_or_pads() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"
    assert fit("日本語", 4) == "日 …"  # a wide character is never cut in half
    assert Segment(fit("日本語", 6), None).cell_length == 6
