"""Make the README's screenshot from the app itself: ``python docs/screenshot.py``."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tuinews.store import Store
from tuinews.ui.app import TuinewsApp

OUT = Path(__file__).resolve().parent / "screenshot.svg"


async def main() -> None:
    store = Store(Path(tempfile.mkdtemp()) / "tuinews.db")  # empty: the welcome library
    app = TuinewsApp(store=store, opener=lambda url: None)
    async with app.run_test(size=(120, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("slash", *"search", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.save_screenshot(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
