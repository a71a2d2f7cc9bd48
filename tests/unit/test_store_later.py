"""The store's parts the first frame does not need are made when first used (see
``tuinews.store.store``): once, whichever thread asks first, and then they behave as if
made with the store."""

from __future__ import annotations

import threading
from pathlib import Path

from tuinews.store import Store
from tuinews.store.store import Later


def test_a_later_part_is_made_once_whatever_threads_ask() -> None:
    made: list[object] = []
    gate = threading.Barrier(8)

    class Part:
        def __init__(self) -> None:
            made.append(self)

        def twice(self, value: int) -> int:
            return value * 2

    later = Later(Part)
    results: list[int] = []

    def call(value: int) -> None:
        gate.wait()
        results.append(later.twice(value))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert sorted(results) == [n * 2 for n in range(8)]


def test_the_later_parts_work_through_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        assert store.saved_searches() == []
        store.add_saved_search("Python", "python is:unread")
        assert [s.name for s in store.saved_searches()] == ["Python"]
        assert store.accounts() == []
        assert store.stored_rules() == []
    with Store(tmp_path / "t.db") as again:  # (stored, not kept by the part)
        assert [s.name for s in again.saved_searches()] == ["Python"]
