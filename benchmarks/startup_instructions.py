"""Instructions from process start to the first frame with headlines, against a minimal
Textual app: a start-up measure that does not move with the machine's load.

    python benchmarks/startup_instructions.py [--src PATH ...] [--db STORE [--config TOML]]

The wall-clock figures (benchmarks/startup.py) are the README's; on a shared or busy
machine their medians move by tens of milliseconds between runs. This counts the
instructions the process executes until it draws its first frame with headlines (the
same headless scripts as startup.py, ending the process there), under valgrind's
callgrind: the same count for the same code and inputs, whatever else runs. Each
``--src`` is another tree's ``src`` folder (e.g. an older commit from ``git archive``),
measured in the same run with its own ``benchmarks/startup.py`` script beside it, to
compare a change before and after; the first is this checkout's. A count says nothing of waiting (disk, threads), only of work: use both.

``--db`` starts every tree on this store (used as it is: e.g. scale.py's 100,000 articles)
instead of a new one with the welcome library; ``--config`` (a TOML file) is then counted
too, as a second row per tree: e.g. the triage setup's rules and highlights
(``python -c "import triage_setup; print(triage_setup.config_text())"``).

Needs valgrind (Debian's package ``valgrind``); each run takes ~30 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from startup import MINIMAL

HERE = Path(__file__).resolve().parent
END = "import os; os._exit(0)  # the first frame: the count ends here"


def at_first_frame(script: str, marker: str) -> str:
    """``script`` ending its process where it records its first frame (the line that
    starts with ``marker``, whatever its end)."""
    if marker not in script:
        raise SystemExit(f"the start-up script changed: {marker!r} not found")
    return re.sub(re.escape(marker) + ".*", END, script, count=1)


def tree_script(tree: Path) -> str:
    """The start-up script of the tree whose ``src`` is ``tree`` (its own API)."""
    text = (tree.parent / "benchmarks" / "startup.py").read_text(encoding="utf-8")
    found = re.search(r'^TUINEWS = """(.*?)"""', text, re.S | re.M)
    if found is None:
        raise SystemExit(f"no TUINEWS script in {tree.parent / 'benchmarks' / 'startup.py'}")
    return found.group(1)


def instructions(code: str, args: list[str], env: dict[str, str]) -> int:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count: {run.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", action="append", default=[], help="another tree's src folder")
    parser.add_argument("--db", help="an existing store to start on (kept as it is)")
    parser.add_argument("--config", help="a config file counted too (with --db)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    minimal = at_first_frame(MINIMAL, "self.drawn = time.time()")
    trees = [HERE.parent / "src", *(Path(src).resolve() for src in args.src)]
    with tempfile.TemporaryDirectory() as home:
        db = args.db or os.path.join(home, "tuinews.db")
        env = dict(
            os.environ, HOME=home, TUINEWS_CONFIG=os.path.join(home, "config.toml"), TUINEWS_DB=db
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules, as an installed wheel
        floor = instructions(minimal, [], env)
        print("instructions until the first frame with headlines (the welcome library):")
        print(f"  minimal Textual app   {floor / 1e6:8.0f} M")
        for tree in trees:
            script = tree_script(tree)
            ours = at_first_frame(script, "self.drawn = time.time()  # the first frame with the")
            tree_env = dict(env, PYTHONPATH=str(tree))
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(tree)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            # The first run makes the store (or warms the file cache); the second is
            # measured (a store that exists).
            subprocess.run(
                [sys.executable, "-c", script, db],
                env=tree_env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            count = instructions(ours, [db], tree_env)
            print(f"  tuinews ({tree})  {count / 1e6:8.0f} M   ratio {count / floor:.2f}x")
            if args.db and args.config:
                configured = dict(tree_env, TUINEWS_CONFIG=str(Path(args.config).resolve()))
                count = instructions(ours, [db], configured)
                print(f"    with {args.config}  {count / 1e6:8.0f} M   ratio {count / floor:.2f}x")
            if not args.db:
                os.remove(db)


if __name__ == "__main__":
    main()
