"""A change of the article pane's width (a resize, the feed list shown or hidden, or
appearing after start-up) renders the article again at the new width: the reader stays at
the same place in it (the same paragraph at the top), in short articles and in long ones
rendered in chunks."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.pilot import Pilot

from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article
from tuinews.render import Line, Place, letters, place_of, render_lines, row_of
from tuinews.ui.widgets.article_view import ArticleView


def article(paragraphs: int, words: int) -> Article:
    body = "\n\n".join(f"Paragraph {p}. " + "words to wrap " * words for p in range(paragraphs))
    return Article(
        title="A long read",
        source="Source",
        body=body,
        text=body,
        date=datetime(2024, 6, 1, tzinfo=UTC),
        link="https://example.com/long",
        uid="long",
    )


def paragraph(lines: list[Line], row: int) -> str:
    """The paragraph line ``row`` belongs to."""
    for line in reversed(lines[: row + 1]):
        text = "".join(segment.text for segment in line).strip()
        if text.startswith("Paragraph "):
            return text.split(".")[0]
    return "(the header)"


def top_paragraph(view: ArticleView) -> str:
    """The paragraph the top line of the pane belongs to."""
    return paragraph(view.lines, round(view.scroll_offset.y))


async def read_at(pilot: Pilot[None], row: int) -> ArticleView:
    """Open the article and scroll its pane so that line ``row`` is at the top."""
    await settle(pilot)
    view = main(pilot).article_view
    await wait_for(
        pilot, lambda: view.ready and view.complete and not main(pilot).has_class("-no-feeds")
    )
    await wait_for(pilot, lambda: view._rendered_width == view._render_width())
    await settle(pilot)
    await pilot.press("enter")
    view.scroll_to(0, row, animate=False, immediate=True)
    await pilot.pause()
    assert round(view.scroll_offset.y) == row
    return view


async def rerendered(pilot: Pilot[None], view: ArticleView, width: int) -> None:
    await wait_for(pilot, lambda: view._rendered_width != width and view.ready)
    await wait_for(pilot, lambda: view.complete)
    await settle(pilot)


async def test_a_resize_keeps_the_paragraph_at_the_top() -> None:
    app = make_app([article(40, 30)])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 60)
        before = top_paragraph(view)
        assert before not in ("(the header)", "Paragraph 0")
        for size in ((160, 40), (104, 40), (200, 50)):
            width = view._rendered_width
            await pilot.resize_terminal(*size)
            await rerendered(pilot, view, width)
            assert view.scroll_offset.y > 0
            assert top_paragraph(view) == before, size


async def test_hiding_and_showing_the_feed_list_keeps_the_paragraph_at_the_top() -> None:
    app = make_app([article(40, 30)])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 45)
        before = top_paragraph(view)
        for _ in range(2):
            width = view._rendered_width
            await pilot.press("f")
            await rerendered(pilot, view, width)
            assert top_paragraph(view) == before


async def test_a_long_article_rendered_in_chunks_keeps_the_place_far_down() -> None:
    app = make_app([article(400, 60)])  # ~340 KB: many chunks
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 3000)  # far past the first chunk
        before = top_paragraph(view)
        assert before not in ("(the header)", "Paragraph 0")
        width = view._rendered_width
        await pilot.press("f")
        # The new lines are shown once they reach the place: never from the top.
        await wait_for(pilot, lambda: view._rendered_width != width)
        assert view.scroll_offset.y > 0
        assert top_paragraph(view) == before
        await rerendered(pilot, view, width)
        assert top_paragraph(view) == before


def test_a_place_is_found_again_at_any_width() -> None:
    from rich.markdown import Markdown

    text = "\n\n".join(f"Paragraph {p}. " + "some words here " * (p % 7 + 3) for p in range(30))
    wide = render_lines(Markdown(text), 100)
    others = {width: render_lines(Markdown(text), width) for width in (30, 55, 140)}
    for row in range(len(wide)):
        place = place_of(wide, row)
        for width, lines in others.items():
            found = row_of(lines, place)
            assert found is not None
            # The same paragraph at the top; a blank line above it stays above it.
            assert paragraph(lines, found + place.above) == paragraph(wide, row + place.above)
            assert place_of(lines, found).above == place.above, (row, width)
    assert row_of(wide, Place(10**9, 0)) is None
    assert letters(wide[0]) == len("Paragraph0") + 3 * len("somewordshere")


async def test_a_resize_keeps_the_sideways_place_in_a_wide_code_block() -> None:
    """Scrolled right in a wide code block, a change of width (a resize, or the feed list
    appearing just after start-up between two keys) does not send the reader back left."""
    wide = "x = " + "1 + " * 80 + "1\n"
    body = f"```python\n{wide * 20}```\n"
    code = Article(
        title="Code",
        source="S",
        body=body,
        text=body,
        date=datetime(2024, 6, 1, tzinfo=UTC),
        uid="code",
    )
    app = make_app([code])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 0)
        await pilot.press("right", "right")
        assert view.scroll_offset.x == 8
        width = view._rendered_width
        await pilot.resize_terminal(160, 40)
        await rerendered(pilot, view, width)
        assert view.scroll_offset.x == 8


async def test_a_key_while_the_article_renders_at_a_new_width_is_kept() -> None:
    """At its top when the width changes (the feed list appearing just after start-up),
    the reader scrolls before the lines at the new width arrive: they keep that place (they
    were put from the top and left: a flaky CI failure of the sideways keys, → → giving 4).
    """
    wide = "x = " + "1 + " * 80 + "1\n"
    body = "Before.\n\n" + "\n\n".join(f"Paragraph {n}." for n in range(60))
    body += f"\n\n```python\n{wide * 5}```\n"
    code = Article(
        title="Code",
        source="S",
        body=body,
        text=body,
        date=datetime(2024, 6, 1, tzinfo=UTC),
        uid="code",
    )
    app = make_app([code])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 0)
        keys: list[tuple[int, int]] = []
        start_lines = view.start_lines

        def keys_first(*args: object) -> None:
            """The reader's → and j arrive just before the lines at the new width."""
            if not keys:
                keys.append(view.scroll_offset)
                view.action_scroll_right()
                view.action_scroll_down()
            start_lines(*args)  # type: ignore[arg-type]

        view.start_lines = keys_first  # type: ignore[method-assign]
        width = view._rendered_width
        await pilot.resize_terminal(160, 40)
        await rerendered(pilot, view, width)
        assert keys == [(0, 0)]
        assert view.scroll_offset == (4, 1)


async def test_the_headline_list_announcing_its_cursor_again_keeps_the_place() -> None:
    """A reload of the headlines (a refresh's batch, the feed list appearing after the
    first frame) announces the same headline again: the article on screen stays where the
    reader is; it was shown again from its top (a flaky CI failure of the sideways keys:
    one → before such a reload, one after)."""
    app = make_app([article(40, 30)])
    async with app.run_test(size=(120, 40)) as pilot:
        view = await read_at(pilot, 60)
        before = (view.scroll_offset, top_paragraph(view))
        headlines = main(pilot).headlines
        headlines.move_to(headlines.cursor, force=True, by_user=False)
        await settle(pilot)
        assert (view.scroll_offset, top_paragraph(view)) == before
        view.forget()  # the store changed (a refresh's batch): the renders kept may be stale
        headlines.move_to(headlines.cursor, force=True, by_user=False)
        await settle(pilot)
        assert (view.scroll_offset, top_paragraph(view)) == before
