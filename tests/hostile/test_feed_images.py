"""Hostile feed pictures (Media RSS, JSON Feed ``image``; issue 16): addresses that are
not http(s) are never stored, an attribute of megabytes is read in bounded time by the
fast parser's thumbnail scan, and a picture that is an image bomb served from a real
HTTP server on 127.0.0.1 shows its reason in the article pane, at the top, not drawn."""

from __future__ import annotations

import time

import pytest

from tests.builders import article
from tests.images import png_bomb
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, wait_settled
from tuinews.formats import parse_feed
from tuinews.formats.feeds import read_json_feed
from tuinews.settings import Settings
from tuinews.ui.widgets.article_view import ArticleView

SCHEMES = [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "data:image/png;base64,AAAA",
    "-oProxyCommand=x",
    "ftp://host/x.png",
    "http://[oops/x.png",
    "about:blank",
]


@pytest.mark.parametrize("url", SCHEMES)
def test_a_picture_that_is_not_http_is_dropped(url: str) -> None:
    feed = {"title": "J", "items": [{"id": "1", "content_text": "x", "image": url}]}
    assert read_json_feed(feed, name="j").articles[0].image == ""
    quoted = url.replace("&", "&amp;").replace('"', "&quot;").encode()
    doc = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        b"<channel><title>T</title><link>https://t.example/</link><item><title>A</title>"
        b"<link>https://t.example/a</link><description>d</description>"
        b'<media:group><media:thumbnail url="' + quoted + b'"/></media:group></item>'
        b"</channel></rss>"
    )
    assert parse_feed(doc, "https://t.example/feed.xml").articles[0].image == ""


def test_a_huge_thumbnail_attribute_is_read_in_bounded_time() -> None:
    junk = b" x" * 2_000_000  # megabytes of attribute before a url that never comes
    items = b"".join(
        b"<item><title>A</title><link>https://t.example/a</link><description>d</description>"
        b"<media:group><media:thumbnail" + junk + b"/></media:group></item>"
        for _ in range(3)
    )
    doc = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        b"<channel><title>T</title><link>https://t.example/</link>" + items + b"</channel></rss>"
    )
    started = time.monotonic()
    parsed = parse_feed(doc, "https://t.example/feed.xml")
    assert time.monotonic() - started < 5
    assert [a.image for a in parsed.articles] == ["", "", ""]


async def test_a_picture_that_is_an_image_bomb_shows_its_reason(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    server.route("/bomb.png", Response(body=png_bomb(100_000, 100_000)))
    articles = [article("1", body="Words.", image=server.url("/bomb.png"))]
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        # (the article may be laid out again at the pane's final width meanwhile: its
        # images are put in again then; wait for the text, not a count)
        await wait_settled(pilot, lambda: "image not shown" in view.text, what="the reason")
        text = view.text
        assert "(image not shown: too many pixels" in text
        assert text.index("image not shown") < text.index("Words.")
        assert "▀" not in text
