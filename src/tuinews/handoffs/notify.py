"""Telling the user that new articles arrived (after a refresh or a sync, in the reader
and from ``tuinews refresh``/``sync``): the config's ``notify`` command (an argument list
with ``{count}``), and a notification of the terminal (``notify_terminal``: OSC 9, OSC
777, or the bell: tuinews.settings.NOTIFY_TERMINAL_MODES)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tuinews.handoffs.commands import substitute

if TYPE_CHECKING:
    from tuinews.handoffs.running import Outcome


def new_articles_text(count: int) -> str:
    return f"{count} new article{'s' * (count != 1)}"


def terminal_sequence(mode: str, count: int) -> str:
    """What to write to the terminal for ``count`` new articles in ``mode`` ("" for off).
    The text is tuinews's own (a number): nothing from a feed reaches the terminal."""
    text = new_articles_text(count)
    if mode == "osc9":
        return f"\x1b]9;tuinews: {text}\a"
    if mode == "osc777":
        return f"\x1b]777;notify;tuinews;{text}\a"
    if mode == "bell":
        return "\a"
    return ""


def run_notify(argv: tuple[str, ...], count: int, timeout: float) -> Outcome:
    """The ``notify`` command, with ``{count}`` replaced."""
    from tuinews.handoffs.running import run  # (subprocess: when there is news)

    return run(substitute(argv, {"count": str(count)}), timeout)


def announce_new(
    count: int,
    notify: tuple[str, ...],
    terminal: str,
    timeout: float,
    warn: Callable[[str], None],
) -> None:
    """For ``tuinews refresh`` and ``sync`` (cron's too): ``count`` new articles (nothing
    when none) announced by the ``notify`` command (a failure is a warning, not an exit
    status), and as ``terminal`` says on the terminal, if stderr is one (never into a
    cron mail). (The settings' values: this module is below tuinews.settings.)"""
    if count <= 0:
        return
    sequence = terminal_sequence(terminal, count)
    if sequence and sys.stderr.isatty():
        sys.stderr.write(sequence)
        sys.stderr.flush()
    if notify:
        outcome = run_notify(notify, count, timeout)
        if not outcome.ok:
            warn(outcome.message("the notify command"))
