"""What is done on an account's server at once, not queued: checking a login when an
account is added, subscribing and unsubscribing (``tuinews add/remove --account``).
A subscription made is then synced, so its feed and articles are here when it returns."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from tuinews.accounts import save_auth
from tuinews.fetch import Fetcher
from tuinews.fetch.greader import GReaderClient, GReaderError
from tuinews.settings import Settings
from tuinews.store import Account, Feed, Store
from tuinews.sync.account_sync import AccountResult, AccountSync
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
