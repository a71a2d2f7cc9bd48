"""The sync service against a small Reader API of the test's own on 127.0.0.1: what the
real server does not do on demand (an edit-tag failing half-way through the changes, no
``stream/contents`` as on Miniflux, broken JSON, hostile items), with a real store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.netserver import FeedServer
from tests.readerapi import PASSWORD, READ, STARRED, Entry, FakeReader
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.settings import Settings
from tuinews.store import Account, Store, View
from tuinews.sync import AccountResult, sync_accounts


@pytest.fixture
def reader(server: FeedServer) -> FakeReader:
    return FakeReader(server)


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchLimits(total_timeout=10.0)) as running:
        yield running


async def sync(store: Store, fetcher: Fetcher, **settings: int) -> AccountResult:
    (result,) = await sync_accounts(
        store, Settings(**settings), fetcher=fetcher, password=lambda account: PASSWORD
    )
    return result


def titles(store: Store, flag: str = "") -> list[str]:
    headlines = store.headlines(View(with_hidden=True))
    return sorted(h.title for h in headlines if not flag or getattr(h, flag))


async def test_changes_go_in_batches_and_a_failure_half_way_loses_and_repeats_nothing(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    reader.add(300)
    assert (await sync(store, fetcher)).new == 300
    everything = [h.id for h in store.headlines(View())]
    store.set_read(everything, True)  # 300 changes: two edit-tag calls (250 + 50)
    reader.fail_edit_tag_after = 1

    failed = await sync(store, fetcher)
    assert failed.failed and failed.error == "edit-tag: HTTP 500 Internal Server Error"
    assert failed.sent == 250
    assert sum(e.read for e in reader.items.values()) == 250
    assert len(store.pending_changes(account.id)) == 50  # exactly the batch not taken
    assert len(titles(store, "read")) == 300  # nothing here flipped back meanwhile

    reader.fail_edit_tag_after = None
    done = await sync(store, fetcher)
    assert not done.failed and done.sent == 50
    assert len(reader.edit_tags) == 2  # the 250 taken were not sent again
    assert all(e.read for e in reader.items.values())
    assert store.pending_changes(account.id) == []
    assert reader.calls()[-5:] == [  # a quiet sync, even after a failure
        "subscription/list",
        "stream/items/ids",
        "stream/items/ids",
        "stream/items/ids",
        "tag/list",
    ]


async def test_the_last_change_of_each_article_is_the_one_sent(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    reader.add(2)
    await sync(store, fetcher)
    first, second = (h.id for h in store.headlines(View()))
    store.set_read([first], True)
    store.set_read([first], False)
    store.set_read([first], True)
    store.set_starred(second, True)
    store.set_starred(second, False)
    result = await sync(store, fetcher)
    assert result.sent == 2
    sent = sorted(
        (dict(form)["a"] if "a" in dict(form) else "-" + dict(form)["r"])
        for form in reader.edit_tags
    )
    assert sent == ["-" + STARRED, READ]
    assert [e.read for e in sorted(reader.items.values(), key=lambda e: e.number)] == [False, True]


async def test_a_server_without_stream_contents_gets_its_ids_per_feed(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    reader.contents_supported = False
    reader.add(5, feed="feed/1", read=True)
    reader.add(1, start=6, feed="feed/2", starred=True, read=True)
    reader.add(5, start=7, feed="feed/2", read=True)
    reader.add(1, start=12, feed="feed/2")  # unread
    result = await sync(store, fetcher, keep_articles=3)
    assert not result.failed, result.error
    # The newest three of each feed, and the older starred one (unread ones are new).
    assert titles(store) == sorted(
        ["Item 5", "Item 4", "Item 3", "Item 12", "Item 11", "Item 10", "Item 6"]
    )
    assert titles(store, "starred") == ["Item 6"]
    assert "stream/contents/user/-/state/com.google/reading-list" in reader.calls()


async def test_broken_json_fails_the_account_and_stores_nothing_of_that_call(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    reader.add(3)
    reader.broken.add("stream/items/ids")
    result = await sync(store, fetcher)
    assert result.failed and result.error == "malformed JSON from the server (stream/items/ids)"
    assert store.get_account(account.id).status == "failed"
    assert store.get_account(account.id).newest_usec is None  # not done: the first again
    reader.broken.clear()
    result = await sync(store, fetcher)
    assert not result.failed and titles(store) == ["Item 1", "Item 2", "Item 3"]
    assert store.get_account(account.id).last_error == ""


async def test_hostile_items_are_sanitised_like_fetched_ones_and_searchable(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    from tuinews.query import parse_query

    reader.items[1] = Entry(
        1,
        "Evil\x1b[2J title\u202e [b]markup[/b]",
        body=(
            '<script>alert("x")</script><p onclick="steal()">Zeppelin <a href="javascript:'
            'alert(1)">link</a> <img src="data:image/png;base64,AAAA"></p><iframe src="x">'
        ),
    )
    assert (await sync(store, fetcher)).new == 1
    (headline,) = store.headlines(View())
    stored = store.get_article(headline.id)
    assert stored is not None
    assert "\x1b" not in stored.title and "\u202e" not in stored.title
    assert "[b]markup[/b]" in stored.title  # shown as text, never as markup
    for bad in ("script", "onclick", "javascript:", "data:", "iframe"):
        assert bad not in stored.body
    assert "Zeppelin" in stored.text and stored.link == "https://example.com/1"
    assert stored.uid == "tag:google.com,2005:reader/item/0000000000000001"
    assert [h.title for h in store.headlines(View(), parse_query("zeppelin"))] == [stored.title]


async def test_stale_accounts_are_those_not_tried_within_the_interval(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """The app's automatic refresh syncs these: never synced, or last tried (worked or
    failed) an interval ago or more."""
    import time

    from tuinews.sync import stale_accounts

    assert [a.id for a in stale_accounts(store, 60)] == [account.id]  # never synced
    await sync(store, fetcher)
    assert stale_accounts(store, 60) == []
    assert [a.id for a in stale_accounts(store, 60, now=time.time() + 3600)] == [account.id]
    reader.broken.add("subscription/list")
    assert (await sync(store, fetcher)).failed  # a failure is a try: not again at once
    assert stale_accounts(store, 60) == []
    assert [a.id for a in stale_accounts(store, 0)] == [account.id]  # as stale_feeds


async def test_rules_run_on_an_account_s_new_articles_and_their_changes_reach_the_server(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """The config's rules and those added by command, on the first sync's articles and
    on those arriving later: hidden and tagged here; read and starred here and on the
    server in the same sync (the changes queued and sent at its end), so the server's
    state does not undo them at the next sync."""
    from tuinews.query import parse_query
    from tuinews.query.rules import make_rule

    store.add_rule("title:spam", "hide")
    settings = Settings(
        rules=(
            make_rule("config rule 1", "title:boring", "read"),
            make_rule("config rule 2", "title:gem", "star"),
            make_rule("config rule 3", "title:gem", "tag:keep"),
        )
    )
    reader.items[1] = Entry(1, "Boring item")
    reader.items[2] = Entry(2, "A gem")
    reader.items[3] = Entry(3, "Spam spam")
    reader.items[4] = Entry(4, "Plain news")

    async def synced() -> AccountResult:
        (result,) = await sync_accounts(
            store, settings, fetcher=fetcher, password=lambda account: PASSWORD
        )
        assert not result.failed, result.error
        return result

    first = await synced()
    assert (first.new, first.hidden) == (4, 1)
    assert titles(store) == ["A gem", "Boring item", "Plain news"]
    assert [h.title for h in store.headlines(View(), parse_query("is:hidden"))] == ["Spam spam"]
    assert titles(store, "read") == ["Boring item"]
    assert titles(store, "starred") == ["A gem"]
    assert [h.title for h in store.headlines(View(), parse_query("tag:keep"))] == ["A gem"]
    assert reader.items[1].read and reader.items[2].starred  # sent in the same sync
    assert not reader.items[3].read  # hidden here only: the server keeps it unread
    assert store.pending_changes(account.id) == []

    reader.items[5] = Entry(5, "Boring again")  # arrives later
    later = await synced()
    assert later.new == 1 and reader.items[5].read
    again = await synced()  # nothing flips back
    assert again.read == again.unread == again.starred == again.unstarred == 0
    assert titles(store, "read") == ["Boring again", "Boring item"]


def tagged(store: Store, tag: str) -> list[str]:
    from tuinews.query import parse_query

    query = parse_query(f'tag:"{tag}" ')
    return sorted(h.title for h in store.headlines(View(with_hidden=True), query))


async def test_the_server_s_item_labels_are_the_articles_own_tags(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """An item's labels come with it (its feed's folder, listed among them, stays the
    feed's tag); later, the labels added, taken away and deleted on the server are so
    here (each label's ids: one request)."""
    reader.folders["feed/1"] = "Tech"
    reader.add(3)
    reader.items[1].labels.add("Later")
    reader.items[2].labels.update({"Read later", "later"})
    first = await sync(store, fetcher)
    assert first.new == 3 and not first.failed, first.error
    assert tagged(store, "later") == ["Item 1", "Item 2"]  # (tags are casefolded)
    assert tagged(store, "read later") == ["Item 2"]
    assert tagged(store, "tech") == ["Item 1", "Item 2", "Item 3"]  # the feed's tag
    (feed,) = store.feeds(kind=None)
    assert feed.tags == ("Tech",)

    reader.items[1].labels.discard("Later")
    reader.items[3].labels.add("Later")
    reader.items[2].labels = set()  # "Read later" and "later" deleted on the server
    before = len(reader.calls())
    again = await sync(store, fetcher)
    assert (again.tagged, again.untagged) == (1, 3)
    assert tagged(store, "later") == ["Item 3"]
    assert tagged(store, "read later") == []
    assert reader.calls()[before:].count("stream/items/ids") == 4  # 3 + the one label

    quiet = await sync(store, fetcher)
    assert (quiet.tagged, quiet.untagged, quiet.sent) == (0, 0, 0)


async def test_a_rule_s_tag_on_an_account_s_article_is_its_label_on_the_server(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """Sent in the same sync, by the server's own spelling of a label it has; the next
    sync's label sets keep it."""
    store.add_rule("title:gem", "tag:keep")
    store.add_rule("title:gem", "tag:Fresh")
    reader.label_names.add("KEEP")
    reader.items[1] = Entry(1, "A gem")
    reader.items[2] = Entry(2, "Plain")
    result = await sync(store, fetcher)
    assert not result.failed, result.error
    assert result.sent == 2
    assert reader.items[1].labels == {"KEEP", "Fresh"}
    assert reader.items[2].labels == set()
    assert store.pending_changes(account.id) == []
    assert (await sync(store, fetcher)).untagged == 0
    assert tagged(store, "keep") == tagged(store, "fresh") == ["A gem"]


async def test_a_server_that_takes_no_item_labels_keeps_the_tags_here(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """Miniflux refuses an item label (400): the change is forgotten, not sent again at
    every sync; a server that lists no item label is not asked for label sets, so the
    tags a rule gave here stay."""
    reader.refuse_labels = True
    store.add_rule("title:gem", "tag:keep")
    reader.items[1] = Entry(1, "A gem")
    result = await sync(store, fetcher)
    assert not result.failed, result.error
    assert (result.sent, result.labels_refused) == (0, 1)
    assert store.pending_changes(account.id) == []
    again = await sync(store, fetcher)
    assert (again.sent, again.labels_refused, again.untagged) == (0, 0, 0)
    assert tagged(store, "keep") == ["A gem"]
    assert reader.calls()[-1] == "tag/list"  # and no label's ids


async def test_a_first_sync_pages_the_reading_list_and_stops_once_each_feed_has_its_keep(
    store: Store, reader: FakeReader, fetcher: Fetcher, account: Account
) -> None:
    """Pages of 1,000 (the next one asked for while one is stored); no page past the one
    where every feed has ``keep_articles``; id sets in one request each."""
    for k in range(2500):  # read (only the pages bring them), a second apart
        number = 10**12 + k * 10**6  # (the fake's ids are their times, in microseconds)
        reader.items[number] = Entry(number, f"Item {k}", read=True)
    result = await sync(store, fetcher, keep_articles=1500)
    assert not result.failed, result.error
    assert result.new == 1500 and len(titles(store)) == 1500
    calls = reader.calls()
    assert calls.count("stream/contents/user/-/state/com.google/reading-list") == 2
    assert calls.count("stream/items/ids") == 2  # unread and starred sets

    reader.add(1200, start=2 * 10**12)  # arrived later
    again = await sync(store, fetcher, keep_articles=5000)
    assert again.new == 1200 and not again.failed
    assert reader.calls()[len(calls) :].count("stream/items/ids") == 3  # since, unread, starred
