"""Marks stay visible on the selected row, and scrollbar thumbs on their track, in every
built-in theme: the colours actually drawn are compared by WCAG's contrast ratio (3 to 1
is its minimum for what is not text). In textual-dark the star and the search matches
were drawn in the very colour of the selection bar (#FEA62B on #FEA62B), and the
scrollbar thumb was #003054 on #000000 (1.55 to 1)."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.color import ColorType
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle
from tuinews.resources import stylesheets
from tuinews.store import Headline
from tuinews.ui.widgets.headline_list import HeadlineList
from tuinews.ui.widgets.headline_rows import STAR_MARK, UNREAD_MARK

MINIMUM = 3.0


def rgb(colour: RichColor | None, theme: Theme, foreground: bool) -> tuple[int, int, int]:
    """What the terminal shows: the terminal's default colours as the (ANSI) theme names
    them, the ANSI colours as Rich's usual palette."""
    if colour is None or colour.type == ColorType.DEFAULT:
        name = theme.variables.get("ansi-foreground" if foreground else "ansi-background")
        if name is None:
            light = (foreground and theme.dark) or (not foreground and not theme.dark)
            return (255, 255, 255) if light else (0, 0, 0)
        colour = Color.parse(name).rich_color
    r, g, b = colour.get_truecolor(foreground=foreground)
    return r, g, b


def ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in rgb)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def cell_contrast(segment: Segment, theme: Theme) -> float:
    style = segment.style
    assert style is not None
    return ratio(rgb(style.color, theme, True), rgb(style.bgcolor, theme, False))


class PanesApp(App[None]):
    CSS_PATH = stylesheets()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield HeadlineList(id="headlines")


async def test_every_mark_on_the_selected_row_stands_out_in_every_theme() -> None:
    app = PanesApp()
    rows = [
        Headline(1, 1, "The government said", "Source", 1767225600, read=False, starred=True),
        Headline(2, 1, "A government read", "Source", 1767225600, read=True, starred=True),
    ]
    checked = 0
    async with app.run_test(size=(120, 20)) as pilot:
        headlines = app.query_one(HeadlineList)
        headlines.set_headlines(rows, ["gov"])
        for name in app.available_themes:
            app.theme = name
            theme = app.current_theme
            for focused in (True, False):
                if focused:
                    headlines.focus()
                else:
                    app.set_focus(None)
                for cursor in (0, 1):
                    headlines.move_to(cursor)
                    await pilot.pause()
                    for row in (0, 1):
                        marks = {
                            segment.text: segment
                            for segment in headlines.render_line(row)
                            if segment.text in (UNREAD_MARK, STAR_MARK, "gov")
                        }
                        expected = {STAR_MARK, "gov"} | ({UNREAD_MARK} if row == 0 else set())
                        assert set(marks) == expected
                        for text, segment in marks.items():
                            contrast = cell_contrast(segment, theme)
                            where = (name, focused, "cursor" if row == cursor else "row", text)
                            assert contrast >= MINIMUM, (where, str(segment.style), contrast)
                            checked += 1
    assert checked == len(app.available_themes) * 2 * 2 * 5


async def test_the_failure_mark_on_the_selected_feed_stands_out_in_every_theme() -> None:
    app = make_app(make_articles(3))
    broken = app.store.add_feed("https://example.com/broken", title="Broken")
    app.store.record_failure(broken.id, "HTTP 500")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        feeds = main(pilot).feed_list
        feeds.highlighted = next(i for i, entry in enumerate(feeds.entries) if entry.failed)
        await settle(pilot)
        for name in app.available_themes:
            app.theme = name
            for focused in (True, False):
                if focused:
                    feeds.focus()
                else:
                    main(pilot).headlines.focus()
                await pilot.pause()
                line = next(
                    feeds.render_line(y)
                    for y in range(feeds.size.height)
                    if "Broken" in feeds.render_line(y).text
                )
                mark = next(segment for segment in line if "!" in segment.text)
                contrast = cell_contrast(mark, app.current_theme)
                assert contrast >= MINIMUM, (name, focused, str(mark.style), contrast)


async def test_scrollbar_thumbs_stand_out_from_their_track_in_every_theme() -> None:
    app = make_app(make_articles(80, paragraphs=40))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        for name in app.available_themes:
            app.theme = name
            await pilot.pause()
            theme = app.current_theme
            for pane in (screen.feed_list, screen.headlines, screen.article_view):
                # As Textual's ScrollBar.render draws it.
                styles = pane.styles
                track = styles.scrollbar_background
                if track.a < 1:
                    track = pane.background_colors[0] + track
                for thumb in (
                    styles.scrollbar_color,
                    styles.scrollbar_color_hover,
                    styles.scrollbar_color_active,
                ):
                    drawn = track + thumb
                    contrast = ratio(
                        rgb(drawn.rich_color, theme, True), rgb(track.rich_color, theme, False)
                    )
                    assert contrast >= MINIMUM, (name, type(pane).__name__, drawn, track)
