"""A feed article with an image inside a paragraph, in the app (Pilot, a real HTTP server
on 127.0.0.1): every word of the paragraph is shown, in order, wrapped to the pane, and
the image (drawn in half blocks, or its alt text with images off) comes after it. The
alt text was glued to the start of the paragraph and the words at the pane's edge lost."""

from __future__ import annotations

import pytest

from tests.builders import article
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, wait_settled
from tuinews.settings import Settings
from tuinews.ui.widgets.article_view import ArticleView

WORDS = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"


@pytest.mark.parametrize("mode", ["halfblock", "off"])
async def test_an_image_inside_a_paragraph_goes_below_it_and_no_word_is_lost(
    server: FeedServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", mode)
    server.route("/pic.png", Response(body=png(64, 32), headers={"Content-Type": "image/png"}))
    first, rest = WORDS.split(" echo ")
    html = (
        f'<p>{first} <img src="{server.url("/pic.png")}" alt="ALTTEXT"> echo {rest}'
        " november oscar papa.</p><p>The next paragraph.</p>"
    )
    articles = [article("1", title="Inline", body=html, kind="html", day=2)]
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.screen.query_one(ArticleView)

        def shown() -> list[str]:
            return [line.rstrip() for line in view.text.splitlines()]

        def drawn() -> bool:
            lines = shown()
            return mode == "off" or any("▀" in line for line in lines)

        await wait_settled(
            pilot,
            lambda: view.ready and view._rendered_width == view._render_width() and drawn(),
            what="the article at its width, its image drawn",
        )
        lines, width = shown(), view._render_width()
    text = " ".join(lines)
    assert " ".join(f"{WORDS} november oscar papa.".split()) in " ".join(text.split())
    alt = next(i for i, line in enumerate(lines) if line == "🌆 ALTTEXT")
    assert "papa." in lines[alt - 1]  # the paragraph's last line, then the image
    if mode == "halfblock":
        assert "▀" in lines[alt + 1]
    assert all(len(line) <= width for line in lines)
