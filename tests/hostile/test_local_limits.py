"""Local files are parsed in worker processes under a time limit (issue 5, "Parsing and
conversion under limits"): a file whose parse runs past it is skipped as "parse timeout",
the other files load, and the app shows the reason like any other skip.

The slow input is real: a large web page, which reader mode takes seconds over; the tests
give the pool a short limit instead of waiting for the real one (10 s)."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

import pytest

from tests.builders import make_store
from tests.ui.helpers import settle
from tuinews.pool import Pool
from tuinews.sources.local import PARSE_TIMEOUT, load_paths, needs_workers, parse_pool
from tuinews.startup import open_paths, opener
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.main import MainScreen

SHORT = 0.3  # seconds: far less than the big page takes, far more than a small file


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "files"  # tmp_path also holds the test's home directory
    path.mkdir()
    return path


def big_page(path: Path) -> Path:
    paragraphs = "".join(
        f"<p>Paragraph {n} of a very long article, with <a href='/l{n}'>a link</a> and "
        f"<b>some</b> <i>markup</i> in it.</p><div><span>{n}</span></div>"
        for n in range(4_000)  # about 1 s of reader mode (3 s on a busy machine)
    )
    path.write_text(f"<!DOCTYPE html><html><head><title>Big</title></head><body>{paragraphs}")
    return path


def small_files(folder: Path) -> None:
    (folder / "a.txt").write_text("A Small Headline Here\n\nA paragraph of text that ends.\n")
    (folder / "b.md").write_text("# Notes\n\nSome *markdown* text.\n")
    (folder / "c.xml").write_text(
        '<rss version="2.0"><channel><title>F</title><item><title>Item one</title>'
        "<guid>1</guid><description>Hello</description></item></channel></rss>"
    )


def test_a_file_past_the_limit_is_skipped_and_the_others_load(folder: Path) -> None:
    small_files(folder)
    big_page(folder / "big.html")
    library = load_paths([str(folder)], pool=Pool(size=2, timeout=SHORT))
    assert [a.title for a in library.articles] == ["A Small Headline Here", "Notes", "Item one"]
    assert [(Path(s.path).name, s.reason) for s in library.skipped] == [
        ("big.html", "parse timeout")
    ]


@pytest.mark.slow
def test_the_same_file_loads_with_the_real_limit(folder: Path) -> None:
    """The big page is slow, not broken: the limit, not the page, made it a skip."""
    page = big_page(folder / "big.html")
    library = load_paths([str(page)])
    assert PARSE_TIMEOUT >= 10
    assert [a.title for a in library.articles] == ["Big"]
    assert library.skipped == []


def test_articles_keep_file_order_and_skips_keep_their_reasons(folder: Path) -> None:
    for n in range(12):
        (folder / f"{n:02}.txt").write_text(f"Headline Number {n}\n\nSome text here.\n")
    (folder / "05b.txt").write_bytes(b"")
    os.mkfifo(folder / "06b")
    library = load_paths([str(folder)])
    assert [a.title for a in library.articles] == [f"Headline Number {n}" for n in range(12)]
    assert [(Path(s.path).name, s.reason) for s in library.skipped] == [
        ("05b.txt", "empty file"),
        ("06b", "not a regular file"),
    ]


class CountingPool(Pool):
    """A real pool that records which files it was given."""

    def map(self, function, inputs, should_stop=None):  # type: ignore[no-untyped-def]
        self.given = []

        def recorded():
            for key, args in inputs:
                self.given.append(args[1])
                yield key, args

        return super().map(function, recorded(), should_stop)


def test_small_files_with_fast_parsers_are_parsed_here_the_rest_in_workers(
    folder: Path,
) -> None:
    small_files(folder)  # text, Markdown, an RSS feed fastfeedparser reads
    (folder / "d.json").write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "J"}]}'
    )
    (folder / "e.html").write_text("<html><title>Page</title><p>Some text.</p></html>")
    (folder / "f.xml").write_text(  # an entity declaration: feedparser reads it
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY n "Named">]><rss version="2.0">'
        "<channel><title>F</title><item><title>&n; item</title><guid>1</guid></item>"
        "</channel></rss>"
    )
    (folder / "g.txt").write_text("Big Text Headline\n\n" + "Words in a sentence. " * 3000)
    pool = CountingPool(size=1)
    library = load_paths([str(folder)], pool=pool)
    assert pool.given == ["e.html", "f.xml", "g.txt"]
    assert [a.title for a in library.articles] == [
        "A Small Headline Here", "Notes", "Item one", "J", "Page", "Named item",
        "Big Text Headline",
    ]  # fmt: skip


def test_a_few_small_files_start_no_worker(folder: Path) -> None:
    small_files(folder)
    paths = [str(p) for p in sorted(folder.iterdir())]
    assert not needs_workers(paths)
    assert needs_workers([str(folder)])  # a folder may hold anything
    (folder / "page.html").write_text("<p>x</p>")
    assert needs_workers([*paths, str(folder / "page.html")])
    store = make_store()
    start = opener(store, paths)
    assert start.keywords["pool"].pids() == []
    assert len(start().view.ids or ()) == 3


def test_one_file_gets_one_worker_and_a_folder_more() -> None:
    assert parse_pool([__file__]).size == 1
    assert parse_pool([os.path.dirname(__file__)]).size == max(1, min(4, os.cpu_count() or 1))


def test_opener_starts_the_workers_before_the_app_asks(folder: Path) -> None:
    small_files(folder)
    store = make_store()
    start = opener(store, [str(folder)])
    pool = start.keywords["pool"]
    deadline = time.monotonic() + 30  # a hang guard: it is booting already
    while len(pool.pids()) != 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    opened = start()
    assert len(opened.view.ids or ()) == 3
    assert pool.pids() == []  # closed when done


async def test_the_app_shows_parse_timeout_like_other_skip_reasons(folder: Path) -> None:
    small_files(folder)
    big_page(folder / "big.html")
    (folder / "empty.txt").write_bytes(b"")
    store = make_store()
    pool = Pool(size=2, timeout=SHORT)
    app = TuinewsApp(
        store=store,
        start=partial(open_paths, store, [str(folder)], pool=pool),
        opener=lambda url: None,
    )
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(40):  # a hang guard: loading takes well under a second
            await settle(pilot)
            if getattr(app.screen, "loaded", False):
                break
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert {h.title for h in screen.shown} == {"A Small Headline Here", "Notes", "Item one"}
        messages = [notification.message for notification in app._notifications]
        assert any(
            "big.html: parse timeout" in m and "empty.txt: empty file" in m for m in messages
        )
        await pilot.press("j", "enter")
        assert app.is_running
