"""What the end-to-end tests share: the installed ``tuinews`` command, a real terminal
(tmux) to run it in, a pseudo-terminal to read the bytes it writes, and the escape
sequences that must never reach a terminal. The ``terminal`` fixture is in conftest.py."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.needs import need

TUINEWS = Path(sys.executable).parent / "tuinews"


def need_command() -> None:
    """The installed ``tuinews`` command (``pip install -e .`` puts it beside Python)."""
    need(TUINEWS.exists(), "the tuinews command is not installed in this environment")


def need_tmux() -> None:
    need(shutil.which("tmux"), "tmux is not installed (apt-get install tmux)")


# --- tmux --------------------------------------------------------------------------------


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        # A clean environment: the tmux server passes its own to the program, and
        # variables such as COLUMNS/LINES from the test runner would override the size.
        env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "LANG": "C.UTF-8"}
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20, env=env
        )
        return result.stdout

    def screen(self, styles: bool = False) -> str:
        """The screen's text (with ``styles``, with its SGR escape sequences too)."""
        return self.tmux("capture-pane", "-p", *(["-e"] if styles else []), "-t", "tuinews")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "tuinews", *keys)

    def wait_for(self, text: str, timeout: float = 20.0, gone: bool = False) -> str:
        """Wait until ``text`` is on the screen (or, with ``gone``, no longer is)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if (text in screen) != gone:
                return screen
            time.sleep(0.1)
        state = "never went away" if gone else "never appeared"
        raise AssertionError(f"{text!r} {state}; the screen was:\n{screen}")

    def settled(self, styles: bool = False, quiet: float = 0.3, timeout: float = 20.0) -> str:
        """The screen once it has stayed the same for ``quiet`` seconds (drawn whole)."""
        deadline = time.monotonic() + timeout
        screen, since = self.screen(styles), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never settled; it was:\n{screen}")
            time.sleep(0.05)
            now = self.screen(styles)
            if now != screen:
                screen, since = now, time.monotonic()
        return screen

    def wait_changed(self, previous: str, styles: bool = False, timeout: float = 20.0) -> str:
        """The screen once it is no longer ``previous`` and has settled (after a key
        that redraws it)."""
        deadline = time.monotonic() + timeout
        while self.screen(styles) == previous:
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never changed from:\n{previous}")
            time.sleep(0.05)
        return self.settled(styles, timeout=max(deadline - time.monotonic(), 1.0))

    def wait_closed(self, timeout: float = 10.0) -> None:
        """Wait until the program has ended (and its tmux session with it)."""
        deadline = time.monotonic() + timeout
        while "tuinews" in self.tmux("list-sessions"):
            if time.monotonic() > deadline:
                raise AssertionError(f"tuinews still running after {timeout} s")
            time.sleep(0.1)


def start(terminal: Terminal, tmp_path: Path, *args: str, width: int = 120, **extra: str) -> None:
    env = {
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
        "HOME": os.environ["HOME"],
        "TERM": "xterm-256color",
        **extra,
    }
    env_args = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
    terminal.tmux(
        "new-session",
        "-d",
        "-s",
        "tuinews",
        "-x",
        str(width),
        "-y",
        "40",
        *env_args,
        str(TUINEWS),
        *args,
    )


# --- a pseudo-terminal -------------------------------------------------------------------

PAYLOADS = {
    "osc52": "\x1b]52;c;SEVMTE8=\x07",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\",
    "osc0": "\x1b]0;PWNED-TITLE\x1b\\",
    "csi": "\x1b[2J\x1b[31mPWNED-RED",
    "dcs": "\x1bP+q544e\x1b\\",
    "c1": "\u009b31mC1-RED\u009d0;C1-TITLE\u009c",
    "bidi": "\u202eevil.exe",
}
FORBIDDEN = [
    b"\x1b]52;c;SEVMTE8=",
    b"\x1b]8;;https://evil.example",
    b"\x1b]0;PWNED-TITLE",
    b"\x1b[31mPWNED-RED",
    b"\x1bP+q544e",
    "\u009b".encode(),
    "\u009d".encode(),
    "\u202e".encode(),
]


def run_in_pty(args: list[str], env: dict[str, str], keys: list[bytes], ready: bytes) -> bytes:
    """Everything the command writes to a 120x40 pseudo-terminal: from its start until
    ``ready`` is on the screen, then after each key until it has drawn what the key did
    (its output paused), then after ``q`` until it has ended."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        args,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()

    def read(until: object, timeout: float, quiet: float | None = None) -> bool:
        """Read until ``until()`` holds, or (with ``quiet``) nothing came for that long,
        or the end of the output: whether one of them happened within ``timeout``."""
        assert callable(until)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if until():
                return True
            ready = _readable(master, quiet or 0.05)
            if not ready:
                if quiet is not None:
                    return True
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return True  # the other end closed: the command has ended
            if not chunk:
                return True
            output.extend(chunk)
        return False

    try:
        started = read(lambda: ready in output, timeout=30)
        assert started, f"{ready!r} never shown; the output was {bytes(output[-2000:])!r}"
        for key in keys:
            os.write(master, key)
            # drawn once its output pauses (a hang guard, not a timing: what was not
            # drawn by then is still read below, before the command ends)
            read(lambda: False, timeout=10, quiet=0.3)
        os.write(master, b"q")
        assert read(lambda: process.poll() is not None, timeout=20), "q did not end tuinews"
        read(lambda: False, timeout=5, quiet=0.1)  # what it wrote last
    finally:
        with contextlib.suppress(ProcessLookupError):  # it and any worker it left running
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        os.close(master)
    return bytes(output)


def _readable(fd: int, timeout: float) -> bool:
    """Whether ``fd`` has something to read within ``timeout`` (a selector: late in a test
    run descriptors pass 1023, which select.select refuses)."""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        return bool(selector.select(timeout))
