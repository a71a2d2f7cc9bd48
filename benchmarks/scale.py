"""Scale benchmark (issue 6): tuinews with 100,000 articles across 1,000 feeds.

    python benchmarks/scale.py [--n 100000] [--db PATH] [--runs 5] [--steps 1000]
                               [--skip startup,j,search,app-search,refresh,orders,orders-j,images,
                                       triage-startup,triage-counts,triage-j]
                               [--triage-rounds 5] [--triage-batch 100x20] [--profile]

Builds (once; cached at ``--db``, default /tmp/scale/store-N.db) a store through the
project's own API (``Store.add_feed``, ``Store.upsert_articles`` with ``Article`` objects,
one batch per feed): 1,000 feeds whose URLs are those of ``benchmarks/feedserver.py`` on
``--port`` (so the same store can be refreshed from the loopback server), titles of 40-100
characters, Markdown bodies of 2-5 KB (headings, paragraphs, links, lists, emphasis), plus
one feed of 300 articles of 50 KB and one of 100 of 500 KB (dated before the others, so
the newest 1,000 headlines are the ordinary 2-5 KB ones). Words follow a Zipf law over
English words (so "the" is in every article and "government" in most) plus invented rare
words, each in about 100 articles.

Then it measures, printing medians (and p95) each beside a reference from the same run:

1. First frame, both ways ``benchmarks/startup.py`` measures it, a fresh process per run,
   timed from before the process starts, beside a minimal Textual app started the same
   way: the real ``tuinews`` command (``TUINEWS_DB`` naming the store)
   in a 120x40 pseudo-terminal, until the newest headline's title is written to it (the
   default settings, but for ``refresh_on_start``, whose check after the first frame would
   write fetch errors into the store: nothing serves its feeds then); and
   headless, the reader started as the command starts it, until the first frame it
   draws with headlines, then the screen settled. Peak RSS is the process's VmHWM at the
   first frame (terminal) or as it exits (headless).
2. ``j`` steps, in-process under ``app.run_test()``: a ``Key("j")`` event is posted to the
   app (what the driver does for a key press; not ``pilot.press``, which waits for idle and
   costs ~62 ms a key) at the key-repeat rate (``--interval``, 33 ms) or as soon as the
   previous step's frame appeared, whichever is later. A step's time is from posting the
   key to the first ``App._display`` (the compositor has rendered the frame) after which
   the headline cursor is on the next row. At the end of the list the direction reverses
   (``k``). Read flags are reset first (an unread article is marked read once it is
   shown, which costs a store write and a feed-list update; earlier runs would otherwise
   leave them read). The frame is found by the cursor it showed (recorded at each
   ``_display``), not by polling the cursor, which can see the move after its frame. Done over all articles (5 KB), then the 50 KB feed and the
   500 KB feed. Also
   reported: the longest gap of a 10 ms heartbeat timer (UI stall) during the steps, the
   most threads alive at once, and the time from the last key until the article pane
   shows the current article ("settle").
3. Search: per keystroke (every prefix of what is typed) for common words, rare words,
   short prefixes and phrases: ``parse_query`` + ``Store.headlines(View(), query,
   ranked=True)``, every match ranked (what the search bar did before issue 6), beside
   ``Store.first_page`` (what it fetches first since; before it, the ranked query with
   LIMIT 50; a one-letter prefix, which the search bar leaves until typing pauses, costs
   only compiling the query there). Then through the app's
   search bar: each character posted as a key to the focused search bar, timed to the
   first frame after the results for that text were handed to the headline list.
4. Refresh: the store is copied, the feed server started on ``--port`` with 1,000 feeds,
   the app opened on the copy, and ``R`` (``action_refresh_all``) run while a 10 ms
   heartbeat timer records the longest gap between its ticks.
5. Orders and highlights: per headline order, the store's first page, every id and a
   feed's first page, with their ratio to newest first; the feed list read in each feed
   order; ten highlights matched against pages of 100 headlines; then ``j`` (as in 2,
   ``--steps`` up to 500 per case) through All articles in each order and newest first
   with the ten highlights on, in one app, in five rounds of every case in turn (so the
   machine's other work weighs on each alike), each beside newest first.
6. Images (``benchmarks/image_steps.py``): ``j`` with images on, Kitty and half blocks,
   at 5, 50 and 500 KB, and the longest UI gap while each article's images load.

6. A power user's triage setup (issue 15; ``benchmarks/triage_setup.py``): 20 saved
   searches and feed tags on a copy of the store (made once, beside it), 50 rules and
   the ten highlights of 5 in the config. The first frame as in 1 with the setup, then
   without it (the plain store, the default config), each beside the minimal app; how
   long after a refresh's batch (``--triage-batch`` new articles stored as a refresh
   stores them, the rules applied) the feed list has the saved searches' counts, in
   ``--triage-rounds`` rounds, each beside the counts made in full (after a refresh);
   ``j`` with the highlights on and off, as in 5, over the setup's store.

``--profile`` adds cProfile summaries (top functions by cumulative time) of the start-up
work on the UI thread and in the load thread, and of one search. Nothing under src/ is
changed; timings are wall-clock on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from startup import (  # this folder is on the path when run as a script
    MINIMAL,
    TUINEWS,
    newest_title,
    terminal_runs,
)

HERE = Path(__file__).resolve().parent
PORT = 38417
HOSTS = 8
FORMATS = ("rss", "atom", "json")
EXT = {"rss": "xml", "atom": "atom", "json": "json"}
BASE_TIME = 1_767_225_600  # 2026-01-01
BIG = {998: (300, 50_000), 999: (100, 500_000)}  # feed index: (articles, body bytes)
GENERATOR = "v1"

COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "more",
    "had",
    "one",
    "new",
    "has",
    "were",
    "their",
    "been",
    "would",
    "there",
    "will",
    "said",
    "government",
    "people",
    "year",
    "market",
    "world",
    "city",
    "company",
    "police",
    "report",
    "state",
    "public",
    "minister",
    "security",
    "economy",
    "energy",
    "school",
    "health",
    "court",
    "water",
    "climate",
    "election",
    "policy",
    "bank",
    "prices",
    "interest",
    "rates",
    "rise",
    "fall",
    "week",
    "president",
    "council",
    "housing",
    "workers",
    "strike",
    "trade",
    "border",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "zi",
    "pa",
    "qu",
    "ber",
    "dan",
    "fel",
    "gor",
    "hin",
    "jus",
    "kel",
    "lam",
    "mor",
    "nor",
    "pel",
    "rin",
    "sul",
    "tor",
    "vin",
]


def feed_url(index: int, port: int) -> str:
    fmt = FORMATS[index % len(FORMATS)]
    return f"http://127.0.0.{1 + index % HOSTS}:{port}/feeds/{index}.{EXT[fmt]}"


def rare_words(count: int = 1000) -> list[str]:
    rng = random.Random(7)
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(4)) + "x")
    return sorted(words)


class Generator:
    """Seeded synthetic Markdown articles, assembled from a pool of paragraphs."""

    def __init__(self, seed: int = 1) -> None:
        rng = self.rng = random.Random(seed)
        invented = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(6000)
        ]
        vocab = COMMON + invented
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
        self.rare = rare_words()
        self.paragraphs = []
        for _ in range(3000):
            words = rng.choices(vocab, weights, k=rng.randint(40, 90))
            if rng.random() < 0.3:
                at = rng.randrange(len(words))
                words[at] = f"[{words[at]}](https://example.com/{rng.randrange(10**6)})"
            if rng.random() < 0.2:
                at = rng.randrange(len(words))
                words[at] = f"**{words[at]}**"
            text = " ".join(words)
            self.paragraphs.append(text[0].upper() + text[1:] + ".")
        self.titles = [" ".join(rng.choices(vocab, weights, k=14)) for _ in range(5000)]

    def title(self) -> str:
        text = self.rng.choice(self.titles)[: self.rng.randint(40, 100)]
        return text[0].upper() + text[1:]

    def body(self, size: int, extra: str) -> tuple[str, str]:
        rng = self.rng
        parts = [f"{rng.choice(self.paragraphs)} {extra}"]
        total = len(parts[0])
        while total < size:
            roll = rng.random()
            if roll < 0.08:
                part = "## " + rng.choice(self.titles)[:50]
            elif roll < 0.14:
                part = "\n".join("- " + rng.choice(self.paragraphs)[:70] for _ in range(4))
            elif roll < 0.17:
                part = "> " + rng.choice(self.paragraphs)
            else:
                part = rng.choice(self.paragraphs)
            parts.append(part)
            total += len(part) + 2
        body = "\n\n".join(parts)
        text = body.replace("**", "").replace("## ", "").replace("- ", "").replace("> ", "")
        return body, text


def build(db: Path, n: int, feeds: int, port: int) -> None:
    from datetime import UTC, datetime

    from tuinews.models import Article
    from tuinews.store import Store

    gen = Generator()
    big_total = sum(count for count, _ in BIG.values())
    small = max(0, n - big_total)
    per_feed = [
        small // (feeds - len(BIG)) + (i < small % (feeds - len(BIG)))
        for i in range(feeds - len(BIG))
    ]
    started = time.perf_counter()
    tmp = db.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    serial = 0
    with Store(tmp) as store:
        for index in range(feeds):
            feed = store.add_feed(
                feed_url(index, port), title=f"Feed {index:04d} {gen.title()[:30]}"
            )
            count, size = BIG.get(index, (per_feed[index] if index < len(per_feed) else 0, 0))
            articles = []
            for k in range(count):
                serial += 1
                extra = gen.rare[serial % len(gen.rare)] if serial % 10 == 0 else ""
                body, text = gen.body(size or gen.rng.randint(2000, 5000), extra)
                if size:  # the long ones: older than everything else
                    stamp = BASE_TIME - 4 * 365 * 86400 - gen.rng.randrange(365 * 86400)
                else:
                    stamp = BASE_TIME - gen.rng.randrange(3 * 365 * 86400)
                articles.append(
                    Article(
                        title=gen.title(),
                        source="",
                        body=body,
                        kind="markdown",
                        text=text,
                        author=gen.rng.choice(["", "A. Writer", "B. Reporter", "C. Desk"]),
                        date=datetime.fromtimestamp(stamp, tz=UTC),
                        link=f"https://example.com/{index}/{k}",
                        uid=f"synthetic-{index}-{k}",
                    )
                )
            if articles:
                store.upsert_articles(feed.id, articles)
            if index % 100 == 99:
                print(
                    f"  built {index + 1} feeds, {serial} articles, "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
    tmp.rename(db)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    print(
        f"built {serial} articles in {time.perf_counter() - started:.0f} s, "
        f"{db.stat().st_size / 2**20:.0f} MiB",
        flush=True,
    )


# --- statistics ----------------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- 1. first frame ------------------------------------------------------------------------

# The two apps' scripts (the minimal one, and tuinews started as the tuinews command does)
# are startup.py's: MINIMAL, TUINEWS (a store path, then paths to open, if any).


def run_child(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """(seconds to the first frame showing headlines, to the screen settled (nothing more
    waiting to be drawn), to exit; peak RSS MiB), all from before the interpreter starts."""
    start_wall, start = time.time(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    total = time.perf_counter() - start
    frame = settled = hwm = float("nan")
    for line in done.stdout.splitlines():
        if line.startswith("FRAME"):
            frame = float(line.split()[1]) - start_wall
        elif line.startswith("SETTLED"):
            settled = float(line.split()[1]) - start_wall
        elif line.startswith("HWM"):
            hwm = int(line.split()[1]) / 1024
    if done.returncode != 0 or frame != frame:
        print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
    return frame, settled, total, hwm


def first_title(db: Path, extra: str) -> bytes:
    """What the first frame shows first: the first headline's title (its beginning), in
    the order the config's lines ``extra`` give (newest first: startup.newest_title)."""
    import tomllib

    from tuinews.store import Store, View

    order = tomllib.loads(extra).get("sort_headlines", "newest")
    if order == "newest":
        return newest_title(str(db))
    with Store(db) as store:
        first = store.first_page(View(), rows=1, order=order)
    return first.rows[0].title.strip()[:16].encode()


def bench_startup(db: Path, runs: int, extra: str = "") -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        # The defaults, but for the refresh on start: its check runs after the first
        # frame, and would write fetch errors (nothing serves these feeds now) into the
        # store the other measures use.
        config = Path(home) / "config.toml"
        config.write_text("refresh_on_start = false\n" + extra)
        env = dict(os.environ, HOME=home, TUINEWS_CONFIG=str(config), TUINEWS_DB=str(db))
        run_child(MINIMAL, [], env)
        run_child(TUINEWS, [str(db)], env)  # warm the file cache
        minimal, ours = [], []
        for _ in range(runs):
            minimal.append(run_child(MINIMAL, [], env))
            ours.append(run_child(TUINEWS, [str(db)], env))
        term_minimal, term_ours = terminal_runs(runs, env, first_title(db, extra))
    result = {
        "term_min": med([m[0] for m in term_minimal]),
        "term_min_rss": med([m[1] for m in term_minimal]),
        "term": med([o[0] for o in term_ours]),
        "term_rss": med([o[1] for o in term_ours]),
        "min_frame": med([m[0] for m in minimal]),
        "min_settled": med([m[1] for m in minimal]),
        "min_rss": med([m[3] for m in minimal]),
        "frame": med([o[0] for o in ours]),
        "settled": med([o[1] for o in ours]),
        "exit": med([o[2] for o in ours]),
        "rss": med([o[3] for o in ours]),
    }
    print(
        f"the tuinews command in a terminal, first frame, median of {runs}: minimal "
        f"{result['term_min'] * 1000:.0f} ms ({result['term_min_rss']:.0f} MiB), tuinews "
        f"{result['term'] * 1000:.0f} ms ({result['term_rss']:.0f} MiB)",
        flush=True,
    )
    print(
        f"headless, first frame, median of {runs}: minimal {result['min_frame'] * 1000:.0f} ms "
        f"({result['min_rss']:.0f} MiB), tuinews {result['frame'] * 1000:.0f} ms "
        f"(screen settled {result['settled'] * 1000:.0f} ms, minimal "
        f"{result['min_settled'] * 1000:.0f} ms; process exit {result['exit'] * 1000:.0f} ms), "
        f"peak RSS {result['rss']:.0f} MiB",
        flush=True,
    )
    return result


# --- in-process app harness ----------------------------------------------------------------


OPEN_STORES: list = []


def run_apps(coroutine) -> None:  # type: ignore[no-untyped-def]
    """Run an in-process benchmark, then close the stores it opened (their locks)."""
    try:
        asyncio.run(coroutine)
    finally:
        while OPEN_STORES:
            OPEN_STORES.pop().close()


def mark_all_unread(db: Path) -> None:
    """Earlier runs marked the articles they stepped over read; a ``j`` onto an unread
    article also writes the flag and updates the feed list's counts, so start afresh."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE articles SET read = 0 WHERE read = 1")


def make_app(db: Path, **settings: object):
    from functools import partial

    from textual import events

    from tuinews.settings import Settings
    from tuinews.startup import open_store
    from tuinews.store import Store
    from tuinews.ui.app import TuinewsApp

    class Timed(TuinewsApp):
        """Records the time of every frame (``App._display`` with something to show)."""

        frames: list[float]
        cursors: list[int | None]  # the headline cursor each frame showed (when watched)
        watched = None  # the headline list whose cursor the frames record

        def _display(self, screen, renderable):  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None:
                self.frames.append(time.perf_counter())
                self.cursors.append(None if self.watched is None else self.watched.cursor)
                self.frame_event.set()

        async def next_frame(self, after: float, timeout: float = 30.0) -> float:
            """The first frame at or after ``after`` (perf_counter)."""
            deadline = time.perf_counter() + timeout
            while True:
                if self.frames and self.frames[-1] >= after:
                    for t in self.frames[-50:]:
                        if t >= after:
                            return t
                self.frame_event.clear()
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError
                try:
                    await asyncio.wait_for(self.frame_event.wait(), left)
                except TimeoutError:
                    raise TimeoutError from None

        async def frame_showing(self, cursor: int, after: float, timeout: float = 30.0) -> float:
            """The first frame at or after ``after`` with the watched cursor on this row."""
            deadline = time.perf_counter() + timeout
            seen = 0
            while True:
                frames, cursors = self.frames, self.cursors
                start = max(seen, len(frames) - 200)
                for t, shown in zip(frames[start:], cursors[start:], strict=True):
                    if t >= after and shown == cursor:
                        return t
                seen = len(frames)
                self.frame_event.clear()
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError
                try:
                    await asyncio.wait_for(self.frame_event.wait(), left)
                except TimeoutError:
                    raise TimeoutError from None

        def key(self, name: str, char: str | None = None) -> None:
            self.post_message(events.Key(name, char if char is not None else name))

    store = Store(db)
    OPEN_STORES.append(store)
    app = Timed(
        store=store,
        start=partial(open_store, store),
        settings=Settings(refresh_on_start=False, refresh_interval=0, **settings),  # type: ignore[arg-type]
    )
    app.frames = []
    app.cursors = []
    app.frame_event = asyncio.Event()
    return app


class Heartbeat:
    """A 10 ms timer on the app; ``gaps`` are the intervals between its ticks."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.last = time.perf_counter()
        self.gaps: list[float] = []
        # The UI thread's CPU time in each gap: what the app's own work took, whatever the
        # load (a gap much longer than its CPU is the process waiting for a core).
        self.cpu_gaps: list[float] = []
        self.last_cpu = time.thread_time()
        self.threads = threading.active_count()
        self.timer = app.set_interval(0.01, self.tick)

    def tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self.last)
        self.cpu_gaps.append(cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu
        self.threads = max(self.threads, threading.active_count())

    def reset(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.gaps = []
        self.cpu_gaps = []
        self.threads = threading.active_count()

    @property
    def longest_cpu(self) -> float:
        """The most CPU time the UI thread spent between two ticks."""
        return max(self.cpu_gaps, default=0.0)

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)


async def refresh_with_heartbeat(app, pilot, result):  # type: ignore[no-untyped-def]
    """``R`` in the started app, timed, with the UI thread's gaps (the heartbeat's) put in
    ``result``: seconds, stall, over100, p99gap. The heartbeat is returned, running."""
    assert await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
    await pilot.pause(0.5)
    screen = app.screen
    beat = Heartbeat(app)
    await pilot.pause(0.3)
    beat.reset()
    started = time.perf_counter()
    screen.action_refresh_all()
    await wait_until(lambda: screen.refreshing, 30)
    done = await wait_until(lambda: not screen.refreshing, 600)
    result["seconds"] = time.perf_counter() - started if done else float("nan")
    await pilot.pause(1.5)  # the reload scheduled after the refresh (or sync)
    gaps = beat.gaps
    result["stall"] = max(gaps, default=0.0)
    result["over100"] = sum(g > 0.1 for g in gaps)
    result["p99gap"] = sorted(gaps)[int(0.99 * (len(gaps) - 1))] if gaps else 0.0
    return beat


async def wait_until(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


async def show_view(app, view) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    screen.view = view
    screen.reload_headlines()
    ok = await wait_until(
        lambda: screen.shown and (view.feed_id is None or screen.shown[0].feed_id == view.feed_id),
        120,
    )
    assert ok, "view did not load"
    screen.headlines.move_to(0)
    await wait_until(lambda: screen.article_view.ready, 60)
    await asyncio.sleep(0.3)


async def j_steps(
    app, steps: int, interval: float, beat: Heartbeat, settle_timeout: float = 120
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    screen = app.screen
    headlines = screen.headlines
    app.watched = headlines
    times: list[float] = []
    direction = 1
    beat.reset()
    last_send = 0.0
    timeouts = 0
    for _ in range(steps):
        count = len(headlines.headlines)
        if headlines.cursor + direction not in range(count):
            direction = -direction
        target = headlines.cursor + direction
        wait = last_send + interval - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        sent = last_send = time.perf_counter()
        app.key("j" if direction > 0 else "k")
        try:  # (a frame can come before a poll of the cursor would see that it moved)
            frame = await app.frame_showing(target, sent, timeout=30)
        except TimeoutError:
            timeouts += 1
            continue
        times.append(frame - sent)
    app.watched = None
    stalled, stalled_cpu = beat.longest, beat.longest_cpu
    threads = beat.threads
    last = time.perf_counter()
    current = headlines.current
    settled = await wait_until(
        lambda: (
            screen.article_view.ready
            and screen.article_view.article is not None
            and current is not None
            and screen.article_view.article.id == current.id
        ),
        settle_timeout,
    )
    settle = time.perf_counter() - last if settled else float("nan")
    return {
        "med": med(times),
        "p95": p95(times),
        "max": max(times, default=float("nan")),
        "n": len(times),
        "stall": stalled,
        "stall_cpu": stalled_cpu,
        "threads": threads,
        "settle": settle,
        "timeouts": timeouts,
        "times": times,
    }


def rss_now() -> tuple[float, float]:
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS", "VmHWM")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def bench_j(db: Path, steps: int, interval: float) -> dict[str, dict[str, float]]:
    from tuinews.store import Store, View

    with Store(db) as store:
        feeds = {f.url: f.id for f in store.feeds()}
    big_ids = {size: feeds[feed_url(index, PORT_USED)] for index, (_, size) in BIG.items()}
    results: dict[str, dict[str, float]] = {}
    mark_all_unread(db)

    async def run() -> None:
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            loaded = await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            assert loaded
            await pilot.pause(0.5)
            beat = Heartbeat(app)
            cases = [
                ("5 KB (all articles)", View(), steps),
                ("50 KB", View(feed_id=big_ids[50_000]), min(steps, 600)),
                ("500 KB", View(feed_id=big_ids[500_000]), min(steps, 200)),
            ]
            for name, view, count in cases:
                await show_view(app, view)
                results[name] = await j_steps(app, count, interval, beat)
                results[name]["rss"], results[name]["hwm"] = rss_now()
                r = results[name]
                print(
                    f"j {name}: {r['n']} steps, median {r['med'] * 1000:.1f} ms, p95 "
                    f"{r['p95'] * 1000:.1f} ms, max {r['max'] * 1000:.0f} ms, longest heartbeat gap "
                    f"{r['stall'] * 1000:.0f} ms, peak threads {r['threads']:.0f}, settle "
                    f"{r['settle'] * 1000:.0f} ms, RSS {r['rss']:.0f} MiB (HWM {r['hwm']:.0f}), "
                    f"timeouts {r['timeouts']:.0f}",
                    flush=True,
                )
            beat.timer.stop()

    run_apps(run())
    return results


# --- 3. search -----------------------------------------------------------------------------


def search_cases() -> dict[str, list[str]]:
    rare = rare_words()
    return {
        "common words": ["government", "people", "market", "the police"],
        "rare words": [rare[3], rare[500], rare[917]],
        "prefixes": ["gov", "se", "pol", "wat"],
        "phrases": ['"interest rates"', '"the government"', '"public health"'],
    }


def keystrokes(text: str) -> list[str]:
    return [text[: i + 1] for i in range(len(text)) if text[: i + 1].strip()]


def bench_search_store(db: Path) -> dict[str, dict[str, float]]:
    from tuinews.query import parse_query
    from tuinews.store import Store, View

    results: dict[str, dict[str, float]] = {}
    with Store(db) as store:
        for category, texts in search_cases().items():
            full, limited, rows = [], [], []
            for _ in range(2):
                for text in texts:
                    for typed in keystrokes(text):
                        t0 = time.perf_counter()
                        query = parse_query(typed)
                        found = store.headlines(View(), query, ranked=True)
                        full.append(time.perf_counter() - t0)
                        rows.append(len(found))
                        t0 = time.perf_counter()
                        query = parse_query(typed)
                        if not query.short:  # else the search bar waits for the next letter
                            store.first_page(View(), query)  # what the search bar fetches
                        limited.append(time.perf_counter() - t0)
            results[category] = {
                "med": med(full),
                "p95": p95(full),
                "max": max(full),
                "lim_med": med(limited),
                "lim_p95": p95(limited),
                "rows": med(rows),
                "n": len(full),
            }
            r = results[category]
            print(
                f"store search {category}: {r['n']} keystrokes, median {r['med'] * 1000:.1f} ms, "
                f"p95 {r['p95'] * 1000:.1f} ms (median rows {r['rows']:.0f}); first screen: "
                f"median {r['lim_med'] * 1000:.1f} ms, p95 {r['lim_p95'] * 1000:.1f} ms",
                flush=True,
            )
    return results


def bench_search_app(db: Path, pause: float) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}

    async def run() -> None:
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            await pilot.pause(0.5)
            screen = app.screen
            landed: dict[str, float] = {}
            original = screen._show_results

            def spy(text, found, words, hints):  # type: ignore[no-untyped-def]
                original(text, found, words, hints)
                landed[text] = time.perf_counter()

            screen._show_results = spy  # the instance attribute: call_from_thread finds it
            beat = Heartbeat(app)
            for category, texts in search_cases().items():
                times: list[float] = []
                beat.reset()
                for text in texts:
                    screen.action_search()
                    screen.search_bar.value = ""
                    await wait_until(lambda: "" in landed, 60)
                    await pilot.pause(0.2)
                    for typed in keystrokes(text):
                        char = typed[-1]
                        landed.pop(typed, None)
                        sent = time.perf_counter()
                        name = {" ": "space", '"': "quotation_mark"}.get(char, char)
                        app.key(name, char)
                        if not await wait_until(lambda typed=typed: typed in landed, 60):
                            print(f"  no results for {typed!r} within 60 s", flush=True)
                            continue
                        frame = await app.next_frame(landed[typed])
                        times.append(frame - sent)
                        await asyncio.sleep(pause)
                    landed.clear()
                results[category] = {
                    "med": med(times),
                    "p95": p95(times),
                    "max": max(times, default=0),
                    "n": len(times),
                    "stall": beat.longest,
                }
                r = results[category]
                print(
                    f"app search {category}: {r['n']} keystrokes, median {r['med'] * 1000:.0f} ms, "
                    f"p95 {r['p95'] * 1000:.0f} ms, max {r['max'] * 1000:.0f} ms, longest "
                    f"heartbeat gap {r['stall'] * 1000:.0f} ms",
                    flush=True,
                )
            beat.timer.stop()

    run_apps(run())
    return results


# --- 4. refresh ----------------------------------------------------------------------------


def bench_refresh(db: Path, port: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="refresh-", dir=db.parent))
    copy = work / "copy.db"
    shutil.copyfile(db, copy)
    server = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "feedserver.py"),
            "--out",
            str(work / "srv"),
            "--feeds",
            "1000",
            "--port",
            str(port),
            "--hosts",
            str(HOSTS),
            "--max-seconds",
            "900",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, float] = {}
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("READY"):
            raise SystemExit(f"feed server did not start: {line!r}")

        async def run() -> None:
            app = make_app(copy)
            async with app.run_test(size=(120, 40)) as pilot:
                beat = await refresh_with_heartbeat(app, pilot, result)
                result["rss"], result["hwm"] = rss_now()
                result["articles"] = app.store.counts()[0] if hasattr(app.store, "counts") else 0
                beat.timer.stop()

        run_apps(run())
        print(
            f"refresh of 1,000 feeds: {result['seconds']:.1f} s, longest heartbeat gap "
            f"{result['stall'] * 1000:.0f} ms, {result['over100']:.0f} gaps over 100 ms, p99 gap "
            f"{result['p99gap'] * 1000:.0f} ms, RSS {result['rss']:.0f} MiB (HWM {result['hwm']:.0f})",
            flush=True,
        )
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return result


# --- 5. orders and highlights -------------------------------------------------------------

# Ten highlights as a newsboat user's might be: words in titles or authors (found in a small
# index of the page's own articles), words anywhere (the full-text index: a rare word, a
# phrase, a common word with a condition), conditions without words.
HIGHLIGHTS = [
    ("title:government", "bold red"),
    ("title:police", "bold yellow"),
    ("author:writer", "italic"),
    ("title:climate OR title:election", "green"),
    ("{rare3}", "reverse"),
    ("{rare500}", "bold magenta"),
    ('"interest rates"', "underline"),
    ("market is:unread", "cyan"),
    ("feed:0003", "blue"),
    ("is:starred", "bold"),
]


def highlights():  # type: ignore[no-untyped-def]
    from tuinews.query.highlights import make_highlight

    rare = rare_words()
    return tuple(
        make_highlight(f"bench {i}", match.format(rare3=rare[3], rare500=rare[500]), style)
        for i, (match, style) in enumerate(HIGHLIGHTS, start=1)
    )


def timed(call, runs: int = 11) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """The median seconds of ``runs`` calls (after one to warm up), and what it returned."""
    result = call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return med(times), result


def bench_orders_store(db: Path) -> dict[str, dict[str, float]]:
    """Per headline order: the first page (what the app shows first, ids and rows), every
    id of All articles, a feed's first page; per feed order, the feed list's reading; the
    highlights of a page of 100 headlines (median of pages through the list)."""
    from tuinews.query.orders import FEED_ORDERS, HEADLINE_ORDERS
    from tuinews.store import Store, View

    results: dict[str, dict[str, float]] = {}
    with Store(db) as store:
        feed_id = store.feeds()[10].id
        for order in HEADLINE_ORDERS:
            first, _ = timed(lambda order=order: store.first_page(View(), rows=60, order=order))
            every, ids = timed(lambda order=order: store.headline_ids(View(), order=order), 5)
            feed, _ = timed(
                lambda order=order: store.first_page(View(feed_id=feed_id), rows=60, order=order)
            )
            results[f"headlines {order}"] = {"first": first, "all": every, "feed": feed}
            print(
                f"order {order}: first page {first * 1000:.2f} ms, all {len(ids):,} ids "
                f"{every * 1000:.1f} ms, a feed's first page {feed * 1000:.2f} ms",
                flush=True,
            )
        for order in FEED_ORDERS:
            took, _ = timed(lambda order=order: store.feeds(kind=None, order=order))
            results[f"feeds {order}"] = {"first": took}
            print(f"feed list {order}: {took * 1000:.1f} ms", flush=True)
        queries = [highlight.query for highlight in highlights()]
        # Pages of All articles, newest first (their ids spread over the whole store: it
        # was built feed by feed), and of feeds (ids close together, as a real store's
        # newest articles are: the index is read between a page's first and last id).
        ids = store.headline_ids(View())
        spread = [ids[start : start + 100] for start in range(0, 20_000, 1000)]
        feeds = store.feeds()[:20]
        close = [store.headline_ids(View(feed_id=feed.id))[:100] for feed in feeds]
        for name, pages in (("highlights", spread), ("highlights, a feed's page", close)):
            times, found = [], 0
            for page in pages:
                t0 = time.perf_counter()
                found += len(store.highlight_matches(page, queries))
                times.append(time.perf_counter() - t0)
            shown = sum(len(page) for page in pages)
            results[name] = {"med": med(times), "p95": p95(times), "found": found, "of": shown}
            print(
                f"{name} (10) of a page of 100: median {med(times) * 1000:.1f} ms, p95 "
                f"{p95(times) * 1000:.1f} ms ({found} of {shown} headlines matched)",
                flush=True,
            )
    return results


def bench_orders_j(
    db: Path, steps: int, interval: float, orders: tuple[str, ...] | None = None
) -> dict[str, dict[str, float]]:
    """``j`` through All articles in each order, and newest first with the ten
    highlights on (and how long the store took to say which rows of each batch fetched
    match, in the list's thread), in one app: in ``ROUNDS`` rounds, each order (and the
    highlights) in turn, so that the machine's other work weighs on them alike."""
    from functools import partial

    from rich.style import Style

    from tuinews.query.orders import HEADLINE_ORDERS
    from tuinews.store import View

    cases = [*(orders or HEADLINE_ORDERS), "newest, 10 highlights"]
    times: dict[str, list[float]] = {case: [] for case in cases}
    stalls: dict[str, float] = dict.fromkeys(cases, 0.0)
    asked: list[float] = []
    marked = 0
    mark_all_unread(db)

    async def steps_in(app, case: str) -> None:  # type: ignore[no-untyped-def]
        store = app.store  # (the order's first ids, as the store has them now)
        screen = app.screen
        order = case.split(",")[0]
        screen.search_bar.order = order
        screen.reload_headlines()

        def shown() -> bool:
            ids = list(screen.headlines.ids[1:6])  # (the first one is read when shown)
            return ids == list(store.headline_ids(View(), limit=6, order=order))[1:6]

        ok = await wait_until(shown, 120)
        assert ok, f"the {order} order did not show"
        screen.headlines.move_to(0)
        await wait_until(lambda: screen.article_view.ready, 60)
        await asyncio.sleep(0.3)
        beat = Heartbeat(app)
        done = await j_steps(app, steps // ROUNDS, interval, beat)
        beat.timer.stop()
        times[case] += done["times"]
        stalls[case] = max(stalls[case], done["stall"])

    async def run() -> None:
        nonlocal marked
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            await pilot.pause(0.5)
            marks = app.screen.headlines.marks
            matcher = partial(app.store.highlight_matches, queries=[h.query for h in highlights()])

            def timed_matcher(ids):  # type: ignore[no-untyped-def]
                t0 = time.perf_counter()
                try:
                    return matcher(ids)
                finally:
                    asked.append(time.perf_counter() - t0)

            for _ in range(ROUNDS):
                for case in cases:
                    lit = case.endswith("highlights")
                    marks.matcher = timed_matcher if lit else None
                    marks.styles = [Style.parse(h.style) for h in highlights()] if lit else []
                    await steps_in(app, case)
                    if lit:
                        ids = app.screen.headlines.ids[: steps // ROUNDS]
                        marked = max(marked, sum(marks.mark(i) >= 0 for i in ids))
                    mark_all_unread(db)

    run_apps(run())
    results: dict[str, dict[str, float]] = {}
    for case in cases:
        r = results[case] = {
            "med": med(times[case]),
            "p95": p95(times[case]),
            "max": max(times[case], default=float("nan")),
            "n": len(times[case]),
            "stall": stalls[case],
        }
        print(
            f"j {case}: {r['n']} steps, median {r['med'] * 1000:.1f} ms, p95 "
            f"{r['p95'] * 1000:.1f} ms, max {r['max'] * 1000:.0f} ms, longest heartbeat gap "
            f"{r['stall'] * 1000:.0f} ms",
            flush=True,
        )
    lit = results["newest, 10 highlights"]
    lit.update(asked=med(asked), asked_p95=p95(asked), marked=marked)
    return results


ROUNDS = 5  # of bench_orders_j


# --- 6. a triage setup ---------------------------------------------------------------------

# One power user's setup (benchmarks/triage_setup.py): 20 saved searches and tags on a copy
# of the store, 50 rules and the ten highlights in the config.


def triage_store(db: Path) -> Path:
    from triage_setup import check, prepare_store

    check()
    return prepare_store(db, db.with_name(db.stem + "-triage.db"))


def bench_triage_startup(db: Path, triage_db: Path, runs: int) -> dict[str, dict[str, float]]:
    """The first frame (as in 1) with the setup (its store and config), then without it
    (the plain store, the default config), each beside the minimal app in its own runs."""
    from triage_setup import config_text

    results = {}
    for name, store, extra in (
        ("with the triage setup", triage_db, config_text()),
        ("without (the plain store)", db, ""),
    ):
        print(f"first frame {name}:", flush=True)
        results[name] = bench_startup(store, runs, extra)
    return results


def bench_triage_counts(triage_db: Path, rounds: int, feeds: int, items: int) -> dict[str, float]:
    """How long after a refresh's batch is stored the feed list shows the saved searches'
    counts. In ``rounds`` rounds, in the app over a copy of the setup's store: ``feeds``
    x ``items`` new articles stored as a refresh stores them (a transaction per feed,
    the 50 rules applied, indexed a thousand at a time), then the screen's reload after
    a batch (``StoreFollower.reload_now`` while the refresh runs) is timed until the
    counts are handed to the feed list, and until its next frame; then, as the reference,
    the reload after a refresh ends (every saved search counted in full), timed alike."""
    from datetime import UTC, datetime

    from triage_setup import rules

    from tuinews.models import Article
    from tuinews.query.rules import make_rule

    work = Path(tempfile.mkdtemp(prefix="counts-", dir=triage_db.parent))
    copy = work / "copy.db"
    shutil.copyfile(triage_db, copy)
    mark_all_unread(copy)
    made = [make_rule(f"bench {i}", m, a) for i, (m, a) in enumerate(rules())]
    gen = Generator(seed=5)
    times: dict[str, list[float]] = {"batch": [], "batch frame": [], "full": [], "full frame": []}
    start: dict[str, float] = {}
    serial = [0]

    def store_batch(store, feed_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
        now = datetime.now(tz=UTC)
        for feed_id in feed_ids:
            articles = []
            for _ in range(items):
                serial[0] += 1
                body, text = gen.body(gen.rng.randint(2000, 5000), "")
                articles.append(
                    Article(
                        title=gen.title(),
                        source="",
                        body=body,
                        kind="markdown",
                        text=text,
                        author=gen.rng.choice(["", "A. Writer", "B. Reporter", "C. Desk"]),
                        date=now,
                        link=f"https://example.com/new/{serial[0]}",
                        uid=f"new-{serial[0]}",
                    )
                )
            store.upsert_articles(feed_id, articles, index_now=False, rules=made)

    async def run() -> None:
        app = make_app(copy)
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            screen = app.screen
            feed_list = screen.feed_list
            shown = feed_list._searches_counted
            counted: list[float] = []

            def searches_counted(result):  # type: ignore[no-untyped-def]
                shown(result)
                counted.append(time.perf_counter())

            feed_list._searches_counted = searches_counted
            assert await wait_until(lambda: bool(counted), 300), "no first counts"
            start["first"] = counted[-1] - app.frames[0] if app.frames else float("nan")
            await pilot.pause(0.5)
            ids = [f.id for f in app.store.feeds()]
            writer = app.store.__class__(copy)
            OPEN_STORES.append(writer)
            for round_ in range(rounds):
                chosen = ids[round_ * feeds % len(ids) :][:feeds]
                await asyncio.to_thread(store_batch, writer, chosen)
                for case, refreshing in (("batch", True), ("full", False)):
                    screen.refresher.running = refreshing
                    seen = len(counted)
                    t0 = time.perf_counter()
                    screen.follower.reload_now()
                    ok = await wait_until(lambda seen=seen: len(counted) > seen, 120)
                    assert ok, f"no counts after the {case} reload"
                    times[case].append(counted[seen] - t0)
                    try:  # (none if no count changed: counted in full after a batch)
                        frame = await app.next_frame(counted[seen], timeout=3)
                        times[f"{case} frame"].append(frame - t0)
                    except TimeoutError:
                        pass
                    await pilot.pause(0.3)
                print(
                    f"round {round_ + 1}: {feeds * items} new articles; counts after the batch "
                    f"{times['batch'][-1] * 1000:.0f} ms (frame {med(times['batch frame'][-1:]) * 1000:.0f}"
                    f" ms), in full {times['full'][-1] * 1000:.0f} ms",
                    flush=True,
                )
            screen.refresher.running = False

    try:
        run_apps(run())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {name: med(values) for name, values in times.items()}
    result.update({f"{name} p95": p95(values) for name, values in times.items()})
    result["first"] = start.get("first", float("nan"))
    result["n"] = len(times["batch"])
    return result


# --- profiling -----------------------------------------------------------------------------


def profile(db: Path) -> None:
    import cProfile
    import io
    import pstats

    from tuinews.query import parse_query
    from tuinews.store import Store, View

    def show(prof: cProfile.Profile, title: str, lines: int = 14) -> None:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(lines)
        print(f"--- profile: {title}")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:5000])

    with Store(db) as store:
        t0 = time.perf_counter()
        rows = store.headlines(View())
        print(
            f"Store.headlines(View()): {len(rows)} rows in {(time.perf_counter() - t0) * 1000:.0f} ms"
        )
        t0 = time.perf_counter()
        store.headlines(View(), limit=100)
        print(f"Store.headlines(View(), limit=100): {(time.perf_counter() - t0) * 1000:.1f} ms")
        for text in ("g", "government", '"the government"'):
            q = parse_query(text)
            for label, ranked in (("ranked", True), ("by date", False)):
                t0 = time.perf_counter()
                found = store.headlines(View(), q, ranked=ranked)
                print(
                    f"search {text!r} {label}: {len(found)} rows, {(time.perf_counter() - t0) * 1000:.0f} ms"
                )
        prof = cProfile.Profile()
        prof.enable()
        store.headlines(View(), parse_query("government"), ranked=True)
        prof.disable()
        show(prof, "one common-word search")

    # the UI thread while the app starts and shows 100,000 headlines
    async def run() -> None:
        app = make_app(db)
        prof = cProfile.Profile()
        prof.enable()
        async with app.run_test(size=(120, 40)):
            await wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            prof.disable()
            await asyncio.sleep(0.3)
            headlines = app.screen.headlines
            prof2 = cProfile.Profile()
            prof2.enable()
            for _ in range(20):
                app.screen.action_next()
                await app.next_frame(time.perf_counter())
            prof2.disable()
        show(prof, "UI thread, start to headlines shown")
        show(prof2, "UI thread, 20 j steps (all articles)", 18)
        _ = headlines

    run_apps(run())


# --- main ----------------------------------------------------------------------------------

PORT_USED = PORT


def triage_rows(
    db: Path, args: argparse.Namespace, skip: set[str]
) -> list[tuple[str, str, str, str, str]]:
    """Section 6's rows: the first frame, the counts after a refresh batch, ``j`` with
    the highlights, with the triage setup."""
    rows: list[tuple[str, str, str, str, str]] = []
    triage_db = triage_store(db)
    setup = "triage setup (20 saved searches, 50 rules, 10 highlights)"
    if "triage-startup" not in skip:
        for name, s in bench_triage_startup(db, triage_db, args.runs).items():
            for where, ours, floor in (
                ("in a terminal", s["term"], s["term_min"]),
                ("headless", s["frame"], s["min_frame"]),
            ):
                rows.append(
                    (
                        f"first frame {where}, {name} (median of {args.runs})",
                        f"{ours * 1000:.0f} ms",
                        f"minimal app {floor * 1000:.0f} ms; ratio {ours / floor:.2f}x",
                        "≤ 1.5x minimal" if name.startswith("with the") else "",
                        verdict(ours / floor <= 1.5) if name.startswith("with the") else "",
                    )
                )
    if "triage-counts" not in skip:
        feeds, items = (int(x) for x in args.triage_batch.split("x"))
        c = bench_triage_counts(triage_db, args.triage_rounds, feeds, items)
        rows.append(
            (
                f"saved-search counts after a refresh batch of {feeds * items:,} articles, {setup}",
                f"{c['batch'] * 1000:.0f} / {c['batch p95'] * 1000:.0f} ms",
                f"to the frame showing them {c['batch frame'] * 1000:.0f} ms; counted in full "
                f"(as before; after a refresh) {c['full'] * 1000:.0f} ms ("
                f"{c['full'] / c['batch']:.1f}x); {c['n']:.0f} batches; first counts "
                f"{c['first']:.1f} s after the first frame",
                "≤ 100 ms",
                verdict(c["batch"] <= 0.1),
            )
        )
    if "triage-j" not in skip:
        stepped = bench_orders_j(triage_db, min(args.steps, 500), args.interval, ("newest",))
        plain, lit = stepped["newest"], stepped["newest, 10 highlights"]
        rows.append(
            (
                f"`j` step, {setup}, highlights on",
                f"{lit['med'] * 1000:.1f} / {lit['p95'] * 1000:.1f} ms",
                f"highlights off (same run): {plain['med'] * 1000:.1f} / "
                f"{plain['p95'] * 1000:.1f} ms; {lit['n']:.0f} steps; longest UI gap "
                f"{lit['stall'] * 1000:.0f} ms",
                "p95 < 50 ms",
                verdict(lit["p95"] < 0.05),
            )
        )
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    global PORT_USED
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--port", type=int, default=PORT, help="feed server port in feed URLs")
    parser.add_argument("--runs", type=int, default=11, help="start-up runs")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.033, help="seconds between keys")
    parser.add_argument("--type-pause", type=float, default=0.05, help="after each search key")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: startup,j,search,app-search,refresh,orders,orders-j,images,"
        "triage-startup,triage-counts,triage-j",
    )
    parser.add_argument("--triage-rounds", type=int, default=5, help="refresh batches")
    parser.add_argument(
        "--triage-batch", default="100x20", help="a refresh batch: FEEDSxITEMS new articles"
    )
    parser.add_argument(
        "--startup-config",
        default="",
        help="more lines of the config file the start-up runs use: \"sort_headlines = 'title'\"",
    )
    parser.add_argument(
        "--image-rest", type=float, default=1.0, help="seconds read after each step, images on"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    PORT_USED = args.port
    skip = set(filter(None, args.skip.split(",")))
    db = (
        args.db
        or Path(tempfile.gettempdir()) / "scale" / f"store-{args.n}-{args.port}-{GENERATOR}.db"
    )
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        print(f"building {db} ({args.n} articles, {args.feeds} feeds)", flush=True)
        build(db, args.n, args.feeds, args.port)
    else:
        print(f"using {db} ({db.stat().st_size / 2**20:.0f} MiB)", flush=True)
    if args.build_only:
        return
    rows: list[tuple[str, str, str, str, str]] = []
    if "startup" not in skip:
        s = bench_startup(db, args.runs, args.startup_config.replace("\\n", "\n") + "\n")
        ratio = s["term"] / s["term_min"]
        rows.append(
            (
                "first frame, the `tuinews` command in a terminal (median)",
                f"{s['term'] * 1000:.0f} ms",
                f"minimal app {s['term_min'] * 1000:.0f} ms; ratio {ratio:.2f}x",
                "≤ 1.5x minimal",
                verdict(ratio <= 1.5),
            )
        )
        ratio = s["frame"] / s["min_frame"]
        rows.append(
            (
                "first frame, headless (median)",
                f"{s['frame'] * 1000:.0f} ms",
                f"minimal app {s['min_frame'] * 1000:.0f} ms; ratio {ratio:.2f}x",
                "≤ 1.5x minimal",
                verdict(ratio <= 1.5),
            )
        )
        rows.append(
            (
                "screen settled (median)",
                f"{s['settled'] * 1000:.0f} ms",
                f"minimal app {s['min_settled'] * 1000:.0f} ms; "
                f"ratio {s['settled'] / s['min_settled']:.2f}x; nothing more waiting to be drawn",
                "",
                "",
            )
        )
        rows.append(
            (
                "peak RSS at first frame",
                f"{s['term_rss']:.0f} MiB",
                f"minimal app {s['term_min_rss']:.0f} MiB; headless, at exit: {s['rss']:.0f} MiB",
                "< 150 MiB",
                verdict(max(s["term_rss"], s["rss"]) < 150),
            )
        )
    if "j" not in skip:
        for name, r in bench_j(db, args.steps, args.interval).items():
            rows.append(
                (
                    f"`j` step, {name}",
                    f"{r['med'] * 1000:.1f} / {r['p95'] * 1000:.1f} ms",
                    f"frame floor 16.7 ms; {r['n']:.0f} steps; longest UI gap {r['stall'] * 1000:.0f} ms; settle {r['settle'] * 1000:.0f} ms; HWM {r['hwm']:.0f} MiB",
                    "p95 < 50 ms",
                    verdict(r["p95"] < 0.05),
                )
            )
    if "search" not in skip:
        for name, r in bench_search_store(db).items():
            rows.append(
                (
                    f"search (store, first screen), {name}",
                    f"{r['lim_med'] * 1000:.1f} / {r['lim_p95'] * 1000:.1f} ms",
                    f"every match ranked: {r['med'] * 1000:.1f} / {r['p95'] * 1000:.1f} ms",
                    "p95 < 30 ms",
                    verdict(r["lim_p95"] < 0.03),
                )
            )
    if "app-search" not in skip:
        for name, r in bench_search_app(db, args.type_pause).items():
            rows.append(
                (
                    f"search (app, key→frame), {name}",
                    f"{r['med'] * 1000:.0f} / {r['p95'] * 1000:.0f} ms",
                    f"{r['n']:.0f} keys; longest UI gap {r['stall'] * 1000:.0f} ms",
                    "p95 < 30 ms",
                    verdict(r["p95"] < 0.03),
                )
            )
    if "orders" not in skip:
        orders = bench_orders_store(db)
        newest = orders["headlines newest"]
        for name, r in orders.items():
            if name.startswith("headlines "):
                rows.append(
                    (
                        f"{name}: first page / all ids / a feed's first page",
                        f"{r['first'] * 1000:.2f} / {r['all'] * 1000:.0f} / "
                        f"{r['feed'] * 1000:.2f} ms",
                        f"ratio to newest: {r['first'] / newest['first']:.2f}x / "
                        f"{r['all'] / newest['all']:.2f}x / {r['feed'] / newest['feed']:.2f}x",
                        "",
                        "",
                    )
                )
            elif name.startswith("feeds "):
                by_name = orders["feeds name"]["first"]
                rows.append(
                    (
                        f"feed list {name[6:]} (1,000 feeds, with counts)",
                        f"{r['first'] * 1000:.1f} ms",
                        f"ratio to by name: {r['first'] / by_name:.2f}x",
                        "",
                        "",
                    )
                )
        for name in ("highlights", "highlights, a feed's page"):
            r = orders[name]
            rows.append(
                (
                    f"10 {name} of 100 headlines (a thread)",
                    f"{r['med'] * 1000:.1f} / {r['p95'] * 1000:.1f} ms",
                    f"{r['found']:.0f} of {r['of']:.0f} headlines matched",
                    "",
                    "",
                )
            )
    if "orders-j" not in skip:
        steps = min(args.steps, 500)
        stepped = bench_orders_j(db, steps, args.interval)
        newest = stepped["newest"]
        for name, r in stepped.items():
            rows.append(
                (
                    f"`j` step, all articles, {name}",
                    f"{r['med'] * 1000:.1f} / {r['p95'] * 1000:.1f} ms",
                    f"ratio to newest (same run): {r['med'] / newest['med']:.2f}x / "
                    f"{r['p95'] / newest['p95']:.2f}x; {r['n']:.0f} steps; longest UI gap "
                    f"{r['stall'] * 1000:.0f} ms"
                    + (
                        f"; {r['marked']:.0f} rows highlighted; the store's answer for "
                        f"each batch fetched: {r['asked'] * 1000:.0f} / "
                        f"{r['asked_p95'] * 1000:.0f} ms, in a thread"
                        if "marked" in r
                        else ""
                    ),
                    "p95 < 50 ms",
                    verdict(r["p95"] < 0.05),
                )
            )
    if "images" not in skip:
        from image_steps import bench_images
        from image_steps import rows as image_rows

        steps = min(args.steps, 300)
        found = bench_images(sys.modules[__name__], db, steps, args.interval, args.image_rest)
        rows += image_rows(found)
    if not {"triage-startup", "triage-counts", "triage-j"} <= skip:
        rows += triage_rows(db, args, skip)
    if "refresh" not in skip:
        r = bench_refresh(db, args.port)
        rows.append(
            (
                "UI stall during refresh of 1,000 feeds",
                f"{r['stall'] * 1000:.0f} ms",
                f"10 ms heartbeat; {r['over100']:.0f} gaps > 100 ms; refresh took {r['seconds']:.1f} s",
                "≤ 100 ms",
                verdict(r["stall"] <= 0.1),
            )
        )
    print()
    print(
        f"Store: {args.n:,} articles, {args.feeds:,} feeds, {db.stat().st_size / 2**20:.0f} MiB; median / p95 unless noted"
    )
    print()
    print("| measure | tuinews | reference / notes | target | |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.profile:
        print()
        profile(db)


if __name__ == "__main__":
    main()
