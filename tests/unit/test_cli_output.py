"""What the commands print, run as real subprocesses: one JSON document for every
``--json`` (issue 12, defect 16), and a reader that goes away early (``| head -1``) ends
a command quietly, as Unix tools do (defect 7)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import need
from tests.netserver import FeedServer, Response
from tuinews.models import Article
from tuinews.output import CLOSED_OUTPUT_STATUS
from tuinews.store import Store


def command(*args: str, db: Path) -> list[str]:
    return [sys.executable, "-m", "tuinews", *args, "--db", str(db)]


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args, db=db), capture_output=True, text=True, timeout=120)


def make_store(db: Path, feeds: int = 3, articles: int = 3) -> None:
    with Store(db) as store:
        for number in range(feeds):
            feed = store.add_feed(f"https://feeds.example/{number}.xml", f"Feed {number}", ["t"])
            store.upsert_articles(
                feed.id,
                [
                    Article(
                        title=f"Story {number}-{index} about kharkiv",
                        source=f"Feed {number}",
                        body="Kharkiv text.",
                        text="Kharkiv text.",
                        link=f"https://site.example/{number}/{index}",
                        uid=f"{number}-{index}",
                    )
                    for index in range(articles)
                ],
            )


# -- --json: one document per run


def test_every_json_option_prints_one_document(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    make_store(db)
    feeds = run("feeds", "--json", db=db)
    assert feeds.returncode == 0, feeds.stderr
    listed = json.loads(feeds.stdout)  # the whole output, not line by line
    assert [feed["title"] for feed in listed["feeds"]] == ["Feed 0", "Feed 1", "Feed 2"]
    assert listed["feeds"][0]["tags"] == ["t"] and listed["feeds"][0]["total"] == 3

    found = run("search", "kharkiv", "--json", "--limit", "5", db=db)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)
    assert results["query"] == "kharkiv" and len(results["articles"]) == 5
    assert all(a["link"].startswith("https://site.example/") for a in results["articles"])
    nothing = json.loads(run("search", "nowhere", "--json", db=db).stdout)
    assert nothing == {"query": "nowhere", "articles": []}

    with FeedServer() as server:
        for number in range(2):
            server.route(
                f"/{number}.xml",
                Response(
                    body=(
                        f'<rss version="2.0"><channel><title>Live {number}</title><item>'
                        f"<guid>x</guid><title>New</title><description>D</description>"
                        "</item></channel></rss>"
                    ).encode()
                ),
            )
        live = tmp_path / "live.db"
        with Store(live) as store:
            store.add_feed(server.url("/0.xml"))
            store.add_feed(server.url("/1.xml"))
        refreshed = run("refresh", "--json", db=live)
    assert refreshed.returncode == 0, refreshed.stderr
    report = json.loads(refreshed.stdout)
    assert (report["total"], report["new"], report["failed"]) == (2, 2, 0)
    assert len(report["feeds"]) == 2

    empty = tmp_path / "empty.db"
    Store(empty).close()
    assert json.loads(run("feeds", "--json", db=empty).stdout) == {"feeds": []}


# -- a closed pipe


def run_into_closed_pipe(*args: str, db: Path) -> subprocess.CompletedProcess[bytes]:
    """The command with its stdout a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            command(*args, db=db), stdout=writer, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize(
    "args",
    [
        ("feeds",),
        ("feeds", "--json"),
        ("search", "kharkiv"),
        ("search", "kharkiv", "--json"),
        ("export",),
    ],
)
def test_a_closed_pipe_ends_a_command_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "t.db"
    make_store(db)
    result = run_into_closed_pipe(*args, db=db)
    assert result.stderr.decode() == ""
    assert result.returncode == CLOSED_OUTPUT_STATUS


def test_extract_into_a_closed_pipe(tmp_path: Path) -> None:
    page = tmp_path / "story.txt"
    page.write_text("A story\n\n" + "A paragraph of the story, long enough to read.\n\n" * 50)
    result = run_into_closed_pipe("extract", str(page), db=tmp_path / "t.db")
    assert result.stderr.decode() == ""
    assert result.returncode == CLOSED_OUTPUT_STATUS


def test_refresh_into_a_closed_pipe_still_refreshes(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    body = (
        b'<rss version="2.0"><channel><title>Live</title><item><guid>1</guid>'
        b"<title>Kept</title><description>D</description></item></channel></rss>"
    )
    with FeedServer() as server:
        server.route("/feed.xml", Response(body=body))
        with Store(db) as store:
            store.add_feed(server.url("/feed.xml"))
        result = run_into_closed_pipe("refresh", db=db)
    assert result.stderr.decode() == ""
    assert result.returncode == 0  # its own status: the refresh was done
    with Store(db) as store:
        assert [h.title for h in store.headlines()] == ["Kept"]


def test_feeds_piped_to_head(tmp_path: Path) -> None:
    """``tuinews feeds | head -1`` with more output than the pipe holds."""
    head = shutil.which("head")
    need(head, "the head program (coreutils)")
    assert head is not None
    db = tmp_path / "t.db"
    with Store(db) as store:
        for number in range(1500):
            store.add_feed(f"https://feeds.example/a-rather-long-feed-address/{number}.xml")
    producer = subprocess.Popen(
        command("feeds", db=db), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert producer.stdout is not None
    first = subprocess.run([head, "-1"], stdin=producer.stdout, capture_output=True, timeout=120)
    producer.stdout.close()  # head's end was the only reader left
    _, errors = producer.communicate(timeout=120)
    assert first.stdout.decode().split() == [
        "1",
        "0/0",
        "never",
        "https://feeds.example/a-rather-long-feed-address/0.xml",
    ]
    assert errors.decode() == ""
    assert producer.returncode == CLOSED_OUTPUT_STATUS


# -- the QA pass of issue 12: output errors, extract into head, one naming in --json


@pytest.mark.parametrize(
    "args",
    [
        ("feeds",),
        ("feeds", "--json"),
        ("search", "kharkiv"),
        ("search", "kharkiv", "--json"),
        ("export",),
        ("export", "--state"),
        ("refresh",),
        ("extract",),
    ],
)
def test_an_output_error_is_one_clean_message(tmp_path: Path, args: tuple[str, ...]) -> None:
    """``tuinews feeds > /dev/full`` said "No space left on device: None"."""
    need(Path("/dev/full").exists(), "/dev/full (a device that is always full)")
    db = tmp_path / "t.db"
    make_store(db, feeds=0 if args == ("refresh",) else 3)
    if args == ("extract",):
        page = tmp_path / "story.txt"
        page.write_text("A story\n\nA paragraph of the story, long enough to read.\n")
        args = ("extract", str(page))
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            command(*args, db=db), stdout=full, stderr=subprocess.PIPE, text=True, timeout=120
        )
    assert result.stderr == "tuinews: cannot write the output: No space left on device\n"
    assert result.returncode == 2


def producer_into_head(args: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    """``tuinews ARGS | head -1``: head's line, the command's stderr and its status."""
    head = shutil.which("head")
    need(head, "the head program (coreutils)")
    assert head is not None
    producer = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert producer.stdout is not None
    first = subprocess.run([head, "-1"], stdin=producer.stdout, capture_output=True, timeout=120)
    producer.stdout.close()
    _, errors = producer.communicate(timeout=120)
    return first.stdout.decode(), errors.decode(), producer.returncode


@pytest.mark.parametrize("unbuffered", [False, True])
@pytest.mark.parametrize("what", ["extract", "feeds", "export"])
def test_a_long_output_into_head_ends_with_141(tmp_path: Path, unbuffered: bool, what: str) -> None:
    """``tuinews extract feed.xml | head -1`` exited 0 when Python's output is unbuffered
    (PYTHONUNBUFFERED, as in the QA's shell): a write the reader took only part of
    before going away was dropped without a word. Each long output is now written whole
    or ends with 141, as ``search`` and ``feeds`` did."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    db = tmp_path / "t.db"
    if what == "extract":
        feed = tmp_path / "feed.xml"
        items = "".join(
            f"<item><title>Item {i}</title><description>{'Some text here. ' * 60}"
            "</description></item>"
            for i in range(600)
        )
        feed.write_text(f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>')
        args = command("extract", str(feed), db=db)
        expected = "# Item 0\n"
    else:
        with Store(db) as store:
            for number in range(4000):
                store.add_feed(f"https://feeds.example/a-rather-long-feed-address/{number}.xml")
        args = command(*what.split(), db=db)
        expected = "   1      0/0 " if what == "feeds" else '<?xml version="1.0"'
    first, errors, status = producer_into_head(args, env)
    assert first.startswith(expected)
    assert errors == ""
    assert status == CLOSED_OUTPUT_STATUS


def test_json_names_are_the_same_in_every_command(tmp_path: Path) -> None:
    """A feed is ``id``, ``title``, ``url`` and a time an ISO 8601 string in every
    ``--json`` (``refresh`` said ``feed_id`` and ``name``, ``feeds`` an epoch integer)."""
    from datetime import datetime

    db = tmp_path / "t.db"
    body = (
        b'<rss version="2.0"><channel><title>Own title</title><item><guid>1</guid>'
        b"<title>Kharkiv story</title><pubDate>Tue, 02 Jan 2024 10:30:00 GMT</pubDate>"
        b"<description>D</description></item></channel></rss>"
    )
    with FeedServer() as server:
        server.route("/feed.xml", Response(body=body))
        with Store(db) as store:
            store.add_feed(server.url("/feed.xml"), "My name")
        refreshed = json.loads(run("refresh", "--json", db=db).stdout)
        url = server.url("/feed.xml")
    listed = json.loads(run("feeds", "--json", db=db).stdout)
    found = json.loads(run("search", "kharkiv", "--json", db=db).stdout)

    (fetched,) = refreshed["feeds"]
    (feed,) = listed["feeds"]
    common = {"id": feed["id"], "title": "My name", "url": url}
    assert {key: fetched[key] for key in common} == common
    assert {key: feed[key] for key in common} == common
    assert list(fetched)[:3] == list(feed)[:3] == ["id", "title", "url"]
    assert "feed_id" not in fetched and "name" not in fetched
    assert (fetched["status"], fetched["new"]) == ("ok", 1)  # refresh's own fields stay
    assert (feed["total"], feed["status"]) == (1, "ok")  # and feeds' own
    for moment in (feed["last_fetch"], refreshed["finished"]):
        assert isinstance(moment, str)
        assert datetime.fromisoformat(moment).utcoffset() is not None
    assert found["articles"][0]["date"] == "2024-01-02T10:30:00+00:00"
    assert found["articles"][0]["source"] == "My name"
