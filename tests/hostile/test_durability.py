"""Durability under faults (issue 5, "Durability"): kill -9 during a refresh and during
mark-read, a full disk, a read-only database file. Real processes, real SQLite files in
tmp_path, real feeds from a server on 127.0.0.1; nothing mocked."""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.faults import PYTHON, assert_intact, kill_group, rows, start_group, tuinews
from tests.needs import need
from tests.netserver import FeedServer, Response
from tuinews.models import Article
from tuinews.store import Store, StoreError

KILLS = 20
SEED = int(os.environ.get("TUINEWS_FAULT_SEED", str(time.time_ns() % 1_000_000)))


def _random(name: str) -> random.Random:
    """Random kill moments; the seed is in the failure message (TUINEWS_FAULT_SEED)."""
    return random.Random(f"{SEED}-{name}")


# --- kill -9 during a refresh ---------------------------------------------------------

FEEDS = 60  # feeds served, all on 127.0.0.1
OLD = 50  # items every version of a feed carries (uids f<n>-a<i>), retitled each version
NEW = 15  # items only version k carries (uids f<n>-b<k>-<j>)
FINAL = KILLS + 1  # the version served to the last, unkilled refresh
_UID = re.compile(r"f(\d+)-(?:a(\d+)|b(\d+)-(\d+))$")
_VERSION = re.compile(r" v(\d+)$")


def feed_body(feed: int, version: int) -> bytes:
    """Version 0 ("A"): the OLD items. Version k > 0: the OLD items retitled "vk" plus
    NEW items of its own. A feed stored wholly at version k therefore holds the OLD items
    all titled "vk", and for every version it ever stored, that version's NEW items."""
    items = [(f"f{feed}-a{i}", f"Feed {feed} old {i} v{version}") for i in range(OLD)]
    if version:
        items += [
            (f"f{feed}-b{version}-{j}", f"Feed {feed} new {version}.{j} v{version}")
            for j in range(NEW)
        ]
    entries = "".join(
        f"<item><guid>{uid}</guid><title>{title}</title><link>http://127.0.0.1/{uid}</link>"
        f"<description>{f'Words about {title} for the index. ' * 30}</description></item>"
        for uid, title in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"<link>http://127.0.0.1/</link>{entries}</channel></rss>"
    ).encode()


def serve_version(server: FeedServer, version: int) -> None:
    # Each answer a little late (2 at a time to the one host: the feeds' writes spread
    # over ~0.6 s), so that a random kill lands among them often enough: a faster refresh
    # stored all 60 in a moment, and 20 kills could all miss it.
    for feed in range(FEEDS):
        server.route(f"/f{feed}.xml", Response(body=feed_body(feed, version), delay=0.02))


def stored_versions(db: Path, feed_ids: dict[int, int], up_to: int) -> dict[int, int]:
    """The version each feed is wholly at; fails on any feed that is partly written."""
    by_feed: dict[int, list[tuple[str, str]]] = {feed: [] for feed in feed_ids.values()}
    for feed_id, uid, title in rows(db, "SELECT feed_id, uid, title FROM articles"):
        assert feed_id in by_feed, f"article {uid} in an unknown feed {feed_id}"
        by_feed[feed_id].append((str(uid), str(title)))  # type: ignore[index]
    versions = {}
    for feed, feed_id in feed_ids.items():
        old_titles: dict[int, str] = {}
        new_batches: dict[int, dict[int, str]] = {}
        for uid, title in by_feed[feed_id]:
            match = _UID.match(uid)
            assert match and int(match[1]) == feed, f"feed {feed}: foreign article {uid}"
            if match[2] is not None:
                old_titles[int(match[2])] = title
            else:
                new_batches.setdefault(int(match[3]), {})[int(match[4])] = title
        assert sorted(old_titles) == list(range(OLD)), f"feed {feed}: old items lost"
        old_versions = {int(_VERSION.search(t)[1]) for t in old_titles.values()}  # type: ignore[index]
        assert len(old_versions) == 1, f"feed {feed}: old items from versions {old_versions}"
        (version,) = old_versions
        for batch, items in new_batches.items():
            assert sorted(items) == list(range(NEW)), (
                f"feed {feed}: version {batch} stored partly ({len(items)} of {NEW} new items)"
            )
            assert all(t.endswith(f" v{batch}") for t in items.values())
        assert version == max(new_batches, default=0), (
            f"feed {feed}: old items at v{version}, new items of versions {sorted(new_batches)}"
        )
        assert version <= up_to
        versions[feed] = version
    return versions


@pytest.mark.slow
def test_kill_9_during_refresh_leaves_every_feed_wholly_old_or_wholly_new(
    tmp_path: Path,
) -> None:
    db = tmp_path / "tuinews.db"
    with FeedServer() as server:
        serve_version(server, 0)
        with Store(db) as store:
            feed_ids = {
                feed: store.add_feed(server.url(f"/f{feed}.xml")).id for feed in range(FEEDS)
            }
        started = time.monotonic()
        first = subprocess.run(
            tuinews("refresh", "--db", str(db)), capture_output=True, text=True, timeout=60
        )
        # Kill anywhere from start-up (opening the store, recovering the last kill's WAL)
        # to late in the writing (which starts once the spawned workers are up, ~1 s in).
        latest = min(max(1.5, 0.7 * (time.monotonic() - started)), 4.0)
        assert first.returncode == 0, first.stderr
        assert set(stored_versions(db, feed_ids, 0).values()) == {0}

        rng = _random("refresh")
        previous = dict.fromkeys(range(FEEDS), 0)
        mixed = 0  # kills that left some feeds at this version and some before it
        for version in range(1, KILLS + 1):
            serve_version(server, version)
            delay = rng.uniform(0.0, latest)
            process = start_group(
                tuinews("refresh", "--db", str(db)),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)  # part of the test: the kill comes at a random moment
            kill_group(process)
            where = f"kill {version} after {delay:.2f} s (TUINEWS_FAULT_SEED={SEED})"
            assert_intact(db)
            try:
                versions = stored_versions(db, feed_ids, version)
            except AssertionError as error:
                raise AssertionError(f"{where}: {error}") from None
            assert all(versions[f] >= previous[f] for f in versions), f"{where}: went back"
            mixed += 0 < sum(v == version for v in versions.values()) < FEEDS
            previous = versions

        serve_version(server, FINAL)
        last = subprocess.run(
            tuinews("refresh", "--db", str(db)), capture_output=True, text=True, timeout=60
        )
        assert last.returncode == 0, last.stdout[-2000:] + last.stderr[-2000:]
        assert "Traceback" not in last.stderr
        assert set(stored_versions(db, feed_ids, FINAL).values()) == {FINAL}
        statuses = rows(db, "SELECT status, COUNT(*) FROM feeds WHERE kind = 'feed' GROUP BY 1")
        assert statuses == [("ok", FEEDS)]
        assert_intact(db)
    print(f"{mixed} of {KILLS} kills landed mid-refresh")
    assert mixed >= 1, "no kill landed in the middle of a refresh: make it longer"


# --- kill -9 during mark-read ---------------------------------------------------------

MARKER = """
import random, sys
from tuinews.store import Store
store = Store(sys.argv[1])
ids = [h.id for h in store.headlines() if not h.read]
random.shuffle(ids)
print("ready", flush=True)
for article_id in ids:
    store.set_read([article_id])
    print(article_id, flush=True)
"""


def articles(count: int, prefix: str = "", size: int = 200) -> list[Article]:
    return [
        Article(
            title=f"{prefix}Article {i}",
            source="",
            body=f"Body of article {i}. " * (size // 20),
            text=f"Body of article {i}. " * (size // 20),
            uid=f"{prefix}{i}",
        )
        for i in range(count)
    ]


MARKED = 30_000  # articles; the script marks some thousands a second


@pytest.mark.slow
def test_kill_9_during_mark_read_loses_no_committed_read_flag(tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    with Store(db) as store:
        feed = store.add_feed("http://127.0.0.1:9/feed.xml")
        store.upsert_articles(feed.id, articles(MARKED, size=20))
    rng = _random("mark-read")
    for kill in range(1, KILLS + 1):
        process = start_group(
            [PYTHON, "-c", MARKER, str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert ready == "ready\n", (ready, process.stderr.read() if process.stderr else "")
        first = process.stdout.readline()  # at least one flag is committed before the kill
        delay = rng.uniform(0.0, 0.25)
        time.sleep(delay)  # part of the test: the kill comes at a random moment
        kill_group(process)
        reported = [int(line) for line in (first + process.stdout.read()).split()]
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
        where = f"kill {kill} after {delay:.2f} s (TUINEWS_FAULT_SEED={SEED})"
        assert reported, f"{where}: nothing was marked before the kill"
        assert len(reported) < MARKED, f"{where}: the script finished before the kill"
        assert_intact(db)
        read = {int(r[0]) for r in rows(db, "SELECT id FROM articles WHERE read = 1")}
        lost = [i for i in reported if i not in read]
        assert not lost, f"{where}: {len(lost)} of {len(reported)} committed read flags lost"
        # Committed but killed before it was printed: at most the one in flight.
        assert len(read) - len(reported) in (0, 1), where
        connection = sqlite3.connect(db)
        with connection:
            connection.execute("UPDATE articles SET read = 0")
        connection.close()


# --- a full disk ----------------------------------------------------------------------


class FullDiskStore(Store):
    """The real store, with its own connection capped at ``pages`` pages beyond what the
    file holds now: SQLite then fails writes that need more with SQLITE_FULL, as on a
    full disk."""

    def __init__(self, path: Path, pages: int) -> None:
        super().__init__(path)
        used = self.database._db.execute("PRAGMA page_count").fetchone()[0]
        self.database._db.execute(f"PRAGMA max_page_count = {used + pages}")


def snapshot(db: Path) -> list[tuple[object, ...]]:
    return rows(
        db,
        "SELECT a.id, a.feed_id, a.uid, a.title, a.body, a.read, a.starred, f.url, f.title "
        "FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY a.id",
    )


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A store with 200 articles, some read, some starred."""
    db = tmp_path / "tuinews.db"
    with Store(db) as store:
        feed = store.add_feed("http://127.0.0.1:9/feed.xml", title="Before")
        ids = store.upsert_articles(feed.id, articles(200, "old-")).new_ids
        store.set_read(ids[::3])
        for article_id in ids[::7]:
            store.set_starred(article_id, True)
    yield db, feed.id


def test_disk_full_fails_the_write_and_keeps_everything_committed(
    filled: tuple[Path, int],
) -> None:
    db, feed_id = filled
    before = snapshot(db)
    store = FullDiskStore(db, pages=4)
    try:
        with pytest.raises((sqlite3.Error, StoreError)) as failure:
            store.upsert_articles(feed_id, articles(500, "new-", size=4000))
        assert "full" in str(failure.value), repr(failure.value)
        # The same store goes on working: reading, and writes that need no new pages.
        assert len(store.headlines()) == len(before)
        first = before[0][0]
        assert store.set_read([first], read=False) in (0, 1)
        assert store.set_read([first], read=bool(before[0][5])) in (0, 1)
    finally:
        store.close()
    assert snapshot(db) == before
    assert_intact(db)


# --- a read-only database file --------------------------------------------------------

_NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner"


def _unprivileged() -> list[str]:
    """A prefix that makes file permissions bind: nothing as a normal user; as root (CI
    containers), setpriv dropping the capabilities that let root write any file."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    need(
        setpriv,
        "running as root, where chmod 0444 does not stop writes, and no setpriv "
        "(apt-get install util-linux)",
    )
    assert setpriv is not None
    prefix = [setpriv, "--bounding-set", _NO_OVERRIDE, "--inh-caps", _NO_OVERRIDE]
    probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    need(
        probe.returncode == 0,
        f"running as root and cannot drop CAP_DAC_OVERRIDE: {probe.stderr!r}",
    )
    return prefix


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only(filled: tuple[Path, int]) -> Iterator[tuple[Path, list[str]]]:
    """The filled store's file made read-only (chmod 0444), and the command prefix under
    which that binds; afterwards: not a byte of it changed, nothing lost."""
    db, _ = filled
    prefix = _unprivileged()
    before, digest = snapshot(db), _digest(db)
    db.chmod(0o444)
    probe = subprocess.run(
        [*prefix, PYTHON, "-c", f"open({str(db)!r}, 'r+b')"], capture_output=True
    )
    assert probe.returncode != 0, "the database file is still writable: test set-up broken"
    try:
        yield db, prefix
    finally:
        db.chmod(0o644)
    assert _digest(db) == digest
    assert snapshot(db) == before
    assert_intact(db)


def run_cli(prefix: list[str], db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *tuinews(*args, "--db", str(db))], capture_output=True, text=True, timeout=60
    )


def assert_refused_clearly(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode != 0, f"a write to a read-only file succeeded? {output}"
    assert re.search(r"read-?only", output, re.IGNORECASE), output


def test_read_only_database_is_readable_and_refresh_fails_cleanly(
    read_only: tuple[Path, list[str]],
) -> None:
    db, prefix = read_only
    listed = run_cli(prefix, db, "feeds", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "http://127.0.0.1:9/feed.xml" in listed.stdout
    found = run_cli(prefix, db, "search", "article")
    assert found.returncode == 0, found.stderr
    assert "Article" in found.stdout
    with FeedServer() as server:
        server.route("/feed.xml", Response(body=feed_body(0, 1)))
        assert_refused_clearly(run_cli(prefix, db, "refresh"))


@pytest.mark.parametrize("command", ["add", "remove"])
def test_read_only_database_subscribe_commands_say_so(
    read_only: tuple[Path, list[str]], command: str
) -> None:
    db, prefix = read_only
    with FeedServer() as server:
        server.route("/new.xml", Response(body=feed_body(0, 1)))
        url = server.url("/new.xml") if command == "add" else "http://127.0.0.1:9/feed.xml"
        assert_refused_clearly(run_cli(prefix, db, command, url))
