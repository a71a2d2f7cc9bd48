"""Time from process start to the first frame showing headlines, against a minimal
Textual app measured in the same run (the floor).

    python benchmarks/startup.py [--runs 10] [PATH ...]

Each run is a fresh process (headless driver), timed from before the interpreter starts
to the first frame that shows headlines (the app records when it draws it), and to the
screen settled (nothing more waiting to be drawn: what ``call_after_refresh`` waits for).
Prints medians and the ratios to the minimal app.
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
    drawn = None

    def _display(self, screen, renderable):  # every frame goes to the terminal here
        super()._display(screen, renderable)
        if renderable is not None and self.drawn is None:
            self.drawn = time.time()

    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)

    def first_frame(self):
        print("FRAME", self.drawn, flush=True)
        print("SETTLED", time.time(), flush=True)
        self.exit()

Minimal().run(headless=True, size=(120, 40))
for line in open("/proc/self/status"):
    if line.startswith("VmHWM"):
        print("HWM", line.split()[1], flush=True)
"""

TUINEWS = """
import gc
import sys
import time

gc.disable()  # as the tuinews command does while the reader starts (on after the first frame)

from tuinews.library import EarlyStart, opener
from tuinews.settings import Settings
from tuinews.store import Store
from tuinews.ui.screens.results import FIRST_SCREEN

db, paths = sys.argv[1], sys.argv[2:]

if __name__ == "__main__":
    store = Store(db, exclusive=True)
    # As the tuinews command does: what to show is read while the UI is imported.
    early = EarlyStart(store, opener(store, paths), FIRST_SCREEN)

    from tuinews.ui.app import TuinewsApp

    class FirstFrame(TuinewsApp):
        drawn = None

        def _display(self, screen, renderable):  # every frame goes to the terminal here
            super()._display(screen, renderable)
            if renderable is not None and self.drawn is None and getattr(self.screen, "loaded", 0):
                self.drawn = time.time()  # the first frame with the headlines
                self.call_after_refresh(self.first_frame)  # then: settled

        def first_frame(self):
            print("FRAME", self.drawn, len(self.screen.shown), flush=True)
            print("SETTLED", time.time(), flush=True)
            self.exit()

    app = FirstFrame(store=store, early=early, settings=Settings(refresh_on_start=False))
    app.run(headless=True, size=(120, 40))
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            print("HWM", line.split()[1], flush=True)
"""


def time_process(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds from before the interpreter starts to the first frame showing headlines,
    to the screen settled: the first moment nothing more was waiting to be drawn)."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    marks = {
        line.split()[0]: line.split()[1] for line in done.stdout.splitlines() if line[:1].isupper()
    }
    return float(marks["FRAME"]) - start, float(marks["SETTLED"]) - start


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
    what = " ".join(args.paths) or "the welcome library"
    print(f"median of {args.runs} runs, from process start (headless)")
    for index, label in ((0, "first frame"), (1, "screen settled")):
        floor = statistics.median(run[index] for run in minimal)
        median = statistics.median(run[index] for run in ours)
        print(f"{label}:")
        print(f"  minimal Textual app   {floor * 1000:7.0f} ms")
        print(f"  tuinews ({what})  {median * 1000:7.0f} ms   ratio {median / floor:.2f}x")


if __name__ == "__main__":
    main()
