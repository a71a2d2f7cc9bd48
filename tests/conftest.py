"""Shared fixtures. Tests never touch the real home directory: config and data
directories point into tmp_path for every test, and no proxy from the environment is
used (the test servers are on 127.0.0.1).

- ``server``: a real HTTP server on 127.0.0.1 (tests/netserver.py), stopped afterwards.
- ``store``: an empty store in a real SQLite file in tmp_path, closed afterwards.
- ``fixtures``: the folder of fixture files.

Builders of test data (articles, feeds as text, stores holding articles) are in
tests/builders.py; the Pilot helpers in tests/ui/helpers.py."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.netserver import FeedServer
from tuinews.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "000_110e5bd00de09844.txt"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.delenv("TUINEWS_STATE", raising=False)
    monkeypatch.setenv("TUINEWS_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    # No images unless a test asks (articles in fixtures link to hosts that are not here).
    monkeypatch.setenv("TUINEWS_IMAGES", "off")
    yield home


@pytest.fixture(autouse=True)
def unfrozen_after() -> Iterator[None]:
    """The app's idle collector (tuinews.ui.idle_gc) freezes what lives when it starts and
    leaves it frozen as the app exits, for the process ends then. In the test process each
    app's objects stayed frozen, never collected: its store's connections (five descriptors
    a test: over 1,000 open by the end of a full run) and ~16,000 objects. Unfrozen after
    each test, the next full collection frees them."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1: ``server.route(path, Response(...))``."""
    with FeedServer() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in ``tmp_path / "tuinews.db"``, closed at the end."""
    with Store(tmp_path / "tuinews.db") as opened:
        yield opened
