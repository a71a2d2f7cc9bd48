"""The sync service against a small Reader API of the test's own on 127.0.0.1: what the
real server does not do on demand (an edit-tag failing half-way through the changes, no
``stream/contents`` as on Miniflux, broken JSON, hostile items), with a real store."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from tests.netserver import FeedServer, Request, Response
from tuinews.accounts import save_auth
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.fetch.greader_data import id_number
from tuinews.settings import Settings
from tuinews.store import Account, Store, View
from tuinews.sync import AccountResult, sync_accounts

AUTH = "alice/secret-auth-value"
PASSWORD = "hunter2-secret"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
PREFIX = "/api/reader/api/0/"


@dataclass
class Entry:
    number: int
    title: str
    body: str = "<p>Body</p>"
    feed: str = "feed/1"
    read: bool = False
    starred: bool = False


@dataclass
class FakeReader:
    """Items, subscriptions and their state, served as a Reader API at /api/."""

    server: FeedServer
    items: dict[int, Entry] = field(default_factory=dict)
    contents_supported: bool = True
    fail_edit_tag_after: int | None = None  # edit-tag calls that work, then 500s
    broken: set[str] = field(default_factory=set)  # calls answered with broken JSON
    edit_tags: list[list[tuple[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        route = self.server.route
        route("/api/accounts/ClientLogin", self._login)
        route(PREFIX + "token", self._authorised(lambda r: Response(body=b"T" * 57)))
        route(PREFIX + "subscription/list", self._authorised(self._subscriptions))
        route(PREFIX + "stream/items/ids", self._authorised(self._ids))
        route(PREFIX + "stream/items/contents", self._authorised(self._contents))
        route(
            PREFIX + "stream/contents/user/-/state/com.google/reading-list",
            self._authorised(self._stream_contents),
        )
        route(PREFIX + "edit-tag", self._authorised(self._edit_tag))

    @property
    def api_url(self) -> str:
        return self.server.url("/api")

    def add(self, count: int, start: int = 1, **fields: object) -> None:
        for number in range(start, start + count):
            self.items[number] = Entry(number, f"Item {number}", **fields)  # type: ignore[arg-type]

    def calls(self) -> list[str]:
        return [r.path.split("?")[0].removeprefix(PREFIX) for r in self.server.requests]

    # --- answers ---------------------------------------------------------------------

    def _authorised(self, handler):  # type: ignore[no-untyped-def]
        def answer(request: Request) -> Response:
            if request.header("authorization") != f"GoogleLogin auth={AUTH}":
                return Response(status=401, body=b"Unauthorized!")
            name = request.path.split("?")[0].removeprefix(PREFIX)
            if name in self.broken:
                return Response(
                    body=b'{"itemRefs": [', headers={"Content-Type": "application/json"}
                )
            with self.lock:
                return handler(request)

        return answer

    def _login(self, request: Request) -> Response:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        if form != {"Email": "alice", "Passwd": PASSWORD}:
            return Response(status=401, body=b"Unauthorized!")
        return Response(body=f"SID=x\nLSID=null\nAuth={AUTH}\n".encode())

    @staticmethod
    def _json(data: object) -> Response:
        return Response(
            body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
        )

    def _subscriptions(self, request: Request) -> Response:
        feeds = sorted({entry.feed for entry in self.items.values()} | {"feed/1"})
        return self._json(
            {"subscriptions": [{"id": f, "title": f"Feed {f}", "categories": []} for f in feeds]}
        )

    def _selected(self, query: dict[str, list[str]]) -> list[Entry]:
        stream = query.get("s", ["user/-/state/com.google/reading-list"])[0]
        entries = sorted(self.items.values(), key=lambda e: -e.number)
        if stream == STARRED:
            entries = [e for e in entries if e.starred]
        elif stream.startswith("feed/"):
            entries = [e for e in entries if e.feed == stream]
        if query.get("xt") == [READ]:
            entries = [e for e in entries if not e.read]
        if "ot" in query:
            entries = [e for e in entries if e.number >= int(query["ot"][0]) * 1_000_000]
        return entries

    def _ids(self, request: Request) -> Response:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        refs = [{"id": str(e.number)} for e in self._selected(query)]
        return self._json({"itemRefs": refs})

    def _item(self, entry: Entry) -> dict[str, object]:
        categories = [READ] * entry.read + [STARRED] * entry.starred
        return {
            "id": f"tag:google.com,2005:reader/item/{entry.number:016x}",
            "title": entry.title,
            "published": 1_700_000_000 + entry.number,
            "timestampUsec": str(entry.number),
            "categories": ["user/-/state/com.google/reading-list", *categories],
            "origin": {"streamId": entry.feed, "title": f"Feed {entry.feed}"},
            "alternate": [{"href": f"https://example.com/{entry.number}"}],
            "summary": {"content": entry.body},
        }

    def _contents(self, request: Request) -> Response:
        form = urllib.parse.parse_qsl(request.body.decode())
        wanted = [id_number(v) for k, v in form if k == "i"]
        return self._json({"items": [self._item(self.items[n]) for n in wanted if n in self.items]})

    def _stream_contents(self, request: Request) -> Response:
        if not self.contents_supported:
            return self._json([])  # Miniflux's answer to what it does not implement
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        return self._json({"items": [self._item(e) for e in self._selected(query)]})

    def _edit_tag(self, request: Request) -> Response:
        form = urllib.parse.parse_qsl(request.body.decode())
        if self.fail_edit_tag_after is not None and len(self.edit_tags) >= self.fail_edit_tag_after:
            return Response(status=500, body=b"oops")
        self.edit_tags.append(form)
        ids = [id_number(v) for k, v in form if k == "i"]  # either form
        for name, tag in form:
            if name in ("a", "r"):
                for number in ids:
                    flag = "read" if tag == READ else "starred"
                    setattr(self.items[number], flag, name == "a")
        return Response(body=b"OK")


@pytest.fixture
def reader(server: FeedServer) -> FakeReader:
    return FakeReader(server)


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(FetchLimits(total_timeout=10.0)) as running:
        yield running


@pytest.fixture
def account(store: Store, reader: FakeReader) -> Account:
    added, _ = store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    return added


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
    assert reader.calls()[-4:] == [  # a quiet sync, even after a failure
        "subscription/list",
        "stream/items/ids",
        "stream/items/ids",
        "stream/items/ids",
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
