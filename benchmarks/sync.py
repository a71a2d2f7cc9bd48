"""Sync benchmark: a first sync and a quiet sync with a real FreshRSS, beside a refresh of
the same articles as local feeds, in the same run.

    python benchmarks/sync.py [--feeds 100] [--items 100] [--runs 3] [--quiet 11]
                              [--server freshrss|fake] [--hosts 8] [--keep]

Starts ``benchmarks/feedserver.py`` (N feeds x M items of 2-5 KB HTML, RSS and Atom,
dated within the last weeks, spread over 127.0.0.1..127.0.0.8) and a FreshRSS 1.24.3
(``../shared/servers/freshrss``, started as ``tests/freshrss.py`` does) subscribed to every
feed; ``--server fake``: the small Reader API of ``tests/readerapi.py`` holding the same
articles instead (for sizes FreshRSS's one-request-at-a-time PHP server is slow to fill).
Then, for each run:

- **refresh**: a fresh database, ``tuinews import urls`` (not timed), then a timed
  ``tuinews refresh`` of the same feeds from the loopback server: the same articles,
  fetched as local feeds;
- **first sync**: a fresh database, ``tuinews account add`` (not timed), then a timed
  ``tuinews sync``: every article from the server; its requests (``--json``), the peak
  memory of the command and its CPU time (its own and its worker processes', user +
  system: on a machine busy with other work the wall time is mostly waiting for a core,
  and the CPU time says what the sync itself costs);
- **floor**: the GET requests a first sync needs (the subscription list, the reading
  list's contents pages, the unread and starred id pages, the tag list) made in sequence
  with the standard library's HTTP client, each body read whole, nothing parsed or stored.

Then the UI stall (``--stall``, the refresh stall measure of ``benchmarks/scale.py``): the
app (in-process, ``run_test``) on a fresh database with the account added, ``R``
(``action_refresh_all``: the first sync of every article) while a 10 ms heartbeat timer
records the longest gap between its ticks; target: never over 100 ms.

Then, in this process on the last run's database: ``--quiet`` syncs with nothing new
(requests, median time), and one sync after 100, then 1,000, state changes on each side
(read here, starred on the server): requests grow with batches, not with articles.

Prints medians, the ratios (sync / refresh, sync / floor), issue 14's targets, and a
Markdown table for the README. Every account's login token goes to a state folder of
the run's own (``XDG_STATE_HOME``), never the user's.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/freshrss.py and tests/readerapi.py: the servers

from refresh import timed, tuinews_command  # noqa: E402  (this folder is on the path)

CHANGES = (100, 1000)


# --- the servers ----------------------------------------------------------------------------


def start_feeds(args: argparse.Namespace, out: Path) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        str(HERE / "feedserver.py"),
        "--out",
        str(out),
        "--feeds",
        str(args.feeds),
        "--items",
        str(args.items),
        "--hosts",
        str(args.hosts),
        "--formats",
        "rss,atom",  # (FreshRSS 1.24 reads no JSON Feed)
        "--base-time",
        str(int(time.time()) - 3600),  # recent: FreshRSS keeps three months
        "--max-seconds",
        "14400",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY"):
        process.kill()
        raise SystemExit(f"feed server did not start: {line!r}")
    print(f"feeds: {line.strip()}", flush=True)
    return process


@dataclass
class Server:
    name: str
    api_url: str
    user: str
    password: str
    items: int
    setup_seconds: float
    stop: Any = None


def start_freshrss(work: Path, urls: list[str]) -> Server:
    from tests.freshrss import available
    from tests.freshrss import start_freshrss as start
    from tuinews.fetch import Fetcher, FetchLimits
    from tuinews.fetch.greader import GReaderClient

    ok, reason = available()
    if not ok:
        raise SystemExit(f"FreshRSS cannot start here: {reason} (or use --server fake)")
    started = time.perf_counter()
    freshrss = start(work / "freshrss")

    async def subscribe() -> int:
        async with Fetcher(FetchLimits(total_timeout=120.0)) as fetcher:
            client = GReaderClient(freshrss.api_url, fetcher)
            await client.login(freshrss.user, freshrss.password)
            for url in urls:  # the server fetches each feed as it subscribes
                await client.quickadd(url)
            return len(await client.all_item_ids())

    items = asyncio.run(subscribe())
    return Server(
        "FreshRSS 1.24.3",
        freshrss.api_url,
        freshrss.user,
        freshrss.password,
        items,
        time.perf_counter() - started,
        freshrss.stop,
    )


def start_fake(urls: list[str]) -> Server:
    """The fake Reader API with the feeds' articles, as tuinews parses them."""
    from tests.netserver import FeedServer
    from tests.readerapi import PASSWORD, Entry, FakeReader
    from tuinews.formats import parse_feed

    started = time.perf_counter()
    loop = FeedServer().__enter__()
    reader = FakeReader(loop)
    number = 1_700_000_000_000_000
    for index, url in enumerate(urls, start=1):
        with urllib.request.urlopen(url, timeout=60) as answer:
            parsed = parse_feed(answer.read(), url)
        stream = f"feed/{index}"
        reader.titles[stream], reader.urls[stream] = parsed.title, url
        for article in reversed(parsed.articles):
            number += 1
            reader.items[number] = Entry(number, article.title, body=article.body, feed=stream)
    return Server(
        "the fake Reader API (tests/readerapi.py)",
        reader.api_url,
        "alice",
        PASSWORD,
        len(reader.items),
        time.perf_counter() - started,
        lambda: loop.__exit__(None, None, None),
    )


# --- tuinews --------------------------------------------------------------------------------


def home_env(home: Path, server: Server) -> dict[str, str]:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("", encoding="utf-8")
    return dict(
        os.environ,
        TUINEWS_DB=str(home / "tuinews.db"),
        TUINEWS_CONFIG=str(home / "config.toml"),
        TUINEWS_PASSWORD=server.password,
        XDG_STATE_HOME=str(home / "state"),
        no_proxy="*",
        NO_PROXY="*",
    )


def run_refresh(lists: Path, home: Path, server: Server) -> dict[str, float]:
    env = home_env(home, server)
    command = tuinews_command()
    imported = timed([*command, "import", str(lists / "urls")], env, home)
    if imported.returncode != 0:
        raise SystemExit(f"tuinews import failed: {imported.stderr[-2000:]}")
    done = timed([*command, "refresh", "--json"], env, home, watch=True)
    if done.returncode != 0:
        raise SystemExit(f"tuinews refresh failed: {done.stderr[-2000:]}")
    data = json.loads(done.stdout)
    assert done.memory is not None
    return {
        "seconds": done.seconds,
        "new": float(sum(int(f.get("new", 0)) for f in data["feeds"])),
        "requests": float(len(data["feeds"])),
        "mib": done.memory.peak_tree,
    }


def run_first_sync(home: Path, server: Server) -> tuple[dict[str, float], dict[str, str]]:
    env = home_env(home, server)
    command = tuinews_command()
    added = timed([*command, "account", "add", server.api_url, "--user", server.user], env, home)
    if added.returncode != 0:
        raise SystemExit(f"tuinews account add failed: {added.stderr[-2000:]}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = timed([*command, "sync", "--json"], env, home, watch=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # (the command and its workers)
    if done.returncode != 0:
        raise SystemExit(f"tuinews sync failed: {done.stderr[-2000:]}")
    (account,) = json.loads(done.stdout)["accounts"]
    assert done.memory is not None
    figures = {
        "seconds": done.seconds,
        "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
        "new": float(account["new"]),
        "requests": float(account["requests"]),
        "mib": done.memory.peak_tree,
    }
    return figures, env


def run_floor(server: Server) -> dict[str, float]:
    """The first sync's GETs, in sequence, with http.client (keep-alive), bodies read;
    pages of the sizes the sync asks for."""
    from tuinews.sync.account_sync import IDS, PAGE

    parts = urllib.parse.urlsplit(server.api_url)
    root = parts.path.rstrip("/")
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    form = urllib.parse.urlencode({"Email": server.user, "Passwd": server.password})
    connection.request(
        "POST",
        f"{root}/accounts/ClientLogin",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = connection.getresponse().read().decode()
    auth = re.search(r"^Auth=(.+)$", answer, re.MULTILINE)
    if auth is None:
        raise SystemExit("floor: no login")
    headers = {"Authorization": f"GoogleLogin auth={auth[1].strip()}"}
    api = f"{root}/reader/api/0/"
    requests = 0
    received = 0
    continuation = re.compile(rb'"continuation"\s*:\s*"?([^",}\s]+)')

    def get(path: str, **params: str) -> bytes:
        nonlocal requests, received
        query = urllib.parse.urlencode({**params, "output": "json"})
        connection.request("GET", f"{api}{path}?{query}", headers=headers)
        body = connection.getresponse().read()
        requests += 1
        received += len(body)
        return body

    def pages(path: str, size: int, **params: str) -> None:
        after: str | None = None
        while True:
            body = get(path, n=str(size), **params, **({"c": after} if after else {}))
            found = continuation.search(body)
            if found is None:
                return
            after = found[1].decode()

    started = time.perf_counter()
    get("subscription/list")
    pages("stream/contents/user/-/state/com.google/reading-list", PAGE)
    pages(
        "stream/items/ids",
        IDS,
        s="user/-/state/com.google/reading-list",
        xt="user/-/state/com.google/read",
    )
    pages("stream/items/ids", IDS, s="user/-/state/com.google/starred")
    get("tag/list")
    seconds = time.perf_counter() - started
    connection.close()
    return {"seconds": seconds, "requests": float(requests), "mib_received": received / 2**20}


# --- the UI during a sync --------------------------------------------------------------------


def run_stall(home: Path, server: Server) -> dict[str, float]:
    """The app's ``R`` doing a first sync: the longest gap of a 10 ms heartbeat."""
    from scale import make_app, refresh_with_heartbeat, run_apps

    env = home_env(home, server)
    added = timed(
        [*tuinews_command(), "account", "add", server.api_url, "--user", server.user], env, home
    )
    if added.returncode != 0:
        raise SystemExit(f"tuinews account add failed: {added.stderr[-2000:]}")
    os.environ["XDG_STATE_HOME"] = env["XDG_STATE_HOME"]  # the login token
    result: dict[str, float] = {}

    async def run() -> None:
        app = make_app(home / "tuinews.db")
        async with app.run_test(size=(120, 40)) as pilot:
            beat = await refresh_with_heartbeat(app, pilot, result)
            result["articles"] = app.store.counts()[0]
            beat.timer.stop()

    run_apps(run())
    return result


# --- syncs in this process ----------------------------------------------------------------


@dataclass
class InProcess:
    quiet_ms: list[float] = field(default_factory=list)
    quiet_requests: list[int] = field(default_factory=list)
    changes: dict[int, tuple[float, int, int, int]] = field(default_factory=dict)


def run_in_process(home: Path, env: dict[str, str], server: Server, quiet: int) -> InProcess:
    os.environ["XDG_STATE_HOME"] = env["XDG_STATE_HOME"]  # the command's login token
    from tuinews.fetch import Fetcher, FetchLimits
    from tuinews.fetch.greader import GReaderClient
    from tuinews.settings import Settings
    from tuinews.store import Store, View
    from tuinews.sync import sync_accounts

    store = Store(env["TUINEWS_DB"])
    settings = Settings()
    found = InProcess()

    async def once() -> tuple[float, Any]:
        started = time.perf_counter()
        (result,) = await sync_accounts(
            store, settings, fetcher=fetcher, password=lambda _: server.password
        )
        if result.failed:
            raise SystemExit(f"sync failed: {result.error}")
        return (time.perf_counter() - started) * 1000, result

    async def go() -> None:
        for _ in range(quiet):
            ms, result = await once()
            found.quiet_ms.append(ms)
            found.quiet_requests.append(result.requests)
        client = GReaderClient(server.api_url, fetcher)
        await client.login(server.user, server.password)
        refs = await client.all_item_ids()
        unread = list(store.headline_ids(View(unread_only=True)))
        done = 0
        for count in CHANGES:
            store.set_read(unread[done : done + count], True)  # here
            await client.star(ref.id for ref in refs[done : done + count])  # elsewhere
            done += count
            ms, result = await once()
            found.changes[count] = (ms, result.requests, result.sent, result.starred)

    async def main() -> None:
        nonlocal fetcher
        async with Fetcher(FetchLimits(total_timeout=120.0)) as running:
            fetcher = running
            await go()

    fetcher: Any = None
    asyncio.run(main())
    store.close()
    return found


# --- report ---------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quiet", type=int, default=11, help="syncs with nothing new")
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--server", choices=("freshrss", "fake"), default="freshrss")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--no-stall", action="store_true", help="skip the UI stall (the app's R) measure"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tuinews-sync-bench-"))
    lists = work / "lists"
    feeds = start_feeds(args, lists)
    server: Server | None = None
    try:
        urls = [line.split()[0] for line in (lists / "urls").read_text().splitlines() if line]
        print(
            f"server: starting {args.server} and subscribing to {len(urls)} feeds ...", flush=True
        )
        server = start_fake(urls) if args.server == "fake" else start_freshrss(work, urls)
        print(
            f"server: {server.name}, {server.items:,} items, set up in "
            f"{server.setup_seconds:.1f} s",
            flush=True,
        )
        refreshes, syncs, floors = [], [], []
        env: dict[str, str] = {}
        last_home = work
        for run in range(args.runs):
            refreshes.append(run_refresh(lists, work / f"refresh-{run}", server))
            last_home = work / f"sync-{run}"
            figures, env = run_first_sync(last_home, server)
            syncs.append(figures)
            floors.append(run_floor(server))
            print(
                f"run {run + 1}: refresh {refreshes[-1]['seconds']:.2f} s "
                f"({refreshes[-1]['new']:.0f} new), first sync {syncs[-1]['seconds']:.2f} s "
                f"({syncs[-1]['new']:.0f} new, {syncs[-1]['requests']:.0f} requests, "
                f"{syncs[-1]['cpu']:.2f} s CPU, "
                f"{syncs[-1]['mib']:.0f} MiB), floor {floors[-1]['seconds']:.2f} s "
                f"({floors[-1]['requests']:.0f} requests, {floors[-1]['mib_received']:.1f} MiB)",
                flush=True,
            )
        stall = None if args.no_stall else run_stall(work / "stall", server)
        if stall is not None:
            print(
                f"the app's R (first sync): {stall['seconds']:.1f} s, "
                f"{stall['articles']:.0f} articles, longest heartbeat gap "
                f"{stall['stall'] * 1000:.0f} ms, {stall['over100']:.0f} gaps over 100 ms, "
                f"p99 gap {stall['p99gap'] * 1000:.0f} ms",
                flush=True,
            )
        in_process = run_in_process(last_home, env, server, args.quiet)
    finally:
        if server is not None and server.stop is not None:
            server.stop()
        feeds.terminate()
        feeds.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")

    refresh_s = median([r["seconds"] for r in refreshes])
    sync_s = median([s["seconds"] for s in syncs])
    floor_s = median([f["seconds"] for f in floors])
    items = median([s["new"] for s in syncs])
    quiet_ms = median(in_process.quiet_ms)
    quiet_requests = max(in_process.quiet_requests)
    memory = max(s["mib"] for s in syncs)
    cpu_s = median([s["cpu"] for s in syncs])
    print()
    print(
        f"{args.feeds} feeds x {args.items} items; {server.name}; medians of {args.runs} runs"
        f" (quiet sync: of {args.quiet})"
    )
    print(f"refresh as local feeds: {refresh_s:.2f} s ({items / refresh_s:,.0f} articles/s)")
    print(
        f"first sync:             {sync_s:.2f} s ({items / sync_s:,.0f} items/s), "
        f"{median([s['requests'] for s in syncs]):.0f} requests, peak {memory:.0f} MiB, "
        f"{cpu_s:.2f} s CPU ({cpu_s / items * 1000:.2f} ms per item)"
    )
    print(
        f"floor (bare GETs):      {floor_s:.2f} s, {median([f['requests'] for f in floors]):.0f} requests"
    )
    print(
        f"sync / refresh: {sync_s / refresh_s:.2f}x; sync / floor: {sync_s / floor_s:.2f}x "
        "(target <= 1.5x)"
    )
    if stall is not None:
        print(
            f"UI during the app's R (first sync): longest gap {stall['stall'] * 1000:.0f} ms "
            "(target <= 100 ms)"
        )
    print(f"quiet sync: {quiet_ms:.0f} ms median, {quiet_requests} requests (target <= 5, 0.5 s)")
    for count, (ms, requests, sent, starred) in in_process.changes.items():
        print(
            f"{count} changes on each side: {ms:.0f} ms, {requests} requests "
            f"({sent} sent, {starred} starred from the server)"
        )
    print()
    print("| measure | tuinews | reference | target |")
    print("| --- | --- | --- | --- |")
    print(
        f"| first sync, {items:,.0f} items | {sync_s:.2f} s ({items / sync_s:,.0f} items/s), "
        f"{median([s['requests'] for s in syncs]):.0f} requests, {memory:.0f} MiB | "
        f"refresh of the same articles as local feeds {refresh_s:.2f} s "
        f"({sync_s / refresh_s:.2f}x); the same GETs bare {floor_s:.2f} s "
        f"({sync_s / floor_s:.2f}x) | <= 1.5x the floor, < 200 MB |"
    )
    print(
        f"| first sync, CPU | {cpu_s:.2f} s ({cpu_s / items * 1000:.2f} ms per item) | "
        f"the floor {floor_s:.2f} s | |"
    )
    if stall is not None:
        print(
            f"| UI during the app's R (first sync) | longest gap {stall['stall'] * 1000:.0f} ms, "
            f"{stall['over100']:.0f} over 100 ms | | <= 100 ms |"
        )
    print(f"| quiet sync | {quiet_ms:.0f} ms, {quiet_requests} requests | | <= 5 requests, 0.5 s |")
    for count, (ms, requests, _sent, _starred) in in_process.changes.items():
        print(f"| {count:,} changes on each side | {ms:.0f} ms, {requests} requests | | batches |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
