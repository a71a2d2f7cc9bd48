"""Time from process start to the first frame showing headlines, against a minimal
Textual app measured in the same run (the floor).

    python benchmarks/startup.py [--runs 10] [PATH ...]

Each run is a fresh process (headless driver), timed from before the interpreter starts
to the first frame that shows headlines (printed by the app, then it exits). Prints medians
and the ratio to the minimal app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

MINIMAL = """
import time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)

    def first_frame(self):
        print("FRAME", time.time(), flush=True)
        self.exit()

Minimal().run(headless=True, size=(120, 40))
"""

TUINEWS = """
import sys
import time

from tuinews.library import opener
from tuinews.settings import Settings
from tuinews.store import Store

db, paths = sys.argv[1], sys.argv[2:]

if __name__ == "__main__":
    store = Store(db, exclusive=True)
    start = opener(store, paths)  # as the tuinews command does, before importing the UI

    from tuinews.ui.app import TuinewsApp

    class FirstFrame(TuinewsApp):
        def on_mount(self):  # runs after TuinewsApp.on_mount (Textual calls both)
            self.set_interval(0.002, self.check)

        def check(self):
            if getattr(self.screen, "loaded", False) and not hasattr(self, "done"):
                self.done = True
                self.call_after_refresh(self.first_frame)

        def first_frame(self):
            print("FRAME", time.time(), flush=True)
            self.exit()

    app = FirstFrame(store=store, start=start, settings=Settings(refresh_on_start=False))
    app.run(headless=True, size=(120, 40))
"""


def time_process(code: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, TUINEWS_CONFIG=os.path.join(home, "config.toml"))
        time_process(MINIMAL, [], env)  # warm the file cache
        db = os.path.join(home, "tuinews.db")
        time_process(TUINEWS, [db, *args.paths], env)  # a store that exists, as usual
        minimal, ours = [], []
        for _ in range(args.runs):
            minimal.append(time_process(MINIMAL, [], env))
            ours.append(time_process(TUINEWS, [db, *args.paths], env))
    floor = statistics.median(minimal)
    median = statistics.median(ours)
    what = " ".join(args.paths) or "the welcome library"
    print(f"first frame, median of {args.runs} runs (process start to first frame, headless)")
    print(f"  minimal Textual app   {floor * 1000:7.0f} ms")
    print(f"  tuinews ({what})  {median * 1000:7.0f} ms   ratio {median / floor:.2f}x")


if __name__ == "__main__":
    main()
