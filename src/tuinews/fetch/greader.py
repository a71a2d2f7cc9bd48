"""A thin async client for the Google Reader API (FreshRSS, Miniflux, Inoreader, The Old
Reader, BazQux...), on the project's :class:`~tuinews.fetch.Fetcher`, so every call keeps
the fetch limits: http(s) only, a total deadline per request, a body cap, per-host slots.

    async with Fetcher() as fetcher:
        client = GReaderClient("https://host/api/greader.php", fetcher)
        auth = await client.login("alice", password)       # keep `auth`, never the password
        unread = await client.all_item_ids(READING_LIST, exclude=READ)
        items = await client.contents([ref.id for ref in unread])
        await client.mark_read([items[0].id])

The API root is FreshRSS's ``.../api/greader.php`` or Miniflux's base URL; paths such as
``accounts/ClientLogin`` and ``reader/api/0/...`` are relative to it.

Every failure is one :class:`GReaderError` with a short human reason that never holds the
password, the Auth or the action token. Results are plain dataclasses
(:mod:`tuinews.fetch.greader_data`): one-line strings are sanitised there; item HTML is
left raw for the ingest path to sanitise.

Servers differ (see docs/sync-design.md). This client sends what all of them accept:
one tag to add and one to remove per ``edit-tag`` call (FreshRSS reads only the last
``a=``), ``output=json`` on every list, and item ids exactly as they were received.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from tuinews.fetch import Fetcher, Reply
from tuinews.fetch._support import clean, http_error, parse_url
from tuinews.fetch.greader_data import (
    READ,
    READING_LIST,
    STARRED,
    BadAnswer,
    ContentsPage,
    IdPage,
    Item,
    ItemRef,
    QuickAdd,
    Subscription,
    Tag,
    UserInfo,
    json_object,
    label_stream,
    not_reader,
    parse_contents_page,
    parse_id_page,
    parse_items,
    parse_quickadd,
    parse_subscriptions,
    parse_tags,
    parse_user_info,
)

__all__ = ["READ", "READING_LIST", "STARRED", "GReaderClient", "GReaderError"]

T = TypeVar("T")

BATCH = 250  # item ids per contents or edit-tag request
# An answer this long (bytes) is decoded and read in a thread: a page of 1,000 items
# (4 MB) takes a few hundred milliseconds, 20,000 ids (700 KB) tens: on the event loop
# that would stall the app. (A first sync reads its pages in its workers instead.)
BIG_ANSWER = 256 * 1024
MAX_SECRET = 4096  # longer Auth or token values are not accepted from a server
API = "reader/api/0/"


class GReaderError(Exception):
    """A call failed; ``str()`` is one short human reason, safe to show and log.

    ``auth`` is true when the server refused the login or the stored Auth: ask for the
    password again (do not retry in a loop). ``status`` is the HTTP status, if any."""

    def __init__(self, reason: str, *, auth: bool = False, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.auth = auth
        self.status = status


def _secret(value: str) -> bool:
    return 0 < len(value) <= MAX_SECRET and value.isascii() and value.isprintable()


class GReaderClient:
    def __init__(
        self,
        api_url: str,
        fetcher: Fetcher,
        *,
        auth: str | None = None,
        token: str | None = None,
        batch: int = BATCH,
    ) -> None:
        parsed = parse_url(api_url)
        if parsed is None:
            raise GReaderError("the server address must be an http:// or https:// URL")
        self.api_url = str(parsed).rstrip("/") + "/"
        self.fetcher = fetcher
        self.auth = auth if auth and _secret(auth) else None
        self._token = token if token and _secret(token) else None
        self.batch = max(1, batch)
        self.requests = 0  # calls sent, for the sync's counts and the benchmark

    def __repr__(self) -> str:  # never the Auth or the token
        return f"GReaderClient({self.api_url!r})"

    # login ------------------------------------------------------------------------------

    async def login(self, user: str, password: str) -> str:
        """ClientLogin: returns the Auth value (also kept by this client). The password is
        sent once and kept nowhere."""
        self.auth = None
        self._token = None
        reply = await self._send(
            "POST", "accounts/ClientLogin", form=[("Email", user), ("Passwd", password)]
        )
        if reply.status in (401, 403):
            raise GReaderError("login refused", auth=True, status=reply.status)
        body = self._checked(reply, "accounts/ClientLogin")
        for line in body.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition("=")
            if name.strip() == "Auth" and _secret(value.strip()):
                self.auth = value.strip()
                return self.auth
        raise GReaderError(not_reader("no Auth in its login answer"))

    async def token(self) -> str:
        """The action token ``T`` that write calls carry (fetched anew)."""
        reply = await self._send("GET", API + "token")
        body = self._checked(reply, "token").decode("utf-8", "replace").strip()
        if not _secret(body) or body.startswith("<"):
            raise GReaderError(not_reader("no token in its answer"))
        self._token = body
        return body

    async def user_info(self) -> UserInfo:
        """Who the Auth belongs to: a cheap check that a stored Auth still works."""
        return parse_user_info(await self._get_json("user-info", []))

    # subscriptions and labels -------------------------------------------------------------

    async def subscriptions(self) -> list[Subscription]:
        return parse_subscriptions(await self._get_json("subscription/list", []))

    async def tags(self) -> list[Tag]:
        return parse_tags(await self._get_json("tag/list", []))

    async def quickadd(self, url: str) -> QuickAdd:
        """Subscribe to a feed (or a page that names one); the server fetches it at once."""
        data = self._json(await self._post("subscription/quickadd", [("quickadd", url)]))
        found = parse_quickadd(data)
        if isinstance(found, str):
            raise GReaderError(f"the server could not subscribe: {found}")
        return found

    async def subscribe(
        self, feed_url: str, *, title: str | None = None, label: str | None = None
    ) -> None:
        stream = feed_url if feed_url.startswith("feed/") else f"feed/{feed_url}"
        await self.edit_subscription(stream, "subscribe", title=title, add_label=label)

    async def unsubscribe(self, stream_id: str) -> None:
        await self.edit_subscription(stream_id, "unsubscribe")

    async def rename(self, stream_id: str, title: str) -> None:
        await self.edit_subscription(stream_id, "edit", title=title)

    async def label_subscription(self, stream_id: str, label: str) -> None:
        """Put a subscription in a folder (on FreshRSS, a feed is in one folder: this
        moves it)."""
        await self.edit_subscription(stream_id, "edit", add_label=label)

    async def unlabel_subscription(self, stream_id: str, label: str) -> None:
        await self.edit_subscription(stream_id, "edit", remove_label=label)

    async def edit_subscription(
        self,
        stream_id: str,
        action: str,
        *,
        title: str | None = None,
        add_label: str | None = None,
        remove_label: str | None = None,
    ) -> None:
        if action not in ("subscribe", "unsubscribe", "edit"):
            raise ValueError(f"unknown subscription action {action!r}")
        form = [("ac", action), ("s", stream_id)]
        if title:
            form.append(("t", title))
        if add_label:
            form.append(("a", label_stream(add_label)))
        if remove_label:
            form.append(("r", label_stream(remove_label)))
        self._ok(await self._post("subscription/edit", form), "subscription/edit")

    # item ids ----------------------------------------------------------------------------

    async def item_ids(
        self,
        stream: str = READING_LIST,
        *,
        n: int = 1000,
        continuation: str | None = None,
        exclude: str | None = None,
        include: str | None = None,
        newer_than: int | None = None,
        oldest_first: bool = False,
    ) -> IdPage:
        """One page of ids, newest first (``r=o``: oldest first). ``exclude``/``include``
        filter by a state (``exclude=READ``: unread only); ``newer_than`` is Unix seconds
        (``ot=``)."""
        params = [
            ("s", stream),
            *_filters(n, continuation, exclude, include, newer_than, oldest_first),
        ]
        name = "stream/items/ids"
        return await self._parsed(await self._get_body(name, params), name, parse_id_page)

    async def all_item_ids(
        self,
        stream: str = READING_LIST,
        *,
        page_size: int = 1000,
        limit: int = 1_000_000,
        exclude: str | None = None,
        include: str | None = None,
        newer_than: int | None = None,
    ) -> list[ItemRef]:
        """Every id of a stream, following continuations, at most `limit` ids. Stops when
        the server repeats a continuation (a loop) or sends no new id."""
        found: list[ItemRef] = []
        seen: set[int] = set()
        continuation: str | None = None
        used: set[str] = set()
        while len(found) < limit:
            page = await self.item_ids(
                stream,
                n=min(page_size, limit - len(found)),
                continuation=continuation,
                exclude=exclude,
                include=include,
                newer_than=newer_than,
            )
            fresh = [ref for ref in page.ids if ref.number not in seen]
            seen.update(ref.number for ref in fresh)
            found.extend(fresh)
            continuation = page.continuation
            if not continuation or continuation in used or not fresh:
                break
            used.add(continuation)
        return found[:limit]

    # contents ----------------------------------------------------------------------------

    async def stream_contents(
        self,
        stream: str = READING_LIST,
        *,
        n: int = 1000,
        continuation: str | None = None,
        exclude: str | None = None,
        include: str | None = None,
        newer_than: int | None = None,
        oldest_first: bool = False,
    ) -> ContentsPage:
        """One page of a stream's items with their contents (``stream/contents``): ids
        and contents in one request, where the server has it (FreshRSS, Inoreader, The
        Old Reader, BazQux; not Miniflux: use `item_ids` and `contents` there)."""
        name = "stream/contents/" + _stream_path(stream)
        body = await self.stream_contents_body(
            stream,
            n=n,
            continuation=continuation,
            exclude=exclude,
            include=include,
            newer_than=newer_than,
            oldest_first=oldest_first,
        )
        return await self._parsed(body, name, parse_contents_page)

    async def stream_contents_body(
        self,
        stream: str = READING_LIST,
        *,
        n: int = 1000,
        continuation: str | None = None,
        exclude: str | None = None,
        include: str | None = None,
        newer_than: int | None = None,
        oldest_first: bool = False,
    ) -> bytes:
        """The same page as the server sent it, not decoded: a caller that reads it in
        another process (a first sync's worker: :func:`tuinews.sync_worker.read_page`,
        with :func:`~tuinews.fetch.greader_data.json_object` and
        :func:`~tuinews.fetch.greader_data.parse_contents_page`). Raises GReaderError for
        an answer that is not a 2xx."""
        params = _filters(n, continuation, exclude, include, newer_than, oldest_first)
        return await self._get_body("stream/contents/" + _stream_path(stream), params)

    async def contents(self, ids: Iterable[str]) -> list[Item]:
        """The items with these ids (either form), in batches; ids the server does not
        know are left out. A batch answer over the size cap is split in two and retried."""
        wanted = list(dict.fromkeys(ids))
        items: list[Item] = []
        for start in range(0, len(wanted), self.batch):
            items.extend(await self._contents(wanted[start : start + self.batch]))
        return items

    async def _contents(self, ids: Sequence[str]) -> list[Item]:
        reply = await self._post("stream/items/contents", [("i", i) for i in ids], check=False)
        if reply.error and reply.error.startswith("response too large") and len(ids) > 1:
            half = len(ids) // 2
            return await self._contents(ids[:half]) + await self._contents(ids[half:])
        name = "stream/items/contents"
        items, _skipped = await self._parsed(self._checked(reply, name), name, parse_items)
        return items

    # state -------------------------------------------------------------------------------

    async def edit_tag(
        self, ids: Iterable[str], *, add: str | None = None, remove: str | None = None
    ) -> None:
        """Add one tag and/or remove one (READ, STARRED or ``user/-/label/NAME``) on items,
        in batches."""
        if not add and not remove:
            raise ValueError("edit_tag needs a tag to add or remove")
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), self.batch):
            form = [("i", i) for i in wanted[start : start + self.batch]]
            if add:
                form.append(("a", add))
            if remove:
                form.append(("r", remove))
            self._ok(await self._post("edit-tag", form), "edit-tag")

    async def mark_read(self, ids: Iterable[str]) -> None:
        await self.edit_tag(ids, add=READ)

    async def mark_unread(self, ids: Iterable[str]) -> None:
        await self.edit_tag(ids, remove=READ)

    async def star(self, ids: Iterable[str]) -> None:
        await self.edit_tag(ids, add=STARRED)

    async def unstar(self, ids: Iterable[str]) -> None:
        await self.edit_tag(ids, remove=STARRED)

    async def label_items(self, ids: Iterable[str], label: str) -> None:
        await self.edit_tag(ids, add=label_stream(label))

    async def unlabel_items(self, ids: Iterable[str], label: str) -> None:
        await self.edit_tag(ids, remove=label_stream(label))

    async def mark_all_as_read(self, stream: str, older_than_usec: int | None = None) -> None:
        """Mark a stream read up to an item's ``timestamp_usec`` (included), so items that
        arrived after the reader looked stay unread."""
        form = [("s", stream)]
        if older_than_usec is not None:
            form.append(("ts", str(max(0, int(older_than_usec)))))
        self._ok(await self._post("mark-all-as-read", form), "mark-all-as-read")

    # the exchange ------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] | None = None,
    ) -> Reply:
        headers = {"Accept": "application/json, text/plain;q=0.9, */*;q=0.1"}
        if self.auth:
            headers["Authorization"] = f"GoogleLogin auth={self.auth}"
        self.requests += 1
        return await self.fetcher.call(
            method, self.api_url + path, params=params, form=form, headers=headers
        )

    async def _get_body(self, name: str, params: Sequence[tuple[str, str]]) -> bytes:
        """The body of a 2xx answer to a GET of the API's ``name`` (as JSON)."""
        self._need_auth()
        reply = await self._send("GET", API + name, params=[*params, ("output", "json")])
        return self._checked(reply, name)

    async def _get_json(self, name: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        return self._decode(await self._get_body(name, params), name)

    async def _post(
        self, name: str, form: Sequence[tuple[str, str]], *, check: bool = True
    ) -> Reply:
        """A write call with the action token; on a 401, one new token and one retry (a
        token may expire while the Auth is still good; a refused Auth stops there)."""
        self._need_auth()
        token = self._token or await self.token()
        reply = await self._send("POST", API + name, form=[*form, ("T", token)])
        if reply.status in (401, 403):
            token = await self.token()  # raises "login refused" when the Auth is the problem
            reply = await self._send("POST", API + name, form=[*form, ("T", token)])
        if check:
            self._checked(reply, name)
        return reply

    def _need_auth(self) -> None:
        if not self.auth:
            raise GReaderError("not logged in", auth=True)

    def _checked(self, reply: Reply, name: str) -> bytes:
        """The body of a 2xx answer, else the error that says what went wrong."""
        if reply.status is None or reply.body is None:
            reason = reply.error or "no answer"
            if reply.status is None:
                reason = f"cannot reach the server ({reason})"
            raise GReaderError(reason, status=reply.status)
        status = reply.status
        if 200 <= status < 300:
            return reply.body
        if status in (401, 403):
            raise GReaderError("login refused", auth=True, status=status)
        if status in (301, 302, 303, 307, 308):
            # The same call at another root (http to https, a moved API): say where.
            path = name if name.startswith("accounts/") else API + name
            target = parse_url(reply.location or "")
            if target is not None and target.path.endswith("/" + path):
                root = target.copy_with(path=target.path[: -len(path)], query=None, fragment=None)
                raise GReaderError(
                    f"the API has moved to {clean(str(root), 200)}: use that address",
                    status=status,
                )
            raise GReaderError(not_reader(f"{name} redirects to another page"), status=status)
        if status in (404, 405, 501):
            raise GReaderError(f"not a Google Reader API ({name}: {http_error(status, None)})")
        raise GReaderError(f"{name.removeprefix(API)}: {http_error(status, None)}", status=status)

    def _ok(self, reply: Reply, name: str) -> None:
        body = self._checked(reply, name).strip()
        if body.startswith(b"<"):
            raise GReaderError(not_reader("an HTML page instead of OK"))

    def _json(self, reply: Reply, name: str = "") -> dict[str, Any]:
        return self._decode(self._checked(reply, name), name)

    async def _parsed(self, body: bytes, name: str, parse: Callable[[dict[str, Any]], T]) -> T:
        """``parse`` of the answer's JSON: in a thread for a big one (20,000 ids, a page of
        contents: tens of milliseconds, not on the event loop)."""
        if len(body) > BIG_ANSWER:
            return await asyncio.to_thread(lambda: parse(self._decode(body, name)))
        return parse(self._decode(body, name))

    @staticmethod
    def _decode(body: bytes, name: str) -> dict[str, Any]:
        try:
            return json_object(body, name)
        except BadAnswer as error:
            raise GReaderError(str(error)) from None


def _filters(
    n: int,
    continuation: str | None,
    exclude: str | None,
    include: str | None,
    newer_than: int | None,
    oldest_first: bool,
) -> list[tuple[str, str]]:
    params = [("n", str(max(1, n)))]
    if continuation:
        params.append(("c", continuation))
    if exclude:
        params.append(("xt", exclude))
    if include:
        params.append(("it", include))
    if newer_than is not None:
        params.append(("ot", str(int(newer_than))))
    if oldest_first:
        params.append(("r", "o"))
    return params


def _stream_path(stream: str) -> str:
    """A stream id as a path: a feed's URL is one segment; state and label streams keep
    their slashes (FreshRSS splits the path on them)."""
    if stream.startswith("feed/"):
        return "feed/" + urllib.parse.quote(stream[5:], safe="")
    return urllib.parse.quote(stream, safe="/-")
