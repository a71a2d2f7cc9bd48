"""Accounts and sync as a user tries them (issue 14): the real ``tuinews`` command against
a real FreshRSS 1.24.3 (../shared/servers/freshrss), fed by a loopback feed server. Each
"device" is a database of its own; the server's view is read with the Reader client."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.freshrss import FreshRSS, LoopFeed
from tests.netserver import FeedServer
from tests.waiting import wait_until
from tuinews.accounts import save_auth
from tuinews.fetch import Fetcher, FetchLimits
from tuinews.fetch.greader import READ, READING_LIST, STARRED, GReaderClient, GReaderError
from tuinews.store import Store

pytestmark = pytest.mark.slow  # a real FreshRSS per test

T = TypeVar("T")


def on_server(freshrss: FreshRSS, work: Callable[[GReaderClient], Awaitable[T]]) -> T:
    """Run ``work`` with a client logged in to the server (what another reader does)."""

    async def go() -> T:
        async with Fetcher(FetchLimits(total_timeout=20.0)) as fetcher:
            client = GReaderClient(freshrss.api_url, fetcher)
            await client.login(freshrss.user, freshrss.password)
            return await work(client)

    return asyncio.run(go())


def server_titles(freshrss: FreshRSS, **filters: str) -> set[str]:
    """The titles of the reading list's items on the server (``exclude=READ`` ...), or
    of the starred ones (``stream=STARRED``)."""

    async def titles(client: GReaderClient) -> set[str]:
        stream = filters.pop("stream", READING_LIST)
        refs = await client.all_item_ids(stream, **filters)
        return {item.title for item in await client.contents(ref.id for ref in refs)}

    return on_server(freshrss, titles)


@dataclass
class Device:
    """A tuinews of its own: its database, run as the installed command is."""

    folder: Path
    password: str

    @property
    def db(self) -> Path:
        return self.folder / "tuinews.db"

    def run(self, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, TUINEWS_PASSWORD=self.password if password is None else password)
        return subprocess.run(
            [sys.executable, "-m", "tuinews", *args, "--db", str(self.db)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def articles(self, query: str = "item") -> list[dict[str, Any]]:
        found = json.loads(self.ok("search", query, "--json", "--limit", "1000"))
        return list(found["articles"])

    def titles(self, flag: str, query: str = "item") -> list[str]:
        """The titles of the articles found that are read (or starred), sorted."""
        return sorted(article["title"] for article in self.articles(query) if article[flag])

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {feed["title"]: feed for feed in json.loads(self.ok("feeds", "--json"))["feeds"]}

    def account(self) -> dict[str, Any]:
        (account,) = json.loads(self.ok("account", "list", "--json"))["accounts"]
        return dict(account)


def device(tmp_path: Path, freshrss: FreshRSS, name: str) -> Device:
    folder = tmp_path / name
    folder.mkdir()
    return Device(folder, freshrss.password)


def subscribed(freshrss: FreshRSS, web: FeedServer, *paths: str, items: int = 3) -> list[LoopFeed]:
    """Feeds on the loopback server, subscribed on FreshRSS (it fetches them at once)."""
    feeds = []
    for path in paths:
        feed = LoopFeed(web, path, title=f"Loop {path.strip('/').split('.')[0]}")
        feed.add(items)
        feeds.append(feed)

    async def subscribe(client: GReaderClient) -> None:
        for feed in feeds:
            await client.quickadd(feed.url)

    on_server(freshrss, subscribe)
    return feeds


def added(dev: Device, freshrss: FreshRSS) -> None:
    out = dev.ok("account", "add", freshrss.api_url, "--user", freshrss.user)
    expected = f"Added alice at {freshrss.api_url}. `tuinews sync` brings its feeds and articles."
    assert out == expected + "\n"


# --- scenarios ---------------------------------------------------------------------------


def test_two_devices_read_and_star_through_the_server(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    subscribed(freshrss, web, "/one.xml", "/two.xml")
    a, b = device(tmp_path, freshrss, "a"), device(tmp_path, freshrss, "b")
    added(a, freshrss)
    assert "6 new" in a.ok("sync")
    articles = a.articles()
    assert len(articles) == 6 and not any(x["read"] or x["starred"] for x in articles)
    assert {feed["title"] for feed in a.feeds().values()} == {"Loop one", "Loop two"}

    # Device A reads and stars; the changes wait for the next sync, then go.
    assert a.ok("mark", "read", "item 1") == (
        "Marked 2 articles read (2 found); 2 changes for the accounts' servers at the next sync.\n"
    )
    a.ok("mark", "star", "title:item 2")
    assert a.account()["pending"] == 4
    before = len(freshrss.api_requests())
    assert "4 changes sent" in a.ok("sync")
    pushed = freshrss.api_requests()[before:]
    assert pushed.count("POST reader/api/0/edit-tag") == 2  # one per kind of change
    assert a.account()["pending"] == 0

    # The server shows it...
    assert server_titles(freshrss, include=READ) == {"Item 1"}  # (both feeds' "Item 1")
    assert len(on_server(freshrss, lambda c: c.all_item_ids(include=READ))) == 2
    assert server_titles(freshrss, stream=STARRED) == {"Item 2"}
    # ... and device B sees it after its first sync.
    added(b, freshrss)
    b.ok("sync")
    assert len(b.articles()) == 6
    assert b.titles("read") == ["Item 1", "Item 1"]
    assert b.titles("starred") == ["Item 2", "Item 2"]

    # Both ways: B unreads and unstars, A sees it; A's own flags were already sent.
    b.ok("mark", "unread", "item 1")
    b.ok("mark", "unstar", "item 2")
    assert "4 changes sent" in b.ok("sync")
    assert "4 changes from the server" in a.ok("sync")
    assert not any(x["read"] or x["starred"] for x in a.articles())
    assert a.ok("sync").endswith("0 new articles, 0 failed.\n")  # nothing flips back


def test_new_articles_arrive_incrementally_and_a_quiet_sync_is_a_few_requests(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    (feed,) = subscribed(freshrss, web, "/news.xml", items=4)
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    assert len(a.articles()) == 4

    feed.add(3, title="Later")
    assert freshrss.actualize() == 3
    before = len(freshrss.api_requests())
    assert "3 new" in a.ok("sync")
    requests = freshrss.api_requests()[before:]
    assert requests.count("POST reader/api/0/stream/items/contents") == 1  # the 3 new only
    assert not any("ClientLogin" in r or "stream/contents" in r for r in requests)
    found = {x["title"] for x in a.articles("later")}
    assert found == {"Later 4", "Later 5", "Later 6"}  # searchable at once

    # Nothing new: a handful of small requests, no login, no token, no contents.
    before = len(freshrss.api_requests())
    out = json.loads(a.ok("sync", "--json"))
    requests = freshrss.api_requests()[before:]
    assert len(requests) <= 5, requests
    assert sorted(requests) == [
        "GET reader/api/0/stream/items/ids",
        "GET reader/api/0/stream/items/ids",
        "GET reader/api/0/stream/items/ids",
        "GET reader/api/0/subscription/list",
        "GET reader/api/0/tag/list",
    ]
    (account,) = out["accounts"]
    assert account["new"] == 0 and account["requests"] == 5 and account["status"] == "ok"
    assert out["failed"] == 0 and out["total"] == 1


def test_offline_changes_wait_and_are_sent_when_the_server_is_back(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    subscribed(freshrss, web, "/one.xml", items=5)
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")

    freshrss.stop()
    a.ok("mark", "read", "item 1 OR item 2")
    a.ok("mark", "star", "title:item 3")
    a.ok("mark", "read", "title:item 3")
    offline = a.run("sync")
    assert offline.returncode == 1
    assert offline.stderr == (
        f"tuinews: alice at {freshrss.api_url}: cannot reach the server (connection refused)\n"
    )
    assert "0 new articles, 1 failed." in offline.stdout
    account = a.account()
    assert account["status"] == "failed" and account["pending"] == 4
    assert account["last_error"] == "cannot reach the server (connection refused)"
    # Read here meanwhile, and back: the local state stands.
    assert a.titles("read") == ["Item 1", "Item 2", "Item 3"]

    freshrss.restart()
    assert a.run("sync").returncode == 0
    assert server_titles(freshrss, include=READ) == {"Item 1", "Item 2", "Item 3"}
    assert server_titles(freshrss, stream=STARRED) == {"Item 3"}
    assert a.account()["pending"] == 0 and a.account()["status"] == "ok"
    assert a.titles("read") == ["Item 1", "Item 2", "Item 3"]
    assert a.titles("starred") == ["Item 3"]


def test_wrong_password_is_one_line_and_other_accounts_go_on(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    subscribed(freshrss, web, "/one.xml")
    a = device(tmp_path, freshrss, "a")
    before = len(freshrss.api_requests())
    refused = a.run("account", "add", freshrss.api_url, "--user", "alice", password="wrong")
    assert refused.returncode == 1
    assert refused.stderr == (
        f"tuinews: alice at {freshrss.api_url}: login refused; the account was not added\n"
    )
    assert "wrong" not in refused.stdout + refused.stderr
    assert freshrss.api_requests()[before:] == ["POST accounts/ClientLogin"]
    assert "No accounts yet" in a.ok("account", "list")
    added(a, freshrss)  # then a wrong password for the account added: it stays as it was
    again = a.run("account", "add", freshrss.api_url, "--user", "alice", password="wrong")
    assert again.returncode == 1 and again.stderr == (
        f"tuinews: alice at {freshrss.api_url}: login refused; its login here is as it was\n"
    )
    a.ok("sync")
    a.ok("account", "remove", freshrss.api_url, "--drop-articles")

    added(a, freshrss)
    # A second account on a server that is gone: it fails, alice's sync goes on.
    with Store(a.db) as store:
        store.add_account("http://127.0.0.1:9/api/greader.php", "bob")
    save_auth("http://127.0.0.1:9/api/greader.php", "bob", "bob/token")
    # The kept login no longer works (the API password changed) and the one given is wrong.
    save_auth(freshrss.api_url, "alice", "alice/" + "0" * 40)
    before = len(freshrss.api_requests())
    failed = a.run("sync", password="wrong")
    assert failed.returncode == 1
    assert sorted(failed.stderr.splitlines()) == [
        f"tuinews: alice at {freshrss.api_url}: login refused",
        "tuinews: bob at http://127.0.0.1:9/api/greader.php: cannot reach the server "
        "(connection refused)",
    ]
    assert "Traceback" not in failed.stderr and "wrong" not in failed.stdout + failed.stderr
    # No retry storm: the refused call, one login, and that is all.
    assert freshrss.api_requests()[before:] == [
        "GET reader/api/0/subscription/list",
        "POST accounts/ClientLogin",
    ]

    # The right password: one login, the new Auth kept, the sync done.
    synced = a.run("sync", "--account", freshrss.api_url)
    assert synced.returncode == 0, synced.stderr
    assert "3 new" in synced.stdout
    before = len(freshrss.api_requests())
    assert a.run("sync", "--account", freshrss.api_url, password="wrong").returncode == 0
    assert "POST accounts/ClientLogin" not in freshrss.api_requests()[before:]


def test_subscribe_and_unsubscribe_from_tuinews(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    feed = LoopFeed(web, "/new.xml", title="Brand new")
    feed.add(2)

    out = a.ok("add", feed.url, "--account", freshrss.api_url, "--tag", "Reading")
    assert out == f"Subscribed to Brand new on alice at {freshrss.api_url}: 2 new articles.\n"
    subscriptions = on_server(freshrss, lambda c: c.subscriptions())
    assert [(s.title, s.url, s.labels) for s in subscriptions] == [
        ("Brand new", feed.url, ("Reading",))
    ]
    mine = a.feeds()["Brand new"]
    assert mine["tags"] == ["Reading"] and mine["total"] == 2 and mine["url"] == feed.url
    # A local subscription to the same feed is another feed, fetched by refresh; the
    # account's is not.
    assert a.run("add", feed.url).returncode == 0
    assert a.ok("refresh").startswith("Refreshed 1 feed ")
    listed = json.loads(a.ok("feeds", "--json"))["feeds"]
    assert sorted(f["account"] is None for f in listed if f["url"] == feed.url) == [False, True]

    refused = a.run("remove", str(mine["id"]))
    assert refused.returncode == 2
    assert f"--account {freshrss.api_url} unsubscribes on its server" in refused.stderr
    out = a.ok("remove", str(mine["id"]), "--account", freshrss.api_url)
    assert out == f"Unsubscribed from Brand new on alice at {freshrss.api_url} (2 articles).\n"
    assert on_server(freshrss, lambda c: c.subscriptions()) == []
    assert [f["account"] for f in a.feeds().values()] == [None]  # the local one stays


def test_importing_a_list_to_an_account_subscribes_on_the_server(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    """``tuinews import FILE --account``: each feed of an OPML file or a newsboat urls
    file subscribed on the server (its title, its tags as the folder), those it has
    already left alone, one it refuses reported; then one sync brings them here."""
    (old,) = subscribed(freshrss, web, "/old.xml")
    one, two, three = (LoopFeed(web, f"/{n}.xml", title=f"Feed {n}") for n in ("a", "b", "c"))
    for feed in (one, two, three):
        feed.add(2)
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="Science"><outline type="rss" text="My A" xmlUrl="{one.url}"/></outline>'
        f'<outline type="rss" text="Old" xmlUrl="{old.url}"/>'
        "</body></opml>"
    )
    urls = tmp_path / "urls"
    missing = web.url("/missing.xml")
    urls.write_text(f'{two.url} "Reading" World\n{three.url}\n{missing}\nnot a url\n')
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)

    done = a.run("import", str(opml), str(urls), "--account", freshrss.api_url)
    assert done.returncode == 1, done.stdout + done.stderr  # one feed was refused
    lines = done.stdout.splitlines()
    assert lines[-2] == (
        f"Subscribed to 3 feeds on alice at {freshrss.api_url} from {opml}, {urls}; "
        "1 already there."
    )
    assert lines[-1] == f"alice at {freshrss.api_url}: 9 new, feeds +4 -0."
    assert f"  {urls}: skipped line 4: not a url: not an http(s) feed URL" in lines
    assert done.stderr == (
        f"tuinews: {missing}: subscription/edit: HTTP 400 Bad Request; not subscribed\n"
    )
    subscriptions = {s.url: s for s in on_server(freshrss, lambda c: c.subscriptions())}
    assert sorted(subscriptions) == sorted([old.url, one.url, two.url, three.url])
    assert (subscriptions[one.url].title, subscriptions[one.url].labels) == ("My A", ("Science",))
    assert subscriptions[two.url].labels == ("World",)
    assert sorted(a.feeds()) == ["Feed b", "Feed c", "Loop old", "My A"]

    again = a.run("import", str(opml), "--account", freshrss.api_url)
    assert again.returncode == 0, again.stderr
    assert "Subscribed to 0 feeds" in again.stdout and "2 already there" in again.stdout

    state_file = tmp_path / "state.json"
    state_file.write_text(a.ok("export", "--state"))
    state = a.run("import", str(opml), str(state_file), "--account", freshrss.api_url)
    assert state.returncode == 2
    assert state.stderr == (
        f"tuinews: {state_file} is not a subscription list (OPML or newsboat urls): only "
        "those import to an account\ntuinews: nothing was imported\n"
    )


def test_the_server_s_folders_titles_and_subscriptions_come_here(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    one, two = subscribed(freshrss, web, "/one.xml", "/two.xml")
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    streams = {s.url: s.id for s in on_server(freshrss, lambda c: c.subscriptions())}

    async def edit(client: GReaderClient) -> None:
        await client.label_subscription(streams[one.url], "Science")
        await client.rename(streams[one.url], "Renamed elsewhere")
        await client.unsubscribe(streams[two.url])

    on_server(freshrss, edit)
    assert "feeds +0 -1" in a.ok("sync")
    feeds = a.feeds()
    assert list(feeds) == ["Renamed elsewhere"]
    assert feeds["Renamed elsewhere"]["tags"] == ["Science"]
    assert len(a.articles()) == 3  # the other feed's articles went with it


def test_item_labels_are_tags_here_and_a_rule_s_tag_is_a_label_there(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    """A label added on the server becomes the article's tag (the feed's folder, which
    FreshRSS lists among an item's labels, stays the feed's tag); moved or removed there,
    it is so here at the next sync; a rule's tag on a new article is sent as a label."""
    subscribed(freshrss, web, "/one.xml")
    ids: dict[str, str] = {}

    async def label(client: GReaderClient) -> None:
        (sub,) = await client.subscriptions()
        await client.label_subscription(sub.id, "Science")
        refs = await client.all_item_ids()
        ids.update({item.title: item.id for item in await client.contents(r.id for r in refs)})
        await client.label_items([ids["Item 1"]], "Read later")

    on_server(freshrss, label)
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("rule", "add", "tag:Keep", '"item 2"')
    a.ok("sync")
    assert [x["title"] for x in a.articles('tag:"read later"')] == ["Item 1"]
    assert [x["title"] for x in a.articles("tag:keep")] == ["Item 2"]
    assert a.feeds()["Loop one"]["tags"] == ["Science"]

    async def labelled(client: GReaderClient, name: str) -> list[str]:
        refs = await client.all_item_ids(f"user/-/label/{name}")
        return sorted(item.title for item in await client.contents(r.id for r in refs))

    assert on_server(freshrss, lambda c: labelled(c, "Keep")) == ["Item 2"]

    async def move(client: GReaderClient) -> None:
        await client.unlabel_items([ids["Item 1"]], "Read later")
        await client.label_items([ids["Item 0"]], "Read later")

    on_server(freshrss, move)
    out = json.loads(a.ok("sync", "--json"))
    (account,) = out["accounts"]
    assert (account["tagged"], account["untagged"]) == (1, 1)
    assert [x["title"] for x in a.articles('tag:"read later"')] == ["Item 0"]
    assert [x["title"] for x in a.articles("tag:keep")] == ["Item 2"]  # still


def test_renaming_and_retagging_an_account_s_feed_on_the_server(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    """``sync.remote.edit_subscription`` (what ``tuinews feed set`` does to an account's
    feed): the title and the folders on the server, then the feed here as the server
    keeps it (one folder on FreshRSS: the last tag asked for)."""
    from tuinews.sync.remote import Edited, edit_subscription

    (one,) = subscribed(freshrss, web, "/one.xml")
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    store = Store(a.db)
    (account,) = store.accounts()
    feed = store.find_feed(one.url, account.id)
    assert feed is not None and feed.title == "Loop one"

    def edit(**change: Any) -> Edited:
        async def go() -> Edited:
            async with Fetcher(FetchLimits(total_timeout=20.0)) as fetcher:
                return await edit_subscription(
                    store,
                    account,
                    feed,
                    fetcher=fetcher,
                    password=lambda _: freshrss.password,
                    **change,
                )

        return asyncio.run(go())

    def on_the_server() -> tuple[str, tuple[str, ...]]:
        (sub,) = on_server(freshrss, lambda c: c.subscriptions())
        return sub.title, sub.labels

    def here() -> tuple[str, tuple[str, ...]]:
        found = store.get_feed(feed.id)
        assert found is not None
        return found.title, found.tags

    assert edit(title="Renamed here", tags=["Science"]) == Edited("Renamed here", ("Science",))
    assert on_the_server() == here() == ("Renamed here", ("Science",))
    before = len(freshrss.api_requests())
    assert edit(tags=["World", "Science"]) == Edited("Renamed here", ("Science",))  # as it is
    assert freshrss.api_requests()[before:] == ["GET reader/api/0/subscription/list"] * 2
    assert edit(tags=["World"]) == Edited("Renamed here", ("World",))
    assert on_the_server() == here() == ("Renamed here", ("World",))
    # In no folder: FreshRSS's own default one.
    assert edit(tags=[]) == Edited("Renamed here", ("Uncategorized",))
    assert on_the_server() == here() == ("Renamed here", ("Uncategorized",))
    assert edit(title="Again", tags=[]) == Edited("Again", ("Uncategorized",))
    local = store.add_feed(web.url("/local.xml"))
    with pytest.raises(GReaderError, match="not one of the account's"):
        asyncio.run(
            edit_subscription(
                store,
                account,
                local,
                title="x",
                fetcher=None,
                password=lambda _: "",  # type: ignore[arg-type]
            )
        )


def test_feed_set_renames_and_retags_an_account_s_feed_on_its_server(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    """``tuinews feed set ID title=... tags=...`` on an account's feed, as a user types it:
    the server has the change (another device sees it), and the keys kept here are set."""
    subscribed(freshrss, web, "/one.xml")
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    feed_id = str(a.feeds()["Loop one"]["id"])
    out = a.ok("feed", "set", feed_id, "title=Renamed", "tags=Science", "keep=7")
    assert out.startswith("Renamed (on its server): Science.\n")
    (sub,) = on_server(freshrss, lambda c: c.subscriptions())
    assert (sub.title, sub.labels) == ("Renamed", ("Science",))
    shown = a.ok("feed", "show", feed_id)
    assert "Renamed" in shown and "Science" in shown and "7" in shown
    b = device(tmp_path, freshrss, "b")
    added(b, freshrss)
    b.ok("sync")
    assert b.feeds()["Renamed"]["tags"] == ["Science"]


def test_removing_the_account_keeps_or_drops_its_articles(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    subscribed(freshrss, web, "/one.xml")
    a, b = device(tmp_path, freshrss, "a"), device(tmp_path, freshrss, "b")
    for dev in (a, b):
        added(dev, freshrss)
        dev.ok("sync")
        dev.ok("mark", "read", "item 0")
    asked = a.run("account", "remove", freshrss.api_url)
    assert asked.returncode == 2 and "--keep-articles" in asked.stderr

    out = a.ok("account", "remove", freshrss.api_url, "--keep-articles")
    assert out == (
        f"Removed alice at {freshrss.api_url}; its 3 articles kept as local feeds; "
        "1 change not sent to the server.\n"
    )
    (kept,) = a.feeds().values()
    assert kept["account"] is None and kept["total"] == 3
    assert a.titles("read") == ["Item 0"]
    assert "No accounts yet" in a.ok("account", "list")

    out = b.ok("account", "remove", freshrss.api_url, "--drop-articles")
    assert "its 3 articles dropped" in out
    assert b.feeds() == {} and b.ok("search", "item") == "No matches.\n"
    assert server_titles(freshrss, include=READ) == set()  # nothing was sent


def test_the_password_is_never_kept_and_the_token_is_private(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuinews.accounts import load_auth, token_path

    subscribed(freshrss, web, "/one.xml")
    monkeypatch.delenv("TUINEWS_PASSWORD", raising=False)
    a = device(tmp_path, freshrss, "a")
    secret = tmp_path / "password.txt"  # what a password manager would print
    secret.write_text(freshrss.password + "\n")
    command = f"cat {secret}"  # an argument list, no shell
    done = a.run(
        "account", "add", freshrss.api_url, "--user", "alice", "--password-command", command
    )
    assert done.returncode == 0, done.stderr
    outputs = [a.ok("sync", "--json"), a.ok("account", "list", "--json"), a.ok("feeds", "--json")]
    auth = load_auth(freshrss.api_url, "alice")
    assert auth and auth.startswith("alice/")
    token = token_path(freshrss.api_url, "alice")
    assert token.stat().st_mode & 0o777 == 0o600 and token.parent.stat().st_mode & 0o777 == 0o700
    assert freshrss.password not in token.read_text()
    stored = b"".join(p.read_bytes() for p in a.folder.iterdir() if p.name.startswith("tuinews.db"))
    assert freshrss.password.encode() not in stored and auth.encode() not in stored
    assert not any(freshrss.password in out or auth in out for out in outputs)

    # The kept login gone: the account's command gives the password again (never asked).
    token.unlink()
    before = len(freshrss.api_requests())
    synced = a.run("sync", password="")
    assert synced.returncode == 0, synced.stderr
    assert freshrss.api_requests()[before:].count("POST accounts/ClientLogin") == 1
    assert load_auth(freshrss.api_url, "alice") == auth  # (FreshRSS gives the same one)


def test_the_server_killed_during_a_sync_loses_nothing(
    tmp_path: Path, freshrss: FreshRSS, web: FeedServer
) -> None:
    feeds = subscribed(freshrss, web, "/a.xml", "/b.xml", "/c.xml", "/d.xml", items=1)
    a = device(tmp_path, freshrss, "a")
    added(a, freshrss)
    a.ok("sync")
    a.ok("mark", "read", "item 0")
    for feed in feeds:
        feed.add(150, title="Burst")
    assert freshrss.actualize() == 600  # four batches of contents to fetch

    env = dict(os.environ, TUINEWS_PASSWORD=freshrss.password)
    running = subprocess.Popen(
        [sys.executable, "-m", "tuinews", "sync", "--db", str(a.db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    contents = "POST reader/api/0/stream/items/contents"
    wait_until(lambda: contents in freshrss.api_requests(), what="the first batch of contents")
    freshrss.stop()  # kill -9, the next batches in flight or not sent yet
    out, err = running.communicate(timeout=60)
    assert running.returncode == 1, out + err
    assert err.startswith(f"tuinews: alice at {freshrss.api_url}: cannot reach the server")
    account = a.account()
    assert account["status"] == "failed" and account["pending"] == 0  # sent before
    kept = account["articles"]
    assert 4 + 250 <= kept < 604  # what was stored stays stored

    freshrss.restart()
    assert "0 failed" in a.ok("sync")
    account = a.account()
    assert account["articles"] == 604 and account["status"] == "ok"  # each once
    assert len(a.articles("burst")) == 600
    assert server_titles(freshrss, include=READ) == {"Item 0"}
