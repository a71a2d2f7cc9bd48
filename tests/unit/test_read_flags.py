"""Read flags queued by the UI and written in batches (tuinews.store.flags)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tests.builders import make_articles, make_store
from tuinews.store import Store
from tuinews.store.flags import ReadFlags


def read_ids(db: Path) -> set[int]:
    connection = sqlite3.connect(db)
    try:
        return {int(row[0]) for row in connection.execute("SELECT id FROM articles WHERE read")}
    finally:
        connection.close()


def ids(store: Store) -> list[int]:
    return [headline.id for headline in store.headlines()]


def test_a_burst_of_flags_is_one_batch_and_one_writer() -> None:
    store = make_store(make_articles(20))
    all_ids = ids(store)
    flags = ReadFlags()
    starts = [flags.add([article_id], True) for article_id in all_ids[:10]]
    assert starts == [True] + [False] * 9  # the first starts the writer; the rest queue
    flags.add(all_ids[:2], False)  # the newest flag of an article wins
    flags.write(store)
    assert flags.batches == 1 and flags.pending == 0 and flags.idle
    assert read_ids(store.path) == set(all_ids[2:10])
    assert flags.add([all_ids[15]], True)  # the writer ended: the next one starts another
    flags.flush(store)
    assert all_ids[15] in read_ids(store.path)
    store.close()


def test_flags_queued_while_a_batch_is_written_are_written_next() -> None:
    store = make_store(make_articles(10))
    all_ids = ids(store)
    flags = ReadFlags()
    writing = threading.Event()
    go_on = threading.Event()
    set_read = store.set_read

    def slow_set_read(article_ids: list[int], read: bool = True) -> int:
        writing.set()
        assert go_on.wait(10)
        return set_read(article_ids, read)

    store.set_read = slow_set_read  # type: ignore[method-assign]
    assert flags.add([all_ids[0]], True)
    writer = threading.Thread(target=flags.write, args=(store,))
    writer.start()
    assert writing.wait(10)
    assert not flags.add([all_ids[1]], True)  # the running writer will take it
    go_on.set()
    writer.join(10)
    assert read_ids(store.path) == {all_ids[0], all_ids[1]}
    assert flags.batches == 2 and flags.pending == 0
    store.close()


def test_flags_not_written_while_another_process_holds_the_database_are_kept() -> None:
    """Another process's transaction outlasting the wait (cron's refresh on a very busy
    machine): the batch is queued again, under any flag set meanwhile, not dropped."""
    store = make_store(make_articles(6))
    all_ids = ids(store)
    store.database._db.execute("PRAGMA busy_timeout = 50")  # this connection gives up sooner
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process is writing
    flags = ReadFlags()
    assert flags.add(all_ids[:3], True)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        flags.write(store)
    assert flags.pending == 3 and not flags.idle
    assert flags.add([all_ids[0]], False)  # set again meanwhile: the newest value wins
    other.execute("COMMIT")
    other.close()
    flags.write(store)
    assert flags.idle
    assert read_ids(store.path) == set(all_ids[1:3])
    store.close()
