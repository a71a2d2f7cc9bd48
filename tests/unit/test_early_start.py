"""EarlyStart: the start-up work runs in a thread from the moment it is made (beside the
UI's own start-up), with the first screen of headlines read after it; errors reach
whoever asks for the result; quitting tells the work to stop. A real SQLite file."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuinews.models import Article
from tuinews.startup import EarlyStart, Opened, open_store
from tuinews.store import Store, StoreError, View


def articles(count: int) -> list[Article]:
    return [
        Article(
            title=f"Headline {i}",
            source="Example",
            body=f"Body {i}.",
            text=f"Body {i}.",
            date=datetime(2024, 6, 1 + i % 28, tzinfo=UTC),
            uid=f"item-{i}",
        )
        for i in range(count)
    ]


def test_what_to_show_and_its_first_screen_are_read_in_a_thread(tmp_path: Path) -> None:
    with Store(tmp_path / "tuinews.db") as store:
        feed = store.add_feed("https://example.com/feed")
        store.upsert_articles(feed.id, articles(300))
        threads: list[str] = []

        def start(should_stop: object = None) -> Opened:
            threads.append(threading.current_thread().name)
            return open_store(store)

        early = EarlyStart(store, start, rows=50)
        opened = early.opened()
        assert early.ready
        assert opened.view == View()
        assert threads == ["tuinews-start"]
        assert early.first is not None
        assert not early.first.complete  # 300 articles: only the first screen so far
        assert [row.title for row in early.first.rows] == [
            headline.title for headline in store.headlines(View(), limit=50)
        ]


def test_an_error_reaches_whoever_asks(tmp_path: Path) -> None:
    with Store(tmp_path / "tuinews.db") as store:

        def start(should_stop: object = None) -> Opened:
            raise StoreError("the store could not be read")

        early = EarlyStart(store, start, rows=50)
        with pytest.raises(StoreError, match="could not be read"):
            early.opened()
        assert early.first is None


def test_quitting_tells_the_work_to_stop(tmp_path: Path) -> None:
    with Store(tmp_path / "tuinews.db") as store:
        began = threading.Event()

        def start(should_stop: object) -> Opened:
            assert callable(should_stop)
            began.set()
            while not should_stop():  # e.g. parsing files, one at a time
                threading.Event().wait(0.01)
            return Opened(View(ids=()))

        early = EarlyStart(store, start, rows=50)
        assert began.wait(10)
        assert not early.ready
        early.stop()
        assert early.opened().view == View(ids=())
