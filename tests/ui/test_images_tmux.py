"""Images in the article pane inside tmux (Pilot, a real HTTP server on 127.0.0.1): with
Kitty's graphics forced, every sequence sent to the terminal is wrapped for tmux's
passthrough; with "auto", a tmux that cannot be asked (here: a ``TMUX`` naming no
server) means half blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import article
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, wait_settled
from tuinews.images.kitty import PLACEHOLDER
from tuinews.settings import Settings
from tuinews.ui.widgets.article_view import ArticleView


def _articles(server: FeedServer) -> list:
    server.route("/red.png", Response(body=png(64, 32), headers={"Content-Type": "image/png"}))
    body = f"Before.\n\n![A red square]({server.url('/red.png')})\n\nAfter."
    return [article("1", body=body, day=2), article("2", body="No images here.")]


async def test_kitty_forced_in_tmux_sends_every_sequence_through_passthrough(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMUX", f"{tmp_path}/no-server,1,0")
    monkeypatch.setenv("TUINEWS_IMAGES", "kitty")
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        sent: list[str] = []
        view.images.write = sent.append
        await wait_settled(pilot, lambda: PLACEHOLDER in view.text, what="the image")
        await pilot.press("j")  # another article: the image deleted in the terminal
        await wait_settled(pilot, lambda: any("a=d,d=I" in part for part in sent))
    assert sent and all(part.startswith("\x1bPtmux;\x1b\x1b_G") for part in sent)
    assert all(part.endswith("\x1b\x1b\\\x1b\\") for part in sent)
    assert any("\x1b\x1b_Ga=t,f=100" in part for part in sent)


async def test_auto_in_a_tmux_that_cannot_be_asked_draws_half_blocks(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMUX", f"{tmp_path}/no-server,1,0")
    monkeypatch.setenv("TERM", "xterm-kitty")  # (not what tmux sets: not believed)
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("TUINEWS_IMAGES", raising=False)
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        sent: list[str] = []
        view.images.write = sent.append
        await wait_settled(pilot, lambda: "▀" in view.text, what="half blocks")
        assert view.images.mode == "halfblock" and not sent
