"""The edit dialog of a feed's settings (``e``): opened on the feed chosen in the feed
list, saved with Enter, cancelled with Escape, a wrong value said under its field with
nothing saved."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label

from tests.builders import make_articles, make_store, rss
from tests.netserver import FeedServer, Response
from tests.ui.helpers import main, settle, wait_for, wait_for_refresh, wait_settled
from tuinews.feed_settings import texts
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Feed, Store, View
from tuinews.store.accounts import RemoteFeed
from tuinews.ui import refresh_runner
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.feed_dialog import FeedSettingsDialog
from tuinews.ui.widgets.feed_list import FeedList


def make(store: Store | None = None) -> TuinewsApp:
    return TuinewsApp(
        store=store or make_store(make_articles(3)),
        start=lambda **_: Opened(View()),
        settings=Settings(refresh_on_start=False),
    )


async def open_dialog(pilot: Pilot[None], label: str = "Example feed") -> FeedSettingsDialog:
    """Choose the feed in the feed list, press e: the dialog, mounted."""
    await settle(pilot)
    feeds = main(pilot).query_one(FeedList)
    await wait_for(pilot, lambda: any(e.label == label for e in feeds.entries))
    await pilot.press("tab", "tab")
    assert feeds.has_focus
    while feeds.current is None or feeds.current.label != label:
        await pilot.press("j")
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FeedSettingsDialog))
    dialog = pilot.app.screen
    assert isinstance(dialog, FeedSettingsDialog)
    return dialog


async def type_into(pilot: Pilot[None], field: Input, text: str) -> None:
    """Focus the field (all its text selected), and type over it."""
    field.focus()
    await pilot.pause()
    field.select_all()
    await pilot.press("backspace", *text) if text else await pilot.press("backspace")


def stored(app: TuinewsApp, feed_id: int = 1) -> Feed:
    feed = app.store.get_feed(feed_id)
    assert feed is not None
    return feed


async def test_e_opens_the_feed_s_settings_and_enter_saves_them() -> None:
    app = make()
    async with app.run_test(size=(120, 34)) as pilot:
        dialog = await open_dialog(pilot)
        title = dialog.query_one("#title", Input)
        assert title.has_focus and title.value == "Example feed"
        assert dialog.query_one("#interval", Input).value == ""
        assert "empty: 60 (refresh_interval)" in dialog.query_one("#interval", Input).placeholder
        await pilot.press(*"Renamed")  # (the title was selected: typed over)
        await type_into(pilot, dialog.query_one("#tags", Input), "world/europe, tech")
        await type_into(pilot, dialog.query_one("#interval", Input), "30")
        await type_into(pilot, dialog.query_one("#keep", Input), "200")
        dialog.query_one("#hidden", Checkbox).value = True
        await type_into(pilot, dialog.query_one("#user_agent", Input), "Own/1.0")
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is main(pilot))
        await settle(pilot)
        feed = stored(app)
        assert (feed.user_title, feed.tags) == ("Renamed", ("tech", "world/europe"))
        assert (feed.refresh_interval, feed.keep, feed.hidden) == (30, 200, True)
        assert feed.user_agent == "Own/1.0" and not feed.full_text
        feeds = main(pilot).query_one(FeedList)
        await wait_for(pilot, lambda: any(e.label.startswith("Renamed") for e in feeds.entries))


async def test_escape_cancels_and_changes_nothing() -> None:
    app = make()
    async with app.run_test(size=(120, 34)) as pilot:
        before = stored(app)
        dialog = await open_dialog(pilot)
        await pilot.press(*"Other")
        await type_into(pilot, dialog.query_one("#keep", Input), "5")
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is main(pilot))
        await settle(pilot)
        assert texts(stored(app)) == texts(before)


async def test_a_wrong_value_is_said_under_its_field_and_nothing_is_saved() -> None:
    app = make()
    async with app.run_test(size=(120, 34)) as pilot:
        before = stored(app)
        dialog = await open_dialog(pilot)
        await pilot.press(*"Renamed")
        await type_into(pilot, dialog.query_one("#interval", Input), "soon")
        await type_into(pilot, dialog.query_one("#keep", Input), "-1")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog  # still open
        interval_error = dialog.query_one("#interval-error", Label)
        assert interval_error.has_class("-shown") and interval_error.display
        assert "'soon' is not a whole number from 1 to 10080" in str(interval_error.content)
        assert "'-1' is not a whole number" in str(dialog.query_one("#keep-error", Label).content)
        assert not dialog.query_one("#title-error", Label).display
        assert dialog.query_one("#interval", Input).has_focus  # the first one wrong
        assert texts(stored(app)) == texts(before)  # (nor the right title)
        # Put right, it saves; the message goes as the field is typed in.
        await type_into(pilot, dialog.query_one("#interval", Input), "15")
        assert not interval_error.display
        await type_into(pilot, dialog.query_one("#keep", Input), "")
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is main(pilot))
        await settle(pilot)
        feed = stored(app)
        assert (feed.user_title, feed.refresh_interval, feed.keep) == ("Renamed", 15, None)


async def test_an_account_s_feed_offers_only_what_applies_to_it() -> None:
    store = make_store(make_articles(2))
    account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
    store.apply_subscriptions(
        account.id, [RemoteFeed("feed/1", "https://n.example/f", "Synced", "", ())]
    )
    (synced,) = [f for f in store.feeds(kind=None) if f.account_id == account.id]
    app = make(store)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog(pilot, "Synced")
        for key in ("interval", "user_agent"):
            assert dialog.query_one(f"#{key}", Input).disabled
        assert dialog.query_one("#full_text", Checkbox).disabled
        for key in ("title", "tags", "keep"):  # (title and tags: sent to its server)
            assert not dialog.query_one(f"#{key}", Input).disabled
        notes = [str(label.content) for label in dialog.query(".setting-note").results(Label)]
        assert any("not fetched here" in note or "server" in note for note in notes), notes
        assert dialog.query_one("#title", Input).has_focus
        dialog.query_one("#keep", Input).focus()
        await pilot.press("7", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is main(pilot))
        await settle(pilot)
        assert stored(app, synced.id).keep == 7


async def test_e_is_typed_in_the_search_bar_and_listed_in_the_help() -> None:
    app = make()
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "e")
        await settle(pilot)
        assert main(pilot).search_bar.value == "e"
        assert pilot.app.screen is main(pilot)
        rows = {row.id: row for row in app.binding_rows()}
        assert rows["edit_feed"].keys == "e"
        assert rows["edit_feed"].description == "Edit the feed's settings"


async def test_a_feed_s_name_is_shown_as_text_never_markup() -> None:
    store = make_store(make_articles(2))
    feed = store.add_feed("https://m.example/f", title="[bold red]Not markup[/]")
    app = make(store)
    async with app.run_test(size=(120, 34)) as pilot:
        dialog = await open_dialog(pilot, "[bold red]Not markup[/]")
        title = dialog.query_one(".dialog-title", Label)
        assert str(title.content) == "Settings of [bold red]Not markup[/]"
        await pilot.press("escape")
        await settle(pilot)
        assert stored(app, feed.id).user_title == "[bold red]Not markup[/]"


async def test_the_app_refreshes_a_feed_whose_own_interval_is_up(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With refresh_interval = 0 (no automatic refresh), a feed with an interval of its
    own is refreshed by the app all the same; the others are left alone (the example
    feed is never fetched: tests never go online)."""
    monkeypatch.setattr(refresh_runner, "CHECK_EVERY", 0.1)
    server.route("/own.xml", Response(body=rss("Own", ("1", "Fetched on its own"))))
    store = make_store(make_articles(2))
    own = store.add_feed(server.url("/own.xml"))
    store.change_feed(own.id, {"refresh_interval": 5})
    app = TuinewsApp(
        store=store,
        start=lambda **_: Opened(View()),
        settings=Settings(refresh_on_start=False, refresh_interval=0),
    )
    async with app.run_test(size=(120, 34)) as pilot:
        await wait_settled(pilot, lambda: stored(app, own.id).total == 1)
        await wait_for_refresh(pilot)
        assert [r.path for r in server.requests] == ["/own.xml"]
        assert stored(app).last_fetch is None  # the example feed: not due


async def test_the_dialog_shows_what_the_store_has_now() -> None:
    """Changed by `tuinews feed set` while the app is open, the feed list not read again
    yet: ``e`` shows the new values (it showed the list's; Enter then said nothing
    changed, and the value typed was not saved)."""
    app = make()
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        feeds = main(pilot).query_one(FeedList)
        await wait_for(pilot, lambda: any(e.label == "Example feed" for e in feeds.entries))
        app.store.change_feed(1, {"keep": 300}, None)  # (as another process would)
        dialog = await open_dialog(pilot)
        assert dialog.query_one("#keep", Input).value == "300"
