"""Enclosure downloads against a real HTTP server on 127.0.0.1 (issue 16): to the final
name only when complete, resumed with Range after a dropped connection or a restart,
within the per-host limit and the size cap, http(s) only."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.builders import article
from tests.netserver import FeedServer, Request, Response
from tuinews.downloads import (
    DownloadRefused,
    part_path,
    queue_enclosure,
    run_downloads,
    waiting,
)
from tuinews.models import Article, Enclosure
from tuinews.query import parse_query
from tuinews.settings import Settings
from tuinews.store import Store

CONTENT = bytes(range(256)) * 400  # 100 KB


def ranged(content: bytes) -> Response | None:
    """A handler serving ``content`` with Range support."""

    def handler(request: Request) -> Response:
        wanted = re.fullmatch(r"bytes=(\d+)-", request.header("range") or "")
        if wanted is None:
            return Response(body=content, headers={"Content-Type": "audio/mpeg"})
        start = int(wanted[1])
        if start >= len(content):
            return Response(status=416, headers={"Content-Range": f"bytes */{len(content)}"})
        return Response(
            status=206,
            body=content[start:],
            headers={"Content-Range": f"bytes {start}-{len(content) - 1}/{len(content)}"},
        )

    return handler  # type: ignore[return-value]


def stored(store: Store, url: str, title: str = "Episode") -> Article:
    feed = store.find_feed("https://pod.example/feed") or store.add_feed("https://pod.example/feed")
    store.upsert_articles(
        feed.id, [article(title, title, enclosures=(Enclosure(url, "audio/mpeg"),))]
    )
    (article_id,) = store.ids_for_uids(feed.id, [title])
    found = store.get_article(article_id)
    assert found is not None
    return found


def settings_for(tmp_path: Path, **more: object) -> Settings:
    return Settings(download_dir=str(tmp_path / "podcasts"), **more)  # type: ignore[arg-type]


def test_a_download_lands_under_its_name_when_complete(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.route("/ep/one.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    settings = settings_for(tmp_path)
    episode = stored(store, server.url("/ep/one.mp3"))
    assert not (tmp_path / "podcasts").exists()  # made only when used
    queued = queue_enclosure(store, settings, episode)
    assert queued.path == str(tmp_path / "podcasts" / "one.mp3")
    seen: list[int] = []
    (done,) = run_downloads(store, settings, lambda d, received, total: seen.append(received))
    assert done.state == "done" and done.received == len(CONTENT) and done.error == ""
    assert Path(done.path).read_bytes() == CONTENT
    assert not part_path(done).exists()
    assert seen and seen[-1] == len(CONTENT)
    assert list(store.headline_ids(query=parse_query("is:downloaded"))) == [episode.id]


def test_a_dropped_connection_keeps_a_part_file_and_resumes_with_range(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    half = len(CONTENT) // 2
    # The first answer promises the whole file, sends half, and closes the connection.
    server.route(
        "/ep/two.mp3", Response(body=CONTENT[:half], content_length=len(CONTENT), close=True)
    )
    settings = settings_for(tmp_path)
    episode = stored(store, server.url("/ep/two.mp3"))
    queue_enclosure(store, settings, episode)
    (failed,) = run_downloads(store, settings)
    final = Path(failed.path)
    assert failed.state == "failed" and "resumes from there" in failed.error
    assert not final.exists()  # never a half file under the final name
    assert part_path(failed).read_bytes() == CONTENT[:half]
    assert list(store.headline_ids(query=parse_query("is:downloaded"))) == []

    # Queued again (the key pressed again, or after a restart): only the rest is asked for.
    server.route("/ep/two.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    again = queue_enclosure(store, settings, episode)
    assert again.id == failed.id and again.state == "queued"
    (done,) = run_downloads(store, settings)
    assert done.state == "done" and final.read_bytes() == CONTENT
    assert server.requests_to("/ep/two.mp3")[-1].header("range") == f"bytes={half}-"
    assert not part_path(done).exists()


def test_a_run_resumes_what_failed_part_way(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    """The failure said "kept, it resumes from there": the next run (``tuinews downloads
    --run``, the app's start) takes it up with Range, nothing queued by hand; a download
    cut at the size cap, or cancelled, is not taken up again."""
    half = len(CONTENT) // 2
    server.route(
        "/ep/cut.mp3", Response(body=CONTENT[:half], content_length=len(CONTENT), close=True)
    )
    settings = settings_for(tmp_path)
    queue_enclosure(store, settings, stored(store, server.url("/ep/cut.mp3")))
    (failed,) = run_downloads(store, settings)
    assert failed.state == "failed" and "resumes from there" in failed.error
    assert waiting(store, settings)
    server.route("/ep/cut.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    (done,) = run_downloads(store, settings)
    assert done.id == failed.id and done.state == "done"
    assert Path(done.path).read_bytes() == CONTENT
    assert server.requests_to("/ep/cut.mp3")[-1].header("range") == f"bytes={half}-"
    assert not waiting(store, settings) and run_downloads(store, settings) == []


def test_a_queued_download_resumes_after_a_restart(server: FeedServer, tmp_path: Path) -> None:
    """A download queued when the app was closed is run by the next one."""
    server.route("/ep/three.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    settings = settings_for(tmp_path)
    with Store(tmp_path / "t.db") as store:
        queued = queue_enclosure(store, settings, stored(store, server.url("/ep/three.mp3")))
        part_path(queued).parent.mkdir(parents=True)
        part_path(queued).write_bytes(CONTENT[:1000])  # what came before the restart
    with Store(tmp_path / "t.db") as store:
        (done,) = run_downloads(store, settings)
    assert done.state == "done" and Path(done.path).read_bytes() == CONTENT
    assert server.requests_to("/ep/three.mp3")[0].header("range") == "bytes=1000-"


def test_a_server_without_ranges_starts_again(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.route("/ep/four.mp3", Response(body=CONTENT))
    settings = settings_for(tmp_path)
    queued = queue_enclosure(store, settings, stored(store, server.url("/ep/four.mp3")))
    part_path(queued).parent.mkdir(parents=True)
    part_path(queued).write_bytes(b"x" * 500)
    (done,) = run_downloads(store, settings)
    assert Path(done.path).read_bytes() == CONTENT


def test_the_size_cap(server: FeedServer, store: Store, tmp_path: Path) -> None:
    big = b"\0" * (2 * 1024 * 1024)
    server.route("/declared.mp3", Response(body=big))
    server.route("/chunked.mp3", Response(stream=iter([big[:600_000]] * 4)))
    settings = settings_for(tmp_path, download_max_mb=1)
    for path in ("/declared.mp3", "/chunked.mp3"):
        queue_enclosure(store, settings, stored(store, server.url(path), title=path))
    ended = run_downloads(store, settings)
    assert [d.state for d in ended] == ["failed", "failed"]
    assert all("too large" in d.error for d in ended)
    assert not any(Path(d.path).exists() for d in ended)
    assert not waiting(store, settings)  # (not taken up again by the next run)


def test_the_per_host_limit(server: FeedServer, store: Store, tmp_path: Path) -> None:
    for n in range(3):
        server.route(f"/slow{n}.mp3", Response(body=CONTENT, delay=0.2))
    settings = settings_for(tmp_path, per_host=1)
    for n in range(3):
        episode = stored(store, server.url(f"/slow{n}.mp3"), title=f"slow {n}")
        queue_enclosure(store, settings, episode)
    ended = run_downloads(store, settings)
    assert [d.state for d in ended] == ["done"] * 3
    assert server.peak_by_host["127.0.0.1"] == 1


def test_same_names_get_numbers(server: FeedServer, store: Store, tmp_path: Path) -> None:
    server.route("/a/ep.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    server.route("/b/ep.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    settings = settings_for(tmp_path)
    first = queue_enclosure(store, settings, stored(store, server.url("/a/ep.mp3"), "a"))
    second = queue_enclosure(store, settings, stored(store, server.url("/b/ep.mp3"), "b"))
    assert Path(first.path).name == "ep.mp3" and Path(second.path).name == "ep (2).mp3"


def test_only_http_enclosures_are_downloaded(store: Store, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    local = Article(
        title="t", source="", body="", enclosures=(Enclosure("file:///etc/passwd"),), id=1
    )
    with pytest.raises(DownloadRefused, match="only http\\(s\\) enclosures are downloaded"):
        queue_enclosure(store, settings, local)
    with pytest.raises(DownloadRefused, match="no enclosure"):
        queue_enclosure(store, settings, Article(title="t", source="", body=""))
    assert store.downloads() == []


def test_stopping_keeps_the_download_queued_with_its_part(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    """The app closing mid-download: it stops at once, stays queued, resumes next time."""
    import threading

    server.route("/slow.mp3", Response(body=CONTENT[:4000], drip=0.002))
    settings = settings_for(tmp_path)
    queue_enclosure(store, settings, stored(store, server.url("/slow.mp3")))
    stop = threading.Event()

    def progress(download: object, received: int, total: int | None) -> None:
        if received >= 100:
            stop.set()

    assert run_downloads(store, settings, progress, stop=stop) == []
    (still,) = store.downloads()
    assert still.state == "queued"
    assert 100 <= part_path(still).stat().st_size < 4000
    assert not Path(still.path).exists()


def test_one_download_of_a_file_at_a_time(server: FeedServer, store: Store, tmp_path: Path) -> None:
    """The app and ``tuinews downloads --run`` at once: the second leaves the file alone."""
    import fcntl

    server.route("/ep.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    settings = settings_for(tmp_path)
    queued = queue_enclosure(store, settings, stored(store, server.url("/ep.mp3")))
    part = part_path(queued)
    part.parent.mkdir(parents=True)
    with part.open("ab") as held:
        held.write(CONTENT[:10])
        held.flush()
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another process is downloading it
        (refused,) = run_downloads(store, settings)
        assert refused.state == "failed" and "another tuinews is downloading it" in refused.error
        assert part.read_bytes() == CONTENT[:10]
    queue_enclosure(store, settings, stored(store, server.url("/ep.mp3")))
    (done,) = run_downloads(store, settings)
    assert Path(done.path).read_bytes() == CONTENT


def test_a_running_download_is_cancelled_from_another_process(
    server: FeedServer, tmp_path: Path
) -> None:
    """``tuinews downloads --cancel`` (another Store on the file) while the app downloads:
    the download stops, its part file goes, nothing is left under the final name."""
    import threading

    from tuinews.downloads import cancel_downloads

    server.route("/long.mp3", Response(body=CONTENT[:20000], drip=0.001))  # ~20 s
    settings = settings_for(tmp_path)
    with Store(tmp_path / "t.db") as store:
        queued = queue_enclosure(store, settings, stored(store, server.url("/long.mp3")))
        part = part_path(queued)
        ended: list[list[object]] = []
        runner = threading.Thread(target=lambda: ended.append(run_downloads(store, settings)))
        runner.start()
        deadline = time.monotonic() + 20
        while not (part.exists() and part.stat().st_size > 50):
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.01)
        with Store(tmp_path / "t.db") as other:
            (cancelled,) = cancel_downloads(other, queued.id)
        asked = time.monotonic()
        runner.join(10)
        assert not runner.is_alive() and time.monotonic() - asked < 3
        (now,) = store.downloads()
    assert cancelled.state == "failed" and cancelled.error == "cancelled"
    assert now.state == "failed" and now.error == "cancelled" and now.received == 0
    assert not part.exists() and not Path(queued.path).exists()
    assert list(part.parent.iterdir()) == []


def test_cancelling_all_leaves_done_downloads_alone(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    from tuinews.downloads import cancel_downloads

    server.route("/done.mp3", ranged(CONTENT))  # type: ignore[arg-type]
    settings = settings_for(tmp_path)
    queue_enclosure(store, settings, stored(store, server.url("/done.mp3"), "Done"))
    (done,) = run_downloads(store, settings)
    failed = queue_enclosure(store, settings, stored(store, server.url("/gone.mp3"), "Gone"))
    part_path(failed).write_bytes(b"half")  # what a failed download left to resume
    cancelled = cancel_downloads(store)
    assert [d.id for d in cancelled] == [failed.id]
    assert not part_path(failed).exists()
    assert Path(done.path).read_bytes() == CONTENT
    assert store.get_download(done.url).state == "done"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="Episode 12.mp3"', "Episode 12.mp3"),
        # filename* (RFC 6266, its charset decoded) before filename
        (
            "attachment; filename=\"plain.mp3\"; filename*=UTF-8''%E2%82%AC%20rates.mp3",
            "€ rates.mp3",
        ),
    ],
)
def test_the_server_s_file_name_is_used(
    server: FeedServer, store: Store, tmp_path: Path, header: str, name: str
) -> None:
    server.route("/get", Response(body=CONTENT, headers={"Content-Disposition": header}))
    settings = settings_for(tmp_path)
    queued = queue_enclosure(store, settings, stored(store, server.url("/get?id=7")))
    assert Path(queued.path).name == "get.mp3"  # the URL's, until the server names it
    (done,) = run_downloads(store, settings)
    assert done.state == "done" and done.path == str(tmp_path / "podcasts" / name)
    assert Path(done.path).read_bytes() == CONTENT
    assert sorted(p.name for p in (tmp_path / "podcasts").iterdir()) == [name]
    assert store.get_download(done.url).path == done.path  # type: ignore[union-attr]


def test_without_a_server_name_the_url_s_name_stays(
    server: FeedServer, store: Store, tmp_path: Path
) -> None:
    server.route("/get", Response(body=CONTENT, headers={"Content-Disposition": "attachment"}))
    settings = settings_for(tmp_path)
    queue_enclosure(store, settings, stored(store, server.url("/get")))
    (done,) = run_downloads(store, settings)
    assert done.path == str(tmp_path / "podcasts" / "get.mp3")
    assert Path(done.path).read_bytes() == CONTENT


def test_the_cap_s_error_is_the_one_downloads_knows() -> None:
    from tuinews import downloads
    from tuinews.fetch import download

    assert downloads.TOO_LARGE == download.TOO_LARGE
