"""Playing an enclosure with the configured player (``player = ["mpv", "--no-video"]``):
the downloaded file if there is one, else its URL (http(s) only), appended to the
player's arguments as one argument. An argument list, never a shell; the player runs on
its own (no terminal: it must not draw over the reader), and a missing program is one
clear message."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tuinews.downloads import DownloadRefused, check_url, enclosure_of
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.store import Store


class PlayerError(Exception):
    """Why the player could not be started, for the user."""


def what_to_play(store: Store, article: Article, number: int = 1) -> str:
    """The downloaded file of the article's enclosure, else its URL (http(s) only)."""
    try:
        enclosure = enclosure_of(article, number)
    except DownloadRefused as refused:
        raise PlayerError(str(refused)) from None
    download = store.get_download(enclosure.url)
    if download is not None and download.state == "done" and Path(download.path).is_file():
        return download.path
    try:
        check_url(enclosure.url)
    except DownloadRefused:
        raise PlayerError(f"only http(s) enclosures are played, not {enclosure.url!r}") from None
    return enclosure.url


def player_command(settings: Settings, target: str) -> list[str]:
    """The player's argument list with ``target`` last, as one argument (a target that
    starts with "-" is a path made "./-..." so that it is never read as an option)."""
    if target.startswith("-"):
        target = os.path.join(".", target)
    return [*settings.player, target]


def start_player(settings: Settings, target: str) -> subprocess.Popen[bytes]:
    """Start the player on ``target`` and return at once."""
    argv = player_command(settings, target)
    program = argv[0]
    if shutil.which(program) is None:
        raise PlayerError(
            f"the player {program!r} was not found: install it, or set player in the config "
            '(player = ["mpv", "--no-video"])'
        )
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in the reader's terminal's process group
        )
    except OSError as error:
        raise PlayerError(
            f"could not start {program!r}: {error.strerror or type(error).__name__}"
        ) from None
