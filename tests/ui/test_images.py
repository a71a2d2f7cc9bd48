"""Images in the article pane (Pilot, a real HTTP server on 127.0.0.1): fetched once the
article is shown, drawn below their alt text (half blocks, or Kitty's placeholders with
the image sent to the terminal), the reason shown for one that cannot be, none at all
with images off; cached on disk."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.builders import article
from tests.images import png
from tests.netserver import FeedServer, Response
from tests.ui.helpers import make_app, wait_settled
from tuinews.images.kitty import PLACEHOLDER
from tuinews.settings import Settings
from tuinews.ui.widgets.article_view import ArticleView


async def laid_out(pilot: Pilot[None], view: ArticleView) -> None:
    """Until the article is shown at the pane's final width (the feed list appears just
    after the first frame and narrows the pane: the article is rendered again then, and
    its images put in again after the rest)."""
    await wait_settled(pilot, lambda: view.ready and view._rendered_width == view._render_width())


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
        await laid_out(pilot, view)
        drawn = "▀" if mode == "halfblock" else PLACEHOLDER

        def placed() -> bool:
            text = view.text.splitlines()
            alt = next((i for i, line in enumerate(text) if "A red square" in line), -1)
            return 0 <= alt < len(text) - 1 and drawn in text[alt + 1]

        await wait_settled(pilot, lambda: view.images.inserted >= 2 and placed(), what="both")
        assert "(image not shown: not an image (text/html))" in view.text
        assert "After the picture." in view.text
        if mode == "kitty":
            # (sent again if the pane's width changed since: the old one deleted first)
            assert sent[-1].startswith("\x1b_Ga=t,f=100") and "a=p,U=1" in sent[-1]
            assert len([part for part in sent if part.startswith("\x1b_Ga=t")]) == (
                len([part for part in sent if part.startswith("\x1b_Ga=d")]) + 1
            )
        else:
            assert not sent
    if mode == "kitty":  # freed in the terminal when the app ends
        assert sent[-1].startswith("\x1b_Ga=d,d=I")


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


async def test_images_wait_for_the_cursor_to_rest_and_leave_with_the_article(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving through headlines fetches nothing; the article the cursor rests on gets its
    images; a Kitty image is deleted from the terminal when another article is shown;
    coming back puts the images back without fetching them again."""
    monkeypatch.setenv("TUINEWS_IMAGES", "kitty")
    for index in range(6):
        server.route(
            f"/{index}.png", Response(body=png(40, 20), headers={"Content-Type": "image/png"})
        )
    articles = [
        article(
            str(index),
            body=f"Text {index}.\n\n![Picture {index}]({server.url(f'/{index}.png')})",
            day=9 - index,
        )
        for index in range(6)
    ]
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 50)) as pilot:
        view = app.screen.query_one(ArticleView)
        sent: list[str] = []
        view.images.write = sent.append
        await wait_settled(pilot, lambda: view.images.inserted == 1, what="the first image")
        assert [r.path for r in server.requests] == ["/0.png"]
        for _ in range(4):  # faster than the rest before images are fetched
            await pilot.press("j")
        await wait_settled(pilot, lambda: view.images.inserted == 2, what="the last one's image")
        assert [r.path for r in server.requests] == ["/0.png", "/4.png"]
        assert any(part.startswith("\x1b_Ga=d,d=I") for part in sent)  # the first one freed
        for _ in range(4):
            await pilot.press("k")
        await wait_settled(pilot, lambda: view.images.inserted == 3, what="the first one again")
        assert len(server.requests) == 2  # from memory: no fetch
        assert PLACEHOLDER in view.text


async def test_an_image_put_in_above_the_reader_leaves_the_text_in_place(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    server.route("/tall.png", Response(body=png(400, 600), delay=0.5))
    paragraphs = "\n\n".join(f"Paragraph {i} of the article." for i in range(80))
    body = f"![Tall]({server.url('/tall.png')})\n\n{paragraphs}"
    app = make_app([article("1", body=body)], Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.screen.query_one(ArticleView)
        await laid_out(pilot, view)
        row = next(i for i, line in enumerate(view.text.splitlines()) if "Paragraph 30 " in line)
        view.scroll_to(y=row, animate=False, immediate=True)
        await pilot.pause()
        top = view.text.splitlines()[view.scroll_offset.y]
        assert "Paragraph 30 " in top
        await wait_settled(pilot, lambda: view.images.inserted == 1, what="the image")
        assert "▀" in view.text
        assert view.text.splitlines()[view.scroll_offset.y] == top


async def test_an_image_far_down_a_long_article_is_found(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long article is handed to the pane in chunks: an image in a later one is found."""
    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    server.route("/end.png", Response(body=png(40, 20)))
    long = "\n\n".join(f"Paragraph {i}. " + "Words in a long article. " * 40 for i in range(300))
    body = f"{long}\n\n![At the end]({server.url('/end.png')})\n\nThe end."
    app = make_app([article("1", body=body)], Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_settled(pilot, lambda: view.images.inserted == 1, what="the image")
        lines = view.text.splitlines()
        alt = next(i for i, line in enumerate(lines) if "At the end" in line)
        assert alt > 1000 and "▀" in lines[alt + 1]


async def test_moving_on_drops_the_article_before_s_image_work(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest wins: an image still being fetched when another article is shown is given
    up at once (it took the interpreter from the next article's render and keys)."""
    import threading

    from tests.netserver import Request
    from tests.ui.helpers import settle, wait_for

    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    release = threading.Event()

    def held(request: Request) -> Response:
        release.wait(10)  # the server is slow with the first article's image
        return Response(body=png(40, 20), headers={"Content-Type": "image/png"})

    server.route("/held.png", held)  # type: ignore[arg-type]
    server.route("/quick.png", Response(body=png(40, 20), headers={"Content-Type": "image/png"}))
    articles = [
        article("1", body=f"One.\n\n![Held]({server.url('/held.png')})", day=2),
        article("2", body=f"Two.\n\n![Quick]({server.url('/quick.png')})", day=1),
    ]
    app = make_app(articles, Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: server.requests_to("/held.png"), what="the slow fetch")
        await pilot.press("j")
        await wait_for(pilot, lambda: view.images.inserted == 1, guard=2000, what="the image")
        assert "Quick" in view.text and "▀" in view.text
        release.set()
        await settle(pilot)  # (what is left of the first article's work, if any)
        loader = view.images.loader
        assert loader is not None and loader.fetched == 1  # the first one's was dropped


async def test_an_image_that_decodes_too_long_is_stopped_and_says_so(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pixel work runs in a worker process under a time limit (a thread could not be
    stopped): past it the image shows why instead."""
    import io

    from PIL import Image

    from tuinews.ui.widgets import article_images

    monkeypatch.setenv("TUINEWS_IMAGES", "halfblock")
    monkeypatch.setattr(article_images, "DECODE_TIMEOUT", 0.001)  # no decode is that quick
    noise = io.BytesIO()
    Image.effect_noise((1500, 1500), 60).convert("RGB").save(noise, format="PNG")
    server.route("/noise.png", Response(body=noise.getvalue()))
    body = f"Text.\n\n![Noise]({server.url('/noise.png')})"
    app = make_app([article("1", body=body)], Settings(refresh_on_start=False))
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.query_one(ArticleView)
        await wait_settled(pilot, lambda: view.images.inserted >= 1, what="the reason")
        assert "(image not shown: took too long to decode" in view.text
