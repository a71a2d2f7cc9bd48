"""A feed's own settings (issue 15): the store's side in a real SQLite file (migration 9,
one transaction), the checks the command and the dialog share, and the global
user_agent and proxy settings."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.feed_settings import (
    BadSetting,
    FeedChange,
    apply_texts,
    check_assignments,
    described,
    texts,
)
from tuinews.settings import Settings, load_settings
from tuinews.store import Feed, Store
from tuinews.store.accounts import RemoteFeed
from tuinews.store.schema import MIGRATIONS, SCHEMA_VERSION
from tuinews.store.sync import RemoteArticle

OWN_MIGRATION = next(
    i for i, step in enumerate(MIGRATIONS) if isinstance(step, str) and "COLUMN keep" in step
)


def _feed(store: Store, url: str = "https://a.example/feed", **kwargs: object) -> Feed:
    return store.add_feed(url, title="A feed", tags=["news"], **kwargs)  # type: ignore[arg-type]


def _reread(store: Store, feed: Feed) -> Feed:
    found = store.get_feed(feed.id)
    assert found is not None
    return found


# --- the store ---------------------------------------------------------------------------


def test_a_database_from_before_gets_the_columns_and_keeps_its_feeds(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        old.execute("PRAGMA foreign_keys = OFF")
        for number, step in enumerate(MIGRATIONS[:OWN_MIGRATION], start=1):
            if isinstance(step, str):
                old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
            else:
                old.execute("BEGIN")
                step(old)
                old.execute(f"PRAGMA user_version = {number}")
                old.execute("COMMIT")
        old.execute(
            "INSERT INTO feeds (id, url, user_title, full_text, hidden, added) "
            "VALUES (1, 'https://a.example/f', 'Old', 1, 1, 0)"
        )
    old.close()
    with Store(path) as store:
        feed = store.get_feed(1)
        assert feed is not None and (feed.name, feed.full_text, feed.hidden) == ("Old", True, True)
        assert (feed.refresh_interval, feed.keep, feed.user_agent) == (None, None, "")
        store.change_feed(1, {"refresh_interval": 15, "keep": 3, "user_agent": "X/1"})
        again = _reread(store, feed)
        assert (again.refresh_interval, again.keep, again.user_agent) == (15, 3, "X/1")
    with closing(sqlite3.connect(path)) as check, check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    check.close()


def test_every_setting_is_written_at_once_and_read_back(store: Store) -> None:
    feed = _feed(store)
    change = check_assignments(
        feed,
        [
            "title=Mine",
            "tags=world/europe, tech ,world/europe",
            "interval=30",
            "keep=200",
            "full_text=on",
            "hidden=yes",
            "user_agent=Mozilla/5.0 (X11)",
        ],
    )
    changed = store.change_feed(feed.id, change.columns, change.tags)
    assert changed == _reread(store, feed)
    assert (changed.user_title, changed.tags) == ("Mine", ("tech", "world/europe"))
    assert (changed.refresh_interval, changed.keep) == (30, 200)
    assert changed.full_text and changed.hidden and changed.user_agent == "Mozilla/5.0 (X11)"
    # Empty values give the feed's own title and the global settings back.
    clear = check_assignments(changed, ["title=", "tags=", "interval=", "keep=", "user_agent="])
    cleared = store.change_feed(feed.id, clear.columns, clear.tags)
    assert cleared is not None and cleared.name == "https://a.example/feed"
    assert (cleared.tags, cleared.refresh_interval, cleared.keep, cleared.user_agent) == (
        (),
        None,
        None,
        "",
    )
    assert cleared.full_text and cleared.hidden  # not named: left as they were


def test_a_change_is_one_transaction_nothing_is_written_if_a_part_fails(store: Store) -> None:
    feed = _feed(store)
    with pytest.raises(sqlite3.Error):  # a value SQLite refuses (NOT NULL)
        store.change_feed(feed.id, {"keep": 5, "user_agent": None}, tags=["other"])
    with pytest.raises(AttributeError):  # the settings written, then the tags fail
        store.change_feed(feed.id, {"keep": 5}, tags=["other", b"not text"])  # type: ignore[list-item]
    after = _reread(store, feed)
    assert (after.keep, after.tags, after.user_agent) == (None, ("news",), "")


def test_the_store_takes_only_settings_and_a_missing_feed_is_none(store: Store) -> None:
    feed = _feed(store)
    with pytest.raises(ValueError, match="url"):
        store.change_feed(feed.id, {"url": "https://elsewhere.example/"})
    assert store.change_feed(feed.id + 1, {"keep": 5}) is None
    assert _reread(store, feed).url == "https://a.example/feed"


def test_text_values_are_sanitised_in_the_store(store: Store) -> None:
    feed = _feed(store)
    changed = store.change_feed(feed.id, {"user_title": "Bad\x1b]52;c;QQ==\x07 title"})
    assert changed is not None and "\x1b" not in changed.name and "\x07" not in changed.name


def test_an_account_feed_keeps_its_own_number_of_articles_at_sync(store: Store) -> None:
    account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
    store.apply_subscriptions(
        account.id, [RemoteFeed("feed/1", "https://n.example/f", "News", "", ())]
    )
    (feed,) = [f for f in store.feeds(kind=None) if f.account_id == account.id]
    items = [
        RemoteArticle(
            article(f"u{n}", title=f"Item {n}", day=n, read=True),
            str(n),
            n,
            n * 1000,
            "feed/1",
            "News",
        )
        for n in range(1, 6)
    ]
    store.store_items(account.id, items[:3], keep=10)
    store.change_feed(feed.id, {"keep": 1})
    store.store_items(account.id, items[3:], keep=10)
    titles = [h.title for h in store.headlines()]
    assert titles == ["Item 5", "Item 4"]  # its newest, and those the sync just brought


# --- the checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "key", "why"),
    [
        (["colour=red"], "colour", "not a feed setting (the keys: title, tags, interval"),
        (["interval"], "interval", "expected KEY=VALUE"),
        (["interval=0"], "interval", "'0' is not a whole number from 1 to 10080"),
        (["interval=soon"], "interval", "'soon' is not a whole number"),
        (["interval=99999"], "interval", "from 1 to 10080"),
        (["keep=-1"], "keep", "'-1' is not a whole number from 0 to 10000000"),
        (["keep=1.5"], "keep", "is not a whole number"),
        (["full_text=maybe"], "full_text", "'maybe' is not on or off"),
        (["hidden="], "hidden", "'' is not on or off"),
        (["user_agent=Bad\nAgent"], "user_agent", "printable ASCII on one line"),
        (["user_agent=Brötchen/1"], "user_agent", "printable ASCII"),
        (["keep=3", "keep=4"], "keep", "given twice"),
        (["keep=3", "title=x", "interval=x"], "interval", "is not a whole number"),
    ],
)
def test_a_bad_key_or_value_is_named_with_why(
    store: Store, words: list[str], key: str, why: str
) -> None:
    with pytest.raises(BadSetting) as raised:
        check_assignments(_feed(store), words)
    assert raised.value.key == key
    assert why in raised.value.problem
    assert str(raised.value).startswith(f"{key}: ")


def test_keys_are_taken_as_people_type_them(store: Store) -> None:
    change = check_assignments(_feed(store), ["Full-Text=ON", "user-agent=A/1", "KEEP=default"])
    assert change.keys == ("full_text", "user_agent", "keep")
    assert change.columns == {"full_text": True, "user_agent": "A/1", "keep": None}


def test_a_hostile_key_is_shown_harmlessly(store: Store) -> None:
    with pytest.raises(BadSetting) as raised:
        check_assignments(_feed(store), ["\x1b[2Jx=1"])
    assert "\x1b" not in str(raised.value)


def test_an_account_feed_refuses_what_its_server_owns_or_does_not_apply(store: Store) -> None:
    account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
    store.apply_subscriptions(
        account.id, [RemoteFeed("feed/1", "https://n.example/f", "News", "", ("Tech",))]
    )
    (feed,) = [f for f in store.feeds(kind=None) if f.account_id == account.id]
    for key in ("title", "tags"):
        with pytest.raises(BadSetting, match="on the account's server"):
            check_assignments(feed, [f"{key}=x"])
    for key, value in (("interval", "5"), ("user_agent", "A/1"), ("full_text", "on")):
        with pytest.raises(BadSetting, match="the account's server fetches it"):
            check_assignments(feed, [f"{key}={value}"])
    change = check_assignments(feed, ["keep=5", "hidden=on"])
    assert change.columns == {"keep": 5, "hidden": True}


def test_the_local_files_have_no_settings(store: Store) -> None:
    local = store.get_feed(store.local_feed_id())
    assert local is not None
    with pytest.raises(BadSetting, match="local files"):
        check_assignments(local, ["hidden=on"])


def test_the_dialog_s_fields_left_alone_are_neither_checked_nor_written(store: Store) -> None:
    feed = _feed(store)
    fields = texts(feed)
    assert fields == {
        "title": "A feed",
        "tags": "news",
        "interval": "",
        "keep": "",
        "full_text": "off",
        "hidden": "off",
        "user_agent": "",
    }
    assert apply_texts(feed, fields) == FeedChange()
    assert not apply_texts(feed, {**fields, "tags": " news "})
    change = apply_texts(feed, {**fields, "keep": "7", "hidden": "on"})
    assert change.keys == ("keep", "hidden")


def test_show_says_what_applies_when_the_feed_has_none_of_its_own(store: Store) -> None:
    feed = _feed(store)
    settings = Settings(refresh_interval=45, keep_articles=0, user_agent="Reader/1")
    words = described(feed, settings)
    assert words["interval"] == "45 minutes (refresh_interval)"
    assert words["keep"] == "all (keep_articles)"
    assert words["user_agent"] == "Reader/1 (the global one)"
    changed = store.change_feed(feed.id, {"refresh_interval": 5, "keep": 1200})
    assert changed is not None
    assert described(changed, settings)["interval"] == "5 minutes"
    assert described(changed, settings)["keep"] == "1,200 articles"


# --- the global settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "proxy",
    [
        "http://127.0.0.1:3128",
        "https://proxy.example:8443",
        "socks5://127.0.0.1:9050",
        "http://user:secret@proxy.example:8080",
        "HTTP://proxy.example",
    ],
)
def test_proxy_urls_that_are_taken(tmp_path: Path, proxy: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'proxy = "{proxy}"\n')
    settings, problems = load_settings(path)
    assert problems == [] and settings.proxy == proxy


@pytest.mark.parametrize(
    "proxy",
    [
        "proxy.example:3128",
        "ftp://proxy.example",
        "socks4://127.0.0.1:9050",
        "http://",
        "http://proxy.example:99999",
        "http://proxy.example:port",
        "http://proxy.example:3128/path",
        "http://proxy example:3128",
        "",
        "http://pröxy.example",
    ],
)
def test_a_wrong_proxy_is_one_problem_that_does_not_show_it(tmp_path: Path, proxy: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'proxy = "{proxy}"\nuser_agent = "Reader/1"\n')
    settings, problems = load_settings(path)
    assert settings.proxy == "" and settings.user_agent == "Reader/1"
    assert len(problems) == 1
    assert "'proxy' must be a proxy URL: http://HOST:PORT, https://HOST:PORT or " in problems[0]
    assert "environment's" in problems[0]


@pytest.mark.parametrize(
    "agent", ['""', '"Line\\nbreak"', '"Brötchen"', "3", '"' + "x" * 501 + '"']
)
def test_a_wrong_user_agent_is_one_problem(tmp_path: Path, agent: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"user_agent = {agent}\n")
    settings, problems = load_settings(path)
    assert settings.user_agent == "" and len(problems) == 1 and "'user_agent'" in problems[0]


def test_tags_are_stored_as_folders_without_empty_parts(store: Store) -> None:
    """ "/lead", "trail/", "a//b" and " x / y " were kept as typed (listed as #/lead,
    #trail/, #a//b): stored as the folders they name; a tag of slashes alone is none."""
    feed = store.add_feed("https://a.example/feed", tags=["/lead", "trail/", "a//b", " x / y "])
    assert sorted(feed.tags) == ["a/b", "lead", "trail", "x/y"]
    store.set_tags(feed.id, ["//", "world//europe/", "world/europe"])
    again = store.get_feed(feed.id)
    assert again is not None and again.tags == ("world/europe",)
    store.merge_feed("https://a.example/feed", tags=["/news/"])
    merged = store.get_feed(feed.id)
    assert merged is not None and sorted(merged.tags) == ["news", "world/europe"]
