"""A small Google Reader API of the test's own, on the loopback FeedServer: items,
subscriptions and their read and starred state in memory, answered as FreshRSS does (and
as Miniflux, with ``contents_supported = False``), with failures on demand.

    reader = FakeReader(server)                # routes /api/... on a FeedServer
    reader.add(3)                              # items 1..3 in feed/1, unread
    store.add_account(reader.api_url, "alice"); save_auth(reader.api_url, "alice", AUTH)
    reader.fail_edit_tag_after = 1             # the second edit-tag answers 500
    reader.broken.add("stream/items/ids")      # that call answers broken JSON
    reader.gate = threading.Event()            # every call waits until gate.set()
    reader.folders["feed/1"] = "Tech"          # feed/1 in the folder Tech
    reader.items[1].labels.add("Later")        # item 1 has the label Later
    reader.refuse_labels = True                # an item label in edit-tag: 400 (Miniflux)
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field

from tests.netserver import FeedServer, Request, Response
from tuinews.fetch.greader_data import id_number

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
    labels: set[str] = field(default_factory=set)


@dataclass
class FakeReader:
    """Items, subscriptions and their state, served as a Reader API at /api/."""

    server: FeedServer
    items: dict[int, Entry] = field(default_factory=dict)
    contents_supported: bool = True
    fail_edit_tag_after: int | None = None  # edit-tag calls that work, then 500s
    broken: set[str] = field(default_factory=set)  # calls answered with broken JSON
    edit_tags: list[list[tuple[str, str]]] = field(default_factory=list)
    folders: dict[str, str] = field(default_factory=dict)  # stream id -> its folder
    titles: dict[str, str] = field(default_factory=dict)  # stream id -> title ("Feed ID")
    urls: dict[str, str] = field(default_factory=dict)  # stream id -> the feed's address
    unsubscribed: set[str] = field(default_factory=set)
    label_names: set[str] = field(default_factory=set)  # labels with no item too
    refuse_labels: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event | None = None  # when given, every API call waits until it is set
    fail_page: str | None = None  # the reading list's page of this continuation: HTTP 500

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
        route(PREFIX + "tag/list", self._authorised(self._tags))
        route(
            PREFIX + "user-info",
            self._authorised(lambda r: self._json({"userId": "1", "userName": "alice"})),
        )
        route(PREFIX + "subscription/quickadd", self._authorised(self._quickadd))
        route(PREFIX + "subscription/edit", self._authorised(self._edit_subscription))

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
            if self.gate is not None:
                self.gate.wait(10)
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

    def feeds(self) -> list[str]:
        """The subscriptions' stream ids: feed/1, those of the items, those added."""
        found = {entry.feed for entry in self.items.values()} | {"feed/1"} | set(self.urls)
        return sorted(found - self.unsubscribed)

    def _title(self, feed: str) -> str:
        return self.titles.get(feed, f"Feed {feed}")

    def _subscriptions(self, request: Request) -> Response:
        subscriptions = []
        for feed in self.feeds():
            sub = {"id": feed, "title": self._title(feed), "categories": self._folder(feed)}
            if feed in self.urls:
                sub["url"] = self.urls[feed]
            subscriptions.append(sub)
        return self._json({"subscriptions": subscriptions})

    def _quickadd(self, request: Request) -> Response:
        url = dict(urllib.parse.parse_qsl(request.body.decode()))["quickadd"]
        if "missing" in url:
            return self._json({"numResults": 0, "error": "no feed there"})
        stream = f"feed/{100 + len(self.urls)}"
        self.urls[stream] = url
        self.titles[stream] = f"Feed at {url.rsplit('/', 1)[-1]}"
        self.unsubscribed.discard(stream)
        return self._json(
            {"numResults": 1, "query": url, "streamId": stream, "streamName": self._title(stream)}
        )

    def _edit_subscription(self, request: Request) -> Response:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        stream = form["s"]
        if form["ac"] == "subscribe":
            self.urls[stream] = stream.removeprefix("feed/")
        elif stream not in self.feeds():
            return Response(status=400, body=b"Bad Request")
        if form["ac"] == "unsubscribe":
            self.unsubscribed.add(stream)
            return Response(body=b"OK")
        if "t" in form:
            self.titles[stream] = form["t"]
        if "r" in form and self.folders.get(stream) == form["r"].removeprefix("user/-/label/"):
            del self.folders[stream]
        if "a" in form:  # one folder per feed, as FreshRSS
            self.folders[stream] = form["a"].removeprefix("user/-/label/")
        return Response(body=b"OK")

    def _folder(self, feed: str) -> list[dict[str, str]]:
        folder = self.folders.get(feed)
        return [{"id": f"user/-/label/{folder}", "label": folder}] if folder else []

    def labels(self) -> set[str]:
        """Every item label (as tag/list lists them: those of no item too)."""
        return self.label_names | {label for e in self.items.values() for label in e.labels}

    def _tags(self, request: Request) -> Response:
        tags: list[dict[str, str]] = [{"id": STARRED}]
        tags += [
            {"id": f"user/-/label/{name}", "type": "folder"}
            for name in sorted(set(self.folders.values()))
        ]
        tags += [{"id": f"user/-/label/{name}", "type": "tag"} for name in sorted(self.labels())]
        return self._json({"tags": tags})

    def _selected(self, query: dict[str, list[str]]) -> list[Entry]:
        stream = query.get("s", ["user/-/state/com.google/reading-list"])[0]
        entries = sorted(self.items.values(), key=lambda e: -e.number)
        if stream == STARRED:
            entries = [e for e in entries if e.starred]
        elif stream.startswith("feed/"):
            entries = [e for e in entries if e.feed == stream]
        elif stream.startswith("user/-/label/"):
            name = stream.removeprefix("user/-/label/")
            entries = [e for e in entries if name in e.labels]
        if query.get("xt") == [READ]:
            entries = [e for e in entries if not e.read]
        if "ot" in query:
            entries = [e for e in entries if e.number >= int(query["ot"][0]) * 1_000_000]
        return entries

    @staticmethod
    def _page(query: dict[str, list[str]], entries: list[Entry]) -> tuple[list[Entry], dict]:
        """A page of ``n`` (default 1000) from the continuation ``c`` (an offset)."""
        size, start = int(query.get("n", ["1000"])[0]), int(query.get("c", ["0"])[0])
        end = start + max(1, size)
        return entries[start:end], ({"continuation": str(end)} if end < len(entries) else {})

    def _ids(self, request: Request) -> Response:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        page, more = self._page(query, self._selected(query))
        return self._json({"itemRefs": [{"id": str(e.number)} for e in page], **more})

    def _item(self, entry: Entry) -> dict[str, object]:
        categories = [READ] * entry.read + [STARRED] * entry.starred
        folder = self.folders.get(entry.feed)  # (FreshRSS lists the feed's folder too)
        categories += [f"user/-/label/{name}" for name in [folder] * bool(folder)]
        categories += [f"user/-/label/{name}" for name in sorted(entry.labels)]
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
        if self.fail_page is not None and query.get("c") == [self.fail_page]:
            return Response(status=500, body=b"oops")
        page, more = self._page(query, self._selected(query))
        return self._json({"items": [self._item(e) for e in page], **more})

    def _edit_tag(self, request: Request) -> Response:
        form = urllib.parse.parse_qsl(request.body.decode())
        if self.fail_edit_tag_after is not None and len(self.edit_tags) >= self.fail_edit_tag_after:
            return Response(status=500, body=b"oops")
        labelled = any(k in ("a", "r") and v.startswith("user/-/label/") for k, v in form)
        if labelled and self.refuse_labels:
            return Response(status=400, body=b"Bad Request")
        self.edit_tags.append(form)
        ids = [id_number(v) for k, v in form if k == "i"]  # either form
        for name, tag in form:
            if name not in ("a", "r"):
                continue
            for number in ids:
                if tag.startswith("user/-/label/"):
                    label = tag.removeprefix("user/-/label/")
                    labels = self.items[number].labels
                    labels.add(label) if name == "a" else labels.discard(label)
                    continue
                flag = "read" if tag == READ else "starred"
                setattr(self.items[number], flag, name == "a")
        return Response(body=b"OK")
