"""Pilot test: after a refresh in the reader brings new articles, the config's ``notify``
command runs (in a worker) with ``{count}``; after one that brings none, it does not; a
failing one is said. A feed server on 127.0.0.1, a recording script as the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, settle, wait_for_refresh, wait_settled
from tuinews.settings import Settings

RECORDER = """\
import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(sys.argv[2:]) + "\\n")
"""


async def test_new_articles_run_the_notify_command(server: FeedServer, tmp_path: Path) -> None:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "record.jsonl"
    settings = Settings(
        refresh_on_start=False,
        notify=(sys.executable, str(script), str(record), "{count} new"),
        notify_terminal="bell",
    )
    server.route("/a.xml", Response(body=rss("A", ("1", "One"), ("2", "Two"))))
    app = make_app([], settings)
    app.store.add_feed(server.url("/a.xml"))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)
        await wait_settled(pilot, record.exists)
        assert record.read_text(encoding="utf-8").splitlines() == [json.dumps(["2 new"])]
        await pilot.press("R")  # nothing new: no notification
        await wait_for_refresh(pilot)
        await settle(pilot)
        assert len(record.read_text(encoding="utf-8").splitlines()) == 1


async def test_a_failing_notify_command_is_said(server: FeedServer, tmp_path: Path) -> None:
    settings = Settings(refresh_on_start=False, notify=(str(tmp_path / "gone"), "{count}"))
    server.route("/a.xml", Response(body=rss("A", ("1", "One"))))
    app = make_app([], settings)
    app.store.add_feed(server.url("/a.xml"))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for_refresh(pilot)

        def said() -> bool:
            return any("notify command: program not found" in n.message for n in app._notifications)

        await wait_settled(pilot, said)
