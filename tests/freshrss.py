"""A real FreshRSS 1.24.3 for sync tests, and a loopback feed for it to subscribe to.

    server = start_freshrss(tmp_path / "freshrss")      # ../shared/servers/freshrss/start.sh
    server.api_url, server.user, server.password          # the Google Reader API and login
    server.actualize()                                     # the server refreshes its feeds
    server.stop()                                          # kills its process group

    with FeedServer() as web:
        feed = LoopFeed(web, "/feed.xml", title="Loop")    # RSS served with no-store
        feed.add(5)                                        # five more items, newest first

The fixtures in tests/sync/conftest.py wrap these. The server is PHP's built-in one on a
free 127.0.0.1 port, with SQLite in its own folder (a refresh killed half-way leaves a
lock that makes FreshRSS skip the feed for a while: never share a data folder).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from tests.conftest import SHARED
from tests.netserver import FeedServer, Request, Response
from tests.waiting import wait_until

# TUINEWS_FRESHRSS_DIR: the folder with start.sh, for a clone whose ../shared is elsewhere.
FRESHRSS_DIR = Path(os.environ.get("TUINEWS_FRESHRSS_DIR") or SHARED / "servers" / "freshrss")
START = FRESHRSS_DIR / "start.sh"
USER = "alice"
API_PASSWORD = "apipass123"  # the API password (the web password is another)
PHP_PACKAGES = "php-cli php-sqlite3 php-curl php-xml php-mbstring php-intl php-zip php-gmp"
_NEW = re.compile(r"\((\d+) new articles?\)")


def available() -> tuple[bool, str]:
    """Whether a FreshRSS can start here, and if not, what is missing."""
    if not START.is_file():
        return False, f"FreshRSS is not there ({START}; it comes with ../shared)"
    if shutil.which("php") is None:
        return False, f"PHP is not installed (apt-get install {PHP_PACKAGES})"
    return True, ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class FreshRSS:
    root: Path  # holds data/ (this server's) and src/ (the unpacked FreshRSS)
    port: int
    pid: int
    user: str = USER
    password: str = API_PASSWORD
    refreshes: int = field(default=0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/greader.php"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def actualize(self) -> int:
        """Make the server refresh every feed now (what its cron does); returns how many
        new articles it found. FreshRSS skips a feed refreshed within the same second, so
        this first waits for the next second to begin (at most 1 s)."""
        time.sleep(1.0 - time.time() % 1.0 + 0.01)
        script = self.root / "src" / "FreshRSS-1.24.3-slim" / "cli" / "actualize-user.php"
        done = subprocess.run(
            ["php", str(script), "--user", self.user],
            env={**os.environ, "DATA_PATH": str(self.data)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"actualize failed: {output}"
        self.refreshes += 1
        return sum(int(n) for n in _NEW.findall(output))

    def api_requests(self) -> list[str]:
        """The Google Reader API requests the server has logged, without query strings
        ("GET reader/api/0/token"); start.sh's readiness probes are left out."""
        log = (self.data / "server.log").read_text(errors="replace")
        found = re.findall(r"\]: (GET|POST) /api/greader\.php/([^?\s]+)", log)
        return [f"{m} {path}" for m, path in found if path != "check/compatibility"]

    def running(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Kill the server's process group (kill -9: nothing is saved on the way out) and
        wait until its port is closed."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        except PermissionError:  # not a group leader (no setsid): the process alone
            os.kill(self.pid, signal.SIGKILL)
        wait_until(lambda: not self.running(), timeout=10, what="FreshRSS's port to close")

    def restart(self) -> None:
        """Start it again on the same port and data (after `stop`)."""
        self.pid = _launch(self.root, self.port)


def _launch(root: Path, port: int) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHRSS_")}
    done = subprocess.run(
        ["sh", str(START), str(root / "data"), str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r"^FRESHRSS_PID=(\d+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"start.sh failed ({done.returncode}): {done.stdout}{done.stderr}")
    return int(found[1])


def start_freshrss(root: Path) -> FreshRSS:
    """A new FreshRSS in `root` on a free port (a port taken meanwhile: another one)."""
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        port = free_port()
        try:
            return FreshRSS(root=root, port=port, pid=_launch(root, port))
        except RuntimeError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# a loopback feed --------------------------------------------------------------------------


@dataclass
class LoopFeed:
    """An RSS feed on a FeedServer whose items the test adds; served with no-store so
    FreshRSS never gets a 304 for it."""

    server: FeedServer
    path: str
    title: str = "Loop feed"
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (guid, title, body)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.route(self.path, self._serve)

    @property
    def url(self) -> str:
        return self.server.url(self.path)

    def add(self, count: int, title: str = "Item") -> list[str]:
        """`count` more items (their titles: "TITLE <n>"); returns their titles."""
        with self._lock:
            start = len(self.items)
            added = [
                (f"{self.path}#{n}", f"{title} {n}", f"<p>Body of {title.lower()} {n}</p>")
                for n in range(start, start + count)
            ]
            self.items.extend(added)
        return [entry[1] for entry in added]

    def _serve(self, request: Request) -> Response:
        del request
        with self._lock:
            items = list(self.items)
        base = time.time() - len(items) * 60
        parts = [
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
            f"<title>{html.escape(self.title)}</title><link>{self.server.url('/')}</link>",
        ]
        for n, (guid, title, body) in reversed(list(enumerate(items))):
            link = self.server.url(f"/articles/{n}{self.path.replace('/', '-')}")
            parts.append(
                f"<item><guid isPermaLink='false'>{html.escape(guid)}</guid>"
                f"<title>{html.escape(title)}</title><link>{link}</link>"
                f"<pubDate>{formatdate(base + n * 60, usegmt=True)}</pubDate>"
                f"<description>{html.escape(body)}</description></item>"
            )
        parts.append("</channel></rss>")
        return Response(
            body="".join(parts).encode(),
            headers={
                "Content-Type": "application/rss+xml; charset=utf-8",
                "Cache-Control": "no-store",
            },
        )
