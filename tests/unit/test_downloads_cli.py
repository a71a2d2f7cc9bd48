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
    # added again once done: said so (it said "Queued" again), the file left as it is
    again = ok(tuinews("downloads", "--add", str(result["id"]), db=db, config=config))
    assert f"Already downloaded: {folder / 'ep 1.mp3'}" in again and "Queued" not in again
    assert (folder / "ep 1.mp3").read_bytes() == EPISODE


def test_a_missing_article_or_enclosure_is_one_clear_message(tmp_path: Path) -> None:
    db, config = tmp_path / "t.db", tmp_path / "config.toml"
    config.write_text("")
    ok(tuinews("add", "http://127.0.0.1:9/feed.xml", db=db, config=config))
    missing = tuinews("downloads", "--add", "99", db=db, config=config)
    assert missing.returncode == 2 and missing.stderr.strip() == "tuinews: no article 99"
    assert "Traceback" not in missing.stderr


def test_downloads_are_cancelled_from_the_command_line(server: FeedServer, tmp_path: Path) -> None:
    """``--cancel ID`` and ``--cancel all``: the part file goes, the download says
    "cancelled"; a number that is not a download, or one done, is one clear message."""
    feed = (
        '<rss version="2.0"><channel><title>Pod</title><link>http://127.0.0.1/</link>'
        + "".join(
            f"<item><title>Episode {n}</title><guid>e{n}</guid><description>N.</description>"
            f'<enclosure url="{server.url(f"/media/{n}.mp3")}" type="audio/mpeg"/></item>'
            for n in (1, 2, 3)
        )
        + "</channel></rss>"
    ).encode()
    server.route("/pod.xml", Response(body=feed, headers={"Content-Type": "application/rss+xml"}))
    server.route("/media/3.mp3", Response(body=EPISODE))
    db, config = tmp_path / "t.db", tmp_path / "config.toml"
    folder = tmp_path / "pods"
    config.write_text(f'download_dir = "{folder}"\n')
    ok(tuinews("add", server.url("/pod.xml"), db=db, config=config))
    ok(tuinews("refresh", db=db, config=config))
    found = json.loads(ok(tuinews("search", "has:enclosure", "--json", db=db, config=config)))
    ids = {r["title"]: r["id"] for r in found["articles"]}
    for title in ("Episode 1", "Episode 2", "Episode 3"):
        ok(tuinews("downloads", "--add", str(ids[title]), db=db, config=config))
    listed = json.loads(ok(tuinews("downloads", "--json", db=db, config=config)))["downloads"]
    numbers = {Path(d["path"]).name: d["id"] for d in listed}
    assert f"{numbers['1.mp3']:>3} queued" in ok(tuinews("downloads", db=db, config=config))
    folder.mkdir()
    for name in ("1.mp3", "2.mp3"):  # what a cut connection left
        (folder / f"{name}.part").write_bytes(EPISODE[:100])

    one = ok(tuinews("downloads", "--cancel", str(numbers["1.mp3"]), db=db, config=config))
    assert "Cancelled: Episode 1" in one
    assert not (folder / "1.mp3.part").exists() and (folder / "2.mp3.part").exists()
    ran = tuinews("downloads", "--run", db=db, config=config)  # 2 is not served: failed
    assert ran.returncode == 1 and (folder / "3.mp3").read_bytes() == EPISODE
    everything = ok(tuinews("downloads", "--cancel", "all", db=db, config=config))
    assert "Cancelled: Episode 2" in everything and "Episode 3" not in everything
    assert sorted(p.name for p in folder.iterdir()) == ["3.mp3"]  # done: left alone
    states = {
        Path(d["path"]).name: (d["state"], d["error"])
        for d in json.loads(ok(tuinews("downloads", "--json", db=db, config=config)))["downloads"]
    }
    assert states == {
        "1.mp3": ("failed", "cancelled"),
        "2.mp3": ("failed", "cancelled"),
        "3.mp3": ("done", None),
    }

    for wrong, said in (
        ("99", "tuinews: no download 99 (tuinews downloads lists them)"),
        (str(numbers["3.mp3"]), f"tuinews: download {numbers['3.mp3']} is done already: "),
    ):
        refused = tuinews("downloads", "--cancel", wrong, db=db, config=config)
        assert refused.returncode == 2 and refused.stderr.startswith(said), refused.stderr
        assert "Traceback" not in refused.stderr
    usage = tuinews("downloads", "--cancel", "some", db=db, config=config)
    assert usage.returncode == 2 and "--cancel" in usage.stderr


def test_a_run_cancelled_from_another_terminal_stops_without_failing(
    server: FeedServer, tmp_path: Path
) -> None:
    """``--run`` in one terminal, ``--cancel all`` in another: the run stops within a
    second, removes what came, and exits 0 (cancelled is not failed)."""
    import time

    feed = (
        '<rss version="2.0"><channel><title>Pod</title><link>http://127.0.0.1/</link>'
        "<item><title>Long</title><guid>l</guid><description>N.</description>"
        f'<enclosure url="{server.url("/long.mp3")}" type="audio/mpeg"/></item></channel></rss>'
    ).encode()
    server.route("/pod.xml", Response(body=feed, headers={"Content-Type": "application/rss+xml"}))
    server.route("/long.mp3", Response(body=EPISODE, drip=0.01))  # minutes
    db, config = tmp_path / "t.db", tmp_path / "config.toml"
    folder = tmp_path / "pods"
    config.write_text(f'download_dir = "{folder}"\n')
    ok(tuinews("add", server.url("/pod.xml"), db=db, config=config))
    ok(tuinews("refresh", db=db, config=config))
    (found,) = json.loads(ok(tuinews("search", "Long", "--json", db=db, config=config)))["articles"]
    ok(tuinews("downloads", "--add", str(found["id"]), db=db, config=config))
    running = subprocess.Popen(
        [sys.executable, "-m", "tuinews", "downloads", "--run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ) | {"TUINEWS_DB": str(db), "TUINEWS_CONFIG": str(config)},
    )
    try:
        part = folder / "long.mp3.part"
        deadline = time.monotonic() + 60
        while not (part.exists() and part.stat().st_size > 0):
            assert time.monotonic() < deadline and running.poll() is None, "it never started"
            time.sleep(0.02)
        assert "Cancelled: Long" in ok(
            tuinews("downloads", "--cancel", "all", db=db, config=config)
        )
        out, err = running.communicate(timeout=30)
    finally:
        running.kill()
    assert running.returncode == 0, err
    assert "cancelled" in out and not part.exists() and list(folder.iterdir()) == []
