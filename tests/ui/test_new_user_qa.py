"""Pilot tests of what a QA engineer found trying the app as a new user (third wave): a
click in the narrow layout shows the headline clicked, ``S`` brackets the search it saves,
``d`` on an account's feed or a saved search, the account feeds marked in the feed list,
the save dialog's place, the help's keys and ``R``'s message when a sync fails."""

from __future__ import annotations

import threading

from rich.text import Text
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.builders import article, make_articles, make_store
from tests.netserver import FeedServer
from tests.readerapi import AUTH
from tests.ui.helpers import (
    main,
    make_app,
    press_fast,
    screen_lines,
    settle,
    wait_for,
    wait_for_refresh,
    wait_settled,
    where_shown,
)
from tuinews.accounts import save_auth
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Feed, Store, View
from tuinews.store.accounts import RemoteFeed
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.dialogs import ConfirmDialog, NameDialog
from tuinews.ui.screens.help import HelpScreen
from tuinews.ui.screens.main import MainScreen
from tuinews.ui.widgets.feed_list import Entry


def app_over(store: Store) -> TuinewsApp:
    return TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )


async def test_a_click_in_the_narrow_layout_shows_the_headline_clicked() -> None:
    """The narrow layout shows the article pane when a headline is clicked: it renders the
    article at its new width while the one clicked is still on its way. It rendered the
    article on screen before (another) under the clicked one's id: shown, marked read and
    kept as that one's (Escape and Enter showed it again)."""
    app = make_app(make_articles(10, paragraphs=1))
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        view = screen.article_view
        assert view.article is not None and view.article.title == "Headline 0"
        # The clicked article is read from the store slowly (a busy machine): until the
        # pane has asked for it at its new width.
        store = view.store
        assert store is not None
        get_article = store.get_article
        gate = threading.Event()

        def slow_get_article(article_id: int) -> Article | None:
            gate.wait(10)
            return get_article(article_id)

        store.get_article = slow_get_article
        widths: list[int] = []
        ask = view._ask

        def spy(article_id: int, *args: object, **kwargs: object) -> None:
            width = args[1]
            assert isinstance(width, int)
            widths.append(width)
            ask(article_id, *args, **kwargs)

        view._ask = spy
        await pilot.click(offset=where_shown(pilot, "Headline 4"))
        await wait_for(pilot, lambda: view.region.width > 0)  # the pane is shown
        await wait_for(pilot, lambda: view._render_width() in widths)  # asked at its width
        gate.set()
        await settle(pilot)  # (the render thread is done)
        assert screen.headlines.current is not None
        assert screen.headlines.current.title == "Headline 4"
        assert view.article is not None and view.article.title == "Headline 4"
        assert "Paragraph 0 of article 4." in view.text and view.ready
        await pilot.press("escape", "enter")  # the same row again: the same article
        await settle(pilot)
        assert view.article is not None and view.article.title == "Headline 4"
        assert "Paragraph 0 of article 4." in view.text


async def choose(pilot: Pilot[None], label: str, feed_id: int | None = None) -> None:
    """The feed list's entry ``label`` (with ``feed_id``, that feed's), chosen (its
    headlines shown)."""
    feeds = main(pilot).feed_list

    def wanted(entry: Entry | None) -> bool:
        if entry is None or entry.label != label:
            return False
        return feed_id is None or (entry.feed is not None and entry.feed.id == feed_id)

    await wait_for(pilot, lambda: any(wanted(entry) for entry in feeds.entries))
    while not feeds.has_focus:
        await pilot.press("tab")
    while not wanted(feeds.current):
        await pilot.press("j")
    await settle(pilot)


async def test_S_brackets_a_choice_typed_in_a_feed() -> None:
    """``/kernel OR python`` in a feed, saved: that feed's articles with either word (it
    was saved as ``feed:URL kernel OR python``: (the feed and kernel) or python anywhere);
    a search without OR is saved as typed."""
    store = make_store()
    tech = store.add_feed("https://tech.example/feed", title="Tech Daily")
    store.upsert_articles(
        tech.id, [article("t1", "Kernel news", day=3), article("t2", "Python tips", day=2)]
    )
    other = store.add_feed("https://other.example/feed", title="Other")
    store.upsert_articles(other.id, [article("o1", "Python elsewhere", day=4)])
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await choose(pilot, "Tech Daily")
        assert screen.view == View(feed_id=tech.id)
        await pilot.press("slash", *"kernel OR python", "enter")
        await wait_settled(pilot, lambda: len(screen.shown) == 2)
        press_fast(pilot, "S", *"Either", "enter")
        await wait_settled(pilot, lambda: [s.name for s in store.saved_searches()] == ["Either"])
        saved = store.saved_searches()[0].query
        assert saved == "feed:https://tech.example/feed is:local (kernel OR python)"
        titles = [h.title for h in store.headlines(View(search=saved))]
        assert titles == ["Kernel news", "Python tips"]
        screen.search_bar.value = "kernel news"
        await settle(pilot)
        await pilot.press("enter")
        press_fast(pilot, "S", *"Plain", "enter")
        await wait_settled(pilot, lambda: len(store.saved_searches()) == 2)
        plain = [s.query for s in store.saved_searches() if s.name == "Plain"]
        assert plain == ["feed:https://tech.example/feed is:local kernel news"]


API = "https://rss.example/api/greader.php"


def local_and_account_feed() -> tuple[Store, Feed, Feed]:
    """ "World News" twice: a local feed, and the same address on an account."""
    store = make_store()
    local = store.add_feed("https://world.example/feed", title="World News")
    store.upsert_articles(local.id, [article("l1", "Local story", day=2)])
    account, _ = store.add_account(API, "alice")
    store.apply_subscriptions(
        account.id, [RemoteFeed("feed/1", "https://world.example/feed", "World News", "", ())]
    )
    (synced,) = [f for f in store.feeds(kind=None) if f.account_id == account.id]
    store.upsert_articles(synced.id, [article("a1", "Synced story", day=3)])
    return store, local, synced


def messages(app: TuinewsApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_S_in_one_of_two_feeds_of_the_same_url_saves_that_feed_only() -> None:
    """A local feed and an account's at the same address: a search saved in either
    selects that one (``account:HOST`` or ``is:local`` beside ``feed:URL``)."""
    store, local, synced = local_and_account_feed()
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: screen.feed_list.feed(synced.id) is not None)
        for feed, name, title in (
            (synced, "Synced", "Synced story"),
            (local, "Here", "Local story"),
        ):
            await choose(pilot, "World News", feed.id)
            await pilot.press("slash", *"story", "enter")
            await wait_settled(pilot, lambda: len(screen.shown) == 1)
            press_fast(pilot, "S", *name, "enter")
            await wait_settled(pilot, lambda n=name: n in [s.name for s in store.saved_searches()])
            (saved,) = [s.query for s in store.saved_searches() if s.name == name]
            assert [h.title for h in store.headlines(View(search=saved))] == [title], saved
            await pilot.press("escape")
            await settle(pilot)
        queries = {s.name: s.query for s in store.saved_searches()}
        assert queries["Synced"] == "feed:https://world.example/feed account:rss.example story"
        assert queries["Here"] == "feed:https://world.example/feed is:local story"


async def test_the_feed_list_marks_an_accounts_feed_with_its_server() -> None:
    store, local, synced = local_and_account_feed()
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        feeds = main(pilot).feed_list
        await wait_for(pilot, lambda: feeds.feed(synced.id) is not None)
        prompts = {
            entry.feed.id: feeds.get_option_at_index(index).prompt
            for index, entry in enumerate(feeds.entries)
            if entry.feed is not None
        }
        assert str(prompts[local.id]).split()[:2] == ["World", "News"]
        assert str(prompts[local.id]).split()[2:] == ["1"]  # the count: nothing else
        # The account's: its server's host, dim (cut to the pane's width, as the name).
        prompt = prompts[synced.id]
        assert isinstance(prompt, Text)
        assert prompt.plain.startswith("World News · rss.")
        (suffix,) = [span for span in prompt.spans if "dim" in str(span.style)][:1]
        assert prompt.plain[suffix.start :].startswith(" · rss.")
        assert any("World News · rss." in line for line in screen_lines(pilot))


async def test_d_on_an_accounts_feed_asks_to_unsubscribe_on_its_server() -> None:
    """Removed here only, the next sync would bring it back: ``d`` unsubscribes on the
    account's server (tests/ui/test_account_feeds.py does it), after asking; "no" leaves
    it, from the feed list and from its headlines alike."""
    store, _, synced = local_and_account_feed()
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: screen.feed_list.feed(synced.id) is not None)
        await choose(pilot, "World News", synced.id)
        expected = f"Unsubscribe from World News on alice at {API}, and remove its 1 article?"
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.question == expected
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("enter")  # its headlines: the shown article's feed
        await wait_for(pilot, lambda: screen.headlines.has_focus)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.question == expected
        await pilot.press("n")
        await settle(pilot)
    assert store.get_feed(synced.id) is not None


async def test_d_on_a_saved_search_removes_it_after_asking() -> None:
    store = make_store(make_articles(3))
    store.add_saved_search("Headlines", "headline")
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await choose(pilot, "Headlines")
        assert screen.view == View(search="headline")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # cancelled: kept
        await settle(pilot)
        assert [s.name for s in store.saved_searches()] == ["Headlines"]
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_settled(pilot, lambda: not store.saved_searches())
        await wait_for(
            pilot, lambda: "Headlines" not in [e.label for e in screen.feed_list.entries]
        )
        assert "Removed the saved search 'Headlines'." in messages(app)
        await wait_settled(pilot, lambda: screen.view != View(search="headline"))
        assert len(store.headlines()) == 3  # its articles stay


async def test_the_save_dialog_is_centred_as_the_others() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"headline", "enter")
        await settle(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, NameDialog))
        box = app.screen.query_one("#dialog").region
        left, right = box.x, 120 - box.right
        top, bottom = box.y, 30 - box.bottom
        assert left > 0 and abs(left - right) <= 1, box
        assert top > 0 and abs(top - bottom) <= 1, box


async def test_j_k_and_the_arrows_scroll_the_help() -> None:
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        body = app.screen.query_one("#help-body", VerticalScroll)
        await wait_for(pilot, lambda: body.max_scroll_y > 5)
        for key, line in (("j", 1), ("j", 2), ("down", 3), ("k", 2), ("up", 1)):
            await pilot.press(key)
            await settle(pilot)
            assert (key, body.scroll_y) == (key, line)
        app.screen.set_focus(None)  # whatever has the focus
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: body.scroll_y == 3)


async def test_R_with_the_server_down_does_not_say_synced() -> None:
    with FeedServer() as gone:
        api_url = gone.url("/api/greader.php")  # (the server stops: connection refused)
    app = make_app([])
    app.store.add_account(api_url, "alice")
    save_auth(api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        assert messages(app) == [
            f"1 account failed\nalice at {api_url}: cannot reach the server (connection refused)"
        ]
