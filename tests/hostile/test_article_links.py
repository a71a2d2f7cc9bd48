"""Hostile links in an article (tuinews.link_numbers, the article pane's link keys): a
link whose text or URL holds terminal controls or Textual markup is shown as plain text
with no control character, and ``javascript:``, ``file:``, ``data:`` or option-like
links are never handed to the opener, by a digit, ``#``, the list or a click. The
Markdown goes through the one sanitiser first, as every stored article does; the links'
URLs are cleaned again where they are numbered (the raw Markdown too)."""

from __future__ import annotations

import pytest

from tests.builders import article
from tests.hostile.forbidden import FORBIDDEN
from tests.ui.helpers import main, make_app, settle, wait_for, where_shown
from tuinews.link_numbers import LinkNumbers, links_in
from tuinews.models import Article
from tuinews.render import render_article
from tuinews.sanitise import clean_text
from tuinews.ui.screens.links_dialog import LinksScreen

MARKUP = "[@click=app.quit]quit[/] [b]bold[/b] [/bold]"
RAW = "\n\n".join(
    [
        f"One [{MARKUP}](https://ok.example/1) link.",
        "Two [esc \x1bP+q \x07\x9b31m text](https://ok.example/\x1bP\x07x\u202e) link.",
        "Three [js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [file](file:///etc/passwd)",
        "Four <file:///etc/passwd> [data](data:text/html,<script>x</script>)",
        "Five [mail](mailto:a@b.example) [vb](vbscript:msgbox) [png](data:image/png;base64,iVBO=)",
        "Six [opt](--remote-debugging-port=9222)",
    ]
)
BODY = clean_text(RAW)  # (as stored)
NO_BASE = Article(title="T", source="", body="", link="")


def lines_text(article: Article, markdown: str) -> str:
    lines = [line for batch in render_article(article, markdown, 60) for line in batch]
    return "\n".join("".join(s.text for s in line) for line in lines)


def test_controls_and_markup_in_links_render_as_plain_text_without_controls() -> None:
    shown = lines_text(NO_BASE, BODY)
    assert not FORBIDDEN.search(shown), repr(FORBIDDEN.findall(shown))
    assert f"{MARKUP}[1]" in shown  # the markup, literally
    assert "text[2]" in shown
    for markdown in (BODY, RAW):  # the raw Markdown: its links' URLs are cleaned
        lines = [line for batch in render_article(NO_BASE, markdown, 60) for line in batch]
        links = links_in(lines)
        assert links
        for link in links.values():
            assert not FORBIDDEN.search(link.url)


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "data:image/png;base64,iVBO=",
        "vbscript:msgbox",
        "mailto:a@b.example",
        "--remote-debugging-port=9222",
        "-x",
        "//",
    ],
)
def test_a_link_that_is_not_http_is_never_openable(href: str) -> None:
    for base in ("", "https://site.example/a"):
        numbers = LinkNumbers(base)
        link = numbers.add(href, "x")
        if link.openable is not None:  # only resolved against an http(s) base
            assert base and link.openable.startswith("https://site.example/")
        assert link.refusal().startswith("Link 1 is")
    assert LinkNumbers("").add(href, "x").openable is None


async def test_no_key_or_click_opens_a_link_that_is_not_http() -> None:
    opened: list[str] = []
    articles = [article("1", title="Hostile", body=BODY, link="", day=2)]
    app = make_app(articles, opened=opened)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await pilot.press("enter")
        view = screen.article_view
        await wait_for(pilot, lambda: view.ready and view.complete)
        assert not FORBIDDEN.search(view.text)
        assert MARKUP in " ".join(view.text.split()) and app.is_running
        links = links_in(view.lines)
        for number in range(1, 10):
            await pilot.press(str(number))
        for number in range(1, len(links) + 1):
            await pilot.press("number_sign", *str(number), "enter")
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, LinksScreen))
        for _ in links:
            await pilot.press("enter", "j")
        await pilot.press("escape")
        for number in links:  # click each link's number in the text
            try:
                x, y = where_shown(pilot, f"[{number}]")
            except AssertionError:
                continue  # scrolled off: the keys above reached it
            await pilot.click(offset=(x + 1, y))
        assert app.is_running
        openable = {link.openable for link in links.values()} - {None}
        assert set(opened) <= openable
        assert all(url.startswith("https://ok.example/") for url in opened)
        assert opened  # the http(s) ones did open
        assert any(link.url.startswith("data:image/png") for link in links.values())


# The same links in HTML (a feed item's content, a web page), where mailto: and ftp:
# links stay links to be listed and refused, and javascript:, vbscript:, file: and data:
# are no links at all, whichever way the HTML comes in.
HTML_LINKS = (
    "<p>Links: "
    '<a href="javascript:alert(1)">js</a> <a href=" JaVaScRiPt:alert(1)">JS</a> '
    '<a href="java&#x09;script:alert(1)">tab</a> <a href="vbscript:msgbox">vb</a> '
    '<a href="file:///etc/passwd">file</a> <a href="data:text/html,&lt;script&gt;x">data</a> '
    '<a href="data:image/png;base64,iVBO=">png</a> <a href="--remote-debugging-port=9222">opt</a> '
    '<a href="mailto:a@b.example?subject=\x1b[31mx">mail</a> <a href="ftp://f.example/x)">ftp</a> '
    '<a href="https://ok.example/1">web</a>, and every one of them said in words to read.</p>'
)
HARMFUL = ("javascript", "vbscript", "file:", "data:", "--remote", "alert")


def _html_article(how: str) -> tuple[Article, str]:
    from tuinews.extract import extract_html
    from tuinews.formats import article_markdown
    from tuinews.formats.fragment import sanitise_fragment

    if how == "feed":  # stored as a feed item's content is, converted when shown
        body, text = sanitise_fragment(HTML_LINKS)
        item = Article(title="T", source="", body=body, kind="html", text=text, link="")
        return item, article_markdown(item)
    if how == "page":  # reader mode on a page
        page = f"<html><body><article>{HTML_LINKS * 3}</article></body></html>"
        return NO_BASE, extract_html(page, "https://site.example/a").markdown
    item = Article(title="T", source="", body=HTML_LINKS, kind="html", link="")
    return item, article_markdown(item)


@pytest.mark.parametrize("how", ["feed", "page", "html"])
def test_html_links_that_are_not_http_are_listed_harmful_ones_are_not_links(how: str) -> None:
    item, markdown = _html_article(how)
    for harmful in HARMFUL:
        assert harmful not in markdown.lower()
    lines = [line for batch in render_article(item, markdown, 80) for line in batch]
    shown = "\n".join("".join(s.text for s in line) for line in lines)
    assert not FORBIDDEN.search(shown)
    links = links_in(lines)
    times = 3 if how == "page" else 1
    urls = [link.url for link in links.values()]
    assert [url.split(":", 1)[0] for url in urls] == ["mailto", "ftp", "https"] * times
    assert [link.openable for link in links.values()][:2] == [None, None]
    assert "mail[1]" in shown and "ftp[2]" in shown and "web[3]" in shown
    assert shown.count("(not opened: not http or https)") == 2 * times
    for word in ("js", "JS", "tab", "vb", "file", "data", "png", "opt"):
        assert f" {word} " in f" {' '.join(shown.split())} "  # the text stays, as text


async def test_no_key_or_click_opens_an_html_link_that_is_not_http() -> None:
    opened: list[str] = []
    body, text = sanitise_fragment_of(HTML_LINKS)
    articles = [article("1", title="Hostile", body=body, text=text, kind="html", link="", day=2)]
    app = make_app(articles, opened=opened)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        view = main(pilot).article_view
        await wait_for(pilot, lambda: view.ready and view.complete and "Links" in view.text)
        assert not FORBIDDEN.search(view.text)
        words = " ".join(view.text.split())
        assert "[1] mailto:a@b.example" in words and "(not opened: not http or https)" in words
        for number in range(1, 4):
            await pilot.press(str(number))
        for number in range(1, 4):  # click each link's number in the text
            x, y = where_shown(pilot, f"[{number}]")
            await pilot.click(offset=(x + 1, y))
        assert app.is_running
        assert opened and set(opened) == {"https://ok.example/1"}


def sanitise_fragment_of(html: str) -> tuple[str, str]:
    from tuinews.formats.fragment import sanitise_fragment

    return sanitise_fragment(html)
