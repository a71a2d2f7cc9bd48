"""``tuinews feed set`` and ``tuinews feed show``, run as the real command on a real
store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tuinews.store import Feed, Store
from tuinews.store.accounts import RemoteFeed

URL = "https://news.example/feed.xml"


def tuinews(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with Store(path) as store:
        store.add_feed(URL, title="News", tags=["world"])
    return path


def feed_in(db: Path, feed_id: int = 1) -> Feed:
    with Store(db) as store:
        feed = store.get_feed(feed_id)
    assert feed is not None
    return feed


def test_set_changes_every_key_at_once_and_show_prints_them(db: Path) -> None:
    result = tuinews(
        "feed",
        "set",
        URL,
        "title=My news",
        "tags=world/europe,tech",
        "interval=30",
        "keep=200",
        "full_text=on",
        "hidden=on",
        "user_agent=Mozilla/5.0 (X11; Linux)",
        "--db",
        str(db),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("My news: title My news (yours), tags tech, world/europe, ")
    assert "interval 30 minutes, keep 200 articles" in result.stdout
    feed = feed_in(db)
    assert (feed.user_title, feed.tags, feed.refresh_interval, feed.keep) == (
        "My news",
        ("tech", "world/europe"),
        30,
        200,
    )
    assert feed.full_text and feed.hidden and feed.user_agent == "Mozilla/5.0 (X11; Linux)"

    shown = tuinews("--db", str(db), "feed", "show", "1")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Feed 1: {URL}"
    assert "  interval    30 minutes" in lines
    assert "  user_agent  Mozilla/5.0 (X11; Linux)" in lines
    as_json = json.loads(tuinews("feed", "show", "1", "--json", "--db", str(db)).stdout)
    assert as_json["interval"] == 30 and as_json["keep"] == 200 and as_json["hidden"] is True
    assert as_json["defaults"]["interval"] == 60 and as_json["url"] == URL


def test_show_names_the_global_settings_a_feed_uses(db: Path, tmp_path: Path) -> None:
    Path(os.environ["TUINEWS_CONFIG"]).write_text(
        'refresh_interval = 20\nkeep_articles = 50\nuser_agent = "Reader/1"\n'
    )
    lines = tuinews("feed", "show", URL, "--db", str(db)).stdout.splitlines()
    assert "  interval    20 minutes (refresh_interval)" in lines
    assert "  keep        50 articles (keep_articles)" in lines
    assert "  user_agent  Reader/1 (the global one)" in lines
    data = json.loads(tuinews("feed", "show", URL, "--json", "--db", str(db)).stdout)
    assert (data["interval"], data["keep"], data["user_agent"]) == (None, None, "")
    assert data["defaults"] == {"interval": 20, "keep": 50, "user_agent": "Reader/1"}


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["colour=red"], "colour: not a feed setting (the keys: title, tags, interval, keep, "),
        (["keep=3", "interval=soon"], "interval: 'soon' is not a whole number from 1 to 10080"),
        (["title=New", "hidden=perhaps"], "hidden: 'perhaps' is not on or off"),
        (["keep"], "keep: expected KEY=VALUE"),
        (["keep=-5"], "keep: '-5' is not a whole number from 0 to 10000000"),
        (["user_agent=\x1b[31mred"], "user_agent: must be printable ASCII on one line"),
    ],
)
def test_a_bad_setting_is_one_line_exit_2_and_nothing_changes(
    db: Path, words: list[str], message: str
) -> None:
    before = feed_in(db)
    result = tuinews("--db", str(db), "feed", "set", "1", *words)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tuinews: {message}")
    assert lines[0].endswith("; nothing was changed")
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert feed_in(db) == before


def test_a_feed_that_is_not_there_and_a_database_that_is_not(db: Path, tmp_path: Path) -> None:
    missing = tuinews("--db", str(db), "feed", "set", "https://other.example/", "keep=1")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "tuinews: no such feed: https://other.example/ (see `tuinews feeds`)"
    )
    nowhere = tuinews("--db", str(tmp_path / "none.db"), "feed", "show", "1")
    assert nowhere.returncode == 2 and "no database" in nowhere.stderr
    assert not (tmp_path / "none.db").exists()


def test_show_is_a_reader_and_set_a_writer() -> None:
    """``show`` opens a read-only database (``set`` says it is read-only)."""
    from tuinews.arguments import READERS, WRITERS

    assert "feed" in WRITERS and "show" in READERS and "set" not in READERS


def test_a_feed_s_hostile_title_is_shown_harmlessly(db: Path) -> None:
    with closing(sqlite3.connect(db)) as raw, raw:  # (as an older tuinews might have stored it)
        raw.execute("UPDATE feeds SET user_title = ? WHERE id = 1", ("Evil\x1b]52;c;QQ==\x07",))
    raw.close()
    for args in (["feed", "show", "1"], ["feed", "set", "1", "keep=5"]):
        result = tuinews("--db", str(db), *args)
        assert result.returncode == 0, result.stderr
        assert "Evil" in result.stdout and "\x1b" not in result.stdout
        assert "\x07" not in result.stdout


def test_an_account_s_feed_sends_its_title_to_its_server_and_takes_keep(tmp_path: Path) -> None:
    """Its title and tags go to its server first (tests/sync has it against FreshRSS): a
    server that cannot be reached changes nothing, the other keys included."""
    db = tmp_path / "t.db"
    with Store(db) as store:
        account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
        store.apply_subscriptions(account.id, [RemoteFeed("feed/1", URL, "News", "", ())])
    refused = tuinews("--db", str(db), "feed", "set", URL, "keep=5", "title=Mine")
    assert refused.returncode == 1
    assert refused.stderr.startswith("tuinews: News: not changed on its server: ")
    empty = tuinews("--db", str(db), "feed", "set", URL, "title=")
    assert empty.returncode == 2
    assert "title: an account's feed has no title but its server's" in empty.stderr
    not_here = tuinews("--db", str(db), "feed", "set", "1", "interval=5")
    assert "interval: does not apply to an account's feed" in not_here.stderr
    assert feed_in(db).keep is None
    taken = tuinews("--db", str(db), "feed", "set", "1", "keep=5", "hidden=on")
    assert taken.returncode == 0, taken.stderr
    assert (feed_in(db).keep, feed_in(db).hidden) == (5, True)
    shown = tuinews("--db", str(db), "feed", "show", "1").stdout
    assert "  account     alice at https://rss.example/api/greader.php" in shown
    assert "  interval    (not for an account's feed: its server fetches it)" in shown


def test_feed_is_listed_among_the_commands() -> None:
    result = tuinews("feed", "--help")
    assert result.returncode == 0
    for key in ("title", "tags", "interval", "keep", "full_text", "hidden", "user_agent"):
        assert f"{key}:" in result.stdout
    assert "feed" in tuinews("--help").stdout


def test_feeds_shows_an_account_s_feed_as_its_account_s_last_sync(tmp_path: Path) -> None:
    """An account's feed is never fetched by tuinews: `tuinews feeds` gives its account's
    last sync and status (it said "never" and "new" after a sync that worked)."""
    db = tmp_path / "t.db"
    with Store(db) as store:
        account, _ = store.add_account("https://rss.example/api/greader.php", "alice")
        store.apply_subscriptions(account.id, [RemoteFeed("feed/1", URL, "News", "", ())])
        store.add_feed("https://local.example/feed", title="Local")
    before = json.loads(tuinews("--db", str(db), "feeds", "--json").stdout)["feeds"]
    assert {f["title"]: (f["status"], f["last_fetch"]) for f in before} == {
        "News": ("new", None),
        "Local": ("new", None),
    }
    with Store(db) as store:
        store.record_sync(account.id, newest_usec=1)
    after = {
        f["title"]: f
        for f in json.loads(tuinews("--db", str(db), "feeds", "--json").stdout)["feeds"]
    }
    assert after["News"]["status"] == "ok" and after["News"]["last_fetch"] is not None
    assert after["Local"]["last_fetch"] is None
    text = tuinews("--db", str(db), "feeds").stdout
    local_line = next(line for line in text.splitlines() if "Local" in line)
    assert "never" in local_line
    news_line = next(line for line in text.splitlines() if "News" in line)
    assert "never" not in news_line and "just now" in news_line


def test_the_local_files_show_no_settings(tmp_path: Path) -> None:
    """``feed show`` on the local files' feed listed interval, keep and a user agent that
    ``feed set`` refuses to change: it says they have none."""
    db = tmp_path / "t.db"
    with Store(db) as store:
        local = store.local_feed_id()
    shown = tuinews("feed", "show", str(local), "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "they have no settings" in shown.stdout
    assert "interval" not in shown.stdout and "keep" not in shown.stdout
