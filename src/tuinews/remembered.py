"""What the app remembers between runs that is not a setting (the pane widths, the
folders folded in the feed list): a small file in the user's state directory, ``name =
number`` lines; each part of the app changes its own names (:func:`update_state`). The
settings file is the user's and is never written; this one is tuinews' own, read at
start-up (the widths before the first frame: a few lines parsed here, no parser
imported; the folds in the feed list's thread) and written when it changes.

A missing, unreadable or damaged file gives the defaults (a damaged line is skipped); a
file that cannot be written is left as it is (nothing here is worth an error message).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from tuinews.settings import APP_NAME

MAX_BYTES = 64 * 1024  # a state file is a few lines: anything bigger is not ours


def state_path(env: Mapping[str, str] = os.environ) -> Path:
    """TUINEWS_STATE, else ``state.json`` in the user's state directory."""
    if env.get("TUINEWS_STATE"):
        return Path(env["TUINEWS_STATE"]).expanduser()
    return platformdirs.user_state_path(APP_NAME) / "state"


def load_state(path: Path) -> dict[str, float]:
    """The remembered numbers by name ({} when there are none or the file is unusable)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return {}
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    state: dict[str, float] = {}
    for line in text.splitlines():
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            continue  # a comment, a blank or a damaged line
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number):
            state[name] = number
    return state


def save_state(path: Path, state: Mapping[str, float]) -> bool:
    """Write the numbers (replacing the file whole: never half written); False if it could
    not be written."""
    lines = ["# Remembered by tuinews between runs (the settings are in config.toml)."]
    lines += [f"{name} = {value:g}" for name, value in sorted(state.items())]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write("\n".join(lines) + "\n")
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def update_state(
    path: Path, changes: Mapping[str, float | None], prefix: str | None = None
) -> bool:
    """Change some of the numbers, keeping the others (another part of the app's): each
    name in ``changes`` is set, or dropped if None; with ``prefix``, every name that
    starts with it and is not in ``changes`` is dropped (the part owns them all). False
    if the file could not be written."""
    state = load_state(path)
    if prefix is not None:
        state = {name: value for name, value in state.items() if not name.startswith(prefix)}
    for name, value in changes.items():
        if value is None:
            state.pop(name, None)
        else:
            state[name] = value
    return save_state(path, state)
