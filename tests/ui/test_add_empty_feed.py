"""The add dialog on a feed that lists no articles (cut short before its first item):
the feed is added under the title the cut left, and a warning says it has no articles."""

from __future__ import annotations

from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, settle, wait_settled
from tuinews.ui.screens.dialogs import AddFeedDialog


async def test_adding_a_feed_without_articles_warns(server: FeedServer) -> None:
    server.route(
        "/cut.xml",
        Response(
            body=b"<rss><channel><title>Broken<item>",
            headers={"Content-Type": "application/rss+xml"},
        ),
    )
    app = make_app([])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddFeedDialog)
        await pilot.press(*server.url("/cut.xml"), "enter")

        def warnings() -> list[str]:
            return [n.message for n in app._notifications if n.severity == "warning"]

        await wait_settled(pilot, lambda: any("no articles" in m for m in warnings()))
        assert warnings() == [
            "Added Broken, but the feed has no articles: its document lists none (it may be "
            "cut short). It is fetched again on each refresh."
        ]
        assert [feed.name for feed in app.store.feeds()] == ["Broken"]
