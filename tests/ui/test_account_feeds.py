"""``a`` and ``d`` on an account's feed act on its server (the code of ``tuinews
add/remove --account``): a Reader API of the test's own on 127.0.0.1."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Label

from tests.netserver import FeedServer
from tests.readerapi import AUTH, FakeReader
from tests.ui.helpers import main, make_app, settle, wait_for_refresh, wait_settled
from tuinews.accounts import save_auth
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.dialogs import AddFeedDialog, ConfirmDialog


async def choose(pilot: Pilot[None], label: str) -> None:
    """Focus the feed list and move to the entry called ``label``."""
    feeds = main(pilot).feed_list
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


def messages(app: TuinewsApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_and_d_on_an_account_s_feed_subscribe_and_unsubscribe_on_its_server(
    server: FeedServer,
) -> None:
    reader = FakeReader(server)
    reader.add(1)
    app = make_app([])
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        assert [h.title for h in main(pilot).shown] == ["Item 1"]  # the account's
        # An account's feeds are listed (the list was shown for fetched feeds only).
        assert not main(pilot).has_class("-no-feeds")
        assert "Feed feed/1" in [e.label for e in main(pilot).feed_list.entries]

        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddFeedDialog)
        title = dialog.query(Label).first()
        assert str(title.content) == f"Add a feed to alice at {reader.api_url}"
        await pilot.press(*"https://example.org/new.xml", "tab", *"Mine", "tab", *"Reading")
        await pilot.press("enter")
        await wait_settled(pilot, lambda: any("Subscribed" in m for m in messages(app)))
        assert (
            messages(app)[-1] == f"Subscribed to Mine on alice at {reader.api_url}: 0 new articles."
        )
        (stream,) = reader.urls
        assert (reader.titles[stream], reader.folders[stream]) == ("Mine", "Reading")
        feeds = {f.name: f for f in app.store.feeds(kind=None)}
        assert feeds["Mine"].account_id == account.id and feeds["Mine"].tags == ("Reading",)
        assert app.store.feeds() == []  # no local feed was added

        await wait_for_refresh(pilot)
        await choose(pilot, "Mine")
        reader.items[1].read = True  # elsewhere: r on an account's feed syncs the account
        await pilot.press("r")
        await wait_for_refresh(pilot)
        assert messages(app)[-1] == "1 account synced: 0 new"
        assert app.store.headlines()[0].read
        await pilot.press("d")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert confirm.question == (
            f"Unsubscribe from Mine on alice at {reader.api_url}, and remove its 0 articles?"
        )
        await pilot.press("y")
        await wait_settled(pilot, lambda: any("Unsubscribed" in m for m in messages(app)))
        assert messages(app)[-1] == f"Unsubscribed from Mine on alice at {reader.api_url}."
        assert reader.unsubscribed == {stream}
        assert "Mine" not in {f.name for f in app.store.feeds(kind=None)}
        assert "Mine" not in [e.label for e in main(pilot).feed_list.entries]


async def test_a_refused_subscription_or_unsubscription_changes_nothing_here(
    server: FeedServer,
) -> None:
    reader = FakeReader(server)
    reader.add(1)
    app = make_app([])
    app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        await pilot.press("a", *"https://example.org/missing.xml", "enter")
        await wait_settled(pilot, lambda: any("not subscribed" in m for m in messages(app)))
        assert messages(app)[-1] == (
            f"alice at {reader.api_url}: the server could not subscribe: no feed there; "
            "not subscribed"
        )
        reader.unsubscribed.add("feed/1")  # gone on the server meanwhile: edit answers 400
        await choose(pilot, "Feed feed/1")
        await pilot.press("d", "y")
        await wait_settled(pilot, lambda: any("not removed" in m for m in messages(app)))
        assert messages(app)[-1] == (
            f"alice at {reader.api_url}: subscription/edit: HTTP 400 Bad Request; not removed"
        )
        assert [f.name for f in app.store.feeds(kind=None)] == ["Feed feed/1"]


async def test_e_on_an_account_s_feed_renames_and_retags_it_on_its_server(
    server: FeedServer,
) -> None:
    """The edit dialog takes an account's feed's title and tags (as ``tuinews feed set``
    does): they go to its server, the feed here is as the server keeps it, and what is
    only local (keep) is saved here."""
    from textual.widgets import Input

    from tuinews.ui.screens.feed_dialog import FeedSettingsDialog

    reader = FakeReader(server)
    reader.add(1)
    app = make_app([])
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        await choose(pilot, "Feed feed/1")
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FeedSettingsDialog)
        for key in ("title", "tags", "keep"):
            assert not dialog.query_one(f"#{key}", Input).disabled
        dialog.query_one("#title", Input).value = "Renamed"
        dialog.query_one("#tags", Input).value = "Reading"
        dialog.query_one("#keep", Input).value = "7"
        await pilot.press("enter")
        await wait_settled(pilot, lambda: "Renamed: keep 7 articles." in messages(app))
        assert any(m.startswith("Renamed (on alice at") for m in messages(app))
        assert (reader.titles["feed/1"], reader.folders["feed/1"]) == ("Renamed", "Reading")
        await settle(pilot)
        (feed,) = [f for f in app.store.feeds(kind=None) if f.account_id == account.id]
        assert (feed.name, feed.tags, feed.keep) == ("Renamed", ("Reading",), 7)


async def test_e_on_an_account_s_feed_refused_by_its_server_changes_nothing_here(
    server: FeedServer,
) -> None:
    from textual.widgets import Input

    reader = FakeReader(server)
    reader.add(1)
    app = make_app([])
    account, _ = app.store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        await choose(pilot, "Feed feed/1")
        reader.unsubscribed.add("feed/1")  # gone on the server meanwhile: edit answers 400
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#title", Input).value = "Renamed"
        app.screen.query_one("#keep", Input).value = "7"
        await pilot.press("enter")
        await wait_settled(pilot, lambda: any("not changed on" in m for m in messages(app)))
        (feed,) = [f for f in app.store.feeds(kind=None) if f.account_id == account.id]
        assert (feed.name, feed.keep) == ("Feed feed/1", None)
