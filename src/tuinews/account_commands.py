"""The commands of accounts on feed servers (issue 14): ``account add/list/remove``,
``sync``, ``mark``, and ``add``/``remove``/``import`` with ``--account``. Each returns the exit
status: 0 ok, 1 the server failed or refused (an account's sync, a login), 2 a usage or
store error. Messages never hold the password or the Auth."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from tuinews.accounts import PasswordError, forget_auth, resolve_password, use_auth
from tuinews.fetch.greader import GReaderError
from tuinews.links import shown_url
from tuinews.output import WorkOutput, iso_time, notify_new, say, say_json, warn
from tuinews.query import parse_query
from tuinews.settings import Settings
from tuinews.startup import index_leftovers
from tuinews.store import Account, Feed, Store, View
from tuinews.sync import (
    AccountResult,
    PasswordSource,
    new_fetcher,
    password_source,
    run_sync,
    server_kind,
)
from tuinews.wording import ago, plural


def _api_url(text: str) -> str | None:
    """The API root as kept (without a trailing slash), or None if it is no http(s) URL."""
    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def find_account(store: Store, url: str, user: str | None) -> Account | str:
    """The account at this address (and of this user), or why there is none."""
    wanted = url.strip().rstrip("/")
    found = [
        account
        for account in store.accounts()
        if account.api_url.rstrip("/") == wanted and (user is None or account.user == user)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        users = ", ".join(account.user for account in found)
        return f"{shown_url(wanted)} has several accounts ({users}): say which with --user"
    there = [a.user for a in store.accounts() if a.api_url.rstrip("/") == wanted]
    if user is not None and there:  # (not "no account at URL": there is, another user's)
        return f"no account of {user} at {shown_url(wanted)} (there: {', '.join(there)})"
    return f"no account at {shown_url(wanted)} (see `tuinews account list`)"


# --- account add / list / remove ---------------------------------------------------------


def account_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    handler = {"add": _account_add, "list": _account_list, "remove": _account_remove}
    return handler[args.action](args, settings, store)


def _account_add(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    from tuinews.sync.remote import check_login  # (the XML parsers: see add_on_server)

    url = _api_url(args.url)
    if url is None:
        warn(f"the server address must be an http:// or https:// URL, not {args.url!r}")
        return 2
    user = args.user.strip()
    if not user:
        warn("--user: the account's user name is empty")
        return 2
    try:
        password = resolve_password(
            args.password_command, f"Password for {user} at {shown_url(url)}: "
        )
    except PasswordError as error:
        warn(str(error))
        return 2

    async def login() -> None:
        async with new_fetcher(settings) as fetcher:
            await check_login(url, user, password, fetcher)

    try:
        asyncio.run(login())
    except GReaderError as error:
        known = any(a.api_url == url and a.user == user for a in store.accounts())
        outcome = "its login here is as it was" if known else "the account was not added"
        warn(f"{user} at {shown_url(url)}: {error}; {outcome}")
        return 1
    account, new = store.add_account(
        url, user, server=server_kind(url), password_command=args.password_command or ""
    )
    use_auth(url, user, store.path)  # (another database's account remove leaves it)
    if new:
        say(f"Added {account.name}. `tuinews sync` brings its feeds and articles.")
    else:
        say(f"Logged in to {account.name} again.")
    return 0


def _account_json(account: Account) -> dict[str, object]:
    """An account in ``account list --json``: ``id``, ``title``, ``url`` as in every
    ``--json``, then its own fields (never a password nor the Auth)."""
    return {
        "id": account.id,
        "title": account.name,
        "url": shown_url(account.api_url),
        "user": account.user,
        "server": account.server or "generic",
        "status": account.status,
        "last_sync": iso_time(account.last_sync),
        "last_success": iso_time(account.last_success),
        "last_error": account.last_error,
        "feeds": account.feeds,
        "articles": account.articles,
        "unread": account.unread,
        "pending": account.pending,
    }


def _last_sync(account: Account) -> str:
    """When it was last synced ("synced 5m ago"), or that the last sync failed (it said
    "failed, synced just now": the time is that of the failed attempt)."""
    if account.status == "failed":
        return f"the last sync failed {ago(account.last_sync)}"
    return f"synced {ago(account.last_sync)}" if account.last_sync else "never synced"


def _account_list(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    accounts = store.accounts()
    if args.json:
        say_json({"accounts": [_account_json(account) for account in accounts]})
        return 0
    if not accounts:
        say("No accounts yet: add one with `tuinews account add URL --user NAME`.")
        return 0
    for account in accounts:
        say(f"{account.id:>4}  {account.name}  ({_last_sync(account)})")
        line = (
            f"      {plural(account.feeds, 'feed')}, {plural(account.articles, 'article')} "
            f"({account.unread:,} unread)"
        )
        if account.pending:
            line += f", {plural(account.pending, 'change')} to send"
        say(line)
        if account.last_error:
            say(f"      {account.status}: {account.last_error}")
    return 0


def _account_remove(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    found = find_account(store, args.url, args.user)
    if isinstance(found, str):
        warn(found)
        return 2
    keep = args.articles
    if keep is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            warn(
                f"removing {found.name}: say what becomes of its "
                f"{plural(found.articles, 'article')}: --keep-articles (they stay, their "
                "feeds become local ones) or --drop-articles"
            )
            return 2
        answer = input(
            f"Remove {found.name}. Keep its {plural(found.articles, 'article')} as local "
            "feeds (k), drop them (d), or cancel (c)? [k/d/C] "
        )
        keep = {"k": "keep", "keep": "keep", "d": "drop", "drop": "drop"}.get(
            answer.strip().lower()
        )
        if keep is None:
            say("Nothing was changed.")
            return 0
    count = store.remove_account(found.id, keep_articles=keep == "keep")
    forget_auth(found.api_url, found.user, store.path)  # (unless another database has it)
    what = "kept as local feeds" if keep == "keep" else "dropped"
    line = f"Removed {found.name}; its {plural(count, 'article')} {what}"
    if found.pending:
        line += f"; {plural(found.pending, 'change')} not sent to the server"
    say(line + ".")
    return 0


# --- sync ----------------------------------------------------------------------------------


def _result_text(result: AccountResult) -> str:
    parts = [
        f"{result.new:,} new" + (f" ({result.hidden} hidden by rules)" if result.hidden else "")
    ]
    if result.sent:
        parts.append(f"{plural(result.sent, 'change')} sent")
    from_server = (
        result.read
        + result.unread
        + result.starred
        + result.unstarred
        + result.tagged
        + result.untagged
    )
    if from_server:
        parts.append(f"{plural(from_server, 'change')} from the server")
    if result.labels_refused:
        parts.append(f"{plural(result.labels_refused, 'label')} the server does not take")
    if result.feeds_added or result.feeds_removed:
        parts.append(f"feeds +{result.feeds_added} -{result.feeds_removed}")
    return ", ".join(parts)


def _result_json(result: AccountResult) -> dict[str, object]:
    values = result.as_dict()
    account_id, name = values.pop("account_id"), values.pop("name")
    values["url"] = shown_url(result.url)  # (a password in it is never shown)
    return {"id": account_id, "title": name, **values}


def _chosen(store: Store, args: argparse.Namespace) -> list[Account] | str:
    if not getattr(args, "account", None):
        return store.accounts()
    found = find_account(store, args.account, getattr(args, "user", None))
    return found if isinstance(found, str) else [found]


def sync_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """Sync every account (or ``--account``'s), one line per account; exit 1 when one
    failed."""
    chosen = _chosen(store, args)
    if isinstance(chosen, str):
        warn(chosen)
        return 2
    started = time.monotonic()
    output = WorkOutput()

    def progress(result: AccountResult, done: int, total: int) -> None:
        if result.failed:
            warn(f"{result.name}: {result.error}")
        elif not args.json:
            output.say(f"{result.name}: {_result_text(result)}")

    results = run_sync(store, settings, chosen, password=command_password(), progress=progress)
    failed = sum(result.failed for result in results)
    new = sum(result.new for result in results)
    seconds = round(time.monotonic() - started, 2)
    if args.json:
        document = {
            "accounts": [_result_json(result) for result in results],
            "total": len(results),
            "new": new,
            "failed": failed,
            "seconds": seconds,
            "finished": iso_time(time.time()),
        }
        output.say(json.dumps(document, ensure_ascii=False), flush=True)
    elif not results:
        output.say("No accounts yet: add one with `tuinews account add URL --user NAME`.")
    else:
        output.say(
            f"Synced {plural(len(results), 'account')} in {seconds} s: "
            f"{plural(new, 'new article')}, {failed} failed.",
            flush=True,
        )
    notify_new(settings, new)
    if output.failed:
        return 2
    return 1 if failed else 0


def command_password() -> PasswordSource:
    """The password for a login a sync needs: the account's command, TUINEWS_PASSWORD,
    else asked on the terminal (one question at a time)."""
    lock = threading.Lock()
    ask = password_source(ask=True)

    def password(account: Account) -> str:
        with lock:
            return ask(account)

    return password


def edit_on_server(
    settings: Settings, store: Store
) -> Callable[[Feed, str | None, tuple[str, ...] | None], tuple[str, tuple[str, ...]]]:
    """What ``tuinews feed set`` calls to rename or retag an account's feed: on its server
    (the login as a sync makes it), then the feed here as the server keeps it."""

    def edit(
        feed: Feed, title: str | None, tags: tuple[str, ...] | None
    ) -> tuple[str, tuple[str, ...]]:
        from tuinews.sync.remote import edit_subscription  # (the XML parsers: see add_on_server)

        account = store.get_account(feed.account_id or 0)
        if account is None:
            raise GReaderError("its account is gone")

        async def go() -> tuple[str, tuple[str, ...]]:
            async with new_fetcher(settings) as fetcher:
                edited = await edit_subscription(
                    store,
                    account,
                    feed,
                    title=title,
                    tags=tags,
                    fetcher=fetcher,
                    password=command_password(),
                )
            return edited.title, edited.tags

        return asyncio.run(go())

    return edit


# --- mark ----------------------------------------------------------------------------------


def mark_command(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """Mark every article a search finds; an account's changes wait for the next sync."""
    query = parse_query(" ".join(args.query) + " ")  # (a trailing blank: not being typed)
    for hint in query.hints:
        warn(hint)
    if query.hints:  # (a term left out would mark more than was asked)
        warn("nothing was marked: correct the query (tuinews search shows what it finds)")
        return 2
    if query.empty:
        warn("nothing to search for: tuinews mark read QUERY (every article it finds)")
        return 2
    index_leftovers(store)
    ids = list(store.headline_ids(View(with_hidden=True), query))
    waiting = sum(account.pending for account in store.accounts())
    if args.mark in ("read", "unread"):
        changed = store.set_read(ids, args.mark == "read")
    else:
        changed = store.set_starred_ids(ids, args.mark == "star")
    queued = sum(account.pending for account in store.accounts()) - waiting
    shown = {"star": "starred", "unstar": "unstarred"}.get(args.mark, args.mark)
    line = f"Marked {plural(changed, 'article')} {shown} ({len(ids):,} found)"
    if queued > 0:
        line += f"; {plural(queued, 'change')} for the accounts' servers at the next sync"
    say(line + ".")
    return 0


# --- add / remove --account ----------------------------------------------------------------


def add_on_server(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """``tuinews add URL --account API``: subscribe on the server, then sync."""
    # (sync.remote brings the subscription formats and their XML parser, ~15 ms: only
    # for what changes subscriptions on a server, not for sync, mark or account list)
    from tuinews.sync.remote import subscribe

    found = find_account(store, args.account, None)
    if isinstance(found, str):
        warn(found)
        return 2
    if args.full_text:
        warn("--full-text is for local feeds: an account's articles come from its server")
        return 2

    async def go() -> int:
        async with new_fetcher(settings) as fetcher:
            done = await subscribe(
                store,
                settings,
                found,
                args.url,
                title=args.title,
                tags=args.tag,
                fetcher=fetcher,
                password=command_password(),
            )
        if done.sync.failed:
            say(f"Subscribed to {done.title} on {found.name}.")
            warn(f"{found.name}: {done.sync.error}; `tuinews sync` brings its articles")
            return 1
        say(f"Subscribed to {done.title} on {found.name}: {plural(done.sync.new, 'new article')}.")
        return 0

    try:
        return asyncio.run(go())
    except GReaderError as error:
        warn(f"{found.name}: {error}; not subscribed")
        return 1


def remove_on_server(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """``tuinews remove FEED --account API``: unsubscribe on the server, then here."""
    from tuinews.sync.remote import unsubscribe  # (the XML parsers: see add_on_server)

    found = find_account(store, args.account, None)
    if isinstance(found, str):
        warn(found)
        return 2
    feed = store.find_feed(args.feed, found.id)
    if feed is None or feed.account_id != found.id:
        warn(f"no such feed in {found.name}: {args.feed} (see `tuinews feeds`)")
        return 2

    async def go() -> None:
        async with new_fetcher(settings) as fetcher:
            await unsubscribe(store, found, feed, fetcher=fetcher, password=command_password())

    try:
        asyncio.run(go())
    except GReaderError as error:
        warn(f"{found.name}: {error}; not removed")
        return 1
    say(f"Unsubscribed from {feed.name} on {found.name} ({plural(feed.total, 'article')}).")
    return 0


def import_on_server(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    """``tuinews import FILE... --account API``: subscribe on the server to the feeds of
    subscription lists (their tags as folders), then sync once."""
    # (the importers of subscription files and sync.remote, ~30 ms: only for import)
    from tuinews.import_triage import import_queries
    from tuinews.importer import read_lists
    from tuinews.subscriptions import Subscription
    from tuinews.sync.remote import SubscribedAll, subscribe_all

    found = find_account(store, args.account, None)
    if isinstance(found, str):
        warn(found)
        return 2
    lists, problems = read_lists(args.files)
    if problems:
        for problem in problems:
            warn(problem)
        warn("nothing was imported")
        return 2
    wanted: dict[str, Subscription] = {}
    for name, listed in lists:
        for sub in listed.subscriptions:
            wanted.setdefault(sub.url, sub)
        if listed.problem:
            warn(listed.problem)
        for what, why in listed.rejected:
            say(f"  {name}: skipped {what}: {why}")

    async def go() -> SubscribedAll:
        async with new_fetcher(settings) as fetcher:
            return await subscribe_all(
                store,
                settings,
                found,
                list(wanted.values()),
                fetcher=fetcher,
                password=command_password(),
            )

    names = ", ".join(name for name, _ in lists)
    try:
        done = asyncio.run(go())
    except GReaderError as error:
        warn(f"{found.name}: {error}; nothing was subscribed from {names}")
        return 1
    line = f"Subscribed to {plural(len(done.added), 'feed')} on {found.name} from {names}"
    if done.existing:
        line += f"; {len(done.existing):,} already there"
    say(line + ".")
    for url, why in done.failed:
        warn(f"{shown_url(url)}: {why}; not subscribed")
    for name, listed in lists:
        import_queries(store, name, listed.queries, say)  # (saved searches: here)
    if done.sync.failed:
        warn(f"{found.name}: {done.sync.error}; `tuinews sync` brings the articles")
    else:
        say(f"{found.name}: {_result_text(done.sync)}.")
    return 1 if done.failed or done.sync.failed else 0
