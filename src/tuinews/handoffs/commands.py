"""The config's ``[commands]``: each an argument list with placeholders, checked once when
the settings are read, and turned into the argument list of one run.

    [commands]
    bookmark = ["linkding-cli", "add", "{url}"]
    glow = ["glow", "{file}"]

A placeholder is replaced inside the one argument that holds it, by the value as it is
(a title with spaces, quotes or ``; rm -rf ~`` is still one argument, never split nor
read by a shell); ``{{`` and ``}}`` are literal braces. An unknown placeholder, an empty
list or a value that is not a string is a problem of the config file, said at start-up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

ARTICLE_PLACEHOLDERS = ("url", "title", "feed", "file")
NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
BINDING_PREFIX = "command_"


class BadCommand(ValueError):
    """A command of the config that cannot be used; ``str()`` says why."""


@dataclass(frozen=True)
class Command:
    """A ``[commands]`` entry: its name (its key binding id is ``command_NAME``) and its
    argument list, placeholders unreplaced."""

    name: str
    argv: tuple[str, ...]

    @property
    def binding_id(self) -> str:
        return BINDING_PREFIX + self.name

    def uses(self, name: str) -> bool:
        """Whether a placeholder ``{name}`` is in the arguments."""
        return any(name in placeholders(arg) for arg in self.argv)

    @property
    def description(self) -> str:
        """For the help screen and the palette (the name's characters are safe in
        Textual's markup, which the palette reads its entries as)."""
        return f"Hand the article to {self.name}"


def placeholders(argument: str) -> list[str]:
    """The placeholders named in ``argument`` ("" for ``{}``), raising BadCommand on a
    lone brace."""
    found = []
    for match in _FIELD.finditer(argument):
        text = match.group(0)
        if text in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise BadCommand(f"a lone {text!r} in {argument!r} (write {text * 2} for a brace)")
        found.append(match.group(1))
    return found


def check_argv(value: object, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``value`` as an argument list whose placeholders are all ``allowed``, or BadCommand."""
    if not isinstance(value, list) or not value:
        raise BadCommand('must be a non-empty list of strings, e.g. ["program", "{url}"]')
    if not all(isinstance(arg, str) for arg in value):
        raise BadCommand("must be a list of strings (each an argument, not split by a shell)")
    if not value[0].strip():
        raise BadCommand("its first item must name a program")
    names = ", ".join("{" + name + "}" for name in allowed)
    for arg in value:
        for name in placeholders(arg):
            if name not in allowed:
                raise BadCommand(f"unknown placeholder {{{name}}} in {arg!r} (known: {names})")
    return tuple(value)


def substitute(argv: tuple[str, ...], values: Mapping[str, str]) -> list[str]:
    """The argument list with each placeholder replaced by its value, in place: one
    argument stays one argument whatever the value holds."""

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in ("{{", "}}"):
            return text[0]
        name = match.group(1)
        if name is None or name not in values:
            raise BadCommand(f"unknown placeholder {text!r}")
        return values[name]

    return [_FIELD.sub(replace, arg) for arg in argv]


def read_commands(value: object, where: str, problems: list[str]) -> tuple[Command, ...]:
    """The config file's ``[commands]`` table. A bad entry is reported by its name and
    skipped; the others are kept."""
    if not isinstance(value, dict):
        problems.append(
            f"{where}'commands' must be a table ([commands], then NAME = [\"program\", "
            '"{url}"]); no commands used'
        )
        return ()
    made = []
    for name, argv in value.items():
        label = f"{where}command {str(name)[:40]!r}"
        if not NAME.fullmatch(str(name)):
            problems.append(f"{label}: a name is letters, digits, _ and - (at most 40); skipped")
            continue
        try:
            made.append(Command(str(name), check_argv(argv, ARTICLE_PLACEHOLDERS)))
        except BadCommand as error:
            problems.append(f"{label}: {error}; skipped")
    return tuple(made)


def read_notify(value: object) -> str | None:
    """Why ``value`` is no ``notify`` command (an argument list with ``{count}``), else None."""
    if value == []:
        return None  # (none)
    try:
        check_argv(value, ("count",))
    except BadCommand as error:
        return str(error)
    return None
