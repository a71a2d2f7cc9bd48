"""Time from process start to the first frame showing headlines, against a minimal
Textual app measured in the same run (the floor).

    python benchmarks/startup.py [--runs 11] [PATH ...]

Two ways, each a fresh process per run, timed from before the process starts:

- **The tuinews command in a terminal**: the real ``tuinews`` command (its console
  script, with default settings) in a pseudo-terminal of 120x40, until the title of the
  newest headline is written to the terminal; beside it, a minimal Textual app in the
  same kind of terminal, until its text is written. Peak RSS is read from /proc then.
- **Headless**: a script that starts the reader as the command does, on Textual's
  headless driver, which records the first frame it draws with headlines (``App._display``)
  and then the screen settled (nothing more waiting to be drawn: what
  ``call_after_refresh`` waits for); beside the same minimal app, headless.

Prints medians and the ratios to the minimal app.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

from refresh import tuinews_command  # the console script beside this Python

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

from tuinews.cli import plain_paths
from tuinews.startup import EarlyStart, opener
from tuinews.settings import config_path, load_settings
from tuinews.sources.paths import check_paths
from tuinews.store import Store
from tuinews.search_results import FIRST_SCREEN

db = sys.argv[1]

if __name__ == "__main__":
    # As the tuinews command does (cli._run_app), but for the terminal checks.
    args = plain_paths(sys.argv[2:])
    settings, problems = load_settings(config_path())
    check_paths(args.paths)
    store = Store(db)
    # What to show is read while the UI is imported.
    early = EarlyStart(store, opener(store, args.paths), FIRST_SCREEN)

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

    app = FirstFrame(store=store, early=early, settings=settings, problems=problems)
    app.run(headless=True, size=(120, 40))
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            print("HWM", line.split()[1], flush=True)
"""


# The minimal app in a terminal: the same app as MINIMAL, on the terminal's own driver.
MINIMAL_IN_TERMINAL = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello, minimal")

Minimal().run()
"""
MINIMAL_MARKER = b"hello, minimal"
CTRL_Q = b"\x11"  # what quits a Textual app by default


def newest_title(db: str) -> bytes:
    """What the first frame of ``db`` shows first: the newest headline's title (its
    beginning, which fits the headline pane)."""
    from tuinews.store import Store, View

    store = Store(db)
    try:
        first = store.first_page(View(), rows=1)
    finally:
        store.close()
    return first.rows[0].title.strip()[:16].encode()


def in_terminal(
    argv: list[str],
    marker: bytes,
    env: dict[str, str],
    quit: bytes = b"q",
    size: tuple[int, int] = (40, 120),
) -> tuple[float, float]:
    """(seconds from before the process starts until ``marker`` is written to its terminal,
    the process's peak RSS in MiB then). Then it is asked to quit with the key ``quit``."""
    master, slave = pty.openpty()
    written, seen, hwm = b"", float("nan"), float("nan")
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    try:
        while time.perf_counter() - start < 60:
            if not select.select([master], [], [], 1.0)[0]:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break  # it exited
            written = written[-len(marker) :] + chunk  # (the marker may straddle reads)
            if marker in written:
                seen = time.perf_counter() - start
                with open(f"/proc/{process.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM"):
                            hwm = int(line.split()[1]) / 1024
                break
        os.write(master, quit)
        asked, tail = time.perf_counter(), b""
        while process.poll() is None and time.perf_counter() - asked < 10:
            # What it still writes is read: a full terminal would block its writes.
            if select.select([master], [], [], 0.01)[0]:
                with contextlib.suppress(OSError):
                    tail = (tail + os.read(master, 1 << 16))[-2000:]
        if process.poll() is None:
            print(f"{argv[0]} did not quit on {quit!r}", file=sys.stderr)
        elif process.returncode != 0:
            print(f"{argv[0]} exited with {process.returncode}: {tail[-500:]!r}", file=sys.stderr)
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)  # its session: worker processes too
            process.wait()
        os.close(master)
    if seen != seen:
        raise RuntimeError(
            f"{argv[0]}: {marker!r} never appeared in its terminal; it wrote {written[-300:]!r}"
        )
    return seen, hwm


def terminal_runs(
    runs: int, env: dict[str, str], marker: bytes, paths: list[str] | None = None
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(minimal app, ``tuinews PATH...``) first frames in a terminal, interleaved. The
    store is the one in ``env`` (TUINEWS_DB), as a user's would be."""
    minimal_argv = [sys.executable, "-c", MINIMAL_IN_TERMINAL]
    ours_argv = [*tuinews_command(), *(paths or [])]
    env = dict(env, TERM="xterm-256color")
    in_terminal(minimal_argv, MINIMAL_MARKER, env, CTRL_Q)  # warm the file cache
    in_terminal(ours_argv, marker, env)
    minimal, ours = [], []
    for _ in range(runs):
        minimal.append(in_terminal(minimal_argv, MINIMAL_MARKER, env, CTRL_Q))
        ours.append(in_terminal(ours_argv, marker, env))
    return minimal, ours


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
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    paths = [os.path.abspath(path) for path in args.paths]
    with tempfile.TemporaryDirectory() as home:
        db = os.path.join(home, "tuinews.db")
        env = dict(
            os.environ, HOME=home, TUINEWS_CONFIG=os.path.join(home, "config.toml"), TUINEWS_DB=db
        )
        time_process(MINIMAL, [], env)  # warm the file cache
        time_process(TUINEWS, [db, *paths], env)  # a store that exists, as usual
        minimal, ours = [], []
        for _ in range(args.runs):
            minimal.append(time_process(MINIMAL, [], env))
            ours.append(time_process(TUINEWS, [db, *paths], env))
        with_terminal = terminal_runs(args.runs, env, newest_title(db), paths)
    what = " ".join(args.paths) or "the welcome library"
    print(f"median of {args.runs} runs, from process start")
    floor = statistics.median(run[0] for run in with_terminal[0])
    median = statistics.median(run[0] for run in with_terminal[1])
    rss = statistics.median(run[1] for run in with_terminal[1])
    print("the tuinews command in a terminal (120x40), first frame with headlines:")
    print(f"  minimal Textual app   {floor * 1000:7.0f} ms")
    print(
        f"  tuinews ({what})  {median * 1000:7.0f} ms   ratio {median / floor:.2f}x  ({rss:.0f} MiB)"
    )
    for index, label in ((0, "headless, first frame"), (1, "headless, screen settled")):
        floor = statistics.median(run[index] for run in minimal)
        median = statistics.median(run[index] for run in ours)
        print(f"{label}:")
        print(f"  minimal Textual app   {floor * 1000:7.0f} ms")
        print(f"  tuinews ({what})  {median * 1000:7.0f} ms   ratio {median / floor:.2f}x")


if __name__ == "__main__":
    main()
