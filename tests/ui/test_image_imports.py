"""The first image of a session imports nothing on the UI thread: the modules it needs
are imported in the thread that looks for the article's images. httpx's first request
imported its async backend (anyio's, loaded lazily) on the event loop: ~30 ms of the UI
thread as the first image was fetched. In a fresh interpreter (a module once imported
stays so)."""

from __future__ import annotations

import subprocess
import sys

FIRST_IMAGE = """
import asyncio
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
from tuinews.ui.widgets.article_images import _find_marks

imported = []
watching = False


def hook(event, args):
    if watching and event == "import" and threading.current_thread() is threading.main_thread():
        imported.append(args[0])


sys.addaudithook(hook)


async def main():
    global watching
    from tuinews.images.loader import ImageLoader

    await asyncio.to_thread(_find_marks, [], 0)  # (as the app: before the first fetch)
    loader = ImageLoader(None)
    watching = True
    await loader.get(f"http://127.0.0.1:{server.server_address[1]}/a.png")
    watching = False
    await loader.close()


asyncio.run(main())
print(" ".join(sorted(set(imported))))
"""


def test_the_first_image_fetch_imports_nothing_on_the_ui_thread() -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_IMAGE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
