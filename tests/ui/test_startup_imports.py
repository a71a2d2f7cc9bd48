"""What the reader imports before its first frame: only what that frame needs. The rest
(parsers, fetching, dialogs, help, the refresh bar, the TOML reader with no settings
file) is imported when first used, after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.ui.helpers import make_articles
from tuinews.store import Store

# Started as the tuinews command starts the reader (cli._run_app), up to its first frame
# with headlines, then the loaded modules are printed.
FIRST_FRAME = """
import gc
import sys

gc.disable()  # as the command does
from tuinews.cli import plain_paths
from tuinews.library import EarlyStart, opener
from tuinews.settings import config_path, load_settings
from tuinews.sources.paths import check_paths
from tuinews.store import Store
from tuinews.ui.screens.results import FIRST_SCREEN

args = plain_paths([])
settings, problems = load_settings(config_path())
check_paths(args.paths)
store = Store(sys.argv[1], exclusive=True)
early = EarlyStart(store, opener(store, args.paths), FIRST_SCREEN)

from tuinews.ui.app import TuinewsApp


class FirstFrame(TuinewsApp):
    seen = None
    shown = 0

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and self.seen is None and getattr(self.screen, "loaded", 0):
            self.seen = sorted(sys.modules)
            self.shown = len(self.screen.shown)
            self.exit()


app = FirstFrame(store=store, early=early, settings=settings, problems=problems)
app.run(headless=True, size=(100, 30))
early.stop(wait=10)
store.close()
print(app.shown if app.seen else "no-frame")
print("\\n".join(app.seen or []))
"""

LATER = [
    "tuinews.formats",  # parsers: files are opened in workers
    "tuinews.sources.local",
    "tuinews.ingest",  # refreshing
    "tuinews.ui.screens.dialogs",
    "tuinews.ui.screens.help",
    "textual.widgets._progress_bar",  # the refresh status line's bar
    "tomllib",  # there is no settings file here
    "httpx",
    "feedparser",
    "markdownify",
    "lxml",
    "rich.markdown",
]


def test_the_first_frame_imports_only_what_it_shows(tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    store = Store(db)
    # Default settings (no settings file): a refresh on start, of a feed on a closed
    # port of this machine (tests never go online); it may start after the first frame.
    feed = store.add_feed("http://127.0.0.1:9/feed.xml", title="Closed")
    store.upsert_articles(feed.id, make_articles(5))
    store.close()
    assert not (tmp_path / "config.toml").exists()
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shown, *modules = result.stdout.split()
    assert shown == "5"  # the first frame showed the stored headlines
    assert "tuinews.ui.widgets.headline_list" in modules  # what was printed is real
    early = sorted(name for name in LATER if name in modules)
    assert early == [], f"imported before the first frame: {early}"
