"""What the reader imports before its first frame: only what that frame needs. The rest
(parsers, fetching, dialogs, help, the refresh bar, the TOML reader with no settings
file, the query language, the store's accounts, sync, saved searches, rules, highlights
and transfer) is imported when first used, after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.builders import make_articles
from tuinews.store import Store

# The tuinews command itself (cli.main), in a subprocess whose standard streams say they
# are a terminal, on Textual's headless driver, up to its first frame with headlines;
# then the loaded modules are printed.
FIRST_FRAME = """
import io
import sys

import textual.app  # (imported by the command before its first frame anyway)


class Terminal(io.TextIOWrapper):
    def isatty(self):
        return True


sys.stdin = Terminal(sys.stdin.buffer)
sys.stdout = Terminal(sys.stdout.buffer, line_buffering=True)
seen = []
run, display = textual.app.App.run, textual.app.App._display


def headless_run(self, *args, **kwargs):
    return run(self, headless=True, size=(100, 30))


def first_frame(self, screen, renderable):
    display(self, screen, renderable)
    if renderable is not None and not seen and getattr(self.screen, "loaded", False):
        seen.append(len(self.screen.shown))
        seen.extend(sorted(sys.modules))
        self.exit()


textual.app.App.run, textual.app.App._display = headless_run, first_frame
from tuinews.cli import main

status = main([])
print(status, *(seen or ["no-frame"]), sep="\\n")
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
    # the query language (~10 ms): loaded with the first search, saved search or rule
    "tuinews.query.parse",
    "tuinews.query.terms",
    "tuinews.query.rules",
    "tuinews.store.query_sql",
    # the store's parts the first frame does not need (made when first used)
    "tuinews.store.accounts",
    "tuinews.store.sync",
    "tuinews.store.saved",
    "tuinews.store.rule_sql",
    "tuinews.store.rule_match",  # (and the rules' matcher in Python)
    "tuinews.query.matcher",
    "tuinews.store.highlight_sql",
    "tuinews.store.transfer",
    "PIL",  # images: decoded when the first one is shown
    "tuinews.images.loader",
    "tuinews.images.decode",
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
        [sys.executable, "-c", FIRST_FRAME],
        capture_output=True,
        text=True,
        timeout=60,
        # (config: the autouse fixture's, absent; images on, as in a terminal)
        env=dict(os.environ, TUINEWS_DB=str(db), TUINEWS_IMAGES="halfblock"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    status, shown, *modules = result.stdout.split()
    assert status == "0" and shown == "5"  # the first frame showed the stored headlines
    assert "tuinews.ui.widgets.headline_list" in modules  # what was printed is real
    early = sorted(name for name in LATER if name in modules)
    assert early == [], f"imported before the first frame: {early}"
