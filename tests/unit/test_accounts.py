"""Sync accounts' secrets: the password from a command, the environment or a prompt, and
the server's Auth kept in a file only the user can read."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path

import pytest

from tuinews.accounts import (
    PasswordError,
    forget_auth,
    load_auth,
    password_from_command,
    resolve_password,
    save_auth,
    token_dir,
    token_path,
    use_auth,
)

PY = shlex.quote(sys.executable)
URL = "https://rss.example.org/api/greader.php"


def python(code: str) -> str:
    return f"{PY} -c {shlex.quote(code)}"


# the password command -----------------------------------------------------------------------


def test_the_first_line_of_the_commands_output() -> None:
    command = python("print('s3cret with spaces '); print('second line')")
    assert password_from_command(command) == "s3cret with spaces "
    assert password_from_command(python("import sys; sys.stdout.write('crlf\\r\\nx')")) == "crlf"


def test_no_shell_is_involved(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    # A shell would run `touch`; as an argument list, echo prints it all.
    assert password_from_command(f"echo pw; touch {marker}") == f"pw; touch {marker}"
    assert password_from_command("echo $HOME `id`") == "$HOME `id`"
    assert not marker.exists()


def test_a_missing_program() -> None:
    with pytest.raises(PasswordError) as caught:
        password_from_command("no-such-password-manager show rss")
    assert str(caught.value) == "--password-command: program not found: no-such-password-manager"


def test_a_failing_program_says_its_last_words() -> None:
    command = python(
        "import sys; print('pw'); sys.stderr.write('gpg: decryption failed\\n'); sys.exit(2)"
    )
    with pytest.raises(PasswordError) as caught:
        password_from_command(command)
    reason = str(caught.value)
    assert reason.endswith("failed (exit status 2): gpg: decryption failed")
    assert "pw" not in reason.replace(sys.executable, "")


def test_a_program_that_prints_nothing() -> None:
    with pytest.raises(PasswordError, match="printed no password"):
        password_from_command(python("print()"))


def test_a_program_that_hangs_is_stopped() -> None:
    with pytest.raises(PasswordError, match=r"did not answer within 0\.5 s"):
        password_from_command(python("import time; time.sleep(30)"), timeout=0.5)


def test_a_command_that_cannot_be_read() -> None:
    with pytest.raises(PasswordError, match="cannot read the command"):
        password_from_command("pass 'unclosed")
    with pytest.raises(PasswordError, match="the command is empty"):
        password_from_command("   ")


def test_a_file_that_is_not_executable(tmp_path: Path) -> None:
    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho pw\n")
    with pytest.raises(PasswordError, match="cannot run"):
        password_from_command(str(script))


# where the password comes from --------------------------------------------------------------


def test_the_command_first_then_the_environment_then_the_terminal() -> None:
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "typed"

    env = {"TUINEWS_PASSWORD": "from-env"}
    yes = lambda: True  # noqa: E731
    assert resolve_password("echo from-command", "pw: ", env=env, ask=ask, interactive=yes) == (
        "from-command"
    )
    assert resolve_password(None, "pw: ", env=env, ask=ask, interactive=yes) == "from-env"
    assert asked == []
    assert (
        resolve_password(None, "Password for alice: ", env={}, ask=ask, interactive=yes) == "typed"
    )
    assert asked == ["Password for alice: "]


def test_no_terminal_and_nothing_else_is_a_clear_error() -> None:
    with pytest.raises(PasswordError) as caught:
        resolve_password(None, "pw: ", env={"TUINEWS_PASSWORD": ""}, interactive=lambda: False)
    assert "--password-command" in str(caught.value) and "TUINEWS_PASSWORD" in str(caught.value)


def test_an_interrupted_prompt() -> None:
    def ask(prompt: str) -> str:
        raise KeyboardInterrupt

    with pytest.raises(PasswordError, match="no password given"):
        resolve_password(None, "pw: ", env={}, ask=ask, interactive=lambda: True)


# the Auth file ------------------------------------------------------------------------------


def test_the_auth_is_kept_readable_only_by_the_user(isolated_dirs: Path) -> None:
    old = os.umask(0o022)
    try:
        path = save_auth(URL, "alice", "alice/abc123")
    finally:
        os.umask(old)
    assert path.is_relative_to(isolated_dirs) and path.parent == token_dir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_auth(URL, "alice") == "alice/abc123"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left

    save_auth(URL, "alice", "alice/new")
    assert load_auth(URL, "alice") == "alice/new"
    assert load_auth(URL, "bob") is None and load_auth(URL + "/", "alice") is None
    forget_auth(URL, "alice")
    assert load_auth(URL, "alice") is None
    forget_auth(URL, "alice")  # twice is fine


def test_nothing_is_created_until_an_auth_is_saved() -> None:
    assert load_auth(URL, "alice") is None
    assert not token_dir().exists()


def test_a_file_others_can_read_is_made_private(isolated_dirs: Path) -> None:
    path = save_auth(URL, "alice", "alice/abc")
    path.chmod(0o644)
    assert load_auth(URL, "alice") == "alice/abc"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_or_foreign_file_is_no_auth() -> None:
    path = token_path(URL, "alice")
    path.parent.mkdir(parents=True)
    for content in (
        b"",
        b"{",
        b"[]",
        b'{"api_url": "https://other", "user": "alice", "auth": "x"}',
    ):
        path.write_bytes(content)
        assert load_auth(URL, "alice") is None


def test_the_password_is_never_written(isolated_dirs: Path, tmp_path: Path) -> None:
    password = resolve_password(
        None, "", env={"TUINEWS_PASSWORD": "pw-9f8e7d"}, interactive=lambda: False
    )
    save_auth(URL, "alice", "alice/token")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_removing_an_account_from_one_database_leaves_the_other_logged_in(
    tmp_path: Path,
) -> None:
    """Two databases with the same account (``account add`` in each): removing it from
    one kept the Auth of the other no longer (it was one file: the other had to log in
    again, from cron too). The last one to remove it forgets it."""
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    one.touch()
    two.touch()
    save_auth(URL, "alice", "AUTH1")
    use_auth(URL, "alice", one)
    use_auth(URL, "alice", two)
    save_auth(URL, "alice", "AUTH2")  # (a login again: the databases stay)
    forget_auth(URL, "alice", one)
    assert load_auth(URL, "alice") == "AUTH2"
    forget_auth(URL, "alice", two)
    assert load_auth(URL, "alice") is None
    save_auth(URL, "alice", "AUTH3")
    use_auth(URL, "alice", one)
    use_auth(URL, "alice", two)
    two.unlink()  # a database gone: it does not keep the Auth
    forget_auth(URL, "alice", one)
    assert load_auth(URL, "alice") is None
