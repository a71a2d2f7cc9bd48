"""Saved searches in the app: listed above the feeds with live unread counts, a view like
any other (j, n, A, a search inside it), and S saving the search typed (named in a
dialog), listed at once. Hidden articles stay out of every view."""

from __future__ import annotations

from textual.widgets import Label

from tests.builders import article, make_articles, make_store, rss
from tests.netserver import FeedServer, Request, Response
from tests.ui.helpers import main, press_fast, settle, wait_for, wait_for_refresh, wait_settled
from tuinews.query.rules import make_rule
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.bindings import BINDING_IDS
from tuinews.ui.screens.dialogs import NameDialog
from tuinews.ui.widgets.feed_list import FeedList


def app_over(store: Store) -> TuinewsApp:
    return TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )


def counts(feeds: FeedList) -> dict[str, int]:
    return {entry.label: entry.unread for entry in feeds.entries}


async def test_saved_searches_are_listed_above_the_feeds_and_behave_like_views() -> None:
    store = make_store(make_articles(4))  # Headline 0..3, in "Example feed"
    feed = store.add_feed("https://war.example/feed", title="War feed")
    store.upsert_articles(
        feed.id,
        [
            article("w1", "Kyiv tonight", day=3),
            article("w2", "Kharkiv front", day=2),
            article("w3", "Kyiv morning", day=1),
            article("w4", "Sponsored Kyiv tour", day=4),
        ],
    )
    store.apply_rules((make_rule("r", "title:sponsored", "hide"),))
    store.add_saved_search("Ukraine", "kyiv OR kharkiv")
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.query_one(FeedList)

        def labels() -> list[str]:
            return [e.label for e in feeds.entries]

        await wait_for(pilot, lambda: "Ukraine" in labels())
        # Above the tags and feeds, after All, Unread, Starred; counted (the hidden one not).
        assert labels()[:4] == ["All articles", "Unread", "Starred", "Ukraine"]
        await wait_for(pilot, lambda: counts(feeds)["Ukraine"] == 3)
        await pilot.press("tab", "tab")
        assert feeds.has_focus
        while feeds.current is None or feeds.current.label != "Ukraine":
            await pilot.press("j")
        await settle(pilot)
        assert screen.view == View(search="kyiv OR kharkiv")
        await wait_for(
            pilot,
            lambda: (
                [h.title for h in screen.shown] == ["Kyiv tonight", "Kharkiv front", "Kyiv morning"]
            ),
        )
        assert screen.headlines.border_title is not None
        assert "Ukraine" in str(screen.headlines.border_title)
        # Entered: the first article shown is read, the count follows at once.
        await pilot.press("tab")
        await wait_for(pilot, lambda: counts(feeds)["Ukraine"] == 2)
        await pilot.press("n")  # the next unread, in the saved search
        await settle(pilot)
        assert screen.headlines.current is not None
        assert screen.headlines.current.title == "Kharkiv front"
        # A search inside it.
        await pilot.press("slash", *"morning", "enter")
        await wait_settled(pilot, lambda: [h.title for h in screen.shown] == ["Kyiv morning"])
        await pilot.press("escape")
        await wait_settled(pilot, lambda: len(screen.shown) == 3)
        # A marks every article shown read: the saved search's count goes to 0, the
        # others' unread articles stay unread.
        await pilot.press("A")
        await wait_settled(pilot, lambda: counts(feeds)["Ukraine"] == 0)
        assert counts(feeds)["Unread"] == 3  # Headline 1..3 (the first one shown was read)
        assert store.unread_count(View(search="kyiv OR kharkiv")) == 0
        # The hidden article is nowhere, but is:hidden finds it.
        assert "Sponsored Kyiv tour" not in [h.title for h in store.headlines()]
        assert [h.title for h in store.headlines(View(feed_id=feed.id))] == [
            "Kyiv tonight",
            "Kharkiv front",
            "Kyiv morning",
        ]


async def test_S_saves_the_search_typed_and_it_is_listed_with_its_count() -> None:
    assert "save_search" in BINDING_IDS
    store = make_store(make_articles(5))
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.query_one(FeedList)
        await wait_for(pilot, lambda: len(feeds.entries) > 3)

        def messages() -> list[str]:
            return [n.message for n in app._notifications]

        await pilot.press("S")  # nothing typed: says how
        await wait_for(pilot, lambda: any("Type a search first" in m for m in messages()))
        await pilot.press("slash", *"headline", "enter")
        await wait_settled(pilot, lambda: len(screen.shown) == 5)
        # The dialog takes what is typed at once after S (the key waits for it); the
        # name it suggests (the search) is selected: typing replaces it.
        press_fast(pilot, "S", *"All headlines", "enter")
        await wait_settled(
            pilot, lambda: [s.name for s in store.saved_searches()] == ["All headlines"]
        )
        assert store.saved_searches()[0].query == "headline"
        await wait_for(pilot, lambda: "All headlines" in [e.label for e in feeds.entries])
        await wait_for(pilot, lambda: counts(feeds)["All headlines"] == 4)  # one was read
        # A name taken: said in the dialog, which stays open for another.
        press_fast(pilot, "S", *"all HEADLINES", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NameDialog))
        dialog = app.screen
        error = dialog.query_one("#name-error", Label)
        await wait_for(pilot, lambda: "is taken" in str(error.render()))
        await pilot.pause()
        assert error.region.height == 1  # shown
        await pilot.press("ctrl+u", *"Headlines again", "enter")
        await wait_settled(pilot, lambda: len(store.saved_searches()) == 2)
        assert not isinstance(app.screen, NameDialog)
        # A query with mistakes is not saved: the dialog does not open.
        screen.search_bar.value = "(headline is:maybe"
        await settle(pilot)
        await pilot.press("enter")
        await pilot.press("S")
        await wait_for(pilot, lambda: any("Not saved" in m for m in messages()))
        assert not isinstance(app.screen, NameDialog)
        # In the help and the command palette's rows.
        rows = [row for row in app.binding_rows() if row.id == "save_search"]
        assert rows and rows[0].keys == "S" and "Save the search" in rows[0].description


async def test_saved_search_counts_follow_a_refresh_batch_by_batch(server: FeedServer) -> None:
    """During a refresh, each batch's new articles are added to the saved searches'
    counts (only they are read: ui/widgets/search_counts.py); a search with words counts
    them once indexed (at the latest when the refresh ends); then all are counted in full."""
    from threading import Event

    go = Event()

    def slow(request: Request) -> Response:
        go.wait(10)  # until the first feed's batch was counted
        return Response(body=rss("S", ("s1", "Slow Kyiv news")))

    server.route("/a.xml", Response(body=rss("A", ("a1", "Alpha Kyiv news"), ("a2", "Beta"))))
    server.route("/slow.xml", slow)
    store = make_store(make_articles(2))
    alpha = store.add_feed(server.url("/a.xml"), title="Alpha")
    store.add_feed(server.url("/slow.xml"), title="Slow")
    store.add_saved_search("Unread", "is:unread -feed:Example")
    store.add_saved_search("Kyiv", "kyiv")
    app = app_over(store)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        feeds = main(pilot).query_one(FeedList)
        await wait_for(pilot, lambda: "Kyiv" in counts(feeds))
        assert counts(feeds)["Unread"] == 0 and counts(feeds)["Kyiv"] == 0
        await pilot.press("R")
        try:  # the quick feed's batch, while the slow one waits
            await wait_for(pilot, lambda: counts(feeds)["Unread"] == 2)
            assert main(pilot).refreshing
            # (the headlines are read again on their own, maybe after the counts)
            await wait_for(pilot, lambda: alpha.id in {h.feed_id for h in main(pilot).shown})
            assert main(pilot).refreshing
        finally:
            go.set()
        await wait_for_refresh(pilot)
        await wait_for(pilot, lambda: counts(feeds)["Kyiv"] == 2 and counts(feeds)["Unread"] == 3)
        assert counts(feeds)["Kyiv"] == store.unread_count(View(search="kyiv"))
