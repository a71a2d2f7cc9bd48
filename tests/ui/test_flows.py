"""Pilot tests of the flows a new user tries in the first hour (issue 12, section 4): the
search scope, the feed list kept current, narrow terminals, why a feed failed, leaving a
search, the dialogs typed into quickly, the first article read, and keys that act on the
focused pane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Input, Label

from tests.builders import make_articles, make_store
from tests.ui.helpers import main, make_app, press_fast, settle, wait_for
from tuinews.models import Article
from tuinews.query.rules import make_rule
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Feed, Store, View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.dialogs import AddFeedDialog, ConfirmDialog


def add_feed(store: Store, name: str, titles: list[str], days_ago: int = 30) -> Feed:
    """A second feed, its articles older than make_articles' (listed after them)."""
    feed = store.add_feed(f"https://example.org/{name.replace(' ', '-')}.xml", title=name)
    store.upsert_articles(
        feed.id,
        [
            Article(
                title=title,
                source=name,
                body=f"The text of {title}.",
                text=f"The text of {title}.",
                date=datetime(2024, 6, 1, tzinfo=UTC) - timedelta(days=days_ago + i),
                link=f"https://example.org/{i}",
                uid=f"{name}-{i}",
            )
            for i, title in enumerate(titles)
        ],
    )
    return feed


def app_with(
    articles: list[Article], feeds: dict[str, list[str]], read: tuple[int, ...] = ()
) -> TuinewsApp:
    """make_app's app, with more feeds (made before the app starts reading the store)."""
    store = make_store(articles, read)
    for name, titles_ in feeds.items():
        add_feed(store, name, titles_)
    return TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )


async def choose(pilot: Pilot[None], label: str) -> None:
    """Focus the feed list with Tab and move to the entry called ``label``."""
    screen = main(pilot)
    feeds = screen.feed_list
    for _ in range(4):
        if feeds.has_focus:
            break
        await pilot.press("tab")
    assert feeds.has_focus
    for _ in range(len(feeds.entries)):
        if feeds.current is not None and feeds.current.label == label:
            break
        await pilot.press("j")
    assert feeds.current is not None and feeds.current.label == label
    await settle(pilot)


def titles(pilot: Pilot[None]) -> list[str]:
    return [headline.title for headline in main(pilot).shown]


def counts(pilot: Pilot[None]) -> dict[str, int]:
    return {entry.label: entry.unread for entry in main(pilot).feed_list.entries}


# --- 3. the search scope -------------------------------------------------------------


async def test_the_search_scope_is_shown_switched_and_offered_when_the_view_has_none() -> None:
    app = make_app(make_articles(5), read=[3])  # Headline 3 is read: not in Unread
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        bar = screen.search_bar
        await choose(pilot, "Unread")
        assert "Search in Unread" in str(bar.border_title)
        assert "ctrl+g" in str(bar.border_title) or "^g" in str(bar.border_title)
        await pilot.press("slash", *"headline 3")
        await settle(pilot)
        assert titles(pilot) == []
        message = screen.headlines.empty_message
        assert "No match in Unread" in message and "1 in all articles" in message
        assert "^g" in message
        await pilot.press("ctrl+g")  # typed in the search bar: switches the scope
        await settle(pilot)
        assert titles(pilot) == ["Headline 3"]
        assert bar.value == "headline 3"
        assert "Search in all articles" in str(bar.border_title)
        assert screen.headlines.border_title == "Results in all articles"
        await pilot.press("enter", "ctrl+g")  # from the results too: back to Unread
        await settle(pilot)
        assert titles(pilot) == []
        assert "Search in Unread" in str(bar.border_title)
    rows = {row.id: row for row in app.binding_rows()}
    assert rows["search_scope"].keys and rows["search_scope"].description  # help, palette


async def test_a_search_with_no_match_anywhere_says_so_plainly() -> None:
    app = make_app(make_articles(3))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await choose(pilot, "Unread")
        await pilot.press("slash", *"zzyzx")
        await settle(pilot)
        message = main(pilot).headlines.empty_message
        assert "No headlines match 'zzyzx' in Unread" in message


# --- 4. the feed list stays current --------------------------------------------------


async def test_removing_a_feed_updates_the_list_and_the_headlines_at_once() -> None:
    app = app_with(make_articles(3), {"Other feed": ["Other story"], "Zeta": ["Zeta story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await choose(pilot, "Other feed")
        assert titles(pilot) == ["Other story"]
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)  # no refresh delay: no timer waited for
        await settle(pilot)
        screen = main(pilot)
        assert "Other feed" not in counts(pilot)
        assert counts(pilot)["All articles"] == 3  # (Headline 0 was read at start)
        current = screen.feed_list.current
        assert current is not None and current.label == "Zeta"  # the list moved on...
        assert screen.view == current.view
        assert titles(pilot) == ["Zeta story"]  # ...and the headlines: not "No articles here."


async def test_the_feed_list_counts_follow_star_and_read_at_once() -> None:
    app = make_app(make_articles(4))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: counts(pilot).get("Unread") == 3)  # the first is read
        await pilot.press("s")
        assert counts(pilot)["Starred"] == 1
        await pilot.press("j", "s")
        assert counts(pilot)["Starred"] == 2
        await pilot.press("s")
        assert counts(pilot)["Starred"] == 1
        await pilot.press("m")  # read (by going there) then unread again
        await settle(pilot)
        await pilot.press("m")
        assert counts(pilot)["Unread"] == 2
        assert counts(pilot)["Example feed"] == 2
        await settle(pilot)
    assert len(app.store.headlines(View(starred_only=True))) == 1


# --- 5. narrow terminals reach the feed list -----------------------------------------


async def test_a_narrow_terminal_reaches_the_feed_list() -> None:
    app = app_with(make_articles(3), {"Other feed": ["Other story"]}, read=(0,))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds, headlines = screen.feed_list, screen.headlines
        assert screen.has_class("-narrow") and feeds.region.width == 0
        await pilot.press("tab")  # headlines -> article (one pane at a time)
        assert screen.article_view.has_focus and screen.article_view.region.width > 0
        await pilot.press("tab")  # -> the feed list, as the one pane
        await pilot.pause()
        assert feeds.has_focus and feeds.region.width > 70
        assert headlines.region.width == 0 and screen.article_view.region.width == 0
        while feeds.current is not None and feeds.current.label != "Other feed":
            await pilot.press("j")
        await pilot.press("enter")  # its headlines
        await settle(pilot)
        assert headlines.has_focus and headlines.region.width > 70 and feeds.region.width == 0
        assert titles(pilot) == ["Other story"]
        await pilot.press("f")  # the feed list again...
        await pilot.pause()
        assert feeds.has_focus and feeds.region.width > 70
        await pilot.press("escape")  # ...and back
        await pilot.pause()
        assert headlines.has_focus and feeds.region.width == 0
        await pilot.press("f", "f")
        await pilot.pause()
        assert headlines.has_focus
        assert not screen.has_class("-feeds-hidden")  # f here leaves the wide layout alone
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert feeds.region.width > 0 and headlines.region.width > 0


# --- 6. why a feed failed --------------------------------------------------------------


async def test_the_reason_a_feed_failed_is_shown_while_it_is_selected() -> None:
    store = make_store(make_articles(2))
    broken = store.add_feed("https://example.org/broken.xml", title="Broken")
    store.record_failure(broken.id, "HTTP 500 Internal Server Error")
    app = TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )
    async with app.run_test(size=(140, 30)) as pilot:
        from tuinews.ui.widgets.feed_status import FeedStatus

        await settle(pilot)
        status = main(pilot).query_one(FeedStatus)
        assert not status.display
        await choose(pilot, "Broken")
        await pilot.pause()
        assert status.display and status.region.height >= 1
        assert "Broken could not be refreshed" in status.text
        assert "HTTP 500 Internal Server Error" in status.text
        assert "HTTP 500" in main(pilot).headlines.empty_message  # no articles: said there too
        await pilot.press("k")
        await pilot.pause()
        assert not status.display


# --- 8. leaving a search ---------------------------------------------------------------


async def test_leaving_a_search_selects_the_article_selected_before_it() -> None:
    app = make_app(make_articles(300, paragraphs=1))  # more than the first screen of ids
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert screen.headlines.current_id is not None
        before = screen.headlines.current_id
        await pilot.press("slash", *"headline 12")
        await settle(pilot)
        assert titles(pilot)[0].startswith("Headline 12")
        await pilot.press("escape")  # in the search bar
        await settle(pilot)
        assert screen.headlines.current_id == before
        assert screen.headlines.cursor == 299
        await pilot.press("k", "k")
        await settle(pilot)
        before = screen.headlines.current_id
        await pilot.press("slash", *"headline 5", "enter", "j")  # to the results, moved on
        await settle(pilot)
        await pilot.press("escape")  # in the results: clears too
        await settle(pilot)
        assert screen.headlines.current_id == before


# --- 9. dialogs --------------------------------------------------------------------------


async def test_keys_typed_fast_into_the_add_dialog_reach_their_fields() -> None:
    app = make_app([])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        press_fast(pilot, "a", *"http://127.0.0.1:9/x", "tab", *"Mine", "tab", *"a, b")
        await wait_for(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query_one("#tags", Input).value == "a, b")
        values = [field.value for field in dialog.query(Input)]
        assert values == ["http://127.0.0.1:9/x", "Mine", "a, b"]


async def test_keys_typed_fast_answer_the_remove_dialog() -> None:
    app = make_app(make_articles(2))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        press_fast(pilot, "d", "y")
        await wait_for(pilot, lambda: not app.store.feeds())
        assert not isinstance(app.screen, ConfirmDialog)


async def test_the_remove_dialog_shows_a_long_feed_name_whole() -> None:
    name = "A feed with a very long name " + "that goes on and on " * 5 + "to its end"
    app = app_with([], {name: ["Only story"]})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.pause()
        label = app.screen.query_one(Label)
        dialog = app.screen.query_one("#dialog")
        assert label.region.right <= dialog.region.right  # inside the dialog...
        assert label.region.height >= 3  # ...wrapped, all of it shown
        shown = "".join(
            segment.text
            for y in range(label.region.height)
            for segment in label.render_line(y)  # type: ignore[attr-defined]
        )
        assert "to its end" in shown


# --- 10. the first article shown is read ---------------------------------------------


async def test_the_first_article_shown_when_a_view_opens_is_read() -> None:
    app = app_with(make_articles(3), {"Other feed": ["Other story", "Older story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: main(pilot).shown[0].read)  # at start, once shown
        await wait_for(pilot, lambda: counts(pilot).get("Unread") == 4)
        await choose(pilot, "Other feed")  # shown while the feed list is browsed...
        assert titles(pilot) == ["Other story", "Older story"]
        assert not main(pilot).shown[0].read
        await pilot.press("enter")  # ...read once the view is entered
        await wait_for(pilot, lambda: main(pilot).shown[0].read)
        assert not main(pilot).shown[1].read
        assert counts(pilot)["Other feed"] == 1
        await settle(pilot)
    read = {h.title for h in app.store.headlines() if h.read}
    assert read == {"Headline 0", "Other story"}


# --- 12. keys act on the focused pane; the focus is visible -------------------------


async def test_d_removes_the_feed_of_the_article_in_the_focused_pane() -> None:
    app = app_with(make_articles(2), {"Other feed": ["Other story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await choose(pilot, "All articles")
        await pilot.press("d")  # the feed list's entry is not a feed: nothing to remove
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await choose(pilot, "Example feed")
        await pilot.press("slash", "ctrl+g", *"other", "enter")  # all articles
        await settle(pilot)
        assert titles(pilot) == ["Other story"]
        await pilot.press("enter", "d")  # in the article pane: the article's feed
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Remove Other feed and its 1 article?"
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
    assert [feed.name for feed in app.store.feeds()] == ["Example feed"]


async def test_d_says_the_articles_a_rule_hid_go_with_the_feed() -> None:
    """The question counted the articles shown only: one a rule hid was removed too,
    unsaid."""
    app = app_with(make_articles(2), {"Other feed": ["Other story", "Sponsored story"]})
    app.store.apply_rules((make_rule("r", "title:sponsored", "hide"),))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await choose(pilot, "Other feed")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = app.screen.question  # type: ignore[attr-defined]
        assert question == "Remove Other feed and its 1 article (and 1 hidden by a rule)?"
        await pilot.press("n")


async def test_the_focused_pane_is_marked() -> None:
    app = app_with(make_articles(2), {"Other feed": ["Other story"]})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        panes = [screen.search_bar, screen.feed_list, screen.headlines, screen.article_view]
        unfocused = {}
        for pane in panes:
            screen.set_focus(pane)
            await pilot.pause()
            assert pane.border_title  # every pane says what it is
            focused = pane.styles.border_top
            screen.set_focus(None)
            await pilot.pause()
            unfocused[pane] = pane.styles.border_top
            assert focused[0] != "none" and focused != unfocused[pane]
        await pilot.press("slash", *"story", "enter")  # Enter: the keys act on the results
        await pilot.pause()
        assert screen.headlines.has_focus
        assert screen.headlines.styles.border_top != unfocused[screen.headlines]
        assert screen.search_bar.styles.border_top == unfocused[screen.search_bar]


async def test_the_scope_names_a_feed_as_text_and_follows_a_remapped_key() -> None:
    name = "[bold]Evil[/bold] [@click=app.quit]feed[/]"
    app = app_with([], {name: ["Only story"]})
    app.settings = Settings(refresh_on_start=False, keys={"search_scope": "ctrl+o"})
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await choose(pilot, name)
        screen = main(pilot)
        title = screen.search_bar._border_title
        assert title is not None and title.plain == f"Search in {name} · ^o: search all articles"
        await pilot.press("ctrl+o")  # remapped
        assert screen.search_bar.everywhere
        headlines_title = screen.headlines._border_title
        assert headlines_title is not None
        assert headlines_title.plain == f"{name} · newest first"  # (and the order)
        assert app.is_running
