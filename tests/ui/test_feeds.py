"""Pilot tests of the feed side: read/star keys that persist, the feed list, refresh,
adding and removing feeds. Feeds come from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from textual.widgets import Input, Label

from tests.builders import make_articles, rss
from tests.netserver import FeedServer, Request, Response
from tests.ui.helpers import main, make_app, settle, wait_for, wait_for_refresh, wait_settled
from tuinews.formats import article_markdown
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.dialogs import AddFeedDialog, ConfirmDialog
from tuinews.ui.widgets.feed_list import FeedList


async def test_m_s_A_change_read_and_star_and_they_persist() -> None:
    app = make_app(make_articles(4))
    store = app.store
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: screen.shown[0].read)  # shown first: read
        assert [h.read for h in screen.shown] == [True, False, False, False]
        await pilot.press("m")  # the shown article: unread...
        assert not screen.shown[0].read
        await pilot.press("m")  # ...and read again
        await pilot.press("j", "s")  # star the second (and read it, by going there...
        await settle(pilot)  # ...and resting there until it is shown)
        await pilot.press("j", "m")  # the third: read by going there, then unread again
        await settle(pilot)
        assert [h.read for h in screen.shown] == [True, True, False, False]
        assert [h.starred for h in screen.shown] == [False, True, False, False]
    # a second run of the app over the same store sees the same state
    read = {h.title: h.read for h in store.headlines()}
    assert read == {
        "Headline 0": True,
        "Headline 1": True,
        "Headline 2": False,
        "Headline 3": False,
    }
    assert [h.title for h in store.headlines(View(starred_only=True))] == ["Headline 1"]
    again = TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )
    async with again.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert [h.read for h in main(pilot).shown] == [True, True, False, False]
        await pilot.press("A")
        await settle(pilot)
    assert all(h.read for h in store.headlines())


async def test_feed_list_filters_and_f_hides_it(server: FeedServer) -> None:
    app = make_app(make_articles(3))
    other = app.store.add_feed(server.url("/other.xml"), title="Other feed", tags=["world"])
    server.route("/other.xml", Response(body=rss("Other feed", ("x", "From the other feed"))))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.query_one(FeedList)
        assert feeds.region.width > 0
        labels = [entry.label for entry in feeds.entries]
        assert labels[:3] == ["All articles", "Unread", "Starred"]
        assert "#world" in labels and "Other feed" in labels and "Example feed" in labels
        await pilot.press("tab")
        assert screen.article_view.has_focus
        await pilot.press("tab")
        assert feeds.has_focus
        await pilot.press("r")  # refresh the highlighted feed... "All" is not a feed
        await wait_for_refresh(pilot)
        while feeds.current is None or feeds.current.label != "Other feed":
            await pilot.press("j")
        await settle(pilot)
        await pilot.press("r")
        await wait_for_refresh(pilot)
        await settle(pilot)
        assert [h.title for h in screen.shown] == ["From the other feed"]
        assert screen.view == View(feed_id=other.id)
        await pilot.press("f")
        await pilot.pause()
        assert feeds.region.width == 0
        assert screen.headlines.has_focus


async def test_R_refreshes_all_and_shows_progress_and_failures(server: FeedServer) -> None:
    app = make_app([])
    server.route("/a.xml", Response(body=rss("A", ("1", "Alpha news"))))
    server.route("/b.xml", Response(status=500))
    app.store.add_feed(server.url("/a.xml"))
    app.store.add_feed(server.url("/b.xml"), title="Broken")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        screen = main(pilot)
        assert [h.title for h in screen.shown] == ["Alpha news"]
        messages = [n.message for n in app._notifications]
        assert any(
            "1 of 2 feeds refreshed: 1 new; 1 failed" in m and "Broken" in m for m in messages
        )
        entries = {e.label: e for e in screen.query_one(FeedList).entries}
        assert entries["Broken"].failed and not entries["A"].failed
        feed_a = entries["A"].feed
        assert feed_a is not None and feed_a.total == 1
        assert entries["A"].unread == 1


async def test_a_adds_a_feed_found_on_a_page_and_d_removes_it(server: FeedServer) -> None:
    server.route("/feed.xml", Response(body=rss("Found feed", ("1", "Found story"))))
    server.route(
        "/",
        Response(
            body=b'<html><head><link rel="alternate" type="application/atom+xml" '
            b'href="/feed.xml"></head><body>A blog</body></html>',
            headers={"Content-Type": "text/html"},
        ),
    )
    app = make_app([])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedDialog)
        await pilot.press(*server.url("/"), "tab", *"Mine", "tab", *"blogs, fun", "enter")
        await wait_for_refresh(pilot)
        await wait_settled(pilot, lambda: app.store.feeds())
        await wait_for_refresh(pilot)
        (feed,) = app.store.feeds()
        assert (feed.url, feed.name, feed.tags) == (
            server.url("/feed.xml"),
            "Mine",
            ("blogs", "fun"),
        )
        screen = main(pilot)
        assert [h.title for h in screen.shown] == ["Found story"]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.store.feeds()
        await pilot.press("d", "y")
        await wait_for_refresh(pilot)
        assert app.store.feeds() == []
        assert screen.shown == []


async def test_adding_a_bad_url_says_why(server: FeedServer) -> None:
    server.route("/", Response(body=b"<html><body>No feeds here</body></html>"))
    app = make_app([])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"javascript:alert(1)", "tab", *"My title", "enter")
        # the dialog stays, says why, and keeps what was typed (it closed, and the user
        # had to type everything again after the message)
        dialog = app.screen
        assert isinstance(dialog, AddFeedDialog)
        problem = dialog.query_one("#url-error", Label)
        await wait_for(pilot, lambda: "Not an http(s) URL" in str(problem.render()))
        assert problem.display
        assert dialog.query_one("#title", Input).value == "My title"
        assert dialog.query_one("#url", Input).has_focus
        await pilot.press("ctrl+u", *server.url("/"), "enter")

        def messages() -> list[str]:
            return [n.message for n in app._notifications]

        await wait_settled(pilot, lambda: any("No feed found" in m for m in messages()))
        assert any("No feed found" in m for m in messages())
        assert app.store.feeds() == []
        assert app.is_running


async def test_F_fetches_the_full_article_and_switches_back(server: FeedServer) -> None:
    page = (
        "<html><head><title>The whole story</title></head><body><nav>Home | News</nav>"
        "<article><h1>The whole story</h1>"
        + "".join(
            f"<p>Full paragraph {i}, long enough to read as the story itself.</p>" for i in range(6)
        )
        + "</article><footer>Subscribe now!</footer></body></html>"
    ).encode()
    server.route("/story", Response(body=page, headers={"Content-Type": "text/html"}))
    feed_xml = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Summaries</title>'
        f"<item><guid>1</guid><title>The whole story</title><link>{server.url('/story')}</link>"
        "<description>Only a short summary.</description></item></channel></rss>"
    ).encode()
    server.route("/feed.xml", Response(body=feed_xml))
    app = make_app([])
    app.store.add_feed(server.url("/feed.xml"))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        view = main(pilot).article_view
        assert "Only a short summary." in view.text
        await pilot.press("F")
        await wait_settled(pilot, lambda: "Full paragraph 5" in view.text)
        assert "Full paragraph 5" in view.text and "Subscribe now!" not in view.text
        await pilot.press("F")
        await settle(pilot)
        assert "Only a short summary." in view.text and "Full paragraph" not in view.text
    (headline,) = app.store.headlines()
    stored = app.store.get_article(headline.id)
    assert stored is not None and "Full paragraph 0" in stored.full
    assert "Only a short summary." in article_markdown(stored)


async def test_the_status_line_shows_a_refresh_while_it_runs(server: FeedServer) -> None:
    """Hidden (and empty: made by the first refresh) until a refresh runs; then the
    count and the bar; hidden again when it ends."""
    from threading import Event

    from textual.widgets import Label, ProgressBar

    from tuinews.ui.widgets.refresh_status import RefreshStatus

    app = make_app([])
    go = Event()

    def slow(request: Request) -> Response:
        go.wait(10)  # until the status line was seen half way
        return Response(body=rss("S", ("2", "Slow news")))

    server.route("/a.xml", Response(body=rss("A", ("1", "Alpha news"))))
    server.route("/slow.xml", slow)
    app.store.add_feed(server.url("/a.xml"))
    app.store.add_feed(server.url("/slow.xml"))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        status = main(pilot).query_one(RefreshStatus)
        assert not status.display and not status.children
        await pilot.press("R")
        try:  # until the quick feed is in (the slow one waits for `go`)
            await wait_for(
                pilot, lambda: status.children and "1/2" in str(status.query_one(Label).content)
            )
            assert status.display
            assert str(status.query_one(Label).content) == "Refreshing 1/2"
            bar = status.query_one(ProgressBar)
            assert (bar.progress, bar.total) == (1, 2)
        finally:
            go.set()
        await wait_for_refresh(pilot)
        assert not status.display
        titles = ["Slow news", "Alpha news"]
        await wait_settled(pilot, lambda: [h.title for h in main(pilot).shown] == titles)


async def test_stale_feeds_are_refreshed_on_start(server: FeedServer) -> None:
    """refresh_on_start (the default): feeds not fetched for a while are refreshed once
    the app has started, with no key pressed (that this waits for the first frame is
    checked by tests/ui/test_startup_imports.py)."""
    from tests.builders import make_store

    server.route("/a.xml", Response(body=rss("A", ("1", "Fresh news"))))
    store = make_store()  # (no other feed: tests never go online)
    store.add_feed(server.url("/a.xml"))  # never fetched: stale
    app = TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=True)
    )
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: any(h.title == "Fresh news" for h in main(pilot).shown))
        await wait_for_refresh(pilot)
        assert [h.title for h in main(pilot).shown] == ["Fresh news"]
        assert server.requests and server.requests[0].path == "/a.xml"
