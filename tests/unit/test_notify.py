"""Notifications of new articles: ``tuinews refresh`` (cron's too) runs the config's
``notify`` command with ``{count}`` when new articles arrived, never when none did; a
failing one is a warning, not an exit status. Real processes: the command line, a feed
server on 127.0.0.1, a recording script as the notify command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tuinews.handoffs.notify import announce_new

RECORDER = """\
import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(sys.argv[2:]) + "\\n")
"""


def tuinews(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args, "--db", str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, TUINEWS_CONFIG=str(tmp_path / "config.toml")),
    )


def config(tmp_path: Path, notify: list[str]) -> Path:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "record.jsonl"
    argv = [sys.executable, str(script), str(record), *notify]
    (tmp_path / "config.toml").write_text(
        f'notify = {json.dumps(argv)}\nnotify_terminal = "osc9"\n', encoding="utf-8"
    )
    return record


def test_refresh_runs_the_notify_command_when_there_is_news(
    tmp_path: Path, server: FeedServer
) -> None:
    record = config(tmp_path, ["tuinews", "{count} new articles"])
    server.route("/a.xml", Response(body=rss("A", ("1", "One"), ("2", "Two"))))
    assert tuinews(tmp_path, "add", server.url("/a.xml")).returncode == 0
    assert not record.exists()  # (add fetches the feed: that is not a refresh)
    server.route("/a.xml", Response(body=rss("A", ("1", "One"), ("2", "Two"), ("3", "New"))))
    done = tuinews(tmp_path, "refresh")
    assert done.returncode == 0, done.stderr
    assert record.read_text(encoding="utf-8").splitlines() == [
        json.dumps(["tuinews", "1 new articles"])
    ]
    assert "\x1b]9" not in done.stderr  # not a terminal: no escape sequence in cron's mail
    record.unlink()
    assert tuinews(tmp_path, "refresh").returncode == 0  # nothing new: no notification
    assert not record.exists()


def test_articles_a_rule_hid_are_not_counted_as_news(tmp_path: Path, server: FeedServer) -> None:
    """Two new articles, one hidden by a rule: the notify command says 1 (it said 2)."""
    record = config(tmp_path, ["{count}"])
    with (tmp_path / "config.toml").open("a", encoding="utf-8") as out:
        out.write('[[rules]]\nmatch = "title:advert"\naction = "hide"\n')
    server.route("/a.xml", Response(body=rss("A", ("1", "One"))))
    assert tuinews(tmp_path, "add", server.url("/a.xml")).returncode == 0
    server.route("/a.xml", Response(body=rss("A", ("1", "One"), ("2", "Advert"), ("3", "News"))))
    done = tuinews(tmp_path, "refresh")
    assert done.returncode == 0, done.stderr
    assert "2 new articles (1 hidden by rules)" in done.stdout
    assert record.read_text(encoding="utf-8").splitlines() == [json.dumps(["1"])]


def test_a_failing_notify_command_is_a_warning(tmp_path: Path, server: FeedServer) -> None:
    (tmp_path / "config.toml").write_text(
        f'notify = ["{tmp_path / "no-such-notifier"}", "{{count}}"]\n', encoding="utf-8"
    )
    server.route("/a.xml", Response(body=rss("A", ("1", "One"))))
    assert tuinews(tmp_path, "add", server.url("/a.xml")).returncode == 0
    server.route("/a.xml", Response(body=rss("A", ("1", "One"), ("2", "Two"))))
    done = tuinews(tmp_path, "refresh")
    assert done.returncode == 0
    assert "the notify command: program not found" in done.stderr


def test_nothing_is_announced_for_no_news(tmp_path: Path) -> None:
    warnings: list[str] = []
    announce_new(0, (str(tmp_path / "missing"),), "osc9", 5, warnings.append)
    assert warnings == []
    announce_new(2, (str(tmp_path / "missing"),), "off", 5, warnings.append)
    assert warnings and "program not found" in warnings[0]


def test_sync_runs_the_notify_command_too(tmp_path: Path, server: FeedServer) -> None:
    from tests.readerapi import AUTH, FakeReader
    from tuinews.accounts import save_auth
    from tuinews.store import Store

    reader = FakeReader(server)
    reader.add(2)
    with Store(tmp_path / "t.db") as store:
        store.add_account(reader.api_url, "alice")
    save_auth(reader.api_url, "alice", AUTH)
    record = config(tmp_path, ["{count}"])
    done = tuinews(tmp_path, "sync")
    assert done.returncode == 0, done.stderr
    assert record.read_text(encoding="utf-8").splitlines() == [json.dumps(["2"])]


def test_tuinews_save_writes_the_articles_found(tmp_path: Path, server: FeedServer) -> None:
    """(Here for its real feed server and command line: ``tuinews save`` is a hand-off.)"""
    server.route("/a.xml", Response(body=rss("A", ("1", "CON"), ("2", "Two: a/b"), ("3", "x"))))
    assert tuinews(tmp_path, "add", server.url("/a.xml")).returncode == 0
    folder = tmp_path / "out"
    done = tuinews(tmp_path, "save", "text", "-x", "--dir", str(folder))
    assert done.returncode == 0, done.stderr
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["2024-01-01 CON.md", "2024-01-02 Two a b.md"]
    assert sorted(done.stdout.splitlines()) == [str(folder / name) for name in names]
    text = (folder / "2024-01-02 Two a b.md").read_text(encoding="utf-8")
    assert text.startswith("# Two: a/b\n") and "<http://127.0.0.1/2>" in text
    assert "Text of Two: a/b." in text
    assert tuinews(tmp_path, "save", "nowhere", "--dir", str(folder)).stdout == "No matches.\n"
    blocked = tmp_path / "file"
    blocked.write_text("")
    failed = tuinews(tmp_path, "save", "text", "--dir", str(blocked))
    assert failed.returncode == 2 and failed.stderr.startswith("tuinews: ")
    assert "Traceback" not in failed.stderr
