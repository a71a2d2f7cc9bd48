"""The command line, run as a real subprocess."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tuinews import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=os.environ.copy(),
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tuinews {__version__}"


def test_help_names_the_paths_argument() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "PATH" in result.stdout
    assert "RSS" in result.stdout


def test_missing_path_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.txt"
    result = run(str(missing))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(missing) in lines[0]
    assert "no such file" in lines[0]
    assert "Traceback" not in result.stderr


def test_unreadable_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads everything; a dangling symlink still names a path that cannot be read
        link = tmp_path / "dangling"
        link.symlink_to(tmp_path / "gone")
        result = run(str(link))
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0)
        result = run(str(folder))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_hostile_file_name_is_shown_harmlessly(tmp_path: Path) -> None:
    result = run(str(tmp_path / "x\x1b]52;c;QQ==\x07.txt"))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr


def test_collections_are_off_only_while_the_reader_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader starts with cyclic garbage collection off (the app turns it back on
    after its first frame); a command runs with it on; either way main() restores it."""
    from tuinews import cli, commands
    from tuinews.sources import paths

    seen: dict[str, bool] = {}
    real_check, real_run = paths.check_paths, commands.run_command

    def check_paths(paths: list[str]) -> None:
        seen["reader"] = gc.isenabled()
        real_check(paths)

    def run_command(*args: Any) -> int:
        seen["command"] = gc.isenabled()
        return int(real_run(*args))

    monkeypatch.setattr(paths, "check_paths", check_paths)
    monkeypatch.setattr(commands, "run_command", run_command)
    assert gc.isenabled()
    db = str(tmp_path / "store.db")
    assert cli.main([str(tmp_path / "missing.txt"), "--db", db]) == 2  # the reader: refused
    assert seen["reader"] is False and gc.isenabled()
    assert cli.main(["feeds", "--db", db]) == 0
    assert seen["command"] is True and gc.isenabled()
    gc.disable()  # a caller that had turned it off gets it back off
    try:
        assert cli.main(["feeds", "--db", db]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "argv",
    [[], ["news.md"], ["a folder", "feed.xml"], ["--db", "x.db"], ["a", "--config", "c.toml"]],
)
def test_plain_paths_are_what_the_parser_gives(argv: list[str]) -> None:
    from tuinews.cli import build_parser, plain_paths

    quick = plain_paths(argv)
    if any(arg.startswith("-") for arg in argv):
        assert quick is None  # options: the parser reads them
    else:
        assert quick == build_parser().parse_args(argv)


def test_refresh_beside_an_earlier_tuinews_that_holds_the_lock_says_so(tmp_path: Path) -> None:
    """An earlier version held the lock file for its whole run, writing only its PID: a
    refresh then refuses (exit 2, one line), as it did, rather than wait for it forever."""
    from tuinews.store import Store
    from tuinews.store.lock import StoreLock

    db = tmp_path / "tuinews.db"
    Store(db).close()
    earlier = StoreLock(db)
    assert earlier.try_acquire() is None
    earlier.path.write_text("4242\n")
    try:
        result = run("refresh", "--db", str(db))
    finally:
        earlier.release()
    assert result.returncode == 2
    assert result.stderr == (
        f"tuinews: cannot refresh {db}: an earlier tuinews is using it (PID 4242)\n"
    )
    assert run("refresh", "--db", str(db)).returncode == 0  # released: it runs


def test_a_damaged_file_is_moved_aside_only_when_nobody_holds_the_lock(tmp_path: Path) -> None:
    from tuinews.cli import _move_aside
    from tuinews.store import StoreError
    from tuinews.store.lock import StoreLock

    db = tmp_path / "tuinews.db"
    db.write_bytes(b"junk" * 100)
    (tmp_path / "tuinews.db-wal").write_bytes(b"wal")
    aside = tmp_path / "tuinews.db.damaged-1"
    refreshing = StoreLock(db)
    assert refreshing.try_acquire() is None
    try:
        with pytest.raises(StoreError, match=rf"nothing was changed: .*\(PID {os.getpid()}\)"):
            _move_aside(db, aside)
        assert db.exists() and not aside.exists()
    finally:
        refreshing.release()
    _move_aside(db, aside)
    assert not db.exists() and aside.read_bytes() == b"junk" * 100
    assert (tmp_path / "tuinews.db.damaged-1-wal").read_bytes() == b"wal"
