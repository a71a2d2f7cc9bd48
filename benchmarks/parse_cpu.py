"""Parse CPU of the refresh benchmark's feeds, old code against new in the same run.

    git archive <commit> src | tar -x -C /tmp/old
    python benchmarks/parse_cpu.py --old /tmp/old/src [--feeds 200] [--runs 5] [--real DIR...]

Builds the feeds ``benchmarks/refresh.py`` serves (``feedserver.make_feed``: a third each
RSS, Atom and JSON Feed, 20 items of 2-5 KB of HTML), then in child processes, alternating
which code goes first, times ``parse_feed`` over all of them with ``time.process_time`` (the
CPU a refresh worker spends parsing; building the feeds is not timed). ``--real`` adds the
files under each folder (feedparser's test corpus, say) as a second set. Prints the medians,
the ratio new/old and the load before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW_SRC = HERE.parent / "src"


def child(feeds: int, real: list[str]) -> None:
    sys.path.insert(0, str(HERE))
    from feedserver import FORMATS, make_feed

    from tuinews.formats import parse_feed

    origin = "http://127.0.0.1:8000"
    sets: dict[str, list[tuple[bytes, str]]] = {
        "benchmark feeds": [
            (make_feed(i, FORMATS[i % 3], 20, 1, origin)[1], f"{origin}/feeds/{i}")
            for i in range(feeds)
        ],
        "real files": [
            (path.read_bytes(), "http://example.org/feed")
            for folder in real
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file()
        ],
    }
    times = {}
    for name, documents in sets.items():
        for data, url in documents[:3]:  # (imports and first-use set-up: not timed)
            _parse(parse_feed, data, url)
        started = time.process_time()
        for data, url in documents:
            _parse(parse_feed, data, url)
        times[name] = (time.process_time() - started, len(documents))
    print(json.dumps(times))


def _parse(parse_feed: Callable[[bytes, str], object], data: bytes, url: str) -> None:
    with contextlib.suppress(Exception):  # (not a feed: timed all the same)
        parse_feed(data, url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the old code's src folder")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--real", nargs="*", default=[])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.feeds, args.real)
        return 0
    command = [sys.executable, __file__, "--child", "--old", "-", "--feeds", str(args.feeds)]
    command += ["--real", *args.real] if args.real else []
    results: dict[str, list[dict[str, list[float]]]] = {"old": [], "new": []}
    load_before = os.getloadavg()
    for run in range(args.runs):
        for which in ("old", "new") if run % 2 == 0 else ("new", "old"):
            env = dict(os.environ, PYTHONPATH=args.old if which == "old" else str(NEW_SRC))
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            results[which].append(json.loads(out.stdout))
    load_after = os.getloadavg()
    for name in results["old"][0]:
        count = results["old"][0][name][1]
        old = statistics.median(r[name][0] for r in results["old"])
        new = statistics.median(r[name][0] for r in results["new"])
        if count:
            print(
                f"{name}: {count} documents, old {old:.3f} s, new {new:.3f} s CPU "
                f"(medians of {args.runs}), new/old {new / old:.3f}; "
                f"a document: {old / count * 1000:.2f} -> {new / count * 1000:.2f} ms"
            )
    print(f"load (1, 5, 15 min) before {load_before}, after {load_after}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
