"""The command line, run as a real subprocess."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tuinews import __version__
from tuinews.store import Store


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
    Store(db).close()
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


# -- the QA pass of issue 12: the command line as a new user types it


def test_common_options_come_before_the_command_too(tmp_path: Path) -> None:
    """``tuinews --db FILE COMMAND``: the README says every command takes --db and
    --config; before the command they were read as paths to open."""
    db = tmp_path / "nb.db"
    urls = tmp_path / "urls"
    urls.write_text('https://a.example/feed.xml "~Alpha Renamed"\n')
    config = tmp_path / "c.toml"
    config.write_text("keep_days = 3\n")
    imported = run("--db", str(db), "import", str(urls))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 1 feed" in imported.stdout
    listed = run("--db", str(db), "feeds", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [feed["title"] for feed in json.loads(listed.stdout)["feeds"]] == ["Alpha Renamed"]
    both = run(f"--config={config}", f"--db={db}", "search", "alpha", "--limit", "5")
    assert (both.returncode, both.stderr) == (0, "")
    after = run("feeds", "--db", str(db))  # after the command, as before
    assert after.returncode == 0 and "Alpha Renamed" in after.stdout
    missing = run("--db", str(db), "import")  # the command's own usage error
    assert missing.returncode == 2 and "usage: tuinews import" in missing.stderr


def test_a_command_reports_the_settings_it_uses_not_the_app_s(tmp_path: Path) -> None:
    """A bad rule matters to ``refresh``: reported; a bad highlight, key or theme only to
    the app: not printed before every command's output (it is when the app starts)."""
    config = tmp_path / "c.toml"
    config.write_text(
        'theme = 3\n[[rules]]\nmatch = "("\naction = "hide"\n'
        '[[highlight]]\nmatch = "x"\nstyle = "no such style"\n'
    )
    with Store(tmp_path / "t.db"):
        pass
    done = run("--config", str(config), "--db", str(tmp_path / "t.db"), "feeds")
    assert done.returncode == 0, done.stderr
    assert "rule 1" in done.stderr
    assert "highlight" not in done.stderr and "theme" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["--db", "x.db", "feeds"], ["feeds", "--db", "x.db"]),
        (["--config", "c", "--db=x", "search", "a"], ["search", "--config", "c", "--db=x", "a"]),
        (["feeds", "--json"], ["feeds", "--json"]),
        (["--db", "x.db", "news.md"], None),  # paths for the reader
        (["--db", "feeds"], None),  # (feeds is the database's name)
        (["--", "feeds"], None),
        (["./feeds"], None),
    ],
)
def test_command_first(argv: list[str], command: list[str] | None) -> None:
    from tuinews.cli import command_first

    name, moved = command_first(argv)
    assert (name, moved) == ((command[0], command) if command else (None, argv))


@pytest.mark.parametrize(
    ("word", "guess"), [("frobnicate", ""), ("refesh", "did you mean refresh? ")]
)
def test_a_word_that_is_neither_a_command_nor_a_file(tmp_path: Path, word: str, guess: str) -> None:
    result = run(word, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"tuinews: '{word}' is neither a command nor a file ({guess}commands: refresh, "
        "search, save, add, remove, feeds, import, export, extract, account, sync, mark, query, "
        "rule, feed, downloads; tuinews --help)\n"
    )
    after_db = run("--db", str(tmp_path / "t.db"), word, cwd=tmp_path)
    assert after_db.returncode == 2 and "neither a command nor a file" in after_db.stderr
    assert not (tmp_path / "t.db").exists()
    (tmp_path / word).write_text("a file of that name is opened\n")  # (needs a terminal)
    assert "neither" not in run(word, cwd=tmp_path).stderr
    assert "no such file" in run(f"{word}.txt", cwd=tmp_path).stderr  # a file's name


def run_env(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, **env),
    )


@pytest.mark.parametrize(
    "args", [("feeds",), ("feeds", "--json"), ("search", "x"), ("export",), ("remove", "1")]
)
def test_reading_a_database_that_is_not_there_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    result = run(*args, "--db", str(missing))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"tuinews: no database at {missing} (from --db): check the path; "
        "tuinews add, import or refresh makes a new one\n"
    )
    beside = tmp_path / "x.db"  # its folder is there: still nothing made
    assert run_env(*args, TUINEWS_DB=str(beside)).returncode == 2
    default = run(*args)  # the default location: not made by a command that only reads
    assert default.returncode == 2 and "no database yet at" in default.stderr
    assert list(tmp_path.rglob("*")) == [tmp_path / "home"]  # (the tests' empty home)


def test_a_database_named_in_a_folder_that_is_not_there_is_refused(tmp_path: Path) -> None:
    """Writing commands and the app make a database that is not there, but not the
    folders of a path the user gave: only the default location's."""
    missing = tmp_path / "nonexistent" / "x.db"
    said = (
        f"tuinews: cannot make a database at {missing} (from --db): "
        f"the folder {tmp_path / 'nonexistent'} does not exist\n"
    )
    for args in [("refresh",), ("add", "http://127.0.0.1:9/feed.xml"), ("import", "urls"), ()]:
        result = run(*args, "--db", str(missing), cwd=tmp_path)
        assert (result.returncode, result.stderr) == (2, said), args
    from_env = run_env("refresh", TUINEWS_DB=str(missing))
    assert from_env.returncode == 2 and "(from TUINEWS_DB)" in from_env.stderr
    config = tmp_path / "c.toml"
    config.write_text(f'db = "{missing}"\n')
    from_setting = run("refresh", "--config", str(config))
    assert from_setting.returncode == 2 and "(from the 'db' setting)" in from_setting.stderr
    assert not (tmp_path / "nonexistent").exists()
    beside = run("refresh", "--db", str(tmp_path / "new.db"))  # its folder is there
    assert beside.returncode == 0 and (tmp_path / "new.db").exists()
    default = run("refresh")  # the default location is made, folders and all
    assert default.returncode == 0, default.stderr
    assert (tmp_path / "home" / ".local" / "share" / "tuinews" / "tuinews.db").exists()


@pytest.mark.parametrize(
    ("limit", "said"),
    [("0", "must be 1 or more, not 0"), ("-3", "must be 1 or more, not -3"), ("x", "'x' is not")],
)
def test_search_limit_must_be_positive(tmp_path: Path, limit: str, said: str) -> None:
    db = tmp_path / "t.db"
    Store(db).close()
    result = run("search", "is:unread", "--limit", limit, "--db", str(db))
    assert result.returncode == 2 and result.stdout == ""
    assert f"tuinews search: error: argument --limit: {said}" in result.stderr


def test_a_field_without_a_word_says_what_it_needs(tmp_path: Path) -> None:
    """``tuinews search title:`` said only "nothing to search for": the hint the search
    bar holds back while the word is being typed is said by a command, whose text is
    whole."""
    db = tmp_path / "t.db"
    Store(db).close()
    for command in (("search",), ("mark", "read")):
        result = run(*command, "title:", "--db", str(db))
        assert result.returncode == 2
        assert "title: needs a word" in result.stderr, result.stderr


def test_add_without_a_scheme_says_to_begin_with_it(tmp_path: Path) -> None:
    """``tuinews add example.com/feed.xml`` (newsboat users may type it so): refused, and
    the message says what to add; other text is refused as before."""
    db = str(tmp_path / "t.db")
    done = run("add", "example.com/feed.xml", "--db", db)
    assert done.returncode != 0
    assert "example.com/feed.xml (begin it with https://)" in done.stderr
    other = run("add", "not a url", "--db", db)
    assert other.returncode != 0 and "begin it with" not in other.stderr
    assert "Not an http(s) URL" in other.stderr
