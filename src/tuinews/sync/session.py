"""A logged-in conversation with an account's server: the kept Auth when there is one,
else (or when the server refuses it) one login with the password, never a loop.

The password comes from a :data:`PasswordSource` (the command line's asks on a terminal;
the app's never asks) and goes to the server once; only the Auth it gives is kept
(:func:`tuinews.accounts.save_auth`, a file only the user can read)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tuinews.accounts import PasswordError, load_auth, resolve_password, save_auth
from tuinews.fetch import Fetcher
from tuinews.fetch.greader import GReaderClient, GReaderError
from tuinews.store import Account

T = TypeVar("T")

# The password for an account (blocking: it may run a command or ask on a terminal);
# raises PasswordError when there is none.
PasswordSource = Callable[[Account], str]


def password_source(*, ask: bool) -> PasswordSource:
    """The account's --password-command, else TUINEWS_PASSWORD, else (``ask``) a prompt
    on the terminal; without ``ask`` (the app), the error says how to log in again."""

    def password(account: Account) -> str:
        try:
            return resolve_password(
                account.password_command or None,
                f"Password for {account.name}: ",
                interactive=(lambda: ask and _terminal()),
            )
        except PasswordError:
            if ask or account.password_command:
                raise
            raise PasswordError(  # the app: nobody to ask
                f"no password to log in again: tuinews account add {account.api_url} "
                f"--user {account.user}, or tuinews sync on a terminal"
            ) from None

    return password


def _terminal() -> bool:
    return sys.stdin.isatty()


def server_kind(api_url: str) -> str:
    """The server's quirks to expect, from its address: FreshRSS's API is
    ``.../api/greader.php``; anything else follows the protocol as documented."""
    return "freshrss" if api_url.rstrip("/").endswith("/api/greader.php") else ""


class Session:
    """One account's client, logged in when first needed."""

    def __init__(self, account: Account, fetcher: Fetcher, password: PasswordSource) -> None:
        self.account = account
        self.password = password
        self.client = GReaderClient(
            account.api_url, fetcher, auth=load_auth(account.api_url, account.user)
        )
        self.logged_in = False  # with the password, in this session

    async def login(self) -> None:
        """Log in with the password (asked for once), and keep the Auth."""
        if self.logged_in:
            raise GReaderError("login refused", auth=True)
        self.logged_in = True
        try:
            password = await asyncio.to_thread(self.password, self.account)
        except PasswordError as error:
            raise GReaderError(f"cannot log in: {error}", auth=True) from None
        auth = await self.client.login(self.account.user, password)
        await asyncio.to_thread(save_auth, self.account.api_url, self.account.user, auth)

    async def run(self, work: Callable[[GReaderClient], Awaitable[T]]) -> T:
        """Run ``work`` with the client logged in; when the server refuses the kept Auth,
        log in once with the password and run it again (``work`` must be safe to run
        twice: a sync is)."""
        if self.client.auth is None:
            await self.login()
        try:
            return await work(self.client)
        except GReaderError as error:
            if not error.auth or self.logged_in:
                raise
        await self.login()
        return await work(self.client)
