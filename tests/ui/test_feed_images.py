"""The feed's own picture of an article (Media RSS thumbnail, JSON Feed image) in the
article pane (Pilot, a real HTTP server on 127.0.0.1): drawn at the top when the body
has no image, never twice when the body shows it, not fetched with images off."""

from __future__ import annotations

import pytest

from tests.builders import article
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, wait_settled
from tuinews.settings import Settings
from tuinews.ui.widgets.article_view import ArticleView


def _serve(server: FeedServer) -> str:
    server.route("/thumb.png", Response(body=png(64, 32), headers={"Content-Type": "image/png"}))
    return server.url("/thumb.png")


async def test_the_feed_s_picture_is_drawn_at_the_top_of_an_article_without_images(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    url = _serve(server)
    articles = [article("1", body="Words of the article, no picture.", image=url)]
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        # (waited for on the text: the article may be laid out again meanwhile)
        await wait_settled(pilot, lambda: "▀" in view.text, what="the picture")
        text = view.text.splitlines()
        sign = next(i for i, line in enumerate(text) if "🌆 thumb.png" in line)
        words = next(i for i, line in enumerate(text) if "Words of the article" in line)
        assert sign < words and "▀" in text[sign + 1]  # drawn above the text
        assert [r.path for r in server.requests] == ["/thumb.png"]


async def test_the_feed_s_picture_is_not_shown_twice_when_the_body_has_it(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    url = _serve(server)
    body = f"Words before.\n\n![The same picture]({url})\n\nWords after."
    app = make_app([article("1", body=body, image=url)], Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_settled(pilot, lambda: "▀" in view.text, what="the picture")
        assert view.text.count("🌆") == 1 and "🌆 The same picture" in view.text
        assert "thumb.png" not in view.text.split("Words before.")[0]


async def test_with_images_off_the_feed_s_picture_is_neither_shown_nor_fetched(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "off")
    url = _serve(server)
    app = make_app([article("1", body="Just words.", image=url)], Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_settled(pilot, lambda: view.ready and "Just words." in view.text)
        assert "🌆" not in view.text and not server.requests
