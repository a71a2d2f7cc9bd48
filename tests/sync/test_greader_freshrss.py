"""The Google Reader client against a real FreshRSS 1.24.3 (../shared/servers/freshrss),
fed by a loopback feed server: each test is a scenario a sync will play."""

from __future__ import annotations

import pytest

from tests.freshrss import FreshRSS, LoopFeed
from tests.netserver import FeedServer
from tuinews.fetch import Fetcher
from tuinews.fetch.greader import READ, READING_LIST, STARRED, GReaderClient, GReaderError
from tuinews.fetch.greader_data import id_number, label_stream, long_id, short_id

pytestmark = pytest.mark.slow  # a real FreshRSS per test


async def subscribe(client: GReaderClient, feed: LoopFeed) -> str:
    added = await client.quickadd(feed.url)
    return added.stream_id


# login ------------------------------------------------------------------------------------


async def test_login_gives_an_auth_that_works(freshrss: FreshRSS, fetcher: Fetcher) -> None:
    client = GReaderClient(freshrss.api_url, fetcher)
    auth = await client.login(freshrss.user, freshrss.password)
    assert auth.startswith("alice/") and client.auth == auth
    assert (await client.user_info()).user_name == "alice"
    # A new client with the kept Auth, no password: works the same.
    again = GReaderClient(freshrss.api_url, fetcher, auth=auth)
    assert (await again.user_info()).user_name == "alice"
    assert auth not in repr(again)


async def test_wrong_password_is_refused_in_one_request(
    freshrss: FreshRSS, fetcher: Fetcher
) -> None:
    client = GReaderClient(freshrss.api_url, fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.login(freshrss.user, "not-the-password")
    assert str(caught.value) == "login refused"
    assert caught.value.auth and caught.value.status == 401
    assert client.auth is None
    assert freshrss.api_requests() == ["POST accounts/ClientLogin"]


async def test_a_web_page_that_is_not_the_api(freshrss: FreshRSS, fetcher: Fetcher) -> None:
    client = GReaderClient(freshrss.url, fetcher)  # the site, not /api/greader.php
    with pytest.raises(GReaderError) as caught:
        await client.login(freshrss.user, freshrss.password)
    assert str(caught.value) == (
        "not a Google Reader API (accounts/ClientLogin redirects to another page)"
    )
    assert not caught.value.auth


async def test_server_down_is_one_clear_reason(freshrss: FreshRSS, client: GReaderClient) -> None:
    freshrss.stop()
    with pytest.raises(GReaderError) as caught:
        await client.subscriptions()
    assert str(caught.value) == "cannot reach the server (connection refused)"
    freshrss.restart()
    assert await client.subscriptions() == []  # the Auth is still good after a restart


# subscriptions and labels -------------------------------------------------------------------


async def test_subscribe_refresh_list_label_rename_unsubscribe(
    freshrss: FreshRSS, client: GReaderClient, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/news.xml", title="Loop News")
    feed.add(3)
    added = await client.quickadd(feed.url)
    assert added.title == "Loop News" and added.stream_id.startswith("feed/")

    feed.add(2)
    assert freshrss.actualize() == 2
    [subscription] = await client.subscriptions()
    assert subscription.id == added.stream_id
    assert subscription.url == feed.url and subscription.title == "Loop News"
    assert subscription.site_url == web.url("/")

    await client.label_subscription(added.stream_id, "World")
    await client.rename(added.stream_id, "Renamed")
    [subscription] = await client.subscriptions()
    assert subscription.title == "Renamed" and subscription.labels == ("World",)
    tags = {tag.label: tag.kind for tag in await client.tags()}
    assert tags["World"] == "folder"

    other = LoopFeed(web, "/tech.xml", title="Loop Tech")
    other.add(1)
    await client.subscribe(other.url, title="Tech news", label="Tech")
    titles = {s.title: s.labels for s in await client.subscriptions()}
    assert titles == {"Renamed": ("World",), "Tech news": ("Tech",)}

    await client.unsubscribe(added.stream_id)
    assert [s.title for s in await client.subscriptions()] == ["Tech news"]


async def test_quickadd_of_a_dead_address_says_why(client: GReaderClient, web: FeedServer) -> None:
    with pytest.raises(GReaderError) as caught:
        await client.quickadd(web.url("/missing.xml"))
    assert str(caught.value).startswith("the server could not subscribe: ")
    assert await client.subscriptions() == []


# ids and contents -----------------------------------------------------------------------------


async def test_unread_ids_page_by_page_and_contents_in_batches(
    freshrss: FreshRSS, fetcher: Fetcher, web: FeedServer
) -> None:
    client = GReaderClient(freshrss.api_url, fetcher, batch=3)
    await client.login(freshrss.user, freshrss.password)
    feed = LoopFeed(web, "/feed.xml")
    titles = feed.add(7)
    stream = await subscribe(client, feed)

    first = await client.item_ids(READING_LIST, n=3, exclude=READ)
    assert len(first.ids) == 3 and first.continuation
    second = await client.item_ids(READING_LIST, n=3, exclude=READ, continuation=first.continuation)
    assert len(second.ids) == 3 and second.continuation
    third = await client.item_ids(READING_LIST, n=3, exclude=READ, continuation=second.continuation)
    assert len(third.ids) == 1 and third.continuation is None
    paged = [ref.id for page in (first, second, third) for ref in page.ids]
    assert len(set(paged)) == 7

    everything = await client.all_item_ids(READING_LIST, page_size=3, exclude=READ)
    assert [ref.id for ref in everything] == paged  # newest first, as given (short form)
    assert all(ref.id == short_id(ref.id) for ref in everything)

    before = len(freshrss.api_requests())
    items = await client.contents(ref.id for ref in everything)
    requests = freshrss.api_requests()[before:]
    assert requests.count("POST reader/api/0/stream/items/contents") == 3  # 3 + 3 + 1
    assert sorted(item.title for item in items) == sorted(titles)
    # The contents answer gives long ids: the same numbers.
    assert {item.ref.number for item in items} == {ref.number for ref in everything}
    assert all(item.id == long_id(item.id) for item in items)
    item = next(item for item in items if item.title == "Item 4")
    assert item.feed_id == stream and item.feed_title == "Loop feed"
    assert item.content_html == "<p>Body of item 4</p>"  # raw, for the ingest path
    assert item.url == web.url("/articles/4-feed.xml")
    assert item.timestamp_usec and item.published
    assert not item.read and not item.starred

    # Ids are accepted back in either form.
    [by_short] = await client.contents([short_id(item.id)])
    assert by_short.title == "Item 4"


async def test_newer_than_gives_only_what_arrived_since(
    freshrss: FreshRSS, client: GReaderClient, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/feed.xml")
    feed.add(4)
    await subscribe(client, feed)
    [newest] = (await client.item_ids(READING_LIST, n=1)).ids
    [known] = await client.contents([newest.id])
    assert known.timestamp_usec is not None
    since = known.timestamp_usec // 1_000_000 + 1

    feed.add(2, title="Later")
    assert freshrss.actualize() == 2
    fresh = await client.all_item_ids(READING_LIST, newer_than=since)
    assert sorted(item.title for item in await client.contents(r.id for r in fresh)) == [
        "Later 4",
        "Later 5",
    ]


# state --------------------------------------------------------------------------------------


async def test_read_and_star_go_to_the_server_and_show_in_filters(
    freshrss: FreshRSS, client: GReaderClient, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/feed.xml")
    feed.add(5)
    await subscribe(client, feed)
    ids = [ref.id for ref in await client.all_item_ids()]
    read, starred = ids[:2], ids[1:3]

    await client.mark_read(read)
    await client.star(starred)
    unread = {ref.id for ref in await client.all_item_ids(exclude=READ)}
    assert unread == set(ids) - set(read)
    assert {ref.id for ref in await client.all_item_ids(include=READ)} == set(read)
    assert {ref.id for ref in await client.all_item_ids(STARRED)} == set(starred)
    flags = {item.ref.number: (item.read, item.starred) for item in await client.contents(ids)}
    assert flags[id_number(ids[0])] == (True, False)
    assert flags[id_number(ids[1])] == (True, True)
    assert flags[id_number(ids[2])] == (False, True)
    assert flags[id_number(ids[4])] == (False, False)

    # One edit-tag request for a whole batch, in each direction.
    before = len(freshrss.api_requests())
    await client.mark_unread(read)
    await client.unstar(starred)
    assert freshrss.api_requests()[before:] == ["POST reader/api/0/edit-tag"] * 2
    assert len(await client.all_item_ids(exclude=READ)) == 5
    assert await client.all_item_ids(STARRED) == []


async def test_labels_on_items_both_ways(client: GReaderClient, web: FeedServer) -> None:
    feed = LoopFeed(web, "/feed.xml")
    feed.add(3)
    await subscribe(client, feed)
    ids = [ref.id for ref in await client.all_item_ids()]
    await client.label_items(ids[:2], "Later")
    tags = {tag.label: tag.kind for tag in await client.tags()}
    assert tags["Later"] == "tag"
    labelled = await client.all_item_ids(label_stream("Later"))
    assert {ref.id for ref in labelled} == set(ids[:2])
    [item] = await client.contents([ids[0]])
    assert "Later" in item.labels
    await client.unlabel_items(ids[:1], "Later")
    assert [ref.id for ref in await client.all_item_ids(label_stream("Later"))] == [ids[1]]


async def test_mark_all_as_read_stops_at_the_timestamp(
    freshrss: FreshRSS, client: GReaderClient, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/feed.xml")
    feed.add(3)
    stream = await subscribe(client, feed)
    shown = await client.contents(ref.id for ref in await client.all_item_ids())
    newest_shown = max(item.timestamp_usec or 0 for item in shown)

    feed.add(2, title="Arrived later")  # arrives after the reader looked
    assert freshrss.actualize() == 2
    await client.mark_all_as_read(READING_LIST, newest_shown)
    unread = await client.contents(ref.id for ref in await client.all_item_ids(exclude=READ))
    assert sorted(item.title for item in unread) == ["Arrived later 3", "Arrived later 4"]

    # A feed's stream, up to now.
    newest = max(item.timestamp_usec or 0 for item in unread)
    await client.mark_all_as_read(stream, newest)
    assert await client.all_item_ids(exclude=READ) == []


# the action token ---------------------------------------------------------------------------


async def test_a_stale_token_is_fetched_again_once(
    freshrss: FreshRSS, fetcher: Fetcher, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/feed.xml")
    feed.add(2)
    setup = GReaderClient(freshrss.api_url, fetcher)
    auth = await setup.login(freshrss.user, freshrss.password)
    await subscribe(setup, feed)
    ids = [ref.id for ref in await setup.all_item_ids()]

    # A token kept from an earlier run that the server no longer takes.
    stale = GReaderClient(freshrss.api_url, fetcher, auth=auth, token="0" * 40 + "Z" * 17)
    before = len(freshrss.api_requests())
    await stale.mark_read(ids)
    assert freshrss.api_requests()[before:] == [
        "POST reader/api/0/edit-tag",  # 401: bad token
        "GET reader/api/0/token",
        "POST reader/api/0/edit-tag",
    ]
    assert await setup.all_item_ids(exclude=READ) == []
    # The new token is kept: the next write is one request.
    before = len(freshrss.api_requests())
    await stale.mark_unread(ids[:1])
    assert freshrss.api_requests()[before:] == ["POST reader/api/0/edit-tag"]


async def test_a_refused_auth_stops_without_a_retry_storm(
    freshrss: FreshRSS, fetcher: Fetcher
) -> None:
    client = GReaderClient(
        freshrss.api_url, fetcher, auth="alice/" + "0" * 40, token="0" * 40 + "Z" * 17
    )
    with pytest.raises(GReaderError) as caught:
        await client.mark_read(["1"])
    assert str(caught.value) == "login refused" and caught.value.auth
    assert freshrss.api_requests() == ["POST reader/api/0/edit-tag", "GET reader/api/0/token"]
    with pytest.raises(GReaderError, match=r"^login refused$"):
        await client.subscriptions()


async def test_stream_contents_pages_give_ids_and_contents_at_once(
    freshrss: FreshRSS, client: GReaderClient, web: FeedServer
) -> None:
    feed = LoopFeed(web, "/feed.xml")
    titles = feed.add(7)
    other = LoopFeed(web, "/other.xml", title="Other")
    other.add(2, title="Other")
    stream = await subscribe(client, feed)
    await subscribe(client, other)

    pages = []
    continuation = None
    while True:
        page = await client.stream_contents(stream, n=3, continuation=continuation)
        pages.append(page)
        continuation = page.continuation
        if continuation is None:
            break
    assert [len(page.items) for page in pages] == [3, 3, 1]
    assert [item.title for page in pages for item in page.items] == titles[::-1]  # newest first
    assert all(
        item.content_html.startswith("<p>Body of item") for page in pages for item in page.items
    )

    await client.mark_read([pages[0].items[0].id])
    unread = await client.stream_contents(READING_LIST, n=100, exclude=READ)
    assert len(unread.items) == 8 and unread.continuation is None
    assert titles[-1] not in {item.title for item in unread.items}
