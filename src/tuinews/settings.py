"""Settings: read from a TOML file, with no side effects.

Paths are computed here and never created; ``ensure_dirs`` is called once at start-up
by the command line. A broken file names the key and the problem, and tuinews falls back
to the default for that key without touching the file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import platformdirs

from tuinews.query.orders import FEED_ORDERS, HEADLINE_ORDERS
from tuinews.sanitise import clean_line

if TYPE_CHECKING:
    from tuinews.handoffs.commands import Command
    from tuinews.query.highlights import Highlight
    from tuinews.query.rules import Rule

APP_NAME = "tuinews"
MARK_READ_MODES = ("shown", "delay", "manual")
NOTIFY_TERMINAL_MODES = ("off", "osc9", "osc777", "bell")  # tuinews.handoffs.notify


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    if env.get("TUINEWS_CONFIG"):
        return Path(env["TUINEWS_CONFIG"]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def cache_dir() -> Path:
    """Where things that can be fetched again are kept (images: ``cache_dir() / "images"``)."""
    return platformdirs.user_cache_path(APP_NAME)


def default_db_path() -> Path:
    return data_dir() / "tuinews.db"


def ensure_dirs(*paths: Path) -> None:
    """Create the folders that will hold these files (called once, at start-up)."""
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Settings:
    """Every option, with its default. The README's configuration table lists them."""

    db: str = ""  # the database file; "" means the user data directory
    theme: str = "textual-dark"
    narrow_width: int = 100
    refresh_on_start: bool = True
    refresh_interval: int = 60  # minutes between automatic refreshes; 0 turns them off
    concurrency: int = 16
    per_host: int = 2
    keep_articles: int = 1000  # per feed; starred articles are always kept
    keep_days: int = 0  # 0 keeps articles of any age
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys ("j,down")
    rules: tuple[Rule, ...] = ()  # [[rules]]: applied to new articles (see read_rules)
    user_agent: str = ""  # sent with every request; "" is tuinews's own
    proxy: str = ""  # http://, https:// or socks5:// URL; "" uses the environment's, if any
    sort_headlines: str = "newest"  # tuinews.query.orders.HEADLINE_ORDERS
    sort_feeds: str = "name"  # tuinews.query.orders.FEED_ORDERS
    highlight: tuple[Highlight, ...] = ()  # [[highlight]]: see read_highlights
    # Hand-offs (tuinews.handoffs): saving, [commands], notifications, when read.
    save_dir: str = ""  # where articles are saved; "" is the documents folder's tuinews/
    commands: tuple[Command, ...] = ()  # [commands]: NAME = ["program", "{url}"]
    command_timeout: int = 30  # seconds before a command (or notify) is stopped
    notify: tuple[str, ...] = ()  # run after new articles arrive: ["notify-send", "{count}"]
    notify_terminal: str = "off"  # NOTIFY_TERMINAL_MODES: "osc9", "osc777", "bell" or "off"
    mark_read: str = "shown"  # MARK_READ_MODES: "shown", "delay" or "manual"
    mark_read_delay: int = 3  # seconds on screen before read, with mark_read = "delay"
    download_dir: str = ""  # enclosures' downloads; "" is tuinews in the user's downloads
    download_max_mb: int = 2048  # a larger enclosure is not downloaded
    player: tuple[str, ...] = ("mpv", "--no-video")  # plays an enclosure: its file or URL last
    images: str = "auto"  # how images are drawn: tuinews.images.MODES ("off": never fetched)
    image_cache_mb: int = 200  # the image cache's size on disk (0: nothing kept)

    def db_path(self, env: Mapping[str, str] = os.environ) -> Path:
        """The database: TUINEWS_DB, else the ``db`` setting, else the data directory."""
        chosen = env.get("TUINEWS_DB") or self.db
        return Path(chosen).expanduser() if chosen else default_db_path()

    def save_path(self) -> Path:
        """The folder articles are saved in (made when first saved to, not here)."""
        if self.save_dir:
            return Path(self.save_dir).expanduser()
        return platformdirs.user_documents_path() / APP_NAME

    def download_path(self) -> Path:
        """Where enclosures are downloaded to (created only when one is)."""
        if self.download_dir:
            return Path(self.download_dir).expanduser()
        return platformdirs.user_downloads_path() / APP_NAME


def _whole(low: int, high: int) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return None
        return f"must be a whole number from {low} to {high}"

    return check


def _text(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _flag(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def user_agent_problem(value: object) -> str | None:
    """Why this is no User-Agent header value (printable ASCII, one line), else None."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if not (value.isascii() and value.isprintable()):
        return "must be printable ASCII on one line (it is sent as an HTTP header)"
    if len(value) > 500:
        return "must be at most 500 characters"
    return None


PROXY_SCHEMES = ("http", "https", "socks5")


def proxy_problem(value: object) -> str | None:
    """Why this is no proxy URL tuinews can use, else None."""
    wanted = "must be a proxy URL: http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT"
    if not isinstance(value, str) or not value.isascii() or not value.isprintable():
        return wanted
    try:
        parts = urlsplit(value.strip())
        port = parts.port  # raises on a port that is not a number from 0 to 65535
    except ValueError:
        return wanted
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname or " " in value.strip():
        return wanted
    if port == 0 or parts.path not in ("", "/") or parts.query or parts.fragment:
        return wanted
    return None


def command_problem(value: object) -> str | None:
    """Why this is not a command as an argument list (``["mpv", "--no-video"]``)."""
    if (
        isinstance(value, list)
        and value
        and all(isinstance(part, str) for part in value)
        and value[0].strip()
    ):
        return None
    return 'must be a list of strings, the program first (["mpv", "--no-video"])'


def _one_of(choices: tuple[str, ...]) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        return "must be one of " + ", ".join(f'"{choice}"' for choice in choices)

    return check


def _keys(value: object) -> str | None:
    if not isinstance(value, dict):
        return 'must be a table of binding id = "keys"'
    for binding_id, keys in value.items():
        if not (isinstance(keys, str) and keys.strip()):
            return f"{binding_id} must be a key name string"
    return None


def _notify(value: object) -> str | None:
    from tuinews.handoffs.commands import read_notify  # (only with a notify command)

    return read_notify(value)


CHECKS: dict[str, Callable[[object], str | None]] = {
    "db": _text,
    "theme": _text,
    "narrow_width": _whole(20, 1000),
    "refresh_on_start": _flag,
    "refresh_interval": _whole(0, 7 * 24 * 60),
    "concurrency": _whole(1, 256),
    "per_host": _whole(1, 16),
    "keep_articles": _whole(0, 10_000_000),
    "keep_days": _whole(0, 100_000),
    "keys": _keys,
    "rules": lambda value: None,  # checked rule by rule: see read_rules
    "user_agent": user_agent_problem,
    "proxy": proxy_problem,
    "sort_headlines": _one_of(HEADLINE_ORDERS),
    "sort_feeds": _one_of(FEED_ORDERS),
    "highlight": lambda value: None,  # checked one by one: see read_highlights
    "save_dir": _text,
    "commands": lambda value: None,  # checked one by one: see read_commands
    "command_timeout": _whole(1, 3600),
    "notify": _notify,
    "notify_terminal": _one_of(NOTIFY_TERMINAL_MODES),
    "mark_read": _one_of(MARK_READ_MODES),
    "mark_read_delay": _whole(0, 3600),
    "download_dir": _text,
    "download_max_mb": _whole(1, 1_000_000),
    "player": lambda value: command_problem(value),
    "images": _one_of(("auto", "kitty", "sixel", "halfblock", "off")),  # tuinews.images.MODES
    "image_cache_mb": _whole(0, 100_000),
}
assert set(CHECKS) == {f.name for f in fields(Settings)}
# What a wrong value falls back to, where "using the default" would not say it.
_FALLBACKS = {"proxy": "no proxy is used but the environment's (HTTP_PROXY...), if any"}


# Settings only the app reads: a command (``tuinews refresh``...) does not report their
# problems on every run (the app does, when it starts).
APP_ONLY = frozenset(
    (
        "theme",
        "narrow_width",
        "refresh_on_start",
        "keys",
        "highlight",
        "commands",
        "command_timeout",
        "notify_terminal",
        "mark_read",
        "mark_read_delay",
        "save_dir",
        "player",
        "images",
        "image_cache_mb",
    )
)


class Problem(str):
    """A problem of the settings file, as text; ``app_only``: about a setting only the
    app reads (:data:`APP_ONLY`)."""

    app_only = False


def _app_only(problem: str) -> Problem:
    marked = Problem(problem)
    marked.app_only = True
    return marked


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Read the settings file; return the settings and the problems found.

    A missing file is not a problem. A wrong value falls back to that key's default (the
    whole file's defaults if it is not valid TOML); the file is never rewritten.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, a device never end
            return Settings(), [f"{path}: not a regular file; using the defaults"]
    except FileNotFoundError:
        return Settings(), []
    except OSError as error:
        return Settings(), [f"{path}: cannot be read ({error.strerror}); using the defaults"]
    import tomllib  # only when there is a file (3 ms of start-up otherwise)

    try:
        with path.open("rb") as file:
            raw = tomllib.load(file)
    except FileNotFoundError:
        return Settings(), []
    except tomllib.TOMLDecodeError as error:
        return Settings(), [f"{path}: not valid TOML: {error}; using the defaults"]
    except OSError as error:
        return Settings(), [f"{path}: cannot be read ({error.strerror}); using the defaults"]

    problems: list[str] = []
    values: dict[str, object] = {}
    for key, value in raw.items():
        before = len(problems)
        _read_setting(path, key, value, problems, values)
        if key in APP_ONLY:
            problems[before:] = [_app_only(problem) for problem in problems[before:]]
    return Settings(**values), problems  # type: ignore[arg-type]


def _read_setting(
    path: Path, key: str, value: object, problems: list[str], values: dict[str, object]
) -> None:
    """One key of the file into ``values``, or its problems into ``problems``."""
    check = CHECKS.get(key)
    if check is None:
        problems.append(f"{path}: unknown setting '{key}' (ignored)")
        return
    problem = check(value)
    if problem:
        fallback = _FALLBACKS.get(key, "using the default")
        problems.append(f"{path}: '{key}' {problem}; {fallback}")
        return
    if key == "keys":
        assert isinstance(value, dict)
        value = {str(k): str(v).strip() for k, v in value.items()}
    if key == "rules":
        value = read_rules(value, f"{path}: ", problems)
    if key in ("user_agent", "proxy"):
        value = str(value).strip()
    if key == "highlight":
        value = read_highlights(value, f"{path}: ", problems)
    if key == "commands":
        from tuinews.handoffs.commands import read_commands  # (only with [commands])

        value = read_commands(value, f"{path}: ", problems)
    if key == "notify":
        assert isinstance(value, list)
        value = tuple(value)
    if key == "player" and isinstance(value, list):
        value = tuple(str(part) for part in value)
    values[key] = value


T = TypeVar("T")


def _read_tables(
    value: object,
    where: str,
    problems: list[str],
    *,
    key: str,
    noun: str,
    plural: str,
    second: tuple[str, str, str],
    make: Callable[[str, str, str], T],
    others: str,
) -> tuple[T, ...]:
    """An array of tables of the config file (``[[key]]``), each with ``match = "QUERY"``,
    a second key (``second``: its name, an example, what it needs), an optional ``name``.
    ``make`` makes one (raising ValueError with what is wrong); a bad one is reported by
    its name (else its place: "``noun`` 2") and skipped, the others are kept."""
    if not isinstance(value, list):
        problems.append(f"{where}'{key}' must be an array of tables ([[{key}]]); no {plural} used")
        return ()
    name, example, needs = second
    made: list[T] = []
    for number, table in enumerate(value, start=1):
        label = f"{noun} {number}"
        if isinstance(table, dict) and isinstance(table.get("name"), str) and table["name"]:
            label = f"{noun} {number} ({clean_line(table['name'], limit=80)!r})"
        try:
            if not isinstance(table, dict):
                raise ValueError(f'must be a table: match = "QUERY", {name} = {example}')
            unknown = sorted(set(table) - {"match", name, "name"})
            if unknown:
                raise ValueError(f"unknown key {unknown[0]!r} (match, {name}, name)")
            match, given = table.get("match"), table.get(name)
            if not isinstance(match, str) or not match.strip():
                raise ValueError('needs match = "QUERY"')
            if not isinstance(given, str):
                raise ValueError(f"needs {name} = {needs}")
            made.append(make(f"config {label}", match, given))
        except ValueError as error:  # (BadRule and BadHighlight are ValueErrors)
            problems.append(f"{where}{label}: {error}; skipped ({others})")
    return tuple(made)


def read_rules(value: object, where: str, problems: list[str]) -> tuple[Rule, ...]:
    """The config file's ``[[rules]]`` (``match = "QUERY"``, ``action = "hide"``, an
    optional ``name``). A bad rule (an unknown action, a query that does not parse, a
    missing key) is reported by its name (else its place: "rule 2") and skipped; the
    others are kept."""
    # (the query language, ~10 ms: only for a config with rules, not every start-up)
    from tuinews.query.rules import make_rule

    return _read_tables(
        value,
        where,
        problems,
        key="rules",
        noun="rule",
        plural="rules",
        second=("action", '"hide"', '"hide", "read", "star" or "tag:NAME"'),
        make=make_rule,
        others="the other rules still run",
    )


def read_highlights(value: object, where: str, problems: list[str]) -> tuple[Highlight, ...]:
    """The config file's ``[[highlight]]`` tables (``match = "QUERY"``, ``style = "bold
    red"``, an optional ``name``). A bad one (a query that does not parse, a style Rich
    does not know, a missing key) is reported by its name (else its place: "highlight
    2") and skipped; the others are kept."""
    # (the query language, ~10 ms: only for a config with highlights)
    from tuinews.query.highlights import make_highlight

    return _read_tables(
        value,
        where,
        problems,
        key="highlight",
        noun="highlight",
        plural="highlights",
        second=("style", '"bold red"', '"STYLE" (a Rich style, e.g. "bold red")'),
        make=make_highlight,
        others="the others are used",
    )
