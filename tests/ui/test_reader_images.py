"""A local HTML page's images in the article pane (Pilot; the images served by a real
HTTP server on 127.0.0.1): reader mode keeps the article's pictures, so the pane shows
their alt text and draws them below it; the site's logo and a tracking pixel stay out."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.builders import make_store
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.ui.helpers import wait_settled
from tuinews.settings import Settings
from tuinews.startup import open_paths
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.article_view import ArticleView

PROSE = (
    "paragraph of the article about gradients, which goes on for a while so that it "
    "reads as prose, with commas, clauses and enough words in it."
)


def html_page(server: FeedServer) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Gradients</title>"
        f'<link rel="canonical" href="{server.url("/posts/page.html")}"></head><body>'
        f'<header><img src="{server.url("/logo.png")}" alt="Site logo"></header>'
        f"<article><h1>Gradients</h1><p>One {PROSE}</p>"
        f'<img src="{server.url("/pic.png")}" alt="gradient alt text">'
        f"<p>Two {PROSE}</p>"
        '<figure><img src="fig.png" alt="figure alt"><figcaption>A caption</figcaption></figure>'
        f'<p>Three {PROSE}<img src="{server.url("/pixel.gif")}" width="1" height="1"></p>'
        "</article></body></html>"
    )


async def test_a_local_html_pages_images_are_shown_in_the_article_pane(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    for path in ("/pic.png", "/posts/fig.png", "/logo.png", "/pixel.gif"):
        server.route(path, Response(body=png(64, 32), headers={"Content-Type": "image/png"}))
    page = tmp_path / "page.html"
    page.write_text(html_page(server), encoding="utf-8")
    store = make_store([])
    app = TuinewsApp(
        store=store,
        start=partial(open_paths, store, [str(page)]),
        settings=Settings(refresh_on_start=False),
        opener=lambda url: None,
    )
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)

        def drawn_below(alt: str) -> bool:
            lines = view.text.splitlines()
            at = next((i for i, line in enumerate(lines) if alt in line), -1)
            return 0 <= at < len(lines) - 1 and "▀" in lines[at + 1]

        await wait_settled(
            pilot,
            lambda: view.ready and drawn_below("gradient alt text") and drawn_below("figure alt"),
            what="both pictures drawn below their alt text",
        )
        text = view.text
        assert text.index("One paragraph") < text.index("gradient alt text") < text.index("Two")
        assert "A caption" in text and "Site logo" not in text
        fetched = {request.path for request in server.requests}
        assert fetched == {"/pic.png", "/posts/fig.png"}  # not the logo, not the pixel
