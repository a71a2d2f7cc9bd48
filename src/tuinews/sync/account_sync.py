"""One account's sync with its server, both ways (see docs/sync-design.md):

1. **push**: the changes made here and not yet sent (``pending_changes``), the last one
   per article and flag (or label), with ``edit-tag`` in batches; each batch's rows are deleted once
   the server took it, so a failure leaves the rest for the next sync and nothing is
   lost; a row is the state wanted, so a batch sent twice changes nothing;
2. **subscriptions**: the account's feeds become the server's list (folders as tags);
3. **new items**: on the first sync, the reading list's pages with their contents until
   every feed has ``keep_articles`` (or per feed, where the server has no
   ``stream/contents``); later, the ids that arrived since the newest item seen (``ot``,
   the server's clock);
4. **state**: the server's complete unread and starred id sets, taken for every article
   here with no change of that flag waiting to be sent (an unsent change made here wins;
   otherwise the server does); then its item labels (``tag/list``, and the ids of each
   label of type ``tag``), the articles' own tags, the same way;
5. **contents** of the ids not stored here (new, unread or starred), in batches, each
   stored in one transaction through the same sanitising as fetched feed items, the
   rules (config ``[[rules]]`` and ``tuinews rule add``) run on the new ones in it; what
   they read, star or tag is queued, and sent at the end of the sync (a second push).

A sync with nothing new costs five small requests (ids since, unread set, starred set,
subscription list, tag list; an id set of over 20,000 ids one more per 20,000) and one
per item label, no login and no token. Nothing of
Textual here: the command line and the app run the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from tuinews.fetch.greader import READ, READING_LIST, STARRED, GReaderClient, GReaderError
from tuinews.fetch.greader_data import (
    LABEL_PREFIX,
    Item,
    ItemRef,
    Subscription,
    label_stream,
)
from tuinews.ingest import all_rules
from tuinews.pool import Pool
from tuinews.query.rules import Rule
from tuinews.settings import Settings
from tuinews.store import Account, Store, StoreError
from tuinews.store.accounts import PendingChange, signed
from tuinews.store.pending import ACTIONS, LABELS
from tuinews.sync.items import item_usec, remote_feeds
from tuinews.sync.session import Session
from tuinews.sync.storing import POOL_MIN, ItemStorer

PAGE = 1000  # items per page of the reading list on a first sync
# Ids per page of an id set (about 35 bytes each): a server with a lower cap sends fewer,
# with a continuation, and the next page is asked for.
IDS = 20_000
MIN_PAGE = 50  # a page over the size cap is asked again half as long, down to this
FIRST_WORKERS = 10  # subscriptions from which a first sync boots the workers at once
NO_CONTENTS = "the server does not support stream/contents"
# What edit-tag adds and removes for each action.
TAGS: dict[str, tuple[str | None, str | None]] = {
    "read": (READ, None),
    "unread": (None, READ),
    "star": (STARRED, None),
    "unstar": (None, STARRED),
}


@dataclass
class AccountResult:
    """What one account's sync did (``error`` set: it failed, and why)."""

    account_id: int
    name: str
    url: str
    user: str
    status: str = "ok"  # ok, failed
    error: str = ""
    first: bool = False  # the account's first sync
    new: int = 0  # articles stored
    hidden: int = 0  # new articles a rule hid (counted in new)
    sent: int = 0  # changes sent to the server
    read: int = 0  # marked read here by the server's state
    unread: int = 0
    starred: int = 0
    unstarred: int = 0
    tagged: int = 0  # article tags added here from the server's item labels
    untagged: int = 0
    labels_refused: int = 0  # label changes the server did not take (forgotten)
    feeds_added: int = 0
    feeds_removed: int = 0
    requests: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class AccountSync:
    """One sync of one account; :meth:`run` never raises but for the store's errors."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        account: Account,
        session: Session,
        pool: Pool | None = None,
    ) -> None:
        self.store = store
        self.pool = pool  # where big batches of items are converted (else one of its own)
        self.settings = settings
        self.account = account
        self.session = session
        self.result = AccountResult(account.id, account.name, account.api_url, account.user)
        self.newest = account.newest_usec
        self.rules: tuple[Rule, ...] = ()
        self.folders: dict[str, tuple[str, ...]] = {}  # each subscription's, by stream id
        self.ruled = 0  # changes the rules made that go to the server
        self.storer: ItemStorer | None = None

    async def run(self) -> AccountResult:
        started = time.monotonic()
        client = self.session.client
        before = client.requests
        error: str | None = None
        try:
            await self.session.run(self._sync)
        except GReaderError as failure:
            error = str(failure)
        except (StoreError, asyncio.CancelledError):
            raise
        except Exception as failure:  # one account's problem never stops the others
            error = f"{type(failure).__name__}: {failure}"
        if error is not None:
            self.result.status, self.result.error = "failed", error
            await asyncio.to_thread(self.store.record_sync, self.account.id, error=error)
        self.result.requests = client.requests - before
        self.result.seconds = round(time.monotonic() - started, 3)
        return self.result

    async def _sync(self, client: GReaderClient) -> None:
        account = await asyncio.to_thread(self.store.get_account, self.account.id)
        if account is None:
            raise GReaderError("the account was removed meanwhile")
        self.newest = account.newest_usec
        first = self.result.first = self.newest is None
        self.rules = await asyncio.to_thread(all_rules, self.store, self.settings)
        await self._push(client)
        subscriptions = await client.subscriptions()
        changes = await asyncio.to_thread(
            self.store.apply_subscriptions, account.id, remote_feeds(subscriptions)
        )
        self.result.feeds_added += changes.added
        self.result.feeds_removed += changes.removed
        self.folders = {sub.id: sub.labels for sub in subscriptions}
        self.storer = ItemStorer(
            self.store, self.settings, account.id, self.rules, self.folders, self.pool
        )
        try:
            await self._items(client, account, subscriptions, first)
        except Exception:
            # What was downloaded is stored before the failure is reported.
            with contextlib.suppress(Exception):
                await self.storer.drain()
            raise
        finally:
            await self.storer.close()
            self._count()
        if self.ruled:
            await self._push(client)  # what the rules did to the new articles
        await asyncio.to_thread(self.store.record_sync, account.id, newest_usec=self.newest)

    async def _items(
        self,
        client: GReaderClient,
        account: Account,
        subscriptions: Sequence[Subscription],
        first: bool,
    ) -> None:
        """New items, the server's state, labels, and the contents still missing."""
        arrived: list[ItemRef] = []
        if first:
            if len(subscriptions) >= FIRST_WORKERS:
                self._storer.start_workers()  # they boot while the first page downloads
            await self._first_items(client, subscriptions)
        else:
            since = (self.newest or 0) // 1_000_000  # the items of that second come again
            arrived = await client.all_item_ids(READING_LIST, newer_than=since, page_size=IDS)
        unread = await client.all_item_ids(READING_LIST, exclude=READ, page_size=IDS)
        starred = await client.all_item_ids(STARRED, page_size=IDS)
        # Every page stored before the server's state is taken (a page's flags are older).
        await self._drain()
        state = await asyncio.to_thread(
            self.store.apply_remote_state,
            account.id,
            [ref.number for ref in unread],
            [ref.number for ref in starred],
        )
        self.result.read += state.read
        self.result.unread += state.unread
        self.result.starred += state.starred
        self.result.unstarred += state.unstarred
        await self._labels(client, account)
        await self._fetch(client, itertools.chain(arrived, unread, starred))
        await self._drain()

    # --- push ------------------------------------------------------------------------

    async def _push(self, client: GReaderClient) -> None:
        """Send the changes waiting, the last per article and flag (or label), a batch
        per call; forget exactly the rows of each batch the server took."""
        changes = await asyncio.to_thread(self.store.pending_changes, self.account.id)
        latest: dict[tuple[object, str], PendingChange] = {}
        rows: dict[tuple[object, str], list[int]] = {}
        for change in changes:
            if change.action in TAGS:
                what = ACTIONS[change.action][0]  # the flag
            elif change.action in LABELS and change.argument:
                what = "label:" + change.argument.casefold()
            else:
                continue  # (a kind of change of a later version: left for it)
            item = change.number if change.number is not None else change.remote_id
            key: tuple[object, str] = (item, what)
            latest[key] = change
            rows.setdefault(key, []).append(change.id)
        names: dict[str, str] = {}
        if any(change.action in LABELS for change in latest.values()):
            names = await self._label_names(client)
        calls: dict[tuple[str | None, str | None], list[tuple[object, str]]] = {}
        for wanted, change in latest.items():
            calls.setdefault(self._edit(change, names), []).append(wanted)
        for (add, remove), keys in calls.items():
            for start in range(0, len(keys), client.batch):
                chunk = keys[start : start + client.batch]
                try:
                    await client.edit_tag(
                        [latest[k].remote_id for k in chunk], add=add, remove=remove
                    )
                except GReaderError as error:
                    label = (add or remove or "").startswith(LABEL_PREFIX)
                    if not label or error.status not in (400, 422):
                        raise
                    # The server takes no item labels (Miniflux): forget, never retry.
                    self.result.labels_refused += len(chunk)
                else:
                    self.result.sent += len(chunk)
                sent = [row for k in chunk for row in rows[k]]
                await asyncio.to_thread(self.store.forget_pending, sent)

    @staticmethod
    def _edit(change: PendingChange, names: dict[str, str]) -> tuple[str | None, str | None]:
        """What ``edit-tag`` adds and removes for a change (a label by the server's own
        spelling of its name, when it has one)."""
        if change.action in TAGS:
            return TAGS[change.action]
        stream = label_stream(names.get(change.argument.casefold(), change.argument))
        return (stream, None) if change.action == "label" else (None, stream)

    @staticmethod
    async def _label_names(client: GReaderClient) -> dict[str, str]:
        """The server's item labels, by casefolded name (tags here are casefolded)."""
        return {
            tag.label.casefold(): tag.label
            for tag in await client.tags()
            if tag.label and tag.kind != "folder"
        }

    # --- labels ----------------------------------------------------------------------

    async def _labels(self, client: GReaderClient, account: Account) -> None:
        """The server's item labels as the articles' own tags: every label of type
        ``tag`` with the complete set of its ids (one request each). A server that lists
        none is asked no further unless it is known to have item labels (FreshRSS):
        otherwise its silence would take away tags that a rule gave here."""
        labels = [tag for tag in await client.tags() if tag.kind == "tag" and tag.label]
        if not labels and account.server != "freshrss":
            return
        sets: dict[str, list[int]] = {}
        for tag in labels:
            assert tag.label is not None
            refs = await client.all_item_ids(tag.id, page_size=IDS)
            sets.setdefault(tag.label, []).extend(ref.number for ref in refs)
        changes = await asyncio.to_thread(self.store.apply_remote_labels, account.id, sets)
        self.result.tagged += changes.tagged
        self.result.untagged += changes.untagged

    # --- items -----------------------------------------------------------------------

    async def _first_items(self, client: GReaderClient, feeds: Sequence[Subscription]) -> None:
        """The newest ``keep_articles`` of every feed (unread and starred ones come with
        the state sets): the reading list's pages, ids and contents at once, until each
        feed has that many or the list ends. Each page is downloaded here and read
        (decoded, its items made plain) where its items are stored: in a worker, when the
        workers convert (:meth:`ItemStorer.read_page`)."""
        keep = self.settings.keep_articles
        taken: dict[str, int] = {}
        streams = {feed.id for feed in feeds}
        size, continuation, used = PAGE, None, set()
        ahead: asyncio.Task[bytes] | None = None  # the next page, asked for early
        name = "stream/contents/" + READING_LIST
        try:
            while True:
                try:
                    if ahead is not None:
                        body, ahead = await ahead, None
                    else:
                        body = await client.stream_contents_body(
                            READING_LIST, n=size, continuation=continuation
                        )
                    page = await self._storer.read_page(body, name)
                except GReaderError as error:
                    if str(error) == NO_CONTENTS:
                        await self._first_items_by_feed(client, feeds)
                        return
                    if str(error).startswith("response too large") and size > MIN_PAGE:
                        size //= 2
                        continue
                    raise
                del body
                wanted: list[bytes] = []
                seen: set[int] = set()
                for number, feed, usec, blob in zip(
                    page.numbers, page.feeds, page.times, page.blobs, strict=True
                ):
                    if number in seen:
                        continue
                    seen.add(number)
                    if keep <= 0 or taken.get(feed, 0) < keep:
                        taken[feed] = taken.get(feed, 0) + 1
                        wanted.append(blob)
                        if usec:
                            self.newest = max(self.newest or 0, usec)
                last = not page.numbers or not page.continuation or page.continuation in used
                if keep > 0 and all(taken.get(stream, 0) >= keep for stream in streams):
                    last = True
                if not last:
                    continuation = page.continuation
                    used.add(continuation)
                    # The server makes the next page while this one is stored.
                    ahead = asyncio.create_task(
                        client.stream_contents_body(READING_LIST, n=size, continuation=continuation)
                    )
                await self._storer.add_read(wanted)
                if last:
                    return
        finally:
            if ahead is not None:
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await ahead

    async def _first_items_by_feed(
        self, client: GReaderClient, feeds: Sequence[Subscription]
    ) -> None:
        """The same, one feed's ids at a time (Miniflux has no ``stream/contents``)."""
        keep = self.settings.keep_articles or 1_000_000
        for feed in feeds:
            refs = await client.all_item_ids(feed.id, limit=keep)
            await self._fetch(client, refs)

    async def _fetch(self, client: GReaderClient, refs: Iterable[ItemRef]) -> None:
        """Fetch and store the items of these ids that are not stored here, a batch per
        request and transaction."""
        known = await asyncio.to_thread(self.store.known_numbers, self.account.id)
        wanted: list[ItemRef] = []
        for ref in refs:
            number = signed(ref.number)
            if number not in known:
                known.add(number)
                wanted.append(ref)
        if len(wanted) >= POOL_MIN:
            self._storer.start_workers()
        for start in range(0, len(wanted), client.batch):
            batch = wanted[start : start + client.batch]
            await self._store(await client.contents(ref.id for ref in batch))

    @property
    def _storer(self) -> ItemStorer:
        assert self.storer is not None  # (made by _sync before any item is stored)
        return self.storer

    async def _store(self, items: Sequence[Item]) -> None:
        """Items made articles and stored, in one transaction per batch or chunk: in a
        thread, or in the workers while the next page downloads (:class:`ItemStorer`;
        :meth:`_drain` waits for them). ``newest`` counts only once the sync is done."""
        unique = list({item.ref.number: item for item in items}.values())
        if not unique:
            return
        await self._storer.add(unique)
        times = [usec for usec in map(item_usec, unique) if usec]
        if times:
            self.newest = max(self.newest or 0, *times)

    async def _drain(self) -> None:
        """Wait until every item sent to be stored is (raises the first failure)."""
        await self._storer.drain()
        self._count()

    def _count(self) -> None:
        """What the items stored so far did, into the result."""
        counts, rules = self._storer.counts, self.rules
        self.result.new, self.result.hidden = counts.new, counts.hidden
        self.ruled = sum(
            n for rule, n in zip(rules, counts.ruled, strict=True) if rule.action.kind != "hide"
        )
