"""The store, on a real SQLite file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest

from tests.builders import article
from tests.waiting import wait_until
from tuinews.query import parse_query
from tuinews.store import FeedExists, Store, StoreError, View
from tuinews.store.query_sql import query_sql


def test_new_database_is_created_in_wal_mode_and_migrated_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    first = Store(path)
    assert first.created
    first.close()
    second = Store(path)
    assert not second.created
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] >= 1


def test_newer_or_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 999").connection.commit()
    with pytest.raises(StoreError, match="newer tuinews"):
        Store(path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(junk)


def test_add_feed_twice_is_refused(store: Store) -> None:
    feed = store.add_feed("https://example.com/feed", title="Example", tags=["news", "tech"])
    assert feed.name == "Example"
    assert feed.tags == ("news", "tech")
    with pytest.raises(FeedExists):
        store.add_feed("https://example.com/feed")


def test_upsert_never_duplicates_and_keeps_flags_when_content_changes(store: Store) -> None:
    feed = store.add_feed("https://example.com/feed")
    counts = store.upsert_articles(feed.id, [article("a"), article("b", day=2)])
    assert (counts.new, counts.updated) == (2, 0)
    ids = {h.title: h.id for h in store.headlines(View(feed_id=feed.id))}
    store.set_read([ids["Title b"]])
    store.set_starred(ids["Title b"], True)
    counts = store.upsert_articles(
        feed.id, [article("a", body="New text."), article("b", day=2), article("c", day=3)]
    )
    assert (counts.new, counts.updated, counts.unchanged) == (1, 1, 1)
    headlines = store.headlines(View(feed_id=feed.id))
    assert [h.title for h in headlines] == ["Title c", "Title b", "Title a"]  # newest first
    by_title = {h.title: h for h in headlines}
    assert by_title["Title b"].read and by_title["Title b"].starred
    again = store.get_article(by_title["Title b"].id)
    assert again is not None and again.read and again.starred
    changed = store.get_article(by_title["Title a"].id)
    assert changed is not None and changed.text == "New text."


def test_flags_are_committed_at_once(store: Store, tmp_path: Path) -> None:
    feed = store.add_feed("https://example.com/feed")
    store.upsert_articles(feed.id, [article("a")])
    (headline,) = store.headlines()
    store.set_read([headline.id])
    other = sqlite3.connect(tmp_path / "tuinews.db")
    assert other.execute("SELECT read FROM articles").fetchone()[0] == 1


def test_retention_keeps_starred_and_current_items(store: Store) -> None:
    feed = store.add_feed("https://example.com/feed")
    store.upsert_articles(feed.id, [article(str(day), day=day) for day in range(1, 11)])
    oldest = {h.title: h.id for h in store.headlines()}["Title 1"]
    store.set_starred(oldest, True)
    counts = store.upsert_articles(feed.id, [article("11", day=11)], keep=3)
    titles = {h.title for h in store.headlines(View(feed_id=feed.id))}
    assert counts.removed == 7
    assert titles == {"Title 11", "Title 10", "Title 9", "Title 1"}


def test_failure_keeps_articles_and_validators(store: Store) -> None:
    feed = store.add_feed("https://example.com/feed")
    store.upsert_articles(feed.id, [article("a")])
    store.record_success(feed.id, title="Example", etag='"v1"', last_modified="Mon")
    store.record_failure(feed.id, "HTTP 500 Internal Server Error")
    after = store.get_feed(feed.id)
    assert after is not None
    assert (after.status, after.last_error) == ("failed", "HTTP 500 Internal Server Error")
    assert (after.etag, after.last_modified, after.title) == ('"v1"', "Mon", "Example")
    assert after.total == 1
    store.record_success(feed.id)  # a 304: validators stay
    ok = store.get_feed(feed.id)
    assert ok is not None and ok.etag == '"v1"' and ok.status == "ok" and ok.last_error == ""


def test_local_feed_and_views(store: Store) -> None:
    local = store.local_feed_id()
    assert store.local_feed_id() == local
    store.upsert_articles(local, [article("/a.txt"), article("/b.txt", day=2)])
    ids = store.ids_for_uids(local, ["/b.txt", "/a.txt", "/missing"])
    assert len(ids) == 2
    assert [h.title for h in store.headlines(View(ids=(ids[1],)))] == ["Title /a.txt"]
    store.set_read(ids[:1])
    assert [h.title for h in store.headlines(View(unread_only=True))] == ["Title /a.txt"]
    assert store.counts() == (2, 1, 0)
    assert [f.url for f in store.feeds()] == []  # local is not a subscription
    assert [f.url for f in store.feeds(kind=None)] == ["local:"]


def search(store: Store, text: str) -> list[str]:
    return [h.title for h in store.headlines(query=parse_query(text))]


def test_full_text_search(store: Store) -> None:
    news = store.add_feed("https://news.example/feed", title="Daily News", tags=["world"])
    tech = store.add_feed("https://tech.example/feed", title="Tech Weekly")
    store.upsert_articles(
        news.id,
        [
            article("1", "Ukraine advances in the east", "Troops regroup near Kharkiv.", 1),
            article("2", "Markets rally", "Shares of AT&T rose; C++ developers cheered.", 2),
        ],
    )
    store.upsert_articles(
        tech.id, [article("3", "Security update", "A Kharkiv company fixed a flaw.", 3)]
    )
    assert search(store, "kharkiv") == ["Security update", "Ukraine advances in the east"]
    assert search(store, "kharkiv -security") == ["Ukraine advances in the east"]
    assert search(store, "kharkiv feed:tech") == ["Security update"]
    assert search(store, "tag:world kharkiv") == ["Ukraine advances in the east"]
    assert search(store, "title:ukr") == ["Ukraine advances in the east"]
    assert search(store, '"troops regroup"') == ["Ukraine advances in the east"]
    assert search(store, '"regroup troops"') == []
    assert search(store, "secur*") == ["Security update"]
    assert search(store, "AT&T") == ["Markets rally"]
    assert search(store, "after:2024-01-02 before:2024-01-03") == ["Markets rally"]
    store.set_read([h.id for h in store.headlines() if h.title == "Markets rally"])
    assert "Markets rally" not in search(store, "is:unread")


@pytest.mark.parametrize(
    "text",
    [
        "c++",
        "AT&T",
        "e-mail",
        '"unterminated',
        "AND",
        "hello AND",
        "(hello",
        "*",
        "",
        "   ",
        "NEAR(",
        "title:",
        "nosuchcol:x",
        "\x00",
        "O:",
        "*p",
        "x" * 100_000,
        '-"',
        "is:bogus",
        "after:yesterday",
        "feed:",
        "-",
        "^",
        "a:b:c",
        '""',
        "NOT x",
        "x OR y",
    ],
)
def test_any_search_text_is_safe(store: Store, text: str) -> None:
    feed = store.add_feed("https://example.com/feed")
    store.upsert_articles(feed.id, [article("1", "Hello world", "c++ and AT&T e-mail")])
    search(store, text)  # never raises
    assert len(query_sql(parse_query(text)).match or "") < 5000


def test_two_stores_on_one_file_both_write_and_a_stale_lock_never_blocks(
    tmp_path: Path,
) -> None:
    """The app and cron's refresh have the file open at once: both write (SQLite
    serialises the transactions), and each sees what the other committed."""
    path = tmp_path / "shared.db"
    (tmp_path / "shared.db.lock").write_text("999999 1\n")  # left by a crashed process
    first = Store(path)
    second = Store(path)
    try:
        feed = first.add_feed("https://example.com/feed")
        ids = first.upsert_articles(feed.id, [article("1", "One"), article("2", "Two")]).new_ids
        before = second.data_version()
        second.set_starred(ids[0], True)
        first.set_read([ids[1]])
        assert second.data_version() != before  # the other store's commit is noticed
        mark = first.data_version()
        first.set_read([ids[0]])
        assert first.data_version() == mark  # its own commits are not
        assert [(h.read, h.starred) for h in second.headlines()] == [(True, False), (True, True)]
    finally:
        first.close()
        second.close()


def test_one_refresh_at_a_time_the_second_waits_and_learns_what_is_fresh(
    tmp_path: Path,
) -> None:
    import threading

    from tuinews.store import AlreadyRunning
    from tuinews.store.lock import Holder, StoreLock, one_refresh

    path = tmp_path / "tuinews.db"
    running = StoreLock(path)
    assert running.try_acquire() is None
    running.claim(since=1000)
    waited: list[Holder] = []
    got: list[int | None] = []

    def second() -> None:
        with one_refresh(path, waited.append) as fresh:
            got.append(fresh)
            # Whoever waits for this one learns the same time: it fetched the rest.
            assert StoreLock(path).try_acquire() == Holder(os.getpid(), 1000)

    thread = threading.Thread(target=second)
    thread.start()
    wait_until(lambda: waited)
    assert waited == [Holder(os.getpid(), 1000)] and not got  # waiting
    running.release()
    thread.join(10)
    assert got == [1000]
    with one_refresh(path, waited.append) as fresh:
        assert fresh is None  # nobody running: every feed
    assert len(waited) == 1
    # An earlier tuinews held the lock for its whole run and wrote only its PID.
    earlier = StoreLock(path)
    assert earlier.try_acquire() is None
    earlier.path.write_text("4242\n")
    try:
        earlier_one = r"an earlier tuinews is using it \(PID 4242\)"
        with pytest.raises(AlreadyRunning, match=earlier_one), one_refresh(path, waited.append):
            pass
    finally:
        earlier.release()


def test_two_processes_updating_an_old_schema_at_once_both_open_it(tmp_path: Path) -> None:
    import sqlite3
    import subprocess
    import sys

    from tuinews.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        for number, step in enumerate(MIGRATIONS[:2]):
            db.executescript(f"BEGIN; {step}; PRAGMA user_version = {number + 1}; COMMIT;")
        db.execute("INSERT INTO feeds (url, added) VALUES ('https://example.com/f', 0)")
        db.executemany(
            "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, text, "
            "digest) VALUES (1, ?, ?, 0, 0, 'markdown', 'b', 'words', '')",
            [(str(i), f"Title {i}") for i in range(3000)],
        )
        db.commit()
    opener = (
        "import sys; from tuinews.store import Store; "
        "s = Store(sys.argv[1]); print(len(s.headlines())); s.close()"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", opener, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert out.strip() == "3000"
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        found = db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'words'"
        ).fetchone()[0]
        assert found == 3000


def test_cli_writes_beside_another_tuinews_and_refuses_a_damaged_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "busy.db"
    # Another tuinews (the app) with the store open, writing now and then.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from tuinews.store import Store; s = Store(sys.argv[1]); "
            "f = s.add_feed('http://127.0.0.1:9/app.xml'); print('ready', flush=True)\n"
            "for i in range(300): s.set_read([i]); time.sleep(0.1)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        env = dict(os.environ, TUINEWS_DB=str(db))
        run = [sys.executable, "-m", "tuinews"]
        refreshed = subprocess.run(
            [*run, "refresh", "--json"], capture_output=True, text=True, env=env, timeout=120
        )
        # It ran (exit 1: the feed's port is closed), beside the other tuinews.
        assert refreshed.returncode == 1, refreshed.stderr
        assert "Traceback" not in refreshed.stderr and "already running" not in refreshed.stderr
        feeds = subprocess.run([*run, "feeds"], capture_output=True, text=True, env=env, timeout=60)
        assert feeds.returncode == 0 and "failed: " in feeds.stdout
        removed = subprocess.run(
            [*run, "remove", "http://127.0.0.1:9/app.xml"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert removed.returncode == 0, removed.stderr
    finally:
        holder.kill()
        holder.wait()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database, just junk " * 200)
    env = dict(os.environ, TUINEWS_DB=str(damaged))
    result = subprocess.run(
        [sys.executable, "-m", "tuinews", "feeds"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "damaged" in result.stderr and "mv " in result.stderr
    assert "Traceback" not in result.stderr
    assert damaged.read_bytes().startswith(b"not a database")  # nothing was changed


def test_an_old_schema_is_not_updated_under_an_earlier_tuinews_still_open(tmp_path: Path) -> None:
    from tuinews.store.lock import StoreLock
    from tuinews.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    earlier = StoreLock(path)  # held for its whole run, with only its PID in it
    assert earlier.try_acquire() is None
    earlier.path.write_text("4242\n")
    try:
        with pytest.raises(StoreError, match=r"an earlier tuinews is using it \(PID 4242\)"):
            Store(path)
    finally:
        earlier.release()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # untouched
    Store(path).close()  # once it is closed
