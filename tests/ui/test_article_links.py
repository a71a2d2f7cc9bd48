"""Pilot tests: the article's numbered links (tuinews.ui.widgets.article_links): a digit
opens link N, ``#12`` Enter opens link 12, ``u`` lists them (Enter opens, ``y`` copies),
a click on a link opens it; in the wide and the narrow layout. The opener records what
it is given (no browser is started)."""

from __future__ import annotations

from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot

from tests.builders import article
from tests.ui.helpers import main, make_app, press_fast, settle, wait_for, where_shown
from tuinews.settings import Settings
from tuinews.ui.screens.links_dialog import LinkNumberDialog, LinksScreen
from tuinews.ui.screens.main import MainScreen

BODY = "\n\n".join(
    [
        "Read [the first](https://one.example/a) and [the second](/relative/b) pages.",
        "A [mail link](mailto:me@example.com) and [the fourth](https://four.example/).",
        " ".join(f"[link {n}](https://many.example/{n})" for n in range(5, 15)),
    ]
)
LINK = "https://site.example/posts/1"


def articles() -> list:  # type: ignore[type-arg]
    return [
        article("1", title="Links", body=BODY, link=LINK, day=2),
        article("2", title="No links", body="Nothing to follow here.", day=1),
    ]


async def read_first(pilot: Pilot[None]) -> MainScreen:
    await settle(pilot)
    screen = main(pilot)
    await pilot.press("enter")  # the article pane has the focus
    await wait_for(pilot, lambda: screen.focused is screen.article_view)
    await wait_for(pilot, lambda: screen.article_view.ready and screen.article_view.complete)
    return screen


async def test_links_are_numbered_in_the_text_and_listed_at_the_end() -> None:
    app = make_app(articles())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await read_first(pilot)
        text = screen.article_view.text
        assert "the first[1]" in text and "the second[2]" in text
        assert "(https://one.example/a)" not in text  # no URL in the line
        assert "\nLinks\n" in text
        assert "[2] https://site.example/relative/b" in text  # resolved against the link
        words = " ".join(text.split())  # (the pane is narrower than the line: wrapped)
        assert "[3] mailto:me@example.com (not opened: not http or https)" in words


async def test_a_digit_opens_that_link_and_other_digits_say_why_not() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await read_first(pilot)
        await pilot.press("1")
        assert opened == ["https://one.example/a"]
        await pilot.press("2")
        assert opened[-1] == "https://site.example/relative/b"
        await pilot.press("3")  # mailto: never opened, and said so
        assert len(opened) == 2
        messages = [n.message for n in app._notifications]
        assert any("Link 3 is a mailto: link" in m for m in messages)
        await pilot.press("9")
        assert opened[-1] == "https://many.example/9"


async def test_number_sign_then_a_number_and_enter_opens_links_past_nine() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await read_first(pilot)
        press_fast(pilot, "number_sign", "1", "2", "enter")  # typed fast: none is lost
        await wait_for(pilot, lambda: opened == ["https://many.example/12"])
        assert app.screen is screen
        await pilot.press("number_sign", "9", "9", "enter")  # no such link
        assert len(opened) == 1
        assert any("There is no link 99" in n.message for n in app._notifications)
        await pilot.press("number_sign")
        assert isinstance(app.screen, LinkNumberDialog)
        await pilot.press("escape")
        assert app.screen is screen and len(opened) == 1


async def test_u_lists_the_links_enter_opens_and_y_copies() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await read_first(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))
        links = app.screen
        assert isinstance(links, LinksScreen)
        assert [link.number for link in links.links] == list(range(1, 15))
        assert links.links[0].text == "the first"
        await pilot.press("j", "y")
        assert app.clipboard == "https://site.example/relative/b"
        assert any("Copied link 2" in n.message for n in app._notifications)
        await pilot.press("j", "j", "enter")
        assert opened == ["https://four.example/"]
        await pilot.press("k", "enter")  # mailto: refused
        assert opened == ["https://four.example/"]
        await pilot.press("escape")
        assert app.screen is screen
        press_fast(pilot, "u", "j", "j", "j", "y", "escape")  # typed fast: all in the list
        await wait_for(pilot, lambda: app.clipboard == "https://four.example/")
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        current = screen.headlines.current  # no j reached the headlines
        assert current is not None and current.title == "Links"


async def test_clicking_a_link_opens_it() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await read_first(pilot)
        x, y = where_shown(pilot, "the first[1]")
        await pilot.click(offset=(x + 2, y))  # on its text
        assert opened == ["https://one.example/a"]
        x, y = where_shown(pilot, "the fourth[4]")
        await pilot.click(offset=(x + len("the fourth["), y))  # on its number
        assert opened[-1] == "https://four.example/"
        x, y = where_shown(pilot, "[2] https://site")  # its entry in the list at the end
        await pilot.click(offset=(x + 6, y))
        assert opened[-1] == "https://site.example/relative/b"
        x, y = where_shown(pilot, "Read the")  # plain text: nothing
        await pilot.click(offset=(x + 1, y))
        assert len(opened) == 3


async def test_links_work_in_a_narrow_terminal() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(60, 30)) as pilot:
        screen = await read_first(pilot)
        assert screen.has_class("-narrow")
        assert "the first[1]" in screen.article_view.text
        await pilot.press("4")
        assert opened == ["https://four.example/"]
        x, y = where_shown(pilot, "the first[1]")
        await pilot.click(offset=(x + 1, y))
        assert opened[-1] == "https://one.example/a"
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))
        await pilot.press("enter")
        assert opened[-1] == "https://one.example/a"


async def test_an_article_without_links_says_so() -> None:
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await read_first(pilot)
        await pilot.press("escape", "j")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.article_view.ready)
        await pilot.press("1", "u")
        assert opened == []
        assert isinstance(app.screen, MainScreen)
        assert any("has no links" in n.message for n in app._notifications)


async def test_the_link_keys_can_be_remapped_by_id() -> None:
    opened: list[str] = []
    settings = Settings(refresh_on_start=False, keys={"show_links": "L", "open_link_2": "x"})
    app = make_app(articles(), settings=settings, opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await read_first(pilot)
        await pilot.press("x")
        assert opened == ["https://site.example/relative/b"]
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))
        await pilot.press("escape")
        assert app.screen is screen


async def test_the_palette_opens_a_numbered_link_and_the_list() -> None:
    """From the palette, whatever has the focus (here the headline list)."""
    opened: list[str] = []
    app = make_app(articles(), opened=opened)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert main(pilot).focused is main(pilot).headlines
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"open the article's link 4")
        await wait_for(pilot, lambda: highlighted(pilot) == "Open the article's link 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: opened == ["https://four.example/"])
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"the article's links")
        await wait_for(pilot, lambda: (highlighted(pilot) or "").startswith("The article's links"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))


def highlighted(pilot: Pilot[None]) -> str | None:
    """The command the palette's Enter would run (None while it searches)."""
    palette = pilot.app.screen
    if not isinstance(palette, CommandPalette):
        return None
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return None
    option = commands.get_option_at_index(commands.highlighted)
    return option.hit.text if isinstance(option, Command) else None
