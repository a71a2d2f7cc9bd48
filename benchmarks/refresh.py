"""Refresh benchmark: tuinews against newsboat 2.21 on the same loopback feeds, same run.

    python benchmarks/refresh.py [--feeds 1000] [--items 20] [--runs 3] [--latency-ms 0]
                                 [--newsboat-threads 8] [--no-newsboat] [--hosts 8]
                                 [--rules 50]

Starts ``benchmarks/feedserver.py`` (N feeds x 20 items, RSS/Atom/JSON Feed mixed, spread
over 127.0.0.1..127.0.0.8 so that per-host limits behave as with real sites), then for
each run:

- tuinews cold: a fresh database, ``tuinews import feeds.opml`` (not timed), then a timed
  ``tuinews refresh`` (default settings: 16 at once, 2 per host);
- tuinews warm: a second timed ``tuinews refresh`` (every feed answers 304);
- newsboat cold: ``newsboat -x reload`` with a fresh cache at each ``reload-threads``;
- newsboat warm: two more reloads, then a timed one (Debian's 2.21 sends validators only
  from its third reload on).

With ``--rules N``, each run also refreshes a fresh database cold with the first N rules
of ``benchmarks/triage_setup.py`` in its config (a killfile of hide and read rules, stars
and tags), right after the cold refresh without them, so that the rules' cost is measured
in the same conditions (issue 15: at most 10% of our time, still at or under 0.5x
newsboat's); the articles the rules changed are counted in that database.

Peak memory is sampled from /proc every 20 ms over the whole process tree (tuinews and its
parse workers): the largest sum of VmRSS seen, and each process's own VmHWM. Prints medians,
the ratios to newsboat, the targets of issue 3, and a Markdown table for the README.
newsboat is installed with apt-get when missing; when that fails it is skipped.
Every child process runs under a timeout, so the script always ends.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEP_TIMEOUT = 900.0  # seconds for any one timed command


# --- memory -----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                kids.extend(int(k) for k in handle.read().split())
    except OSError:
        pass
    return kids


def _status_kb(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, value = line.split(":", 1)
                    values[name] = int(value.split()[0])
    except OSError:
        pass
    return values


@dataclass
class MemoryWatch:
    """Polls a process tree; ``peak_tree`` is the largest sum of VmRSS seen (MiB)."""

    pid: int
    interval: float = 0.02
    peak_tree: float = 0.0
    hwm: dict[int, float] = field(default_factory=dict)  # pid -> VmHWM MiB
    peak_processes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids, queue = [], [self.pid]
            while queue:
                pid = queue.pop()
                pids.append(pid)
                queue.extend(_children(pid))
            total = 0
            for pid in pids:
                status = _status_kb(pid)
                total += status.get("VmRSS", 0)
                if "VmHWM" in status:
                    self.hwm[pid] = max(self.hwm.get(pid, 0.0), status["VmHWM"] / 1024)
            self.peak_tree = max(self.peak_tree, total / 1024)
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(self.interval)

    @property
    def parent_hwm(self) -> float:
        return self.hwm.get(self.pid, 0.0)

    @property
    def worker_hwm(self) -> float:
        return max((v for k, v in self.hwm.items() if k != self.pid), default=0.0)


@dataclass
class Timed:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    memory: MemoryWatch | None = None
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], cwd: Path, watch: bool = False) -> Timed:
    started, cpu = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    memory = MemoryWatch(process.pid) if watch else None
    if memory is not None:
        memory.__enter__()
    try:
        stdout, stderr = process.communicate(timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        stderr += f"\n(killed after {STEP_TIMEOUT:.0f} s)"
    finally:
        if memory is not None:
            memory.__exit__()
    seconds = time.perf_counter() - started
    return Timed(seconds, process.returncode, stdout, stderr, memory, _children_cpu() - cpu)


# --- the server -------------------------------------------------------------------------


class FeedServer:
    def __init__(self, args: argparse.Namespace, out: Path) -> None:
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
            "--latency-ms",
            str(args.latency_ms),
            "--max-seconds",
            str(args.max_seconds),
        ]
        if args.gzip:
            command.append("--gzip")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("READY"):
            self.process.kill()
            raise SystemExit(f"feed server did not start: {line!r}")
        self.ready = line.strip()

    def stop(self) -> str:
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out.strip()


# --- tuinews ----------------------------------------------------------------------------


def tuinews_command() -> list[str]:
    found = shutil.which("tuinews", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "tuinews"]


def summarise_refresh(output: str) -> str:
    try:
        data = json.loads(output)
    except ValueError:
        return "unreadable output"
    feeds = data.get("feeds", data if isinstance(data, list) else [])
    statuses: dict[str, int] = {}
    new = 0
    for feed in feeds:
        statuses[feed.get("status", "?")] = statuses.get(feed.get("status", "?"), 0) + 1
        new += int(feed.get("new", 0))
    return ", ".join(f"{v} {k}" for k, v in sorted(statuses.items())) + f"; {new} new articles"


def run_tuinews(
    args: argparse.Namespace, lists: Path, work: Path, run: int, rules: str = ""
) -> dict[str, object]:
    """A cold then a warm refresh into a fresh database; ``rules``: more config (TOML),
    and then only the cold refresh, and what its rules changed."""
    home = work / f"tuinews-{run}{'-rules' * bool(rules)}"
    home.mkdir()
    env = dict(os.environ, TUINEWS_DB=str(home / "tuinews.db"), no_proxy="*", NO_PROXY="*")
    env["TUINEWS_CONFIG"] = str(home / "config.toml")
    config = (args.tuinews_config or "") + "\n" + rules
    (home / "config.toml").write_text(config, encoding="utf-8")
    command = tuinews_command()
    imported = timed([*command, "import", str(lists / "feeds.opml")], env, home)
    if imported.returncode != 0:
        raise SystemExit(f"tuinews import failed: {imported.stderr[-2000:]}")
    cold = timed([*command, "refresh", "--json"], env, home, watch=True)
    if rules:
        if cold.returncode not in (0, 1):
            print(
                f"  tuinews cold refresh with rules exited {cold.returncode}: {cold.stderr[-1500:]}"
            )
        import sqlite3

        with sqlite3.connect(home / "tuinews.db") as db:
            changed = db.execute(
                "SELECT count(*), sum(hidden), sum(read), sum(starred), "
                "(SELECT count(*) FROM article_tags) FROM articles"
            ).fetchone()
        shutil.rmtree(home, ignore_errors=True)
        return {
            "cold": cold.seconds,
            "cold_cpu": cold.cpu,
            "summary": summarise_refresh(cold.stdout),
            "changed": dict(
                zip(("articles", "hidden", "read", "starred", "tags"), changed, strict=True)
            ),
            "warnings": cold.stderr.strip()[-500:],
        }
    warm = timed([*command, "refresh", "--json"], env, home, watch=True)
    result: dict[str, object] = {}
    for name, t in (("cold", cold), ("warm", warm)):
        assert t.memory is not None
        result[name] = t.seconds
        result[f"{name}_cpu"] = t.cpu
        result[f"{name}_rc"] = t.returncode
        result[f"{name}_summary"] = summarise_refresh(t.stdout)
        result[f"{name}_tree_mib"] = t.memory.peak_tree
        result[f"{name}_parent_mib"] = t.memory.parent_hwm
        result[f"{name}_worker_mib"] = t.memory.worker_hwm
        result[f"{name}_processes"] = t.memory.peak_processes
        if t.returncode not in (0, 1):
            print(f"  tuinews {name} refresh exited {t.returncode}: {t.stderr[-1500:]}")
    result["db_mib"] = sum(p.stat().st_size for p in home.glob("tuinews.db*")) / 2**20
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return result


# --- newsboat ---------------------------------------------------------------------------


def ensure_newsboat(allow_install: bool) -> str | None:
    """The path of newsboat, installing Debian's package when missing; None if impossible."""
    found = shutil.which("newsboat")
    if found or not allow_install:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("newsboat: not installed, and apt-get is not usable here: skipped")
        return None
    print("newsboat: installing with apt-get ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "newsboat"]):
        try:
            subprocess.run(step, env=env, capture_output=True, timeout=600, check=True)
        except (subprocess.SubprocessError, OSError) as error:
            print(f"newsboat: {' '.join(step)} failed ({error}): skipped")
            return None
    return shutil.which("newsboat")


def newsboat_version(binary: str) -> str:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return "?"
    words = out.split()
    return words[1] if len(words) > 1 else "?"


def run_newsboat(
    binary: str, lists: Path, work: Path, run: int, threads: int, warm: bool
) -> dict[str, float]:
    home = work / f"newsboat-{run}-{threads}"
    home.mkdir()
    shutil.copy(lists / "urls", home / "urls")
    (home / "config").write_text(
        f"reload-threads {threads}\ndownload-timeout 30\nerror-log {home / 'error.log'}\n",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        no_proxy="*",
        NO_PROXY="*",
    )
    command = [binary, "-u", "urls", "-c", "cache.db", "-C", "config", "-x", "reload"]
    result: dict[str, float] = {}
    cold = timed(command, env, home, watch=True)
    result["cold"] = cold.seconds
    assert cold.memory is not None
    result["cold_mib"] = cold.memory.peak_tree
    if warm:
        timed(command, env, home)  # the 2nd reload: 2.21 sends no validators yet
        hot = timed(command, env, home, watch=True)
        assert hot.memory is not None
        result["warm"] = hot.seconds
        result["warm_mib"] = hot.memory.peak_tree
    errors = home / "error.log"
    result["errors"] = (
        float(len(errors.read_text(errors="replace").splitlines())) if errors.exists() else 0.0
    )
    shutil.rmtree(home, ignore_errors=True)
    return result


# --- report -----------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_s(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument(
        "--newsboat-threads", default="8", help="comma-separated reload-threads values"
    )
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    parser.add_argument("--tuinews-config", default="", help="TOML text for tuinews")
    parser.add_argument("--keep", action="store_true", help="keep the tuinews databases")
    parser.add_argument("--max-seconds", type=float, default=7200.0, help="server lifetime")
    parser.add_argument("--rules", type=int, default=0, help="also cold, with N rules")
    args = parser.parse_args()
    rules = ""
    if args.rules:
        from triage_setup import RULES, config_text  # this folder is on the path

        if args.rules > len(RULES):
            raise SystemExit(f"--rules: at most {len(RULES)}")
        rules = config_text(args.rules, highlights=False)
    threads = [int(t) for t in args.newsboat_threads.split(",") if t.strip()]

    newsboat = None if args.no_newsboat else ensure_newsboat(not args.no_install)
    with tempfile.TemporaryDirectory(prefix="tuinews-bench-") as tmp:
        work = Path(tmp)
        lists = work / "lists"
        server = FeedServer(args, lists)
        print(f"server: {server.ready}", flush=True)
        tn: list[dict[str, object]] = []
        ruled: list[dict[str, object]] = []
        nb: dict[int, list[dict[str, float]]] = {t: [] for t in threads}
        try:
            for run in range(args.runs):
                result = run_tuinews(args, lists, work, run)
                tn.append(result)
                cold_s, warm_s = float(result["cold"]), float(result["warm"])  # type: ignore[arg-type]
                tree_mib = float(result["cold_tree_mib"])  # type: ignore[arg-type]
                print(
                    f"run {run + 1}: tuinews cold {fmt_s(cold_s)} ({result['cold_summary']}), "
                    f"warm {fmt_s(warm_s)} ({result['warm_summary']}), "
                    f"peak tree {tree_mib:.0f} MiB",
                    flush=True,
                )
                if rules:
                    r = run_tuinews(args, lists, work, run, rules)
                    ruled.append(r)
                    print(
                        f"run {run + 1}: tuinews cold with {args.rules} rules "
                        f"{fmt_s(float(r['cold']))}, CPU {float(r['cold_cpu']):.1f} s (without: "  # type: ignore[arg-type]
                        f"{float(result['cold_cpu']):.1f} s) ({r['summary']}); changed: {r['changed']}",  # type: ignore[arg-type]
                        flush=True,
                    )
                if newsboat:
                    for count in threads:
                        r = run_newsboat(newsboat, lists, work, run, count, warm=True)
                        nb[count].append(r)
                        print(
                            f"run {run + 1}: newsboat reload-threads {count}: cold "
                            f"{fmt_s(r['cold'])}, warm {fmt_s(r['warm'])}, "
                            f"{r['errors']:.0f} errors logged, peak {r['cold_mib']:.0f} MiB",
                            flush=True,
                        )
        finally:
            stats = server.stop()
        print(f"server: {stats.splitlines()[-1] if stats else ''}")

    def med(key: str) -> float:
        return median([float(r[key]) for r in tn])  # type: ignore[arg-type]

    cold, warm = med("cold"), med("warm")
    tree = max(float(r["cold_tree_mib"]) for r in tn)  # type: ignore[arg-type]
    tree = max(tree, max(float(r["warm_tree_mib"]) for r in tn))  # type: ignore[arg-type]
    parent = max(float(r["cold_parent_mib"]) for r in tn)  # type: ignore[arg-type]
    worker = max(float(r["cold_worker_mib"]) for r in tn)  # type: ignore[arg-type]
    print()
    print(
        f"## Refresh benchmark: {args.feeds} feeds x {args.items} items, loopback "
        f"({args.hosts} addresses), latency {args.latency_ms:g} ms, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, medians of {args.runs} runs"
    )
    print()
    print("| | cold refresh | warm refresh (all 304) | peak memory |")
    print("|---|---|---|---|")
    print(
        f"| tuinews | {fmt_s(cold)} | {fmt_s(warm)} | {tree:.0f} MiB "
        f"(all processes; main {parent:.0f}, largest worker {worker:.0f}) |"
    )
    best_cold = float("nan")
    nb_warm = float("nan")
    if newsboat and any(nb.values()):
        version = newsboat_version(newsboat)
        best_threads = min(threads, key=lambda t: median([r["cold"] for r in nb[t]]))
        for count in threads:
            c = median([r["cold"] for r in nb[count]])
            w = median([r["warm"] for r in nb[count]])
            mem = max(r["cold_mib"] for r in nb[count])
            mark = " (best)" if count == best_threads and len(threads) > 1 else ""
            print(
                f"| newsboat {version}, reload-threads {count}{mark} | {fmt_s(c)} | "
                f"{fmt_s(w)} | {mem:.0f} MiB |"
            )
        best_cold = median([r["cold"] for r in nb[best_threads]])
        nb_warm = median([r["warm"] for r in nb[best_threads]])
        print(f"| ratio tuinews / newsboat | {cold / best_cold:.2f}x | {warm / nb_warm:.3f}x | |")
    if ruled:
        with_rules = median([float(r["cold"]) for r in ruled])  # type: ignore[arg-type]
        versus = f"{with_rules / best_cold:.2f}x" if best_cold == best_cold else "-"
        print(
            f"| tuinews with {args.rules} rules | {fmt_s(with_rules)} ({versus} newsboat; "
            f"rules {(with_rules / cold - 1) * 100:+.1f}% of the time without) | | |"
        )
    print()
    targets = [
        ("cold <= 0.5x newsboat's best", cold / best_cold if best_cold == best_cold else None, 0.5),
        ("warm <= 0.1x newsboat's warm", warm / nb_warm if nb_warm == nb_warm else None, 0.1),
    ]
    if ruled:
        with_rules = median([float(r["cold"]) for r in ruled])  # type: ignore[arg-type]
        targets.append(
            (
                f"cold with {args.rules} rules <= 0.5x newsboat's best",
                with_rules / best_cold if best_cold == best_cold else None,
                0.5,
            )
        )
        targets.append((f"{args.rules} rules add <= 10%", with_rules / cold - 1, 0.1))
        pairs = [
            f"{float(r['cold']) / float(t['cold']) - 1:+.1%}"  # type: ignore[arg-type]
            for r, t in zip(ruled, tn, strict=True)
        ]
        print(f"- the rules' cost run by run (each beside the run without): {', '.join(pairs)}")
        cpu = [
            f"{float(r['cold_cpu']) / float(t['cold_cpu']) - 1:+.1%}"  # type: ignore[arg-type]
            for r, t in zip(ruled, tn, strict=True)
        ]
        print(
            f"- in CPU time (tuinews and its workers; steadier than wall time on a busy "
            f"machine): {', '.join(cpu)}"
        )
    for name, ratio, limit in targets:
        if ratio is None:
            print(f"- {name}: not measured (no newsboat)")
        else:
            print(f"- {name}: {ratio:.3f}x, {'met' if ratio <= limit else 'NOT met'}")
    verdict = "met" if tree * 1.048576 < 200 else "NOT met"
    print(f"- peak memory < 200 MB: {tree:.0f} MiB ({tree * 1.048576:.0f} MB), {verdict}")
    print()
    details = {"tuinews": tn, "newsboat": nb, "rules": ruled}
    print("details:", json.dumps(details, default=str)[:6000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
