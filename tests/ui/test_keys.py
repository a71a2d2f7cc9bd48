"""Pilot tests: every key of the main screen, and the mouse."""

from __future__ import annotations

from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle, shown_title, wait_for, where_shown
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.screens.help import HelpScreen
from tuinews.ui.screens.main import MainScreen
from tuinews.ui.widgets.headline_list import HeadlineList


async def test_articles_are_marked_read_when_the_user_goes_to_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert shown_title(pilot) == "Headline 0"
        screen = main(pilot)
        assert "Paragraph 2 of article 0." in screen.article_view.text
        await wait_for(pilot, lambda: screen.shown[0].read)  # the first shown: read too
        assert not screen.shown[1].read
        await pilot.press("escape", "j")
        await settle(pilot)
        assert screen.shown[1].read
        assert not screen.shown[2].read
        await pilot.press("slash", *"headline 3")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 3"
        assert not screen.shown[0].read  # a search result landing on it is not reading
        assert screen.shown[0].title == "Headline 3"


async def test_j_k_and_arrows_move_and_the_article_follows() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"
        await pilot.press("k")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 1"
        await pilot.press("down", "down")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 3"
        await pilot.press("up")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"
        assert "article 2." in main(pilot).article_view.text


async def test_g_G_home_end() -> None:
    app = make_app(make_articles(40))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 39"
        headlines = pilot.app.screen.query_one(HeadlineList)
        assert headlines.scroll_offset.y > 0  # the cursor row was scrolled into view
        await pilot.press("g")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 0"
        await pilot.press("end")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 39"
        await pilot.press("home")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 0"


async def test_enter_l_focus_the_article_escape_h_go_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        assert screen.headlines.has_focus
        await pilot.press("enter")
        assert screen.article_view.has_focus
        await pilot.press("escape")
        assert screen.headlines.has_focus
        await pilot.press("l")
        assert screen.article_view.has_focus
        await pilot.press("h")
        assert screen.headlines.has_focus


async def test_space_pages_down_then_moves_to_the_next_article_b_pages_up() -> None:
    app = make_app(make_articles(3, paragraphs=40))
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        # The feed list appears after the first frame, narrowing the pane: the article is
        # rendered again at the new width, from its top (on a busy machine, that landed
        # between the keys below).
        await wait_for(pilot, lambda: view.ready and view._rendered_width == view._render_width())
        await settle(pilot)
        assert view.max_scroll_y > 0
        await pilot.press("space")
        assert view.scroll_y > 0
        first_page = view.scroll_y
        await pilot.press("b")
        assert view.scroll_y < first_page
        await pilot.press("pagedown")
        assert view.scroll_y > 0
        await pilot.press("pageup")
        assert view.scroll_y == 0
        for _ in range(20):
            if view.at_end:
                break
            await pilot.press("space")
        assert view.at_end
        assert shown_title(pilot) == "Headline 0"
        await pilot.press("space")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 1"
        assert view.scroll_y == 0


async def test_n_and_N_move_between_unread() -> None:
    app = make_app(make_articles(6), read=[1, 2])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 3"
        await pilot.press("n")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 4"
        await pilot.press("k", "k", "m", "j", "j")  # m: Headline 2 unread again
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"


async def test_slash_searches_as_you_type_enter_goes_to_results_escape_clears() -> None:
    articles = make_articles(5)
    articles[3].title = "Ukraine advances in the east"
    articles[3].text = "Troops regroup near Kharkiv."
    articles[1].text = "Kharkiv is also mentioned here, but not the other word."
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("slash")
        assert screen.search_bar.has_focus
        await pilot.press(*"KHARKIV")
        await settle(pilot)
        assert sorted(a.title for a in screen.shown) == [
            "Headline 1",
            "Ukraine advances in the east",
        ]
        await pilot.press("space", *"east")
        await settle(pilot)
        assert [a.title for a in screen.shown] == ["Ukraine advances in the east"]
        assert screen.headlines.words == ["kharkiv", "east"]
        assert screen.article_view.words == ("kharkiv", "east")
        await pilot.press("enter")
        assert screen.headlines.has_focus
        assert shown_title(pilot) == "Ukraine advances in the east"
        await pilot.press("slash", "space", "h", "l", "slash")  # typed, not actions
        assert screen.search_bar.value == " hl/"  # "/" selects the old query: typing replaces it
        assert screen.search_bar.has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search_bar.value == ""
        assert len(screen.shown) == 5
        assert screen.headlines.has_focus


async def test_search_with_no_match_shows_a_message() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("slash", *'"unbalanced', "space", "c", "plus", "plus")
        await settle(pilot)
        assert screen.shown == []
        assert "No headlines match" in screen.article_view.text


async def test_o_opens_the_link_and_y_copies_it() -> None:
    opened: list[str] = []
    articles = make_articles(3)
    articles[1].link = "javascript:alert(1)"
    app = make_app(articles, opened=opened)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == ["https://example.com/0"]
        await pilot.press("y")
        assert app.clipboard == "https://example.com/0"
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("o", "y")
        assert opened == ["https://example.com/0"]  # javascript: refused
        assert app.clipboard == "https://example.com/0"


async def test_question_mark_shows_help_with_every_key() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        descriptions = [row.description for row in app.screen.rows]
        for expected in (
            "Next",
            "Previous",
            "Read",
            "Page down / next article",
            "Search",
            "Open link",
            "Copy link",
            "Next unread",
            "Quit",
            "Help",
        ):
            assert expected in descriptions
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_clicking_a_headline_opens_it() -> None:
    """The row clicked is the one opened (and marked read), not its neighbour: the
    list's title bar is above its first row."""
    app = make_app(make_articles(60, paragraphs=1))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.click(offset=where_shown(pilot, "Headline 2"))
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"
        assert screen.headlines.current is not None
        assert screen.headlines.current.title == "Headline 2"
        await wait_for(pilot, lambda: screen.shown[2].read)
        assert not screen.shown[3].read
        await pilot.press("G")  # scrolled: the row under the mouse still
        await settle(pilot)
        x, y = where_shown(pilot, "Headline 55")
        await pilot.click(offset=(x, y))
        await settle(pilot)
        assert shown_title(pilot) == "Headline 55"
        title_bar = screen.headlines.region.y
        await pilot.click(offset=(x, title_bar))  # the title bar: no row
        await settle(pilot)
        assert shown_title(pilot) == "Headline 55"


async def test_narrow_terminal_shows_one_pane_at_a_time() -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        assert screen.has_class("-narrow")
        assert screen.headlines.display and screen.article_view.region.width == 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen.article_view.region.width > 0
        assert screen.headlines.region.width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert screen.headlines.region.width > 0
        assert screen.article_view.region.width == 0
        await pilot.click(offset=where_shown(pilot, "Headline 2"))
        await settle(pilot)
        assert screen.article_view.region.width > 0
        assert shown_title(pilot) == "Headline 2"


async def test_keys_can_be_remapped_from_settings() -> None:
    app = make_app(settings=Settings(keys={"next": "x", "previous": "z"}))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x", "x")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"
        await pilot.press("j")  # no longer bound
        await settle(pilot)
        assert shown_title(pilot) == "Headline 2"
        await pilot.press("z")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 1"
        rows = {row.id: row.keys for row in app.binding_rows()}
        assert rows["next"] == "x"


async def test_a_key_given_to_another_binding_is_taken_from_its_old_one_everywhere() -> None:
    """``scroll_left = "b"`` in [keys]: b scrolls the article left, and no longer pages it
    up from the headline list (the article pane's binding won only while it had the focus;
    elsewhere b still paged up). page_up keeps its other key. A binding left with no key
    at all is reported."""
    settings = Settings(keys={"scroll_left": "b", "scroll_right": "o"})
    app = make_app(make_articles(3, paragraphs=40), settings=settings)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        view = main(pilot).article_view
        await wait_for(pilot, lambda: view.ready and view._rendered_width == view._render_width())
        await settle(pilot)
        view.scroll_to(0, 10, animate=False, immediate=True)
        assert main(pilot).headlines.has_focus
        await pilot.press("b")
        await settle(pilot)
        assert view.scroll_y == 10
        await pilot.press("pageup")
        assert view.scroll_y == 0
        rows = {row.id: row.keys for row in app.binding_rows()}
        assert (rows["scroll_left"], rows["page_up"], rows["open_link"]) == ("b", "pgup", "o")
        messages = [n.message for n in app._notifications]
        assert any(
            "'o': that key was open_link's, its only one; 'o' still runs it outside" in m
            for m in messages
        )
        assert not any("page_up" in m for m in messages)


async def test_a_binding_left_without_a_key_in_its_pane_is_shown_with_none() -> None:
    """``toggle_star = "m"``: m stars, toggle_read (m alone) has no key: the help says so
    (it listed m for both), and a warning says to give it one."""
    app = make_app(make_articles(3), settings=Settings(keys={"toggle_star": "m"}))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        headline = main(pilot).headlines.current
        assert headline is not None and not headline.starred
        await pilot.press("m")
        await settle(pilot)
        (stored,) = [h for h in app.store.headlines(View()) if h.id == headline.id]
        assert stored.starred
        rows = {row.id: row.keys for row in app.binding_rows()}
        assert (rows["toggle_star"], rows["toggle_read"]) == ("m", "")
        messages = [n.message for n in app._notifications]
        assert any("toggle_read's, its only one; it has no key now" in m for m in messages)


def highlighted_command(pilot: Pilot[None]) -> str | None:
    """The command the palette's Enter would run (None while it searches)."""
    palette = pilot.app.screen
    if not isinstance(palette, CommandPalette):
        return None
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return None
    option = commands.get_option_at_index(commands.highlighted)
    return option.hit.text if isinstance(option, Command) else None


async def test_command_palette_lists_and_runs_bindings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"last headline")
        await wait_for(pilot, lambda: highlighted_command(pilot) == "Last headline")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(pilot) == "Headline 4"


async def test_empty_library_shows_an_empty_state() -> None:
    app = make_app([], start=lambda **_: Opened(View(ids=())))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        assert "No articles to show" in screen.article_view.text
        await pilot.press("j", "o", "y", "space", "n", "G")
        await settle(pilot)
        assert app.is_running


async def test_space_never_skips_an_article_that_is_still_loading() -> None:
    articles = make_articles(3, paragraphs=1)
    big = "\n\n".join(f"Paragraph {i}. " + "Words in a long article. " * 60 for i in range(300))
    articles[1].body = articles[1].text = big  # about 450 KB: takes a while to render
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        view = screen.article_view
        assert view.ready and view.at_end  # the short first article is all on screen
        first = view.article_id
        screen.action_page_down()  # so space goes to the next one...
        for _ in range(100):  # pause(0): catch the next article while it still renders
            if view.article_id != first:
                break
            await pilot.pause(0)
        else:
            raise AssertionError("space never went to the next article")
        assert screen.headlines.current is not None
        assert screen.headlines.current.title == "Headline 1"
        assert not view.ready and not view.at_end  # ...which is still rendering:
        screen.action_page_down()  # space must not skip it
        await pilot.pause()
        assert screen.headlines.current.title == "Headline 1"
        await settle(pilot)
        assert shown_title(pilot) == "Headline 1"
        assert "cut here at 400" in screen.article_view.text


async def test_search_hints_are_shown_as_plain_text() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("slash", *"is:[bold]x")
        await settle(pilot)
        subtitle = screen.search_bar.border_subtitle or ""
        assert "is:[bold]x is not known" in subtitle.replace("\\[", "[")
        assert app.is_running


async def test_deeply_nested_quotes_are_still_shown() -> None:
    articles = make_articles(1)
    articles[0].body = "> " * 40 + "Deep.\n\nAfter the quote."
    app = make_app(articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = main(pilot).article_view.text
        assert "Deep." in text and "After the quote." in text
