"""The feed list's first frame: its separators are rules, never a count. The list is
filled while it is hidden (no width yet: its rows are made for a guess), then shown; a
row made for a wider list wrapped, and its count was drawn in the separator's place
("1" instead of "────") until the rows were made again for the width a moment later."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from textual.strip import Strip

from tests.builders import article
from tests.ui.helpers import wait_for
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.feed_list import FeedList

FEEDS = {"Alpha": ["world/europe"], "Beta": ["world"], "Gamma": ["tech"], "feed 2": []}


def tagged_store() -> Store:
    store = Store(Path(tempfile.mkdtemp(prefix="tuinews-test-")) / "tuinews.db")
    for number, (name, tags) in enumerate(FEEDS.items()):
        feed = store.add_feed(f"https://example.com/{number}.xml", name, tags=tags)
        titles = [f"{name} {n}" for n in range(number + 1)]  # counts 1, 2, 3, 4
        store.upsert_articles(
            feed.id, [article(t, title=t, day=20 - n) for n, t in enumerate(titles)]
        )
    return store


@pytest.mark.parametrize(("size", "narrow_width"), [((120, 40), 100), ((80, 24), 60)])
async def test_the_first_frame_of_the_feed_list_has_rules_not_counts(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], narrow_width: int
) -> None:
    drawn: list[tuple[int, str]] = []  # every row the feed list draws, in order
    render_line = FeedList.render_line

    def recorded(self: FeedList, y: int) -> Strip:
        strip = render_line(self, y)
        drawn.append((y, strip.text))
        return strip

    monkeypatch.setattr(FeedList, "render_line", recorded)
    settings = Settings(refresh_on_start=False, narrow_width=narrow_width)
    app = TuinewsApp(store=tagged_store(), start=lambda **_: Opened(View()), settings=settings)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: any("feed 2" in text for _, text in drawn))
    again = [i for i, (y, _) in enumerate(drawn) if i and y == 0]  # (the next frames)
    first = drawn[: again[0]] if again else drawn
    rows = [text.rstrip() for _, text in first]
    assert set(rows[3]) == {"─"}  # the views' separator
    separators = [row for row in rows if row and set(row) == {"─"}]
    assert len(separators) == 3  # views | #tech | the world folder | the loose feeds
    strays = [text for _, text in drawn if re.fullmatch(r"\s*\d+\s*", text)]
    assert strays == []
    # the counts shown (10 unread, or 9 once the first article shown is read), whole
    assert re.fullmatch(r"All articles +(10|9)", rows[0]), rows[0]
    assert re.fullmatch(r"Unread +(10|9)", rows[1]) and rows[2] == "Starred", rows[:3]


async def test_counts_changed_while_the_list_is_hidden_are_shown_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows made again while the list is hidden (``f``) are made for the width it had:
    shown again at that width, their counts are whole (they were made for a guess, 24
    cells, and never made again: the count was cut off, or drawn as the separator)."""
    drawn: list[str] = []
    render_line = FeedList.render_line

    def recorded(self: FeedList, y: int) -> Strip:
        strip = render_line(self, y)
        drawn.append(strip.text)
        return strip

    monkeypatch.setattr(FeedList, "render_line", recorded)
    settings = Settings(refresh_on_start=False)
    app = TuinewsApp(store=tagged_store(), start=lambda **_: Opened(View()), settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: any("feed 2" in text for text in drawn))
        feeds = app.screen.query_one(FeedList)
        await wait_for(pilot, lambda: feeds.entries[1].unread == 9)  # the first shown is read
        await pilot.press("f")  # hidden
        await wait_for(pilot, lambda: not feeds.region.width)
        await pilot.press("m")  # the article shown (read) unread again: 10 unread
        await wait_for(pilot, lambda: feeds.entries[1].unread == 10)
        drawn.clear()
        await pilot.press("f")  # shown again
        await wait_for(pilot, lambda: any("feed 2" in text for text in drawn))
    rows = [text.rstrip() for text in drawn]
    assert any(re.fullmatch(r"Unread +10", row) for row in rows), rows[:4]
    assert not any(re.fullmatch(r"\s*\d+\s*", row) for row in rows)
