"""The enclosure keys in the app (issue 16), with Pilot over a real store and a real
HTTP server on 127.0.0.1: D downloads the shown article's enclosure (progress in a status
line, a message when done), a download the last run left is resumed at the start, P
plays it with the configured player (a recording script here), the file once it is
downloaded; an article without an enclosure says so."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.netserver import FeedServer, Request, Response
from tests.ui.helpers import main, make_app, settle, wait_for
from tuinews.models import Article, Enclosure
from tuinews.settings import Settings
from tuinews.ui import enclosure_actions
from tuinews.ui.widgets.download_status import DownloadStatus

EPISODE = b"ID3" + bytes(range(256)) * 200


def episode(url: str) -> list[Article]:
    return [
        Article(
            title="Episode one",
            uid="e1",
            source="Pod",
            body="Notes.",
            text="Notes.",
            date=datetime(2024, 6, 2, tzinfo=UTC),
            enclosures=(Enclosure(url, "audio/mpeg", len(EPISODE), 3723),),
        ),
        Article(
            title="No episode",
            uid="e2",
            source="Pod",
            body="Text.",
            date=datetime(2024, 6, 1, tzinfo=UTC),
        ),
    ]


def messages(pilot: Pilot[None]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def recorder(tmp_path: Path) -> tuple[tuple[str, ...], Path]:
    record = tmp_path / "argv.json"
    script = tmp_path / "player.py"
    script.write_text(
        f"import json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    return (sys.executable, str(script), "--no-video"), record


def recorded(record: Path) -> list[str]:
    deadline = time.monotonic() + 20
    while not record.exists() or not record.read_text():
        assert time.monotonic() < deadline, "the player never ran"
        time.sleep(0.02)
    return list(json.loads(record.read_text()))


async def test_d_downloads_and_p_plays(server: FeedServer, tmp_path: Path) -> None:
    server.route("/ep.mp3", Response(body=EPISODE))
    player, record = recorder(tmp_path)
    folder = tmp_path / "pods"
    settings = Settings(refresh_on_start=False, download_dir=str(folder), player=player)
    app = make_app(episode(server.url("/ep.mp3")), settings=settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: "Enclosure: audio/mpeg" in screen.article_view.text)
        assert "1:02:03" in screen.article_view.text
        await pilot.press("P")  # not downloaded yet: the URL
        assert recorded(record) == ["--no-video", server.url("/ep.mp3")]
        record.unlink()
        await pilot.press("D")
        await wait_for(pilot, lambda: "Downloaded ep.mp3" in messages(pilot), guard=2000)
        assert (folder / "ep.mp3").read_bytes() == EPISODE
        # The header says where it went (shown again once the download is done).
        await wait_for(pilot, lambda: "downloaded:" in screen.article_view.text)
        shown = screen.article_view.article
        assert shown is not None
        assert shown.enclosures[0].downloaded == str(folder / "ep.mp3")
        assert "".join(screen.article_view.text.split()).endswith(
            f"downloaded:{folder / 'ep.mp3'}{server.url('/ep.mp3')}Notes."
        )
        assert not screen.query_one(DownloadStatus).has_class("-running")
        await pilot.press("P")  # downloaded: the file
        assert recorded(record) == ["--no-video", str(folder / "ep.mp3")]
        await pilot.press("D")
        assert f"Already downloaded: {folder / 'ep.mp3'}" in messages(pilot)
        await pilot.press("j")
        await settle(pilot)
        await wait_for(pilot, lambda: "No episode" in screen.article_view.text)
        await pilot.press("D", "P")
        assert messages(pilot).count("This article has no enclosure.") == 2


async def test_progress_shows_in_the_status_line(server: FeedServer, tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        return Response(body=EPISODE[:2000], drip=0.001, content_length=len(EPISODE))

    server.route("/slow.mp3", slow)
    settings = Settings(refresh_on_start=False, download_dir=str(tmp_path / "d"))
    app = make_app(episode(server.url("/slow.mp3")), settings=settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: "Enclosure" in screen.article_view.text)
        await pilot.press("D")

        def progress_shown() -> bool:
            found = screen.query(DownloadStatus)
            return bool(found) and str(found.first().render()).startswith("Downloading slow.mp3: ")

        await wait_for(pilot, progress_shown, guard=2000)
        text = str(screen.query_one(DownloadStatus).render())
        assert f"of {len(EPISODE) // 1024} KB" in text or "KB of" in text
        # The server cuts the file: reported, and no file under the final name.
        await wait_for(
            pilot,
            lambda: any("Download of slow.mp3 failed" in m for m in messages(pilot)),
            guard=3000,
        )
        assert not (tmp_path / "d" / "slow.mp3").exists()
        assert (tmp_path / "d" / "slow.mp3.part").exists()


async def test_a_queued_download_resumes_at_the_start(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enclosure_actions, "RESUME_AFTER", 0.05)
    server.route("/ep.mp3", Response(body=EPISODE))
    settings = Settings(refresh_on_start=False, download_dir=str(tmp_path / "d"))
    app = make_app(episode(server.url("/ep.mp3")), settings=settings)
    store = app.store
    (first,) = store.headline_ids(query=None)[:1]
    article = store.get_article(first)
    assert article is not None
    # Left queued by the last run (closed mid-download).
    store.queue_download(
        article.enclosures[0].url, first, "Episode one", str(tmp_path / "d" / "ep.mp3")
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "Downloaded ep.mp3" in messages(pilot), guard=2000)
    assert (tmp_path / "d" / "ep.mp3").read_bytes() == EPISODE


async def test_quitting_mid_download_stops_it_and_keeps_it_queued(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/ep.mp3", Response(body=EPISODE, drip=0.01))  # ~9 minutes
    settings = Settings(refresh_on_start=False, download_dir=str(tmp_path / "d"))
    app = make_app(episode(server.url("/ep.mp3")), settings=settings)
    store = app.store
    started = 0.0
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: "Enclosure" in screen.article_view.text)
        await pilot.press("D")
        await wait_for(pilot, lambda: (tmp_path / "d" / "ep.mp3.part").exists(), guard=2000)
        started = time.monotonic()
    assert time.monotonic() - started < 5  # the app did not wait for the download
    (left,) = store.downloads()
    assert left.state == "queued"


async def test_x_cancels_the_download_and_removes_what_came(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/ep.mp3", Response(body=EPISODE, drip=0.01))  # ~9 minutes
    settings = Settings(refresh_on_start=False, download_dir=str(tmp_path / "d"))
    app = make_app(episode(server.url("/ep.mp3")), settings=settings)
    store = app.store
    part = tmp_path / "d" / "ep.mp3.part"
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: "Enclosure" in screen.article_view.text)
        await pilot.press("D")
        await wait_for(pilot, lambda: part.exists() and part.stat().st_size > 0, guard=2000)
        await pilot.press("X")
        assert "Cancelled the download of ep.mp3" in messages(pilot)
        status = screen.query_one(DownloadStatus)
        await wait_for(pilot, lambda: not status.has_class("-running"), guard=2000)
        assert not part.exists() and not (tmp_path / "d" / "ep.mp3").exists()
        assert not any("failed" in m for m in messages(pilot))
        (cancelled,) = store.downloads()
        assert (cancelled.state, cancelled.error) == ("failed", "cancelled")
        await pilot.press("X")  # nothing left to cancel: said so
        assert "No download of this article's enclosure to cancel." in messages(pilot)
