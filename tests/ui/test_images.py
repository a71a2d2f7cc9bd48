"""Images in the article pane (Pilot, a real HTTP server on 127.0.0.1): fetched once the
article is shown, drawn below their alt text (half blocks, or Kitty's placeholders with
the image sent to the terminal), the reason shown for one that cannot be, none at all
with images off; cached on disk."""

from __future__ import annotations

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
    server.route(
        "/page.png", Response(body=b"<html>no</html>", headers={"Content-Type": "text/html"})
    )
    body = (
        "Before the picture.\n\n"
        f"![A red square]({server.url('/red.png')})\n\n"
        "Between.\n\n"
        f"![Not a picture]({server.url('/page.png')})\n\n"
        "After the picture."
    )
    return [article("1", body=body, day=2), article("2", body="No images here.")]


@pytest.mark.parametrize("mode", ["halfblock", "kitty"])
async def test_an_article_s_images_are_drawn_below_their_alt_text(
    server: FeedServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", mode)
    app = make_app(_articles(server), Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        sent: list[str] = []
        view.images.write = sent.append
        await wait_settled(pilot, lambda: view.images.inserted == 2, what="both images placed")
        text = view.text.splitlines()
        alt = next(i for i, line in enumerate(text) if "A red square" in line)
        drawn = "▀" if mode == "halfblock" else PLACEHOLDER
        assert drawn in text[alt + 1]
        assert "(image not shown: not an image (text/html))" in view.text
        assert "After the picture." in view.text
        if mode == "kitty":
            assert len(sent) == 1 and sent[0].startswith("\x1b_Ga=t,f=100")
            assert "a=p,U=1" in sent[0]
        else:
            assert not sent


async def test_with_images_off_nothing_is_fetched(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(server)
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_settled(pilot, lambda: view.ready)
        await pilot.pause(0.5)  # longer than the rest before images are fetched
        await wait_settled(pilot, lambda: True)
        assert view.images.mode == "off" and view.images.inserted == 0
        assert not server.requests
        assert "🌆 A red square" in view.text
