"""The CPU of storing a cold refresh's articles (issue 15), as the refresh's workers do:
``Store.upsert_articles`` feed after feed (``index_now=False``: indexed for search a batch
at a time), then ``index_pending`` (the refresh's last step), into a fresh database,
without rules and with the first N of ``benchmarks/triage_setup.py``'s.

The feeds are ``benchmarks/feedserver.py``'s (RSS, Atom and JSON Feed, 20 items of 2-5
KB), parsed once. Each store runs in a process of its own, with the code of each
``--src`` given (another version: ``git archive COMMIT src | tar -x -C /tmp/old``, then
``--src /tmp/old/src``), in alternation; it prints the medians of the process's CPU time
(user + system, which depends little on the machine's load), what the rules add, and a
fingerprint of what was stored (rows, flags, tags, search results: equal between
versions that store the same).

    python benchmarks/store_cpu.py [--feeds 300] [--runs 3] [--rules 50] [--src DIR...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEARCHES = ["the", "market", "said", "Costa", "title:election", "sign", "rain*", '"this week"']


def parsed_feeds(count: int, out: Path) -> None:
    from feedserver import FORMATS, make_feed

    from tuinews.formats import parse_feed

    feeds = []
    for index in range(count):
        title, body, _ = make_feed(index, FORMATS[index % 3], 20, 1, "http://127.0.0.1:1")
        feeds.append((f"http://127.0.0.1:1/feeds/{index}", title, parse_feed(body, "x").articles))
    out.write_bytes(pickle.dumps(feeds))


def fingerprint(path: Path) -> str:
    import sqlite3

    digest = hashlib.sha1()
    with sqlite3.connect(path) as db:
        for query in (
            "SELECT id, feed_id, uid, title, author, link, published, body, text, digest, "
            "read, starred, hidden, title_key FROM articles ORDER BY id",
            "SELECT * FROM article_tags ORDER BY 1, 2",
            "SELECT id, title, etag FROM feeds ORDER BY id",
        ):
            digest.update(repr(db.execute(query).fetchall()).encode())
        for search in SEARCHES:
            found = db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid",
                (search,),
            )
            digest.update(repr(found.fetchall()).encode())
    return digest.hexdigest()[:12]


def store_once(feeds_file: Path, rules: int, folder: Path) -> dict[str, object]:
    """In the child: store the feeds; the CPU it took and what was stored."""
    import resource

    from triage_setup import TAGS
    from triage_setup import rules as benchmark_rules

    from tuinews.query.rules import make_rule
    from tuinews.store import FeedSuccess, Store
    from tuinews.store.store import worker_store

    feeds = pickle.loads(feeds_file.read_bytes())
    made = tuple(make_rule(f"rule {n}", *rule) for n, rule in enumerate(benchmark_rules()))
    path = folder / "store.db"
    Store(path).close()
    store = worker_store(str(path))  # (as a worker has it: the log copied every 40 MB)
    ids = [
        store.add_feed(url, title, tags=TAGS[n % len(TAGS)]).id
        for n, (url, title, _) in enumerate(feeds)
    ]
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.process_time()
    for feed_id, (_, title, articles) in zip(ids, feeds, strict=True):
        store.upsert_articles(
            feed_id,
            articles,
            keep=1000,
            index_now=False,
            success=FeedSuccess(title=title, etag='"e"'),
            rules=made[:rules],
        )
    stored = time.process_time()
    store.index_pending()
    end = time.process_time()
    after = resource.getrusage(resource.RUSAGE_SELF)
    store.close()
    return {
        "cpu": end - start,
        "last": end - stored,
        "system": after.ru_stime - before.ru_stime,
        "stored": fingerprint(path),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--src", nargs="*", default=[str(HERE.parent / "src")])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        feeds_file, rules, folder = args.child
        print(json.dumps(store_once(Path(feeds_file), int(rules), Path(folder))))
        return
    with tempfile.TemporaryDirectory(prefix="store-cpu-") as work:
        feeds_file = Path(work) / "feeds.pickle"
        parsed_feeds(args.feeds, feeds_file)
        results: dict[tuple[str, int], list[dict[str, object]]] = {}
        for run in range(args.runs):
            sources = args.src if run % 2 == 0 else args.src[::-1]
            for src in sources:
                for rules in (0, args.rules):
                    folder = Path(tempfile.mkdtemp(dir=work))
                    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, str(HERE)]))
                    child = [sys.executable, __file__, "--child", str(feeds_file), str(rules)]
                    done = subprocess.run(
                        [*child, str(folder)], env=env, capture_output=True, text=True, check=True
                    )
                    results.setdefault((src, rules), []).append(json.loads(done.stdout))
    print(f"{args.feeds} feeds x 20 items, {args.runs} runs, load {os.getloadavg()[0]:.1f}")
    for src in args.src:
        cpu = {}
        for rules in (0, args.rules):
            runs = results[(src, rules)]
            cpu[rules] = statistics.median(float(r["cpu"]) for r in runs)  # type: ignore[arg-type]
            last = statistics.median(float(r["last"]) for r in runs)  # type: ignore[arg-type]
            system = statistics.median(float(r["system"]) for r in runs)  # type: ignore[arg-type]
            print(
                f"  {src} with {rules} rules: {cpu[rules]:.3f} s CPU "
                f"(system {system:.3f}, the last indexing {last:.3f}), "
                f"stored {sorted({str(r['stored']) for r in runs})}"
            )
        added = cpu[args.rules] - cpu[0]
        print(
            f"  {src}: {args.rules} rules add {added:.3f} s, {added / args.feeds * 1e3:.2f} ms a feed"
        )


if __name__ == "__main__":
    main()
