"""What an image's preparation takes from the app's process (issue 16): the CPU time of
all the app's threads per image, and the wall time, for the benchmark's photos of noise
(``image_steps.photos``: 2400x1600 JPEGs and 1200x800 PNGs, the worst case), prepared
for a 91-column pane in half blocks and in Kitty mode, two ways in alternation:

- in a thread (``asyncio.to_thread(loader.prepare)``: how the article pane did it before),
- in the image worker process (``Pool.run(loader.prepare_pixels)``, then
  ``loader.finish`` in the app: how it does it now).

CPU time does not depend much on the machine's load, unlike latencies on 2 shared cores.

    python benchmarks/image_cpu.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from image_steps import photos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from tuinews.images.loader import finish, prepare, prepare_pixels
    from tuinews.pool import Pool

    bodies = photos()
    pool = Pool(size=1, timeout=30, preload=("tuinews.images.loader", "PIL.Image"))

    async def in_thread(mode: str) -> None:
        for body, kind in bodies:
            await asyncio.to_thread(prepare, body, kind, 91, mode)

    async def in_worker(mode: str) -> None:
        for body, kind in bodies:
            finish(await pool.run(prepare_pixels, body, kind, 91, mode))

    async def run() -> None:
        pool.start()
        await in_worker("kitty")  # warm: the worker booted, Pillow loaded in both
        await in_thread("kitty")
        found: dict[tuple[str, str], list[tuple[float, float]]] = {}
        ways = [("a thread", in_thread), ("the worker process", in_worker)]
        for run in range(args.runs):
            for name, work in ways if run % 2 == 0 else ways[::-1]:
                for mode in ("halfblock", "kitty"):
                    cpu, wall = time.process_time(), time.perf_counter()
                    await work(mode)
                    found.setdefault((mode, name), []).append(
                        (
                            (time.process_time() - cpu) / len(bodies),
                            (time.perf_counter() - wall) / len(bodies),
                        )
                    )
        print("| mode | prepared in | the app's CPU per image (median) | wall per image (median) |")
        print("| --- | --- | --- | --- |")
        for (mode, name), values in sorted(found.items()):
            cpu = statistics.median(v[0] for v in values) * 1000
            wall = statistics.median(v[1] for v in values) * 1000
            print(f"| {mode} | {name} | {cpu:.1f} ms | {wall:.0f} ms |")

    try:
        asyncio.run(run())
    finally:
        pool.close()


if __name__ == "__main__":
    main()
