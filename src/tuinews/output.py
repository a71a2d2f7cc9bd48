"""What the headless commands print, and how: lines and JSON on stdout, warnings on
stderr, and the end of the output (a closed pipe ends the printing, not the work: exit
status 141, or the command's own for a refresh that goes on; any other output error is
said once and ends with status 2)."""

from __future__ import annotations

import json
import os
import select
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuinews.settings import Settings

# What a shell shows for a program that wrote to a closed pipe and was ended by SIGPIPE
# (128 + 13), as ``grep ... | head -1`` does; ``set -o pipefail`` scripts see it too.
CLOSED_OUTPUT_STATUS = 141


class OutputError(Exception):
    """Writing the output failed for another reason than its reader going away (a full
    disk: ``tuinews feeds > /dev/full``); the message is the reason."""


def say(*parts: object) -> None:
    try:
        print(*parts)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def write_out(text: str, *, flush: bool = False) -> None:
    """Write all of ``text`` to stdout, or raise (BrokenPipeError, OutputError). A long
    text goes through here, not ``sys.stdout.write``: on unbuffered output
    (``PYTHONUNBUFFERED``, ``python -u``) that drops the rest of a write the reader took
    only part of before going away (``| head -1``), and says nothing."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text-only stream (a test's)
            stream.write(text)
        else:
            stream.flush()  # what print() left in the text layer goes first
            data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
            while data:
                written = buffer.write(data)  # all of it, unless the stream is raw
                data = data[len(data) if written is None else written :]
        if flush:
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def _flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(error.strerror or str(error)) from None


def warn(message: str) -> None:
    print(f"tuinews: {message}", file=sys.stderr)


def say_json(value: object) -> None:
    """The one JSON document a ``--json`` command prints (on one line): every ``--json``
    prints exactly one, so ``json.loads`` or ``jq`` read the whole output."""
    write_out(json.dumps(value, ensure_ascii=False) + "\n")


def iso_time(timestamp: float | None) -> str | None:
    """A time in every ``--json``: ISO 8601 in UTC, to the second (None: never)."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def _stdout_closed() -> bool:
    """Whether stdout's reader has gone (a pipe or socket whose other end is closed)."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), 0)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no file descriptor
        return True


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null: what is still buffered or written later (and
    the interpreter's last flush) goes nowhere instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):
        pass


def printing(command: Callable[[], int]) -> int:
    """Run a command that prints. When the reader of its output goes away early
    (``tuinews feeds | head -1``), it ends there, quietly, as Unix tools do: no message,
    status CLOSED_OUTPUT_STATUS. (``refresh`` finishes its work first: see its own
    handling.) A broken pipe that is not stdout's is an error like any other. Output
    that cannot be written (a full disk) is one message, status 2."""
    try:
        status = command()
        _flush()  # inside: a reader gone before the last write is seen here
    except BrokenPipeError:
        if not _stdout_closed():
            raise
        _silence_stdout()
        return CLOSED_OUTPUT_STATUS
    except OutputError as error:
        _silence_stdout()  # the interpreter's last flush would fail again
        warn(f"cannot write the output: {error}")
        return 2
    return status


class WorkOutput:
    """Output for a command whose work matters more than its output (refresh): once the
    reader is gone or the output fails, the rest is dropped and the work goes on; a
    failure is said once, and ``failed`` tells the command to end with status 2."""

    def __init__(self) -> None:
        self.failed = False

    def say(self, text: str, *, flush: bool = False) -> None:
        try:
            write_out(text + "\n", flush=flush)
        except BrokenPipeError:
            if not _stdout_closed():
                raise
            _silence_stdout()
        except OutputError as error:
            _silence_stdout()
            warn(f"cannot write the output: {error}")
            self.failed = True


def notify_new(settings: Settings, count: int) -> None:
    """After ``tuinews refresh`` or ``sync``: ``count`` new articles announced as the
    settings say (the ``notify`` command, the terminal's notification); nothing if none."""
    if count <= 0 or (not settings.notify and settings.notify_terminal == "off"):
        return
    from tuinews.handoffs.notify import announce_new  # (subprocess: when there is news)

    notify, terminal = settings.notify, settings.notify_terminal
    announce_new(count, notify, terminal, settings.command_timeout, warn)
