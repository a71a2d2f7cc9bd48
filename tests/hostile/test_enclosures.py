"""Hostile enclosures (issue 16; catalogue B15): a ``file://`` (or other non-web)
enclosure URL is never stored, downloaded or played, even when it reaches the store some
other way, nor through a redirect; a hostile file name stays a name inside the download
folder; an enclosure's strings are sanitised like every other; a refresh downloads
nothing by itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.builders import article
from tests.hostile.forbidden import FORBIDDEN, INVISIBLE
from tests.netserver import FeedServer, Response
from tuinews.downloads import DownloadRefused, queue_enclosure, run_downloads
from tuinews.formats import parse_feed
from tuinews.ingest import run_refresh
from tuinews.models import Enclosure
from tuinews.player import PlayerError, what_to_play
from tuinews.settings import Settings
from tuinews.store import Store

HOSTILE_NAME = "a%2F..%2F..%2F.bashrc;rm -rf ~;$(id).mp3"


def feed(*enclosures: str) -> bytes:
    tags = "".join(f'<enclosure url="{url}" type="audio/mpeg" length="1"/>' for url in enclosures)
    return (
        '<rss version="2.0"><channel><title>P</title><item><title>Ep</title><guid>1</guid>'
        f"<description>d</description>{tags}</item></channel></rss>"
    ).encode()


def test_file_urls_in_a_feed_are_never_stored(server: FeedServer, store: Store) -> None:
    server.route(
        "/p.xml",
        Response(
            body=feed("file:///etc/passwd", "FILE:/etc/shadow", "data:audio/mpeg;base64,AA==")
        ),
    )
    source = store.add_feed(server.url("/p.xml"))
    (result,) = run_refresh(store, Settings(), [source])
    assert result.status == "ok"
    assert store.database.read("SELECT COUNT(*) FROM enclosures")[0][0] == 0
    assert [r.path for r in server.requests] == ["/p.xml"]  # nothing else fetched


def test_a_file_url_that_reached_the_store_is_refused(store: Store, tmp_path: Path) -> None:
    """An enclosure written by an older version, an import or a bug: refused all the same,
    with a clear message, whether queued, already queued, or played."""
    settings = Settings(download_dir=str(tmp_path / "d"))
    source = store.add_feed("https://p.example/feed")
    store.upsert_articles(
        source.id, [article("1", enclosures=(Enclosure("file:///etc/passwd", "audio/mpeg"),))]
    )
    stored = store.get_article(store.ids_for_uids(source.id, ["1"])[0])
    assert stored is not None
    with pytest.raises(DownloadRefused) as refused:
        queue_enclosure(store, settings, stored)
    assert str(refused.value) == (
        "only http(s) enclosures are downloaded, not 'file:///etc/passwd'"
    )
    with pytest.raises(PlayerError, match="only http\\(s\\) enclosures are played"):
        what_to_play(store, stored)
    # A queued row with such a URL (written behind the service's back) fails, unread.
    store.queue_download("file:///etc/passwd", stored.id, "x", str(tmp_path / "d" / "passwd"))
    (failed,) = run_downloads(store, settings)
    assert failed.state == "failed" and "only http(s)" in failed.error
    assert not (tmp_path / "d" / "passwd").exists()
    assert not (tmp_path / "d" / "passwd.part").exists()


def test_a_redirect_to_a_file_url_fails(server: FeedServer, store: Store, tmp_path: Path) -> None:
    server.redirect("/ep.mp3", "file:///etc/passwd", status=302)
    settings = Settings(download_dir=str(tmp_path / "d"))
    source = store.add_feed("https://p.example/feed")
    url = server.url("/ep.mp3")
    store.upsert_articles(source.id, [article("1", enclosures=(Enclosure(url, "audio/mpeg"),))])
    stored = store.get_article(store.ids_for_uids(source.id, ["1"])[0])
    assert stored is not None
    queue_enclosure(store, settings, stored)
    (failed,) = run_downloads(store, settings)
    assert failed.state == "failed" and "non-http" in failed.error
    assert os.listdir(tmp_path / "d") == []


def test_a_hostile_file_name_stays_in_the_folder(
    server: FeedServer, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    settings = Settings(download_dir=str(tmp_path / "d"))
    parsed = parse_feed(feed(server.url(f"/{HOSTILE_NAME}")), server.url("/p.xml"))
    source = store.add_feed(server.url("/p.xml"))
    store.upsert_articles(source.id, parsed.articles)
    stored = store.get_article(store.ids_for_uids(source.id, [parsed.articles[0].uid])[0])
    assert stored is not None
    import httpx

    sent = httpx.URL(stored.enclosures[0].url).raw_path.decode()  # as the request has it
    server.route(sent, Response(body=b"ID3 episode"))
    queued = queue_enclosure(store, settings, stored)
    (done,) = run_downloads(store, settings)
    assert done.state == "done", done.error
    assert Path(queued.path).parent == tmp_path / "d"
    assert os.listdir(tmp_path / "d") == [Path(queued.path).name]
    assert "/" not in Path(queued.path).name and not Path(queued.path).name.startswith(".")
    assert list(work.iterdir()) == [] and not (tmp_path / ".bashrc").exists()


def test_enclosure_strings_are_sanitised() -> None:
    evil = "https://x.example/\u202eevil\u200b\x1b[31m.mp3"
    doc = feed(evil.replace("\x1b", "&#27;"))
    (parsed,) = parse_feed(doc, "https://x.example/f").articles
    for enclosure in parsed.enclosures:
        assert not FORBIDDEN.search(enclosure.url) and not INVISIBLE.search(enclosure.url)
        assert not FORBIDDEN.search(enclosure.type)


HOSTILE_DISPOSITIONS = {  # id: the header
    "dot-dot": 'attachment; filename="../../.bashrc"',
    "encoded-dot-dot": "attachment; filename*=UTF-8''..%2F..%2F..%2Fetc%2Fcron.d%2Fevil",
    "absolute": 'attachment; filename="/etc/passwd"',
    "windows-path": 'attachment; filename="C:\\\\Windows\\\\System32\\\\evil.exe"',
    "nul": "attachment; filename*=UTF-8''evil%00.mp3%00.sh",
    "controls": "attachment; filename*=UTF-8''%1B%5B31mred%07%0Aline.mp3",
    "bidi": "attachment; filename*=UTF-8''%E2%80%AEevil3pm.sh",
    "long": f'attachment; filename="{"a" * 5000}.mp3"',
    "only-dots": 'attachment; filename=".."',
    "device": 'attachment; filename="CON.mp3"',
    "dash": 'attachment; filename="-rf --no-preserve-root.mp3"',
}


@pytest.mark.parametrize(
    "header", list(HOSTILE_DISPOSITIONS.values()), ids=list(HOSTILE_DISPOSITIONS)
)
def test_a_hostile_server_file_name_stays_a_safe_name_in_the_folder(
    server: FeedServer,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    header: str,
) -> None:
    """Content-Disposition names the file (issue 16): a path, "..", NUL, controls, a
    bidi override, a Windows device or a 5,000-character name stays one safe name in the
    download folder, and the download completes."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    folder = tmp_path / "d"
    server.route("/get", Response(body=b"ID3 episode", headers={"Content-Disposition": header}))
    settings = Settings(download_dir=str(folder))
    source = store.add_feed("https://pod.example/feed")
    store.upsert_articles(
        source.id,
        [article("Ep", "Ep", enclosures=(Enclosure(server.url("/get"), "audio/mpeg"),))],
    )
    stored = store.get_article(store.ids_for_uids(source.id, ["Ep"])[0])
    assert stored is not None
    queue_enclosure(store, settings, stored)
    (done,) = run_downloads(store, settings)
    assert done.state == "done", done.error
    final = Path(done.path)
    assert final.parent == folder and os.listdir(folder) == [final.name]
    assert final.read_bytes() == b"ID3 episode"
    name = final.name
    assert "/" not in name and "\\" not in name and not name.startswith((".", "-"))
    assert not FORBIDDEN.search(name) and not INVISIBLE.search(name)
    assert "\x00" not in name and len(name.encode()) <= 150
    assert name.split(".")[0].upper() not in ("CON", "NUL")
    assert list(work.iterdir()) == [] and not (tmp_path / ".bashrc").exists()
