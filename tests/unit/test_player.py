"""The player (issue 16): the configured argument list with the downloaded file or the
URL appended as one argument, never through a shell; a missing program is one clear
message. The player is a recording script written here (it writes its argv to a file)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.models import Article, Enclosure
from tuinews.player import PlayerError, start_player, what_to_play
from tuinews.settings import Settings
from tuinews.store import Store

HOSTILE = "https://x.example/a b;$(touch pwned)`id`|cat.mp3"


def recorder(tmp_path: Path) -> tuple[Settings, Path]:
    """A player that records its arguments in ``argv.json``."""
    record = tmp_path / "argv.json"
    script = tmp_path / "player.py"
    script.write_text(
        f"import json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    return Settings(player=(sys.executable, str(script), "--no-video")), record


def recorded(record: Path) -> list[str]:
    deadline = time.monotonic() + 20
    while not record.exists() or not record.read_text():
        assert time.monotonic() < deadline, "the player never ran"
        time.sleep(0.02)
    return list(json.loads(record.read_text()))


def stored(store: Store, url: str) -> Article:
    feed = store.add_feed("https://pod.example/feed")
    store.upsert_articles(feed.id, [article("e", enclosures=(Enclosure(url, "audio/mpeg"),))])
    found = store.get_article(store.ids_for_uids(feed.id, ["e"])[0])
    assert found is not None
    return found


def test_the_url_is_one_argument_never_a_shell(store: Store, tmp_path: Path) -> None:
    settings, record = recorder(tmp_path)
    episode = stored(store, HOSTILE)
    target = what_to_play(store, episode)
    start_player(settings, target).wait(20)
    assert recorded(record) == ["--no-video", episode.enclosures[0].url]
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_downloaded_file_is_played_instead(store: Store, tmp_path: Path) -> None:
    settings, record = recorder(tmp_path)
    episode = stored(store, "https://x.example/ep.mp3")
    file = tmp_path / "ep.mp3"
    file.write_bytes(b"ID3")
    download = store.queue_download(episode.enclosures[0].url, episode.id, "e", str(file))
    assert what_to_play(store, episode) == episode.enclosures[0].url  # not done yet
    store.finish_download(download.id, "done", 3)
    start_player(settings, what_to_play(store, episode)).wait(20)
    assert recorded(record) == ["--no-video", str(file)]


def test_a_missing_player_is_a_clear_message(tmp_path: Path) -> None:
    settings = Settings(player=("no-such-player-tuinews", "--x"))
    with pytest.raises(PlayerError, match="the player 'no-such-player-tuinews' was not found"):
        start_player(settings, "https://x.example/ep.mp3")


def test_only_http_enclosures_are_played(store: Store) -> None:
    local = Article(title="t", source="", body="", enclosures=(Enclosure("file:///etc/passwd"),))
    with pytest.raises(PlayerError, match="only http\\(s\\) enclosures are played"):
        what_to_play(store, local)
    with pytest.raises(PlayerError, match="no enclosure"):
        what_to_play(store, Article(title="t", source="", body=""))
