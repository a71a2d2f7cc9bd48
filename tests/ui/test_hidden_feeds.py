"""Hidden feeds (newsboat's "!" tag) in the app: listed and marked, readable in their own
view, but neither in All and Unread nor in their counts."""

from __future__ import annotations

from tests.builders import make_articles, make_store
from tests.ui.helpers import main, settle, wait_for
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.feed_list import FeedList


async def test_a_hidden_feed_stays_out_of_all_and_unread_and_their_counts() -> None:
    store = make_store(make_articles(3))
    hidden = store.add_feed("https://hidden.example/feed", title="Quiet", hidden=True)
    secret = make_articles(2)
    for number, article in enumerate(secret):
        article.uid, article.title = f"secret-{number}", f"Secret {number}"
    store.upsert_articles(hidden.id, secret)
    app = TuinewsApp(
        store=store, start=lambda **_: Opened(View()), settings=Settings(refresh_on_start=False)
    )
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.query_one(FeedList)
        await wait_for(pilot, lambda: len(feeds.entries) > 3)
        assert [h.title for h in screen.shown] == ["Headline 0", "Headline 1", "Headline 2"]

        def counts() -> dict[str, int]:
            return {entry.label: entry.unread for entry in feeds.entries}

        # The first article shown is read: All and Unread count the other two.
        await wait_for(pilot, lambda: counts()["All articles"] == 2)
        assert counts()["Unread"] == 2 and counts()["Example feed"] == 2
        assert counts()["Quiet (hidden)"] == 2
        # Its own view shows its articles; reading one there leaves All and Unread alone.
        await pilot.press("tab", "tab")
        assert feeds.has_focus
        while feeds.current is None or feeds.current.label != "Quiet (hidden)":
            await pilot.press("j")
        await settle(pilot)
        assert screen.view == View(feed_id=hidden.id)
        await wait_for(pilot, lambda: [h.title for h in screen.shown] == ["Secret 0", "Secret 1"])
        await pilot.press("tab")  # into its headlines: the first one shown is read
        await wait_for(pilot, lambda: counts()["Quiet (hidden)"] == 1)
        await pilot.press("m")  # toggles the shown article's read mark
        await wait_for(pilot, lambda: counts()["Quiet (hidden)"] == 2)
        assert counts()["All articles"] == counts()["Unread"] == 2
