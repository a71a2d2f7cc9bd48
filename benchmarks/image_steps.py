"""The images case of ``benchmarks/scale.py`` (issue 16): ``j`` with images on, in Kitty
mode (the graphics protocol's placeholders; the escape sequences go to the headless
driver, which drops them: the cost measured is tuinews's) and in the half-block fallback;
and, as the control, reading the same articles with images off.

A copy of the scale store gets two images in each article that the ``j`` cases step
over (one before the text and one after it), each with its own URL, served from
127.0.0.1 (50 ms late, like a near server) as photos of noise (the worst case for a
decoder: 2400x1600 JPEGs of ~1.5 MB and 1200x800 PNGs of ~3 MB), with an empty image
cache. Per mode and article size:

- ``j`` at the key-repeat rate, as the other ``j`` cases (images are fetched only once
  the cursor rests, so this is the cost of images being on);
- reading: ``j``, then a rest of ``--image-rest`` seconds in which the article's images
  are fetched, decoded and drawn, 20 times: the key-to-frame time of those steps (a key
  pressed while the previous article's images load) and the longest gap of a 10 ms
  heartbeat timer over the whole run (the UI stalled), with the images placed.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

KINDS = 6


def photos() -> list[tuple[bytes, str]]:
    from PIL import Image

    made = []
    for index in range(KINDS):
        size = (2400, 1600) if index % 2 == 0 else (1200, 800)
        bands = [
            Image.effect_noise(size, 40 + 10 * b).point(lambda v, b=b: (v + 60 * b) % 256)
            for b in range(3)
        ]
        image = Image.merge("RGB", bands)
        out = io.BytesIO()
        if index % 2 == 0:
            image.save(out, format="JPEG", quality=90)
            made.append((out.getvalue(), "image/jpeg"))
        else:
            image.save(out, format="PNG")
            made.append((out.getvalue(), "image/png"))
    return made


class Images(ThreadingHTTPServer):
    daemon_threads = True
    bodies: list[tuple[bytes, str]]
    served = 0

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a fetch given up (the reader moved on: newest wins) hangs up mid-body


class Handler(BaseHTTPRequestHandler):
    server: Images

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(0.05)
        body, kind = self.server.bodies[hash(self.path) % KINDS]
        self.server.served += 1
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def with_images(db: Path, feed_ids: list[int], port: int, work: Path) -> Path:
    copy = work / "images.db"
    shutil.copyfile(db, copy)
    base = f"http://127.0.0.1:{port}/img"
    with sqlite3.connect(copy) as connection:
        newest = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM articles ORDER BY published DESC, id DESC LIMIT 1200"
            )
        ]
        marks = ",".join("?" * len(feed_ids))
        big = [
            row[0]
            for row in connection.execute(
                f"SELECT id FROM articles WHERE feed_id IN ({marks})", feed_ids
            )
        ]
        for article_id in set(newest) | set(big):
            before = f"![A photo, {article_id}]({base}/{article_id}/a.jpg)\n\n"
            after = f"\n\n![Another photo]({base}/{article_id}/b.png)\n"
            connection.execute(
                "UPDATE articles SET body = ? || body || ?, markdown = NULL, kind = 'markdown' WHERE id = ?",
                (before, after, article_id),
            )
    return copy


def bench_images(
    scale: ModuleType, db: Path, steps: int, interval: float, rest: float
) -> dict[str, dict[str, float]]:
    from tuinews.store import Store, View

    with Store(db) as store:
        feeds = {f.url: f.id for f in store.feeds()}
    big_ids = {
        size: feeds[scale.feed_url(index, scale.PORT_USED)]
        for index, (_, size) in scale.BIG.items()
    }
    work = Path(tempfile.mkdtemp(prefix="images-", dir=db.parent))
    server = Images(("127.0.0.1", 0), Handler)
    server.bodies = photos()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    copy = with_images(db, list(big_ids.values()), server.server_address[1], work)
    results: dict[str, dict[str, float]] = {}

    async def run(mode: str) -> None:
        os.environ["XDG_CACHE_HOME"] = str(work / f"cache-{mode}")  # an empty image cache
        scale.mark_all_unread(copy)
        app = scale.make_app(copy, images=mode)
        async with app.run_test(size=(120, 40)) as pilot:
            loaded = await scale.wait_until(lambda: getattr(app.screen, "loaded", False), 120)
            assert loaded
            await pilot.pause(0.5)
            layer = app.screen.article_view.images
            assert layer.mode == mode, layer.mode
            inserts: list[float] = []  # the UI thread's part of placing an image
            insert = layer._insert

            def timed_insert(mark, ready) -> None:  # type: ignore[no-untyped-def]
                started = time.perf_counter()
                insert(mark, ready)
                inserts.append(time.perf_counter() - started)

            layer._insert = timed_insert
            beat = scale.Heartbeat(app)
            cases = [
                ("5 KB", View(), steps),
                ("50 KB", View(feed_id=big_ids[50_000]), min(steps, 300)),
                ("500 KB", View(feed_id=big_ids[500_000]), min(steps, 100)),
            ]
            for name, view, count in cases:
                await scale.show_view(app, view)
                if mode == "off":  # the control: reading without images (`j`: the j case)
                    r = {"med": float("nan"), "p95": float("nan"), "n": 0, "stall": float("nan")}
                else:
                    r = await scale.j_steps(app, count, interval, beat)
                placed, served = layer.inserted, server.served
                reading = await scale.j_steps(app, 20, rest, beat)
                if mode != "off":
                    await scale.wait_until(lambda placed=placed: layer.inserted > placed, 10)
                r.update(
                    read_p95=reading["p95"],
                    read_med=reading["med"],
                    read_stall=reading["stall"],
                    read_stall_cpu=reading["stall_cpu"],
                    placed=layer.inserted - placed,
                    served=server.served - served,
                    insert_max=max(inserts, default=0.0),
                )
                inserts.clear()
                results[f"{mode}, {name}"] = r
                print(
                    f"images {mode} {name}: j p95 {r['p95'] * 1000:.1f} ms (median {r['med'] * 1000:.1f}), "
                    f"longest gap {r['stall'] * 1000:.0f} ms; reading: j p95 {r['read_p95'] * 1000:.1f} ms, "
                    f"longest gap {r['read_stall'] * 1000:.0f} ms (the UI thread's CPU in a gap at "
                    f"most {r['read_stall_cpu'] * 1000:.0f} ms), {r['placed']:.0f} images placed, "
                    f"{r['served']:.0f} fetched",
                    flush=True,
                )
            beat.timer.stop()

    try:
        for mode in ("off", "kitty", "halfblock"):
            scale.run_apps(run(mode))
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return results


def rows(results: dict[str, dict[str, float]]) -> list[tuple[str, str, str, str, str]]:
    out = []
    for name, r in results.items():
        if name.startswith("off"):
            out.append(
                (
                    f"reading without images (the control: {name})",
                    f"{r['read_med'] * 1000:.1f} / {r['read_p95'] * 1000:.1f} ms",
                    f"a rest after each of 20 steps; longest UI gap {r['read_stall'] * 1000:.0f} ms "
                    f"(UI thread CPU in a gap: at most {r['read_stall_cpu'] * 1000:.0f} ms)",
                    "",
                    "",
                )
            )
            continue
        out.append(
            (
                f"`j` step with images on ({name})",
                f"{r['med'] * 1000:.1f} / {r['p95'] * 1000:.1f} ms",
                f"{r['n']:.0f} steps; reading (a rest after each of 20 steps): "
                f"{r['read_med'] * 1000:.1f} / {r['read_p95'] * 1000:.1f} ms, "
                f"{r['placed']:.0f} images placed (each put in on the UI thread in at most "
                f"{r['insert_max'] * 1000:.1f} ms), longest UI gap {r['read_stall'] * 1000:.0f} ms "
                f"(UI thread CPU in a gap: at most {r['read_stall_cpu'] * 1000:.0f} ms)",
                "p95 < 50 ms; gap ≤ 100 ms",
                "✅"
                if r["p95"] < 0.05 and r["read_p95"] < 0.05 and r["read_stall"] <= 0.1
                else "❌",
            )
        )
    return out
