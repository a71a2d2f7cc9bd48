"""What other processes commit while the app is open (issue 12, section 3): cron's
refresh, ``tuinews add`` from a shell. Here they are made by a second connection to the
same SQLite file (a real one: PRAGMA data_version changes for the app as it does for
another process's commits); tests/hostile/test_cron_and_app.py runs a real
``tuinews refresh`` beside the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot

from tests.builders import make_articles, rss, with_long_article
from tests.netserver import FeedServer, Response
from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article
from tuinews.store import Store, View
from tuinews.store.lock import StoreLock
from tuinews.ui.widgets.feed_list import FeedList

CHANGE_SEEN = 1000  # pauses of 0.01 s: the watcher looks once a second, the reload 1.5 s on


def newer(count: int, prefix: str = "new") -> list[Article]:
    """Articles newer than make_articles' (so they are listed above them)."""
    return [
        Article(
            title=f"{prefix.title()} headline {i}",
            source="",
            body=f"Body of {prefix} {i}.",
            text=f"Body of {prefix} {i}.",
            date=datetime(2024, 7, 1, tzinfo=UTC) + timedelta(days=i),
            uid=f"{prefix}-{i}",
        )
        for i in range(count)
    ]


def from_elsewhere(path: object, articles: list[Article], title: str = "Cron feed") -> None:
    """Commit these articles in a feed of their own, through another connection."""
    with Store(path) as other:  # type: ignore[arg-type]
        feed = other.add_feed(f"https://example.com/{title.replace(' ', '-')}", title=title)
        other.upsert_articles(feed.id, articles)


def unread_count(pilot: Pilot[None]) -> int:
    entries = {entry.label: entry for entry in main(pilot).query_one(FeedList).entries}
    return entries["Unread"].unread if "Unread" in entries else -1


async def test_articles_committed_elsewhere_appear_and_the_reading_place_stays() -> None:
    app = make_app(with_long_article(count=4, long_one=2))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("j", "j", "enter")  # the long article, read from the article pane
        article = screen.article_view
        await wait_for(pilot, lambda: article.ready and article.article_id is not None)
        await settle(pilot)  # marked read once shown
        reading = screen.headlines.current_id
        await pilot.press("space", "space")
        await wait_for(pilot, lambda: article.scroll_y > 0)
        place = article.scroll_y
        unread = unread_count(pilot)

        from_elsewhere(app.store.path, newer(3))

        await wait_for(pilot, lambda: len(screen.headlines.ids) == 7, guard=CHANGE_SEEN)
        await settle(pilot)
        assert [h.title for h in screen.shown][:3] == [
            "New headline 2",
            "New headline 1",
            "New headline 0",
        ]
        assert screen.headlines.current_id == reading  # the cursor stayed on its article
        assert screen.headlines.cursor == 5
        assert article.article_id == reading and article.scroll_y == place  # not re-shown
        await wait_for(pilot, lambda: unread_count(pilot) == unread + 3)
        entries = [entry.label for entry in screen.query_one(FeedList).entries]
        assert "Cron feed" in entries


async def test_the_article_read_in_the_unread_view_stays_when_the_view_is_read_again() -> None:
    app = make_app(make_articles(5))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: len(screen.query_one(FeedList).entries) > 1)
        screen.query_one(FeedList).highlighted = 1  # "Unread"
        await wait_for(pilot, lambda: screen.view == View(unread_only=True))
        await settle(pilot)
        # To Headline 2, read once shown (the first article shown at start-up is read too,
        # so the Unread view may or may not still list Headline 0).
        for _ in range(3):
            await wait_for(pilot, lambda: screen.headlines.current is not None)
            current = screen.headlines.current
            if current is not None and current.title == "Headline 2":
                break
            await pilot.press("j")
        current = screen.headlines.current
        assert current is not None and current.title == "Headline 2"
        await wait_for(pilot, lambda: app.store.get_article(current.id).read)  # type: ignore[union-attr]

        from_elsewhere(app.store.path, newer(2))

        def unread_and_current() -> set[int]:
            return set(app.store.headline_ids(View(unread_only=True))) | {current.id}

        await wait_for(
            pilot, lambda: set(screen.headlines.ids) == unread_and_current(), guard=CHANGE_SEEN
        )
        await settle(pilot)
        # Read, it left the view; being read, it stays, with the cursor on it, among the
        # neighbours it had.
        titles = [h.title for h in screen.shown]
        assert titles[:2] == ["New headline 1", "New headline 0"]
        assert titles[-3:] == ["Headline 2", "Headline 3", "Headline 4"]
        assert screen.headlines.current_id == current.id
        assert screen.article_view.article_id == current.id


async def test_a_search_in_progress_is_left_alone_until_it_is_shown() -> None:
    app = make_app(make_articles(5))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("slash", *"headline")
        await wait_for(pilot, lambda: screen.shown_text == "headline")
        from_elsewhere(app.store.path, newer(2))
        await wait_for(pilot, lambda: len(screen.headlines.ids) == 7, guard=CHANGE_SEEN)
        assert screen.search_bar.value == "headline" and screen.search_bar.has_focus


async def test_R_while_another_tuinews_refreshes_says_so_and_fetches_nothing() -> None:
    with FeedServer() as server:
        server.route("/a.xml", Response(body=rss("A", ("1", "Alpha news"))))
        app = make_app([])
        app.store.add_feed(server.url("/a.xml"))
        cron = StoreLock(app.store.path)
        assert cron.try_acquire() is None  # cron's refresh is running
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("Another tuinews is refreshing the feeds" in m for m in messages)
            assert server.requests == []
            cron.release()
            await pilot.press("R")
            await wait_for(pilot, lambda: [h.title for h in main(pilot).shown] == ["Alpha news"])
            assert len(server.requests) == 1


async def test_a_feed_removed_elsewhere_leaves_the_list_with_its_articles() -> None:
    app = make_app(make_articles(3))  # what it shows first is read from now
    from_elsewhere(app.store.path, newer(2))  # committed before its first frame: shown too
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: len(screen.headlines.ids) == 5, guard=CHANGE_SEEN)
        await settle(pilot)
        await pilot.press("g")
        await pilot.press("j")  # New headline 0: the one being read
        await wait_for(pilot, lambda: screen.article_view.ready)
        current = screen.headlines.current
        assert current is not None and current.title == "New headline 0"
        with Store(app.store.path) as other:  # `tuinews remove` from a shell
            (feed,) = [f for f in other.feeds() if f.name == "Cron feed"]
            other.remove_feed(feed.id)
        await wait_for(pilot, lambda: len(screen.headlines.ids) == 3, guard=CHANGE_SEEN)
        await settle(pilot)
        assert current.id not in screen.headlines.ids  # gone from the store: not kept
        assert [h.title for h in screen.shown] == ["Headline 0", "Headline 1", "Headline 2"]
        assert screen.headlines.current is not None
        labels = [entry.label for entry in screen.query_one(FeedList).entries]
        assert "Cron feed" not in labels
