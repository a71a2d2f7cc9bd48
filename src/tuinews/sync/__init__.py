"""Sync with the feed servers people already run (FreshRSS, Miniflux, Inoreader, The Old
Reader, BazQux) through the Google Reader API: accounts whose subscriptions and read
state live on the server (issue 14; docs/sync-design.md).

    results = run_sync(store, settings)            # every account, one after another's
    results = await sync_accounts(store, settings, fetcher=fetcher, password=...)

One account's failure (``AccountResult.error``: "login refused", "cannot reach the server
(...)") never stops the others; the store's errors (StoreError) are raised. Used by
``tuinews sync``, ``tuinews add/remove --account`` and the app's ``R`` and automatic
refresh (:func:`stale_accounts`): nothing of Textual here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from tuinews import network
from tuinews.fetch import Fetcher
from tuinews.pool import Pool
from tuinews.settings import Settings
from tuinews.store import Account, Store
from tuinews.sync.account_sync import AccountResult, AccountSync
from tuinews.sync.session import PasswordSource, Session, password_source, server_kind
from tuinews.sync.storing import new_pool

__all__ = [
    "AccountResult",
    "PasswordSource",
    "Progress",
    "new_fetcher",
    "password_source",
    "run_sync",
    "server_kind",
    "stale_accounts",
    "sync_accounts",
]

Progress = Callable[[AccountResult, int, int], None]


def stale_accounts(store: Store, interval_minutes: int, now: float | None = None) -> list[Account]:
    """Accounts due for an automatic sync, on the schedule of the local feeds' automatic
    refresh: never synced, or not tried within the interval (a failed sync counts as a
    try, so a server that is down is asked again an interval later, not at every tick)."""
    now = time.time() if now is None else now
    cutoff = now - interval_minutes * 60
    return [
        account
        for account in store.accounts(counts=False)
        if account.last_sync is None or account.last_sync <= cutoff
    ]


def new_fetcher(settings: Settings) -> Fetcher:
    """A fetcher with the user's limits, user agent and proxy (a refresh's)."""
    return network.new_fetcher(settings)


async def sync_accounts(
    store: Store,
    settings: Settings,
    accounts: Sequence[Account] | None = None,
    *,
    fetcher: Fetcher | None = None,
    password: PasswordSource | None = None,
    progress: Progress | None = None,
    pool: Pool | None = None,
) -> list[AccountResult]:
    """Sync these accounts (all by default), side by side; results in the order they
    finish. ``password``: where a login's password comes from (by default the account's
    command or TUINEWS_PASSWORD, never a prompt). ``pool``: the worker pool that converts
    big batches of items (the app's refresher's; by default one of the sync's own, whose
    workers start only when a batch is big: :mod:`tuinews.sync.storing`)."""
    chosen = list(accounts) if accounts is not None else await asyncio.to_thread(store.accounts)
    password = password or password_source(ask=False)
    own = fetcher is None
    client = fetcher or new_fetcher(settings)
    own_pool = pool is None
    workers = pool or new_pool()  # (no process until a big batch needs one)
    results: list[AccountResult] = []

    async def one(account: Account) -> None:
        session = Session(account, client, password)
        result = await AccountSync(store, settings, account, session, workers).run()
        results.append(result)
        if progress is not None:
            progress(result, len(results), len(chosen))

    try:
        await asyncio.gather(*(one(account) for account in chosen))
        if any(result.new for result in results):
            await asyncio.to_thread(store.index_pending)  # every article searchable now
    finally:
        if own:
            await client.aclose()
        if own_pool:
            await asyncio.to_thread(workers.close)  # waits for its workers to end
    return results


def run_sync(
    store: Store,
    settings: Settings,
    accounts: Sequence[Account] | None = None,
    *,
    password: PasswordSource | None = None,
    progress: Progress | None = None,
) -> list[AccountResult]:
    """:func:`sync_accounts` without a running event loop (the command line)."""
    return asyncio.run(
        sync_accounts(store, settings, accounts, password=password, progress=progress)
    )
