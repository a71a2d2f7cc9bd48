"""Nothing from a file reaches the terminal as control: the real ``tuinews`` command runs
in a pseudo-terminal over files full of escape sequences (in names, titles and bodies),
and the bytes it writes are checked."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.needs import need

TUINEWS = Path(sys.executable).parent / "tuinews"

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


def hostile_files(folder: Path) -> None:
    everything = "".join(PAYLOADS.values())
    (folder / "title.txt").write_text(
        f"A headline {everything} here\n\nBody paragraph {everything} ends here.\n"
    )
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Evil &#27;]0;PWNED-TITLE'
        "&#27;\\ feed</title><item><title>Item &#27;]52;c;SEVMTE8=&#7; title</title>"
        "<guid>1</guid><description>&lt;p&gt;Text &amp;#27;[2J&amp;#27;[31mPWNED-RED "
        "&amp;#x9b;31m&lt;/p&gt;</description></item></channel></rss>"
    )
    (folder / f"name{PAYLOADS['osc52']}{PAYLOADS['osc0']}.bin").write_bytes(b"\x00\x01\x02")


def run_in_pty(args: list[str], env: dict[str, str], keys: list[bytes]) -> bytes:
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

    def read_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output.extend(chunk)

    try:
        read_for(4.0)
        for key in keys:
            os.write(master, key)
            read_for(0.7)
        os.write(master, b"q")
        read_for(3.0)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        os.close(master)
    return bytes(output)


def test_no_escape_sequence_from_files_reaches_the_terminal(tmp_path: Path) -> None:
    need(TUINEWS.exists(), "the tuinews command is not installed in this environment")
    folder = tmp_path / "hostile"
    folder.mkdir()
    hostile_files(folder)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUINEWS_CONFIG": str(tmp_path / "config.toml"),
    }
    output = run_in_pty([str(TUINEWS), str(folder)], env, [b"j", b"\r", b" ", b"j", b"j"])
    assert b"PWNED-RED" in output  # the text is shown...
    assert b"A headline" in output
    for sequence in FORBIDDEN:  # ...but never as terminal control
        assert sequence not in output, sequence
