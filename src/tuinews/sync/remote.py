"""What is done on an account's server at once, not queued: checking a login when an
account is added, subscribing and unsubscribing (``tuinews add/remove --account``, the
app's ``a`` and ``d`` on an account's feed), subscribing to a list's feeds (``tuinews
import FILE --account``), renaming and retagging a feed (:func:`edit_subscription`).
A subscription made is then synced, so its feed and articles are here when it returns;
an edit's outcome is read back from the server's list, so the feed here is as the
server keeps it (FreshRSS keeps a feed in one folder)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from tuinews.accounts import save_auth
from tuinews.fetch import Fetcher
from tuinews.fetch.greader import GReaderClient, GReaderError
from tuinews.settings import Settings
from tuinews.store import Account, Feed, Store
from tuinews.subscriptions import Subscription
from tuinews.sync.account_sync import AccountResult, AccountSync
from tuinews.sync.items import remote_feeds
from tuinews.sync.session import PasswordSource, Session


async def check_login(api_url: str, user: str, password: str, fetcher: Fetcher) -> None:
    """Log in (raises GReaderError: "login refused", "cannot reach the server (...)",
    "not a Google Reader API (...)") and keep the Auth the server gives."""
    client = GReaderClient(api_url, fetcher)
    auth = await client.login(user, password)
    await client.user_info()  # the Auth works for the API too
    await asyncio.to_thread(save_auth, api_url, user, auth)


@dataclass
class Subscribed:
    stream_id: str
    title: str
    sync: AccountResult  # the sync that brought it


async def subscribe(
    store: Store,
    settings: Settings,
    account: Account,
    url: str,
    *,
    title: str = "",
    tags: Sequence[str] = (),
    fetcher: Fetcher,
    password: PasswordSource,
) -> Subscribed:
    """Subscribe on the server (it fetches the feed at once), give it the title and the
    folder asked for (a server keeps a feed in one folder: the last tag), then sync the
    account. Raises GReaderError when the server refuses."""
    session = Session(account, fetcher, password)

    async def add(client: GReaderClient) -> tuple[str, str]:
        added = await client.quickadd(url)
        if title:
            await client.rename(added.stream_id, title)
        for tag in tags:
            await client.label_subscription(added.stream_id, tag)
        return added.stream_id, title or added.title

    stream_id, name = await session.run(add)
    result = await AccountSync(store, settings, account, session).run()
    return Subscribed(stream_id, name, result)


async def unsubscribe(
    store: Store, account: Account, feed: Feed, *, fetcher: Fetcher, password: PasswordSource
) -> None:
    """Unsubscribe on the server, then remove the feed and its articles here. Raises
    GReaderError when the server refuses (nothing is removed then)."""
    streams = await asyncio.to_thread(store.account_feeds, account.id)
    stream = next((remote for remote, feed_id in streams.items() if feed_id == feed.id), None)
    if stream is None:
        raise GReaderError("that feed is not one of the account's")
    session = Session(account, fetcher, password)

    async def remove(client: GReaderClient) -> None:
        await client.unsubscribe(stream)

    await session.run(remove)
    await asyncio.to_thread(store.remove_feed, feed.id)


def _folders(account: Account, tags: Sequence[str]) -> list[str]:
    """The folders to put a feed in for these tags: FreshRSS keeps a feed in one folder
    (the last tag: what joining them one after another would leave)."""
    folders = [tag.strip() for tag in dict.fromkeys(tags) if tag.strip()]
    return folders[-1:] if account.server == "freshrss" else folders


@dataclass
class SubscribedAll:
    """What subscribing to a list's feeds did: ``added`` and ``existing`` (already on the
    server) hold URLs, ``failed`` (URL, the server's reason); ``sync``: the sync after."""

    added: list[str]
    existing: list[str]
    failed: list[tuple[str, str]]
    sync: AccountResult


async def subscribe_all(
    store: Store,
    settings: Settings,
    account: Account,
    subscriptions: Sequence[Subscription],
    *,
    fetcher: Fetcher,
    password: PasswordSource,
) -> SubscribedAll:
    """Subscribe on the server to each feed of a list (OPML, newsboat urls) that it does
    not have yet, one call each (``subscription/edit``: the feed's title and first tag
    as its folder; a further tag, one call each; on FreshRSS, which keeps a feed in one
    folder, the last tag only), then sync the account. A feed the server refuses is
    reported, the others go on; a login the server refuses raises GReaderError (nothing
    more is tried)."""
    session = Session(account, fetcher, password)
    added: list[str] = []
    failed: list[tuple[str, str]] = []
    existing: list[str] = []

    async def add_all(client: GReaderClient) -> None:
        have = {sub.url for sub in await client.subscriptions() if sub.url}
        for sub in subscriptions:
            if sub.url in have:
                if sub.url not in added:
                    existing.append(sub.url)
                continue
            stream = f"feed/{sub.url}"
            tags = _folders(account, sub.tags)
            try:
                await client.subscribe(
                    sub.url, title=sub.title or None, label=tags[0] if tags else None
                )
                for tag in tags[1:]:
                    await client.label_subscription(stream, tag)
            except GReaderError as error:
                if error.auth:
                    raise
                failed.append((sub.url, str(error)))
                continue
            have.add(sub.url)
            added.append(sub.url)

    await session.run(add_all)  # (again after a login: what was added is skipped)
    result = await AccountSync(store, settings, account, session).run()
    return SubscribedAll(added, existing, failed, result)


@dataclass
class Edited:
    """A feed as the server keeps it after an edit."""

    title: str
    tags: tuple[str, ...]


async def edit_subscription(
    store: Store,
    account: Account,
    feed: Feed,
    *,
    title: str | None = None,
    tags: Sequence[str] | None = None,
    fetcher: Fetcher,
    password: PasswordSource,
) -> Edited:
    """Rename an account's feed (``title``) and/or give it these folders (``tags``: the
    folders it is in and not named are left, the others joined) on the server, in as few
    ``subscription/edit`` calls as it takes (the title, one folder added and one left per
    call), then take the server's list here: the feed's title and tags are what the server
    kept (FreshRSS keeps one folder: the last of ``tags`` is asked for; a feed in none is
    in its "Uncategorized"). ``None``: that part is left as it is. Raises GReaderError when the
    server refuses (nothing is changed here then)."""
    streams = await asyncio.to_thread(store.account_feeds, account.id)
    stream = next((remote for remote, feed_id in streams.items() if feed_id == feed.id), None)
    if stream is None:
        raise GReaderError("that feed is not one of the account's")
    session = Session(account, fetcher, password)
    wanted = None if tags is None else _folders(account, tags)

    async def edit(client: GReaderClient) -> Edited:
        listed = {sub.id: sub for sub in await client.subscriptions()}
        current = listed.get(stream)
        if current is None:
            raise GReaderError("the server no longer has that feed (tuinews sync)")
        join = [] if wanted is None else [t for t in wanted if t not in current.labels]
        leave = [] if wanted is None else [t for t in current.labels if t not in wanted]
        new_title = title.strip() if title is not None and title.strip() != current.title else ""
        first = True
        while first or join or leave:
            add = join.pop(0) if join else None
            remove = leave.pop(0) if leave else None
            if new_title or add or remove:
                await client.edit_subscription(
                    stream, "edit", title=new_title or None, add_label=add, remove_label=remove
                )
            new_title, first = "", False
        subscriptions = await client.subscriptions()
        await asyncio.to_thread(store.apply_subscriptions, account.id, remote_feeds(subscriptions))
        after = next((sub for sub in subscriptions if sub.id == stream), None)
        if after is None:
            raise GReaderError("the server no longer has that feed (tuinews sync)")
        return Edited(after.title, after.labels)

    return await session.run(edit)
