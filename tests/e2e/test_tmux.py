"""End to end: the real ``tuinews`` command in a real terminal (tmux)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import rss
from tests.conftest import FIXTURES
from tests.e2e.terminals import TUINEWS, Terminal, need_command, start
from tests.netserver import FeedServer, Response
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HEADLINE = "Russia ‘Regroups’ Troops in East as Ukraine Advances"
SUBHEADINGS = ("'Astonishing' advance", "Houses gutted", "German pledge")


def active_styles(line: str, text: str) -> set[str]:
    """The SGR parameters in force where ``text`` starts on a captured line."""
    active: set[str] = set()
    for params in re.findall(r"\x1b\[([0-9;:]*)m", line[: line.index(text)]):
        codes = params.split(";")
        if codes == ["0"] or codes == [""]:
            active.clear()
        active.update(code for code in codes if code not in ("", "0"))
    return active


def test_sample_shows_its_headline_and_subheadings(terminal: Terminal, tmp_path: Path) -> None:
    sample = FIXTURES / "moscow_times.txt"  # a copy of ../shared/samples/000_110e5bd00de09844.txt
    start(terminal, tmp_path, str(sample))
    screen = terminal.wait_for(HEADLINE)
    headline_row = screen.splitlines()[4]  # (under the search bar and the panes' titles)
    assert HEADLINE[:20] in headline_row
    assert "Support The Moscow Times!" not in headline_row
    before = terminal.settled(styles=True)
    terminal.keys("Enter")  # to the article
    seen: list[str] = [terminal.wait_changed(before, styles=True)]
    wanted = (*SUBHEADINGS, "Observers expect")
    for _ in range(12):  # page on until all of them were shown (a guard, not a count)
        shown = re.sub(r"\x1b\[[0-9;:]*m", "", "\n".join(seen))
        if all(text in shown for text in wanted):
            break
        terminal.keys("Space")
        seen.append(terminal.wait_changed(seen[-1], styles=True))
    styled = "\n".join(seen)
    text = re.sub(r"\x1b\[[0-9;:]*m", "", styled)
    for heading in SUBHEADINGS:
        lines = [line for line in text.splitlines() if heading in line]
        assert lines, f"{heading!r} never shown"
        # a subheading stands alone on its line...
        assert any(line.split("▕")[-1].strip() == heading for line in lines), lines
        # ...styled as a heading (underlined), unlike paragraph text
        styled_line = next(line for line in styled.splitlines() if heading in line)
        assert "4" in active_styles(styled_line, heading), repr(styled_line)
    paragraph = next(line for line in styled.splitlines() if "Observers expect" in line)
    assert "4" not in active_styles(paragraph, "Observers expect")
    assert "##" not in text
    terminal.keys("q")


def test_welcome_library_with_no_arguments(terminal: Terminal, tmp_path: Path) -> None:
    start(terminal, tmp_path)
    screen = terminal.wait_for("Welcome to tuinews")
    assert "The keys" in screen
    terminal.keys("j")
    terminal.wait_for("Everything works from the keyboard")
    terminal.keys("G")
    terminal.wait_for("Subscribe to a feed, or to a web page")
    terminal.keys("g", "/", *"newsboat")
    terminal.wait_for("Welcome to tuinews", gone=True)  # filtered out of the list
    screen = terminal.wait_for("Subscribe to a feed, or to a web page")  # in the article
    assert "newsboat" in screen  # in the search bar
    terminal.keys("Escape")
    terminal.wait_for("Welcome to tuinews")
    terminal.keys("q")
    terminal.wait_closed()


def test_o_hands_the_link_to_the_browser_as_one_argument(
    terminal: Terminal, tmp_path: Path
) -> None:
    seen = tmp_path / "browser-args"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > {seen}\n')
    browser.chmod(0o755)
    feed = Path(__file__).resolve().parents[1] / "fixtures" / "rss20.xml"
    start(terminal, tmp_path, str(feed), BROWSER=str(browser))
    terminal.wait_for("news.example.com")
    terminal.keys("o")
    wait_until(lambda: seen.exists() and seen.read_text().endswith("\n"), timeout=10)
    assert seen.read_text().splitlines() == ["https://news.example.com/stories/2"]
    terminal.wait_for("news.example.com")  # the screen is back after the browser
    terminal.keys("q")


@pytest.fixture
def two_feeds(tmp_path: Path) -> Iterator[str]:
    """A database with two feeds from a server on 127.0.0.1 (kept up: the app refreshes
    them when it starts): "Alpha feed" (tagged "letters") and "Beta feed"."""
    need_command()
    db = str(tmp_path / "tuinews.db")
    env = {**os.environ, "TUINEWS_CONFIG": str(tmp_path / "config.toml")}
    with FeedServer() as server:
        for name in ("Alpha", "Beta"):
            path = f"/{name.lower()}.xml"
            server.route(path, Response(body=rss(f"{name} feed", ("1", f"{name} story"))))
            tags = ["--tag", "letters"] if name == "Alpha" else []
            add = [str(TUINEWS), "add", server.url(path), "--db", db, *tags]
            subprocess.run(add, env=env, check=True, capture_output=True, timeout=60)
        yield db


def test_a_narrow_terminal_reaches_the_feed_list(
    terminal: Terminal, tmp_path: Path, two_feeds: str
) -> None:
    start(terminal, tmp_path, "--db", two_feeds, width=80)
    screen = terminal.wait_for("Beta story")
    assert "Unread" not in screen  # one pane: the headlines
    terminal.keys("f")  # the feed list, as the one pane
    screen = terminal.wait_for("#letters")
    assert "Beta story" not in screen and "Alpha feed" in screen and "Unread" in screen
    for _ in range(5):  # from All articles: Unread, Starred, #letters, Alpha feed, Beta feed
        terminal.keys("j")
    terminal.keys("Enter")  # its headlines
    terminal.wait_for("#letters", gone=True)
    terminal.wait_for("Alpha story", gone=True)
    screen = terminal.wait_for("Beta story")
    terminal.keys("Tab", "Tab")  # the article, then the feed list again
    terminal.wait_for("#letters")
    terminal.keys("k", "k", "Escape")  # #letters, back to its headlines
    screen = terminal.wait_for("Alpha story")
    assert "Beta story" not in screen
    terminal.keys("q")


def test_the_search_bar_says_where_it_searches_and_offers_all_articles(
    terminal: Terminal, tmp_path: Path, two_feeds: str
) -> None:
    start(terminal, tmp_path, "--db", two_feeds)
    terminal.wait_for("Beta story")
    terminal.wait_for("#letters")  # the feed list (loaded after the first frame)
    terminal.keys("Tab", "Tab")  # the article, then the feed list
    for _ in range(4):  # All articles, Unread, Starred, #letters, Alpha feed
        terminal.keys("j")
    terminal.wait_for("Search in Alpha feed")
    terminal.wait_for("Beta story", gone=True)  # the headlines of Alpha feed
    terminal.keys("/", *"beta")
    terminal.wait_for("No match in Alpha feed")
    screen = terminal.settled()  # (the search bar says it a frame before the pane does)
    pane = " ".join(line.split("▕")[1] for line in screen.splitlines() if line.count("▕") > 1)
    assert "1 in all articles: press ^g" in " ".join(pane.split())  # (wrapped in the pane)
    terminal.keys("C-g")
    screen = terminal.wait_for("Search in all articles")
    terminal.wait_for("Beta story")
    terminal.keys("q")


def test_a_click_opens_the_headline_under_the_mouse(terminal: Terminal, tmp_path: Path) -> None:
    """The real terminal's mouse report (SGR, as xterm sends it) on a headline's row opens
    that headline, not the one below (the list's title bar is above its first row)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(1, 6):
        (notes / f"note{n}.md").write_text(f"# Note {n}\n\nThe body of note {n}.\n")
    start(terminal, tmp_path, str(notes), "--db", str(tmp_path / "tuinews.db"))
    terminal.wait_for("The body of note")
    screen = terminal.settled()
    (row,) = [y for y, line in enumerate(screen.splitlines()) if "Note 3" in line.split("▕")[0]]
    x = screen.splitlines()[row].index("Note 3") + 1
    for final in ("M", "m"):  # button 1 pressed, released: cells counted from 1
        terminal.tmux("send-keys", "-t", "tuinews", "-l", f"\x1b[<0;{x + 1};{row + 1}{final}")
    terminal.wait_for("The body of note 3.")
    terminal.keys("q")
    terminal.wait_closed()


def test_a_click_in_a_narrow_terminal_opens_the_headline_under_the_mouse(
    terminal: Terminal, tmp_path: Path
) -> None:
    """In the narrow layout a click shows the article pane, which renders again at its new
    width while the clicked article is on its way (slow: the first HTML converted in this
    run): it rendered the article on screen (the first) under the clicked one's id, marked
    the clicked one read and kept that. The first run shows the first article (at 120
    columns), as a user's does."""
    need_command()
    db = str(tmp_path / "tuinews.db")
    words = "words of a long item " * 30
    items = [
        (
            f"g{n}",
            f"Long item number {n}",
            f"<p>Paragraph 0 of item {n}.</p>" + f"<p>{words}</p>" * 40,
        )
        for n in range(10)
    ]
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>http://127.0.0.1/{guid}</link>"
        f"<description><![CDATA[{html}]]></description>"
        f"<pubDate>Mon, {20 - n:02d} Jan 2024 10:00:00 GMT</pubDate></item>"
        for n, (guid, title, html) in enumerate(items)
    )
    feed = f'<rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'.encode()
    env = {**os.environ, "TUINEWS_CONFIG": str(tmp_path / "config.toml")}
    with FeedServer() as server:
        server.route("/long.xml", Response(body=feed))
        add = [str(TUINEWS), "add", server.url("/long.xml"), "--db", db]
        subprocess.run(add, env=env, check=True, capture_output=True, timeout=60)
        start(terminal, tmp_path, "--db", db)
        terminal.wait_for("Paragraph 0 of item 0.")
        terminal.keys("q")
        terminal.wait_closed()
        start(terminal, tmp_path, "--db", db, width=80)
        terminal.wait_for("Long item number 4")
        screen = terminal.settled()
        (row,) = [y for y, line in enumerate(screen.splitlines()) if "Long item number 4" in line]
        x = screen.splitlines()[row].index("Long item number 4") + 1
        for final in ("M", "m"):  # button 1 pressed, released: cells counted from 1
            terminal.tmux("send-keys", "-t", "tuinews", "-l", f"\x1b[<0;{x + 1};{row + 1}{final}")
        # (The first article stayed: shown as this one, it never went away.)
        terminal.wait_for("Paragraph 0 of item 4.")
        terminal.keys("Escape")
        terminal.wait_for("Paragraph 0 of item", gone=True)
        terminal.keys("Enter")  # the same row again: the same article
        screen = terminal.wait_for("Paragraph 0 of item 4.")
        assert "Paragraph 0 of item 0." not in screen
        terminal.keys("q")
        terminal.wait_closed()
