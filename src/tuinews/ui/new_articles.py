"""New articles announced once a refresh or a sync of the reader is over (besides its
message): the config's ``notify`` command, run in a thread worker (a failure is said),
and the terminal's notification (``notify_terminal``: OSC 9, OSC 777 or the bell)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from tuinews.ui.services import services
from tuinews.ui.textual_private import write_to_terminal


def announce_new(screen: Screen[Any], count: int) -> None:
    """``count`` new articles arrived (nothing when none did)."""
    if count <= 0:
        return
    # (when there is news: not at start-up, ~2 ms)
    from tuinews.handoffs.notify import run_notify, terminal_sequence

    settings = services(screen).settings
    app = screen.app
    if settings.notify_terminal == "bell":
        app.bell()
    elif settings.notify_terminal != "off":
        write_to_terminal(app, terminal_sequence(settings.notify_terminal, count))
    if not settings.notify:
        return
    argv, timeout = settings.notify, settings.command_timeout

    def run() -> None:
        outcome = run_notify(argv, count, timeout)
        if not outcome.ok:
            message = outcome.message("The notify command")
            app.call_from_thread(app.notify, message, severity="warning")

    screen.run_worker(
        run, thread=True, group="notify", exit_on_error=False, description="Notifying"
    )
