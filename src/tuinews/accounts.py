"""Sync accounts' secrets: where the password comes from, and where the Auth is kept.

The password is asked for when a login needs it and is never written anywhere: it comes
from ``--password-command CMD`` (run as an argument list, no shell: its first output
line), else the ``TUINEWS_PASSWORD`` environment variable, else a prompt on a terminal.

What the server returns for it (the Google Reader ``Auth``) is kept in a file readable
only by the user, one per account, in the user state directory (:func:`token_dir`,
created at first use, never at start-up). Messages here never hold the password or the
Auth.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import platformdirs

from tuinews.sanitise import clean_line
from tuinews.settings import APP_NAME

__all__ = [
    "PASSWORD_ENV",
    "PasswordError",
    "forget_auth",
    "load_auth",
    "password_from_command",
    "resolve_password",
    "save_auth",
    "token_dir",
    "token_path",
    "use_auth",
]

PASSWORD_ENV = "TUINEWS_PASSWORD"
COMMAND_TIMEOUT = 60.0  # seconds: a password manager may ask for its own passphrase
MAX_OUTPUT = 64 * 1024


class PasswordError(Exception):
    """No password could be had; ``str()`` says why in one line (never the password)."""


# the password -----------------------------------------------------------------------------


def password_from_command(command: str, timeout: float = COMMAND_TIMEOUT) -> str:
    """Run ``command`` (split like a shell would, but run without one) and return the
    first line it prints. Its standard input and the terminal stay the user's, so a
    password manager can ask for its passphrase."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise PasswordError(f"--password-command: cannot read the command ({exc})") from None
    if not argv:
        raise PasswordError("--password-command: the command is empty")
    program = clean_line(argv[0], 200)
    try:
        # An argument list, never a shell; stdin stays the user's.
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise PasswordError(f"--password-command: program not found: {program}") from None
    except PermissionError:
        raise PasswordError(f"--password-command: cannot run {program} (permission)") from None
    except subprocess.TimeoutExpired:
        raise PasswordError(
            f"--password-command: {program} did not answer within {timeout:g} s"
        ) from None
    except OSError as exc:
        reason = clean_line(exc.strerror or type(exc).__name__, 100)
        raise PasswordError(f"--password-command: cannot run {program} ({reason})") from None
    if done.returncode != 0:
        said = _last_line(done.stderr)
        detail = f": {said}" if said else ""
        raise PasswordError(
            f"--password-command: {program} failed (exit status {done.returncode}){detail}"
        )
    first = done.stdout[:MAX_OUTPUT].split(b"\n", 1)[0].removesuffix(b"\r")
    try:
        password = first.decode("utf-8")
    except UnicodeDecodeError:
        raise PasswordError(f"--password-command: {program} printed no UTF-8 text") from None
    if not password:
        raise PasswordError(f"--password-command: {program} printed no password")
    return password


def _last_line(data: bytes) -> str:
    lines = [line for line in data[-4096:].decode("utf-8", "replace").splitlines() if line]
    return clean_line(lines[-1], 200) if lines else ""


def resolve_password(
    command: str | None,
    prompt: str,
    *,
    env: Mapping[str, str] = os.environ,
    ask: Callable[[str], str] = getpass.getpass,
    interactive: Callable[[], bool] = lambda: sys.stdin.isatty(),
) -> str:
    """The password: from ``command``, else ``$TUINEWS_PASSWORD``, else asked on the
    terminal with ``prompt``. Raises PasswordError when none of them gives one."""
    if command is not None:
        return password_from_command(command)
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    if not interactive():
        raise PasswordError(
            "no password: set TUINEWS_PASSWORD, run tuinews on a terminal to be asked, "
            "or give the account a command that prints it (tuinews account add URL "
            "--user NAME --password-command CMD)"
        )
    try:
        password = ask(prompt)
    except (EOFError, KeyboardInterrupt):
        raise PasswordError("no password given") from None
    if not password:
        raise PasswordError("no password given")
    return password


# the Auth the server gave -------------------------------------------------------------------


def token_dir() -> Path:
    """Where the accounts' Auth files live (not created here)."""
    return platformdirs.user_state_path(APP_NAME) / "accounts"


def token_path(api_url: str, user: str) -> Path:
    """One file per account (server and user), named by a digest of both."""
    digest = hashlib.sha256(f"{api_url}\n{user}".encode()).hexdigest()[:24]
    return token_dir() / f"{digest}.json"


def save_auth(api_url: str, user: str, auth: str) -> Path:
    """Keep the Auth in a file only the user can read (0600, in a 0700 folder), replaced
    atomically (with the databases that use it, kept)."""
    path = token_path(api_url, user)
    databases = _kept(path, api_url, user).get("databases", [])
    return _write(path, {"api_url": api_url, "user": user, "auth": auth, "databases": databases})


def _write(path: Path, kept: dict[str, object]) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.parent.chmod(0o700)
    data = json.dumps(kept).encode()
    # mkstemp makes the file 0600 whatever the umask, before anything is written to it.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".auth-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _kept(path: Path, api_url: str, user: str) -> dict[str, Any]:
    """What the account's file holds ({} if nothing, or another account's)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("api_url") != api_url or data.get("user") != user:
        return {}
    if not isinstance(data.get("databases"), list):
        data["databases"] = []
    return data


def use_auth(api_url: str, user: str, database: Path) -> None:
    """This database has the account (``account add``): the kept Auth is also its, and
    removing the account from another database leaves it (it logged this one out)."""
    path = token_path(api_url, user)
    kept = _kept(path, api_url, user)
    if kept:
        databases = {*map(str, kept["databases"]), str(database.resolve())}
        _write(path, {**kept, "databases": sorted(databases)})


def load_auth(api_url: str, user: str) -> str | None:
    """The kept Auth for this account, or None (no file, another account's, unreadable).
    A file others can read is made private again before it is used."""
    path = token_path(api_url, user)
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o600)
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("api_url") != api_url or data.get("user") != user:
        return None
    auth = data.get("auth")
    return auth if isinstance(auth, str) and auth else None


def forget_auth(api_url: str, user: str, database: Path | None = None) -> None:
    """This database no longer has the account: its Auth is forgotten unless another
    database (still there) has the account too (``database``: None, forgotten)."""
    path = token_path(api_url, user)
    kept = _kept(path, api_url, user)
    if database is not None and kept:
        mine = str(database.resolve())
        others = [d for d in map(str, kept["databases"]) if d != mine and Path(d).exists()]
        if others:
            _write(path, {**kept, "databases": others})
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
