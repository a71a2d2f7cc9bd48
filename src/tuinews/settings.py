"""Settings: read from a TOML file, with no side effects.

Paths are computed here and never created; ``ensure_dirs`` is called once at start-up
by the command line. A broken file names the key and the problem, and tuinews falls back
to the defaults without touching the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "tuinews"


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    if env.get("TUINEWS_CONFIG"):
        return Path(env["TUINEWS_CONFIG"]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def ensure_dirs() -> None:
    data_dir().mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Settings:
    """Every option, with its default. See the README's configuration section."""

    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys ("j,down")
    theme: str = "textual-dark"
    narrow_width: int = 100


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Read the settings file; return the settings and a list of problems found.

    A missing file is not a problem. Anything wrong falls back to the default for that
    key (or for the whole file, if it is not valid TOML).
    """
    try:
        with path.open("rb") as file:
            raw = tomllib.load(file)
    except FileNotFoundError:
        return Settings(), []
    except tomllib.TOMLDecodeError as error:
        return Settings(), [f"{path}: not valid TOML ({error}); using the defaults"]
    except OSError as error:
        return Settings(), [f"{path}: cannot be read ({error.strerror}); using the defaults"]

    problems: list[str] = []
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key == "keys":
            if not isinstance(value, dict):
                problems.append(f"{path}: 'keys' must be a table of binding id = \"key\"")
                continue
            keys: dict[str, str] = {}
            for binding_id, keyspec in value.items():
                if isinstance(keyspec, str) and keyspec.strip():
                    keys[str(binding_id)] = keyspec.strip()
                else:
                    problems.append(f"{path}: keys.{binding_id} must be a key name string")
            values["keys"] = keys
        elif key == "theme":
            if isinstance(value, str) and value:
                values["theme"] = value
            else:
                problems.append(f"{path}: 'theme' must be a theme name string")
        elif key == "narrow_width":
            if isinstance(value, int) and not isinstance(value, bool) and 20 <= value <= 1000:
                values["narrow_width"] = value
            else:
                problems.append(f"{path}: 'narrow_width' must be a whole number from 20 to 1000")
        else:
            problems.append(f"{path}: unknown setting '{key}'")
    return Settings(**values), problems  # type: ignore[arg-type]
