"""The Google Reader client against a small Reader API of the test's own on 127.0.0.1:
what a real server rarely does on demand (a token refused once, HTML or broken JSON,
hostile strings, negative ids, answers too large, a slow server)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable

import pytest

from tests.netserver import FeedServer, Request, Response
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.fetch.greader import READ, READING_LIST, STARRED, GReaderClient, GReaderError
from tuinews.fetch.greader_data import label_stream

AUTH = "alice/0123456789abcdef"
PASSWORD = "hunter2-secret"


def form(request: Request) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True)


def query(request: Request) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path).query)


def as_json(data: object, status: int = 200) -> Response:
    return Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


class Reader:
    """A minimal Reader API at /api/: login, token (a new one each time), and whatever
    the test routes."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.tokens = 0
        server.route("/api/accounts/ClientLogin", self._login)
        server.route("/api/reader/api/0/token", self._token)

    @property
    def api_url(self) -> str:
        return self.server.url("/api")

    def route(self, name: str, answer: Response | Callable[[Request], Response]) -> None:
        self.server.route(f"/api/reader/api/0/{name}", answer)

    def calls(self) -> list[str]:
        return [
            f"{r.method} {r.path.split('?')[0].removeprefix('/api/')}" for r in self.server.requests
        ]

    def _login(self, request: Request) -> Response:
        ok = dict(form(request)) == {"Email": "alice", "Passwd": PASSWORD}
        if not ok:
            return Response(status=401, body=b"Unauthorized!")
        return Response(body=f"SID={AUTH}\nLSID=null\nAuth={AUTH}\n".encode())

    def _token(self, request: Request) -> Response:
        if request.header("authorization") != f"GoogleLogin auth={AUTH}":
            return Response(status=401, body=b"Unauthorized!")
        self.tokens += 1
        return Response(body=f"token{self.tokens}".ljust(57, "Z").encode() + b"\n")


@pytest.fixture
def reader(server: FeedServer) -> Reader:
    return Reader(server)


async def logged_in(reader: Reader, fetcher: Fetcher, **options: int) -> GReaderClient:
    client = GReaderClient(reader.api_url, fetcher, **options)
    assert await client.login("alice", PASSWORD) == AUTH
    return client


# the action token ---------------------------------------------------------------------------


async def test_a_token_refused_once_is_fetched_again_and_the_call_sent_again(
    reader: Reader, fetcher: Fetcher
) -> None:
    answers = iter([Response(status=401, body=b"Unauthorized!")])
    reader.route("edit-tag", lambda request: next(answers, Response(body=b"OK")))
    client = await logged_in(reader, fetcher)
    await client.mark_read(["1", "2"])
    assert reader.calls() == [
        "POST accounts/ClientLogin",
        "GET reader/api/0/token",
        "POST reader/api/0/edit-tag",
        "GET reader/api/0/token",
        "POST reader/api/0/edit-tag",
    ]
    first, again = reader.server.requests_to("/api/reader/api/0/edit-tag")
    assert form(first)[:3] == form(again)[:3] == [("i", "1"), ("i", "2"), ("a", READ)]
    assert dict(form(first))["T"].startswith("token1")
    assert dict(form(again))["T"].startswith("token2")


async def test_refused_again_after_a_new_token_is_one_error_not_a_loop(
    reader: Reader, fetcher: Fetcher
) -> None:
    reader.route("edit-tag", Response(status=401, body=b"Unauthorized!"))
    client = await logged_in(reader, fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.star(["1"])
    assert str(caught.value) == "login refused" and caught.value.auth
    assert reader.calls().count("POST reader/api/0/edit-tag") == 2
    assert reader.calls().count("GET reader/api/0/token") == 2


async def test_wrong_password_and_secrets_never_in_messages(
    reader: Reader, fetcher: Fetcher
) -> None:
    client = GReaderClient(reader.api_url, fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.login("alice", "wrong-" + PASSWORD)
    assert str(caught.value) == "login refused"
    client = await logged_in(reader, fetcher)
    reader.route("subscription/list", Response(status=500, body=f"{AUTH} {PASSWORD}".encode()))
    with pytest.raises(GReaderError) as caught:
        await client.subscriptions()
    assert str(caught.value) == "subscription/list: HTTP 500 Internal Server Error"
    for text in (str(caught.value), repr(caught.value), repr(client)):
        assert AUTH not in text and PASSWORD not in text
    # The Auth travels in the header only, never in a URL.
    assert all(AUTH not in r.path for r in reader.server.requests)


async def test_calls_before_login_are_refused_without_a_request(
    reader: Reader, fetcher: Fetcher
) -> None:
    client = GReaderClient(reader.api_url, fetcher)
    with pytest.raises(GReaderError, match="not logged in"):
        await client.tags()
    assert reader.calls() == []


# answers that are not the API's ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            Response(
                body=b"<!doctype html><title>Welcome</title>", headers={"Content-Type": "text/html"}
            ),
            "not a Google Reader API (an HTML page instead of JSON)",
        ),
        (
            Response(body=b'{"subscriptions": [{"id": '),
            "malformed JSON from the server (subscription/list)",
        ),
        (
            Response(body=b"[1, 2]"),
            "malformed JSON from the server (subscription/list: not an object)",
        ),
        (Response(body=b"[]"), "the server does not support subscription/list"),  # Miniflux
        (Response(body=b"\xff\xfe{}"), "malformed JSON from the server (subscription/list)"),
        (Response(body=b"[" * 100_000), "malformed JSON from the server (subscription/list)"),
        (
            Response(status=404, body=b"nope"),
            "not a Google Reader API (subscription/list: HTTP 404 Not Found)",
        ),
    ],
)
async def test_a_broken_answer_is_one_error(
    reader: Reader, fetcher: Fetcher, answer: Response, reason: str
) -> None:
    client = await logged_in(reader, fetcher)
    reader.route("subscription/list", answer)
    with pytest.raises(GReaderError) as caught:
        await client.subscriptions()
    assert str(caught.value) == reason


async def test_a_login_page_instead_of_the_api(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/api/accounts/ClientLogin", Response(body=b"<html><form>Sign in</form></html>"))
    client = GReaderClient(server.url("/api"), fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.login("alice", PASSWORD)
    assert str(caught.value) == "not a Google Reader API (no Auth in its login answer)"


async def test_a_moved_api_names_its_new_address(server: FeedServer, fetcher: Fetcher) -> None:
    target = server.url("/v2/api/accounts/ClientLogin", host="localhost")
    server.redirect("/api/accounts/ClientLogin", target, status=301)
    client = GReaderClient(server.url("/api"), fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.login("alice", PASSWORD)
    where = server.url("/v2/api/", host="localhost")
    assert str(caught.value) == f"the API has moved to {where}: use that address"
    assert len(server.requests) == 1  # not followed: the password is not sent on


async def test_only_http_addresses(fetcher: Fetcher) -> None:
    for address in ("file:///etc/passwd", "ftp://host/api", "javascript:alert(1)", "not a url"):
        with pytest.raises(GReaderError, match="must be an http"):
            GReaderClient(address, fetcher)


async def test_a_silent_server_hits_the_deadline(reader: Reader) -> None:
    async with Fetcher(FetchLimits(total_timeout=0.5)) as fetcher:
        client = await logged_in(reader, fetcher)
        reader.route("tag/list", Response(delay=5.0, body=b"{}"))
        with pytest.raises(GReaderError) as caught:
            await client.tags()
    assert str(caught.value) == "cannot reach the server (timed out)"


async def test_an_unreachable_server(fetcher: Fetcher) -> None:
    with FeedServer() as gone:
        address = gone.url("/api")
    client = GReaderClient(address, fetcher, auth=AUTH)
    with pytest.raises(GReaderError) as caught:
        await client.tags()
    assert str(caught.value) == "cannot reach the server (connection refused)"


# what the server says is untrusted ------------------------------------------------------------


async def test_hostile_strings_are_sanitised_and_content_left_raw(
    reader: Reader, fetcher: Fetcher
) -> None:
    evil = "\x1b]8;;http://evil\x07Click\x1b[31m \u202eexe.txt\u200b"
    reader.route(
        "subscription/list",
        as_json(
            {
                "subscriptions": [
                    {
                        "id": "feed/1",
                        "title": evil,
                        "url": "javascript:alert(1)",
                        "htmlUrl": "https://example.org/\x1b[2J",
                        "categories": [{"id": f"user/-/label/{evil}", "label": "x"}],
                    },
                    {"title": "no id: dropped"},
                    "not an object",
                ]
            }
        ),
    )
    content = '<p onclick="x()">Hi</p><script>alert(1)</script>'
    reader.route(
        "stream/items/contents",
        as_json(
            {
                "items": [
                    {
                        "id": "tag:google.com,2005:reader/item/00000000000000ff",
                        "title": evil,
                        "author": "\x1b[8mMallory",
                        "canonical": [{"href": "javascript:alert(1)"}],
                        "alternate": [{"href": "https://example.org/a"}],
                        "origin": {"streamId": "feed/1", "title": evil},
                        "categories": [
                            READ,
                            "user/1005921515/state/com.google/starred",
                            f"user/-/label/{evil}",
                        ],
                        "content": {"content": content},
                        "published": True,
                        "timestampUsec": "1700000000000001",
                    },
                    {"id": "tag:google.com,2005:reader/item/zz", "title": "bad id: dropped"},
                ]
            }
        ),
    )
    client = await logged_in(reader, fetcher)
    [subscription] = await client.subscriptions()
    assert subscription.title == "]8;;http://evilClick[31m exe.txt"
    assert subscription.url is None
    assert subscription.site_url is None  # a control character: not a URL
    assert subscription.labels == ("]8;;http://evilClick[31m exe.txt",)

    [item] = await client.contents(["255"])
    for text in (item.title, item.author, item.feed_title, *item.labels):
        assert text.isprintable() and "\u202e" not in text and "\u200b" not in text
    assert item.url == "https://example.org/a"  # the javascript: one is skipped
    assert item.content_html == content  # raw: the ingest path sanitises it
    assert item.read and item.starred  # states of any user id
    assert item.published is None and item.timestamp_usec == 1700000000000001
    assert item.ref.number == 255


# ids and batches ------------------------------------------------------------------------------


async def test_negative_short_ids_are_kept_as_given_and_matched_to_long_ones(
    reader: Reader, fetcher: Fetcher
) -> None:
    reader.route(
        "stream/items/ids",
        as_json({"itemRefs": [{"id": "-355401917359550817"}, {"id": "12"}, {"id": "x"}, {}]}),
    )
    reader.route(
        "stream/items/contents",
        as_json(
            {"items": [{"id": "tag:google.com,2005:reader/item/fb115bd6d34a8e9f", "title": "Neg"}]}
        ),
    )
    client = await logged_in(reader, fetcher)
    page = await client.item_ids(STARRED, n=50)
    assert [ref.id for ref in page.ids] == ["-355401917359550817", "12"]
    assert page.skipped == 2 and page.continuation is None
    assert query(reader.server.requests_to("/api/reader/api/0/stream/items/ids")[0]) == [
        ("s", STARRED),
        ("n", "50"),
        ("output", "json"),
    ]
    [item] = await client.contents([page.ids[0].id])
    assert item.ref.number == page.ids[0].number == 0xFB115BD6D34A8E9F
    [sent] = reader.server.requests_to("/api/reader/api/0/stream/items/contents")
    assert form(sent)[0] == ("i", "-355401917359550817")  # as given


async def test_edit_tag_in_batches_one_tag_per_request(reader: Reader, fetcher: Fetcher) -> None:
    reader.route("edit-tag", Response(body=b"OK"))
    client = await logged_in(reader, fetcher, batch=3)
    ids = [str(n) for n in range(7)]
    await client.edit_tag([*ids, "3"], add=STARRED, remove=READ)
    sent = reader.server.requests_to("/api/reader/api/0/edit-tag")
    assert [[v for k, v in form(r) if k == "i"] for r in sent] == [ids[:3], ids[3:6], ids[6:]]
    for request in sent:
        fields = form(request)
        assert [v for k, v in fields if k == "a"] == [STARRED]
        assert [v for k, v in fields if k == "r"] == [READ]
    assert reader.tokens == 1  # one token for the whole run


async def test_contents_too_large_for_one_answer_is_split(reader: Reader) -> None:
    def contents(request: Request) -> Response:
        ids = [v for k, v in form(request) if k == "i"]
        items = [{"id": i, "title": f"T{i}", "content": {"content": "x" * 600}} for i in ids]
        return as_json({"items": items})

    reader.route("stream/items/contents", contents)
    async with Fetcher(FetchLimits(max_bytes=2000)) as fetcher:
        client = await logged_in(reader, fetcher, batch=8)
        items = await client.contents(str(n) for n in range(10))
    assert sorted(item.title for item in items) == sorted(f"T{n}" for n in range(10))
    sent = reader.server.requests_to("/api/reader/api/0/stream/items/contents")
    sizes = [len([1 for name, _ in form(request) if name == "i"]) for request in sent]
    # 8 (too large) -> 4 (too large) -> 2 + 2, 4 -> 2 + 2; then the last 2.
    assert sizes == [8, 4, 2, 2, 4, 2, 2, 2]


async def test_all_item_ids_stops_when_the_server_repeats_itself(
    reader: Reader, fetcher: Fetcher
) -> None:
    reader.route(
        "stream/items/ids",
        lambda request: as_json({"itemRefs": [{"id": "1"}, {"id": "2"}], "continuation": "same"}),
    )
    client = await logged_in(reader, fetcher)
    assert [ref.id for ref in await client.all_item_ids(READING_LIST, page_size=2)] == ["1", "2"]
    assert len(reader.server.requests_to("/api/reader/api/0/stream/items/ids")) == 2


async def test_quickadd_refused_gives_the_servers_reason_cleaned(
    reader: Reader, fetcher: Fetcher
) -> None:
    reader.route(
        "subscription/quickadd",
        as_json({"numResults": 0, "error": "cURL error 7:\x1b[31m refused\n" + "x" * 500}),
    )
    client = await logged_in(reader, fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.quickadd("http://127.0.0.1:1/feed.xml")
    reason = str(caught.value)
    assert reason.startswith("the server could not subscribe: cURL error 7:[31m refused x")
    assert reason.isprintable() and len(reason) < 250


async def test_stream_contents_puts_the_stream_in_the_path(
    reader: Reader, fetcher: Fetcher
) -> None:
    paths: list[str] = []

    def contents(request: Request) -> Response:
        paths.append(request.path)
        return as_json({"items": [{"id": "7", "title": "Seven"}], "continuation": 7})

    for name in (
        "feed/https%3A%2F%2Fex.org%2Frss%3Fa%3D1",
        "user/-/label/My%20News",
        "user/-/state/com.google/starred",
    ):
        reader.route(f"stream/contents/{name}", contents)
    client = await logged_in(reader, fetcher)
    page = await client.stream_contents("feed/https://ex.org/rss?a=1", n=5, exclude=READ)
    assert [item.title for item in page.items] == ["Seven"] and page.continuation == "7"
    await client.stream_contents(label_stream("My News"))
    await client.stream_contents(STARRED, continuation="abc", oldest_first=True)
    assert [urllib.parse.unquote(p.split("?")[1]) for p in paths] == [
        f"n=5&xt={READ}&output=json",
        "n=1000&output=json",
        "n=1000&c=abc&r=o&output=json",
    ]


async def test_a_call_the_server_does_not_have(reader: Reader, fetcher: Fetcher) -> None:
    # Miniflux answers `[]` to any call it does not implement, stream/contents among them.
    reader.route("stream/contents/user/-/state/com.google/reading-list", as_json([]))
    client = await logged_in(reader, fetcher)
    with pytest.raises(GReaderError) as caught:
        await client.stream_contents()
    assert str(caught.value) == "the server does not support stream/contents"
