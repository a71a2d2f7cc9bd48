"""``tuinews feed set URL|ID KEY=VALUE...`` and ``tuinews feed show URL|ID [--json]``:
a feed's own settings (:mod:`tuinews.feed_settings`), headless. Every KEY=VALUE is
checked before any is written, and all are written in one transaction: a bad one is one
message naming its key, exit status 2, and nothing changed. An account's feed's title
and tags are its server's: they are changed there first (``on_server``), then the rest
here; a refusal from the server is one message, exit status 1, and nothing changed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace

from tuinews.accounts import PasswordError
from tuinews.feed_settings import (
    BadSetting,
    FeedChange,
    as_json,
    changed_words,
    check_assignments,
    refusal,
)
from tuinews.feed_settings import described as described_settings
from tuinews.fetch.greader import GReaderError
from tuinews.links import shown_url
from tuinews.sanitise import clean_line
from tuinews.settings import Settings
from tuinews.store import Feed, Store
from tuinews.triage import Output

# Renames an account's feed and/or gives it these tags on its server (None: that part as
# it is); returns the title and tags the server kept. Raises GReaderError, PasswordError.
OnServer = Callable[[Feed, str | None, tuple[str, ...] | None], tuple[str, tuple[str, ...]]]


def find(store: Store, target: str) -> Feed | None:
    """A feed by its id or URL: a local subscription's first, else an account's (when
    only one account has that URL)."""
    feed = store.find_feed(target)
    if feed is not None or target.isdigit():
        return feed
    found = [f for f in store.feeds(kind=None) if f.url == target]
    return found[0] if len(found) == 1 else None


def feed_command(
    args: argparse.Namespace,
    settings: Settings,
    store: Store,
    out: Output,
    on_server: OnServer | None = None,
) -> int:
    feed = find(store, args.feed)
    if feed is None:
        out.warn(f"no such feed: {clean_line(args.feed, 200)} (see `tuinews feeds`)")
        return 2
    if args.action == "show":
        return _show(store, feed, settings, args.json, out)
    remote = feed.account_id is not None and on_server is not None
    try:
        change = check_assignments(feed, args.settings, on_server=remote)
        if remote and change.columns.get("user_title") == "":
            raise BadSetting("title", "an account's feed has no title but its server's: give one")
    except BadSetting as bad:
        out.warn(f"{bad}; nothing was changed")
        return 2
    if remote and {"title", "tags"} & set(change.keys):
        assert on_server is not None
        title = change.columns.get("user_title") if "title" in change.keys else None
        try:
            kept = on_server(feed, None if title is None else str(title), change.tags)
        except (GReaderError, PasswordError) as error:
            out.warn(f"{clean_line(feed.name)}: not changed on its server: {error}")
            return 1
        tags = ", ".join(kept[1]) or "no tags"
        out.say(f"{clean_line(kept[0])} (on its server): {tags}.")
        change = FeedChange(
            {k: v for k, v in change.columns.items() if k != "user_title"},
            None,
            tuple(k for k in change.keys if k not in ("title", "tags")),
        )
        if not change:
            return 0
        feed = replace(feed, title=kept[0], tags=kept[1])
    changed = store.change_feed(feed.id, change.columns, change.tags)
    if changed is None:  # removed meanwhile
        out.warn(f"no such feed: {clean_line(args.feed, 200)} (see `tuinews feeds`)")
        return 2
    out.say(f"{clean_line(changed.name)}: {changed_words(changed, change, settings)}.")
    return 0


def _show(store: Store, feed: Feed, settings: Settings, json: bool, out: Output) -> int:
    if json:
        out.say_json(as_json(feed, settings))
        return 0
    out.say(f"Feed {feed.id}: {shown_url(feed.url)}")
    if feed.kind == "local":  # (no settings to show: `feed set` refuses them)
        out.say(f"  {refusal(feed, 'title')}")
        return 0
    if feed.account_id is not None:
        account = store.get_account(feed.account_id)
        name = clean_line(account.name) if account else str(feed.account_id)
        out.say(f"  {'account':<11} {name} (the feed is this account's, on its server)")
    for key, words in described_settings(feed, settings).items():
        out.say(f"  {key:<11} {words}")
    return 0
