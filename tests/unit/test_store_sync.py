"""The store's side of sync (issue 14), in a real SQLite file: accounts and their feeds,
the changes queued with the flag change itself, the server's state taken where no local
change waits, retention that spares what the server still lists, the migration that lets
an account's feed have a local feed's URL."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.store import FeedExists, Store, View
from tuinews.store.accounts import RemoteFeed, signed
from tuinews.store.schema import MIGRATIONS
from tuinews.store.sync import RemoteArticle

API = "https://rss.example/api/greader.php"
FEED = "https://news.example/feed.xml"
BIG = (1 << 64) - 5  # an id whose number is negative once signed


def item(n: int, feed: str = "feed/1", *, read: bool = False, starred: bool = False, day: int = 1):
    """Item n as the sync hands it to the store (id n, long form)."""
    return RemoteArticle(
        article=article(
            f"tag:google.com,2005:reader/item/{n:016x}",
            title=f"Item {n}",
            day=day,
            read=read,
            starred=starred,
        ),
        remote_id=str(n),
        number=n,
        timestamp_usec=n * 1000,
        feed=feed,
        feed_title="News",
    )


def ids(store: Store) -> dict[str, int]:
    return {h.title: h.id for h in store.headlines(View(with_hidden=True))}


def flags(store: Store) -> dict[str, tuple[bool, bool]]:
    return {h.title: (h.read, h.starred) for h in store.headlines(View(with_hidden=True))}


def pending(store: Store, account_id: int) -> list[tuple[str, str]]:
    return [(c.remote_id, c.action) for c in store.pending_changes(account_id)]


@pytest.fixture
def synced(store: Store) -> tuple[Store, int]:
    """A store with an account, its feed (the URL of a local feed too) and items 1-3, and
    a local feed with one article."""
    account, new = store.add_account(API, "alice", server="freshrss")
    assert new
    store.apply_subscriptions(account.id, [RemoteFeed("feed/1", FEED, "News", "", ("Tech",))])
    assert store.store_items(account.id, [item(1), item(2), item(3)]).new == 3
    local = store.add_feed(FEED, title="Local copy")
    store.upsert_articles(local.id, [article("l", title="Local one")])
    return store, account.id


def test_an_account_feed_may_have_a_local_feed_s_url_but_not_twice(synced: tuple[Store, int]):
    store, account_id = synced
    feeds = {(f.kind, f.account_id, f.url) for f in store.feeds(kind=None)}
    assert feeds == {("account", account_id, FEED), ("feed", None, FEED)}
    with pytest.raises(FeedExists):
        store.add_feed(FEED)
    assert store.merge_feed(FEED, tags=["x"]) == (store.find_feed(FEED).id, "updated")
    assert store.find_feed(FEED).account_id is None
    assert store.find_feed(FEED, account_id).account_id == account_id
    assert [f.url for f in store.feeds()] == [FEED]  # a refresh's feeds: the local one only
    (account,) = store.accounts()
    assert (account.feeds, account.articles, account.unread, account.pending) == (1, 3, 3, 0)


def test_flag_changes_of_an_account_s_articles_are_queued(synced: tuple[Store, int]) -> None:
    store, account_id = synced
    found = ids(store)
    assert store.set_read([found["Item 1"], found["Local one"]], True) == 2
    assert pending(store, account_id) == [("1", "read")]  # the local article queues nothing
    assert store.set_read([found["Item 1"]], True) == 0
    assert pending(store, account_id) == [("1", "read")]  # no change, nothing queued
    store.set_starred(found["Item 2"], True)
    assert store.set_starred_ids([found["Item 2"], found["Item 3"]], False) == 1
    store.set_read([found["Item 1"]], False)
    assert pending(store, account_id) == [
        ("1", "read"),
        ("2", "star"),
        ("2", "unstar"),
        ("1", "unread"),
    ]
    # A whole view marked read: its unread articles of the account, each queued.
    assert store.mark_view_read(View(feed_id=store.find_feed(FEED, account_id).id)) == 3
    assert pending(store, account_id)[4:] == [("1", "read"), ("2", "read"), ("3", "read")]
    assert store.accounts()[0].pending == 7


def test_the_queued_change_and_the_flag_are_one_transaction(synced: tuple[Store, int]) -> None:
    store, account_id = synced
    found = ids(store)
    with store.database.write() as db:  # the queue cannot be written now
        db.execute(
            "CREATE TEMP TRIGGER no_queue BEFORE INSERT ON pending_changes "
            "BEGIN SELECT RAISE(ABORT, 'queue full'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        store.set_read([found["Item 1"]], True)
    with pytest.raises(sqlite3.IntegrityError):
        store.mark_view_read(View())
    assert flags(store)["Item 1"] == (False, False)  # the flag was not changed either
    assert pending(store, account_id) == []


def test_the_server_s_state_is_taken_unless_a_change_made_here_waits(
    synced: tuple[Store, int],
) -> None:
    store, account_id = synced
    store.store_items(account_id, [item(BIG, starred=True)])
    found = ids(store)
    store.set_read([found["Item 1"]], True)  # read here, not sent yet
    changes = store.apply_remote_state(account_id, unread=[1, 2], starred=[3])
    assert flags(store) == {
        "Item 1": (True, False),  # the change made here wins until it is sent
        "Item 2": (False, False),
        "Item 3": (True, True),
        f"Item {BIG}": (True, False),
        "Local one": (False, False),  # not the account's
    }
    assert (changes.read, changes.unread, changes.starred, changes.unstarred) == (2, 0, 1, 1)
    assert pending(store, account_id) == [("1", "read")]  # the server's state queues nothing

    sent = [change.id for change in store.pending_changes(account_id)]
    store.forget_pending(sent)
    store.apply_remote_state(account_id, unread=[1, 2, BIG], starred=[BIG])
    assert flags(store)["Item 1"] == (False, False)  # sent: the server's state now
    assert flags(store)[f"Item {BIG}"] == (False, True)
    assert signed(BIG) in store.known_numbers(account_id)


def test_retention_spares_what_the_server_still_lists(synced: tuple[Store, int]) -> None:
    store, account_id = synced
    old = [
        item(10, read=True, day=2),
        item(11, read=True, starred=True, day=3),
        item(12, day=4),  # unread
        item(13, read=True, day=5),
    ]
    store.store_items(account_id, old)
    store.store_items(
        account_id, [item(20, read=True, day=20), item(21, read=True, day=21)], keep=2
    )
    titles = {title for title in flags(store) if title.startswith("Item")}
    # The newest two, and every unread (1, 2, 3, 12) or starred (11) one.
    assert titles == {"Item 20", "Item 21", "Item 11", "Item 12", "Item 1", "Item 2", "Item 3"}
    assert {signed(n) for n in (10, 13)}.isdisjoint(store.known_numbers(account_id))


def test_subscriptions_follow_the_server(synced: tuple[Store, int]) -> None:
    store, account_id = synced
    listed = [
        RemoteFeed("feed/1", FEED, "News renamed", "https://news.example/", ("Science",)),
        RemoteFeed("feed/2", "https://other.example/rss", "Other", "", ()),
    ]
    changes = store.apply_subscriptions(account_id, listed)
    assert (changes.added, changes.updated, changes.removed) == (1, 1, 0)
    mine = {
        f.remote_id if hasattr(f, "remote_id") else f.url: f for f in store.feeds(kind="account")
    }
    assert {f.name: f.tags for f in mine.values()} == {"News renamed": ("Science",), "Other": ()}
    changes = store.apply_subscriptions(account_id, listed[1:])
    assert (changes.added, changes.updated, changes.removed) == (0, 0, 1)
    assert [f.name for f in store.feeds(kind="account")] == ["Other"]
    assert {title for title in flags(store)} == {"Local one"}  # its articles went with it


def test_an_account_feed_renamed_on_its_server_names_its_articles(synced: tuple[Store, int]):
    """The articles came under the feed's name then ("News"); renamed on the server (from
    here or elsewhere), the feed's articles show its new name, in the list and the article;
    a local file keeps its own source."""
    store, account_id = synced
    came = item(4)
    came.article.source = "News"  # as the sync makes it (the feed's name, from the item)
    store.store_items(account_id, [came])
    store.apply_subscriptions(account_id, [RemoteFeed("feed/1", FEED, "News renamed", "", ())])
    shown = {h.title: h.source for h in store.headlines(View(with_hidden=True))}
    assert shown["Item 4"] == "News renamed"
    article = store.get_article(ids(store)["Item 4"])
    assert article is not None and article.source == "News renamed"
    assert shown["Local one"] == "Local copy"  # (its user title)


@pytest.mark.parametrize("keep", [True, False])
def test_removing_an_account_keeps_its_articles_as_local_or_drops_them(
    synced: tuple[Store, int], keep: bool
) -> None:
    store, account_id = synced
    store.apply_subscriptions(
        account_id,
        [
            RemoteFeed("feed/1", FEED, "News", "", ()),
            RemoteFeed("feed/2", "https://b.example/", "B", "", ()),
        ],
    )
    store.store_items(account_id, [item(5, "feed/2", starred=True)])
    store.set_read([ids(store)["Item 1"]], True)
    assert store.remove_account(account_id, keep_articles=keep) == 4
    assert store.accounts() == [] and store.pending_changes(account_id) == []
    feeds = {f.url: f for f in store.feeds(kind=None)}
    if keep:
        # The feed whose URL a local feed has joins it; the other becomes a local feed.
        assert set(feeds) == {FEED, "https://b.example/"}
        assert feeds[FEED].total == 4 and feeds[FEED].kind == "feed"
        assert feeds["https://b.example/"].account_id is None
        assert flags(store)["Item 1"] == (True, False) and flags(store)["Item 5"] == (False, True)
    else:
        assert set(feeds) == {FEED} and feeds[FEED].total == 1
    with contextlib.closing(sqlite3.connect(store.path)) as db:
        assert db.execute("SELECT COUNT(*) FROM remote_items").fetchone()[0] == 0
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_kept_articles_the_local_feed_has_too_are_kept_once(synced: tuple[Store, int]) -> None:
    """The account's feed joins the local feed of the same URL: an article both have (the
    server's item id and the feed's own guid, the same link) is kept once, read or starred
    if either copy was."""
    store, account_id = synced
    (local,) = [f for f in store.feeds(kind=None) if f.account_id is None]
    link = "https://news.example/a-story"
    store.upsert_articles(local.id, [article("guid-a", title="Local story", link=link)])
    twin = item(7, starred=True)
    twin.article.link, twin.article.title = link, "Synced story"
    store.store_items(account_id, [twin])
    store.set_read([ids(store)["Local story"]], True)
    store.remove_account(account_id, keep_articles=True)
    titles = flags(store)
    assert "Synced story" not in titles
    assert titles["Local story"] == (True, True)
    assert {"Item 1", "Item 2", "Item 3", "Local one"} <= set(titles)
    with contextlib.closing(sqlite3.connect(store.path)) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        found = db.execute(
            "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'synced'"
        ).fetchone()
        assert found == (0,)


def test_kept_articles_are_taken_over_by_the_first_refresh(synced: tuple[Store, int]) -> None:
    """A feed kept as local after its account is removed: the first refresh brings its
    items under the feed's own guids; they take the kept articles over (read and starred
    kept) instead of each being added again unread, and the feed keeps the name it had."""
    store, account_id = synced
    store.apply_subscriptions(
        account_id,
        [
            RemoteFeed("feed/1", FEED, "News", "", ()),
            RemoteFeed("feed/2", "https://b.example/", "B renamed", "", ()),
        ],
    )
    store.store_items(account_id, [item(5, "feed/2", starred=True), item(6, "feed/2", day=2)])
    store.set_read([ids(store)["Item 6"]], True)
    store.remove_account(account_id, keep_articles=True)
    (kept,) = [f for f in store.feeds(kind=None) if f.url == "https://b.example/"]
    assert kept.name == "B renamed"
    refreshed = [article("guid-5", title="Item 5"), article("guid-6", title="Item 6", day=2)]
    refreshed.append(article("guid-7", title="Item 7", day=3))
    store.upsert_articles(kept.id, refreshed)
    titles = [h.title for h in store.headlines(View(feed_id=kept.id, with_hidden=True))]
    assert sorted(titles) == ["Item 5", "Item 6", "Item 7"]
    assert flags(store)["Item 5"] == (False, True) and flags(store)["Item 6"] == (True, False)
    (kept,) = [f for f in store.feeds(kind=None) if f.url == "https://b.example/"]
    assert kept.name == "B renamed"


def test_a_version_5_database_gets_accounts_and_keeps_its_feeds(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as old:
        for number, step in enumerate(MIGRATIONS[:5], 1):
            assert isinstance(step, str)
            old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
        old.execute(
            "INSERT INTO feeds (id, url, title, hidden, added) VALUES (7, ?, 'Old', 1, 5)", (FEED,)
        )
        old.execute("INSERT INTO feed_tags VALUES (7, 'kept')")
        old.execute(
            "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, text, "
            "digest, read, starred) VALUES (7, 'u', 'Old news', 1, 0, 'markdown', 'b', "
            "'zeppelin', '', 1, 1)"
        )
    with Store(path) as store:
        (feed,) = store.feeds(kind=None)
        assert (feed.id, feed.url, feed.name, feed.hidden, feed.tags) == (
            7,
            FEED,
            "Old",
            True,
            ("kept",),
        )
        assert (feed.total, feed.starred, feed.account_id) == (1, 1, None)
        with pytest.raises(FeedExists):
            store.add_feed(FEED)
        account, _ = store.add_account(API, "alice")
        store.apply_subscriptions(account.id, [RemoteFeed("feed/1", FEED, "Synced", "", ())])
        assert len(store.feeds(kind=None)) == 2
        store.remove_feed(7)  # the foreign keys still hold: its articles and tags go
        assert store.headlines(View(with_hidden=True)) == []
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM feed_tags").fetchone()[0] == 0


def test_an_account_is_added_once_per_server_and_user(store: Store) -> None:
    first, new = store.add_account(API, "alice", password_command="pass show rss")
    store.record_sync(first.id, error="login refused")
    again, new_again = store.add_account(API, "alice", password_command="")
    assert new and not new_again and again.id == first.id
    assert (again.status, again.last_error, again.password_command) == ("new", "", "")
    other, _ = store.add_account(API, "bob")
    assert [a.user for a in store.accounts()] == ["alice", "bob"]
    store.record_sync(other.id, newest_usec=5_000_000)
    store.record_sync(other.id, newest_usec=None)
    store.record_sync(other.id, newest_usec=3)  # never backwards
    assert store.get_account(other.id).newest_usec == 5_000_000
    assert store.get_account(other.id).status == "ok"


def test_rules_applied_to_what_is_stored_queue_an_account_s_changes(
    synced: tuple[Store, int],
) -> None:
    """``tuinews rule apply`` covers an account's articles too; what it reads or stars
    there waits to be sent, like a change made by hand (a local feed's queues nothing)."""
    from tuinews.query.rules import make_rule

    store, account_id = synced
    rules = (
        make_rule("r1", "title:item", "read"),
        make_rule("r2", '"item 2"', "star"),
        make_rule("r3", "title:local", "star"),
    )
    assert store.apply_rules(rules).changed == [3, 1, 1]
    assert sorted(pending(store, account_id)) == [
        ("1", "read"),
        ("2", "read"),
        ("2", "star"),
        ("3", "read"),
    ]
    assert flags(store)["Local one"] == (False, True)
    assert store.apply_rules(rules).changed == [0, 0, 0]  # done: nothing queued twice
    assert len(pending(store, account_id)) == 4


def test_the_server_s_labels_are_taken_but_for_a_tag_change_waiting_to_be_sent(
    synced: tuple[Store, int],
) -> None:
    from tuinews.query import parse_query
    from tuinews.query.rules import make_rule

    store, account_id = synced

    def tagged(tag: str) -> list[str]:
        query = parse_query(f"tag:{tag} ")
        return sorted(h.title for h in store.headlines(View(with_hidden=True), query))

    changes = store.apply_remote_labels(account_id, {"Later": [1, 2], "later": [BIG]})
    assert (changes.tagged, changes.untagged) == (2, 0)
    assert tagged("later") == ["Item 1", "Item 2"]
    # A rule tags item 3 and the local article: item 3's label waits to be sent.
    rules = (make_rule("r", '"item 3" OR "local one"', "tag:Mine"),)
    assert store.apply_rules(rules).changed == [2]
    assert [(c.remote_id, c.action, c.argument) for c in store.pending_changes(account_id)] == [
        ("3", "label", "Mine")
    ]
    changes = store.apply_remote_labels(account_id, {"Later": [2]})
    assert (changes.tagged, changes.untagged) == (0, 1)
    assert tagged("later") == ["Item 2"]
    assert tagged("mine") == ["Item 3", "Local one"]  # waiting; and not the account's
