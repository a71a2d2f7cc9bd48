"""``tuinews downloads`` end to end (real subprocesses, a real server on 127.0.0.1): a
podcast feed refreshed, its episode queued by article id, downloaded, listed (text and
JSON), found by ``is:downloaded``; a file:// enclosure refused with one clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.netserver import FeedServer, Response

EPISODE = b"ID3" + bytes(range(256)) * 64


def tuinews(*args: str, db: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ) | {"TUINEWS_DB": str(db), "TUINEWS_CONFIG": str(config)},
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_downloads_from_the_command_line(server: FeedServer, tmp_path: Path) -> None:
    feed = (
        '<rss version="2.0"><channel><title>Pod</title><link>http://127.0.0.1/</link>'
        "<item><title>Episode one</title><guid>e1</guid><description>Notes.</description>"
        f'<enclosure url="{server.url("/media/ep%201.mp3")}" type="audio/mpeg" '
        f'length="{len(EPISODE)}"/></item></channel></rss>'
    ).encode()
    server.route("/pod.xml", Response(body=feed, headers={"Content-Type": "application/rss+xml"}))
    server.route("/media/ep%201.mp3", Response(body=EPISODE))
    db, config = tmp_path / "t.db", tmp_path / "config.toml"
    folder = tmp_path / "pods"
    config.write_text(f'download_dir = "{folder}"\n')
    ok(tuinews("add", server.url("/pod.xml"), db=db, config=config))
    ok(tuinews("refresh", db=db, config=config))
    found = json.loads(ok(tuinews("search", "has:enclosure", "--json", db=db, config=config)))
    (result,) = found["articles"]
    assert "No downloads yet" in ok(tuinews("downloads", db=db, config=config))
    queued = ok(tuinews("downloads", "--add", str(result["id"]), db=db, config=config))
    assert f"Queued: {folder / 'ep 1.mp3'}" in queued
    assert not folder.exists()  # made when the download starts, not before
    ran = ok(tuinews("downloads", "--run", db=db, config=config))
    assert "done" in ran and "Episode one" in ran
    assert (folder / "ep 1.mp3").read_bytes() == EPISODE
    listed = json.loads(ok(tuinews("downloads", "--json", db=db, config=config)))
    (download,) = listed["downloads"]
    assert download["state"] == "done" and download["received"] == len(EPISODE)
    assert download["path"] == str(folder / "ep 1.mp3") and download["error"] is None
    downloaded = json.loads(ok(tuinews("search", "is:downloaded", "--json", db=db, config=config)))
    assert [r["id"] for r in downloaded["articles"]] == [result["id"]]


def test_a_missing_article_or_enclosure_is_one_clear_message(tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", tmp_path / "config.toml"
    config.write_text("")
    ok(tuinews("add", "http://127.0.0.1:9/feed.xml", db=db, config=config))
    missing = tuinews("downloads", "--add", "99", db=db, config=config)
    assert missing.returncode == 2 and missing.stderr.strip() == "tuinews: no article 99"
    assert "Traceback" not in missing.stderr
