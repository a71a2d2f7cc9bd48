"""The refresh's worker pool at exit (issue 12, section 5): ``refresh --json`` printed,
about once in 600 runs, ``OSError: [Errno 9] Bad file descriptor`` after its output.

At interpreter exit, concurrent.futures' exit hook wakes each executor's thread by
writing to a pipe, without the lock that thread holds when it closes that pipe on its way
out. The pool was closed with ``shutdown(wait=False)``, so its thread could still be
ending at exit and close the pipe between the hook's check and its write. These tests
force that timing (in the child process only: the thread is made to end 0.2 s late, and
the hook to pause 0.5 s between its check and its write), so the race is lost on every
run unless the pool's thread is done before the interpreter exits. Real processes, a real
feed server on 127.0.0.1, a real database; nothing of tuinews is replaced."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tuinews.store import Store

# Runs before the code under test, in the child; CPython 3.11-3.13 names. On a Python
# where these are gone, the forcing is skipped (the run then only checks a clean exit).
FORCE_THE_RACE = """
import concurrent.futures.process as cfp, time

def force_the_race():
    manager = getattr(cfp, "_ExecutorManagerThread", None)
    wakeup = getattr(cfp, "_ThreadWakeup", None)
    if manager is None or wakeup is None or not hasattr(cfp, "_global_shutdown"):
        return
    join = manager.join_executor_internals

    def late_join(self):
        time.sleep(0.2)  # the executor's thread still ending when the interpreter exits
        join(self)

    def paused_wakeup(self):
        if not self._closed:
            if cfp._global_shutdown:  # the exit hook: lose the CPU after the check
                time.sleep(0.5)
            self._writer.send_bytes(b"")

    manager.join_executor_internals = late_join
    wakeup.wakeup = paused_wakeup
"""

POOL = (
    FORCE_THE_RACE
    + """
import asyncio
from tuinews import workers

async def main():
    pool = workers.WorkerPool(2)
    assert await pool.run(10, len, "abc") == 3
    pool.close()

if __name__ == "__main__":
    force_the_race()
    asyncio.run(main())
    print("done", flush=True)
"""
)

REFRESH = (
    FORCE_THE_RACE
    + """
import sys
from tuinews.cli import main

if __name__ == "__main__":
    force_the_race()
    sys.exit(main(["refresh", "--json", "--db", sys.argv[1]]))
"""
)


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )


def test_worker_pool_is_done_before_the_interpreter_exits() -> None:
    for _ in range(3):
        result = run(POOL)
        assert result.stdout == "done\n", result.stderr
        assert result.stderr == "", result.stderr  # no "Exception ignored ... OSError"


def test_refresh_json_ends_with_its_output_and_nothing_after(tmp_path: Path) -> None:
    db = tmp_path / "tuinews.db"
    with FeedServer() as server:
        for name in ("a", "b", "c"):
            server.route(f"/{name}.xml", Response(body=rss(name, (f"{name}1", f"{name} one"))))
        with Store(db) as store:
            for name in ("a", "b", "c"):
                store.add_feed(server.url(f"/{name}.xml"))
        for _ in range(2):
            result = run(REFRESH, str(db))
            assert result.returncode == 0, result.stderr
            assert result.stderr == "", result.stderr
            report = json.loads(result.stdout)
            assert report["total"] == 3 and report["failed"] == 0
