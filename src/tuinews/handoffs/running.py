"""Running a command of the config: an argument list (never a shell), in the caller's
thread (the reader calls it from a worker), killed with everything it started when it
overruns its time, and what it printed kept short for a message."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tuinews.sanitise import clean_line

MAX_OUTPUT = 64 * 1024  # bytes read back of what the command printed
SHOWN_LINES = 5


@dataclass(frozen=True)
class Outcome:
    """How a run ended: ``status`` (None if it did not run to its end), the first lines
    it printed (sanitised), and ``problem``: why it did not run or was stopped ("")."""

    program: str
    status: int | None
    output: tuple[str, ...] = ()
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 0 and not self.problem

    def message(self, doing: str) -> str:
        """One notification: what was done, how it ended, the first lines printed."""
        if self.problem:
            head = f"{doing}: {self.problem}"
        elif self.status == 0:
            head = f"{doing}: done"
        else:
            head = f"{doing}: {self.program} failed (exit status {self.status})"
        return "\n".join([head, *self.output])


def first_lines(data: bytes, count: int = SHOWN_LINES) -> tuple[str, ...]:
    text = data.decode("utf-8", "replace")
    lines = [clean_line(line, 200) for line in text.splitlines()]
    return tuple(line for line in lines if line)[:count]


def run(argv: list[str], timeout: float, stdin: Path | None = None) -> Outcome:
    """Run ``argv`` with ``stdin`` (a file) as its input, its output and errors kept
    (in a file: a command printing without end fills no pipe, nor the memory), stopped
    after ``timeout`` seconds with the processes it started (its own session)."""
    program = clean_line(argv[0], 200)
    with tempfile.TemporaryFile() as output:
        source = stdin.open("rb") if stdin is not None else subprocess.DEVNULL
        try:
            try:
                process = subprocess.Popen(  # an argument list, never a shell
                    argv,
                    stdin=source,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=os.name == "posix",  # killed with its children
                )
            except FileNotFoundError:
                return Outcome(program, None, problem=f"program not found: {program}")
            except PermissionError:
                return Outcome(program, None, problem=f"cannot run {program} (permission denied)")
            except OSError as error:
                reason = clean_line(error.strerror or type(error).__name__, 100)
                return Outcome(program, None, problem=f"cannot run {program} ({reason})")
            try:
                status: int | None = process.wait(timeout)
                problem = ""
            except subprocess.TimeoutExpired:
                _kill(process)
                status, problem = None, f"{program} was stopped after {timeout:g} s"
        finally:
            if not isinstance(source, int):
                source.close()
        output.seek(0)
        return Outcome(program, status, first_lines(output.read(MAX_OUTPUT)), problem)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """The process and what it started (its session's group), then waited for."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
    else:
        process.kill()
    process.wait()
