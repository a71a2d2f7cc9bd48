"""Pilot tests of folders, sorting and highlights (issue 15): the feed list as a tree of
folders (tags with a ``/``) with unread totals, folded and unfolded with the keys and the
mouse and remembered across runs; a folder as a view (``r``, ``A``); a feed retagged in
the app (``t``); the keys cycling the orders and the titles saying which; the config's
orders and highlights (the style checked on the drawn row)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from textual.pilot import Pilot

from tests.builders import article, rss
from tests.netserver import FeedServer, Response
from tests.ui.helpers import main, press_fast, settle, wait_for, wait_settled, where_shown
from tuinews.query import parse_query
from tuinews.query.highlights import make_highlight
from tuinews.remembered import load_state, state_path
from tuinews.settings import Settings
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.screens.tags_dialog import TagsDialog
from tuinews.ui.widgets.feed_list import FeedList

# name: (tags, titles of its articles, newest first)
FEEDS = {
    "Alpha": (["world/europe"], ["Alpha one", "Alpha two"]),
    "Beta": (["world/europe", "world/asia"], ["Beta one"]),
    "Gamma": (["world"], ["Gamma one"]),
    "Delta": (["tech"], ["Delta one"]),
    "feed 10": ([], ["Ten one"]),
    "feed 2": ([], ["Two one"]),
}


def folder_store(server: FeedServer | None = None) -> Store:
    """The feeds of FEEDS (served by ``server`` when given), each article a day apart."""
    store = Store(Path(tempfile.mkdtemp(prefix="tuinews-test-")) / "tuinews.db")
    day = 28
    for name, (tags, titles) in FEEDS.items():
        path = f"/{name.replace(' ', '')}.xml"
        url = server.url(path) if server else f"https://example.com{path}"
        feed = store.add_feed(url, name, tags=tags)
        articles = []
        for title in titles:
            articles.append(article(f"{name}-{title}", title=title, day=day))
            day -= 1
        store.upsert_articles(feed.id, articles)
        if server:
            server.route(path, Response(body=rss(name, *((t, t) for t in titles))))
    return store


def app_over(store: Store, **settings: object) -> TuinewsApp:
    return TuinewsApp(
        store=store,
        start=lambda **_: Opened(View()),
        settings=Settings(refresh_on_start=False, **settings),  # type: ignore[arg-type]
    )


def rows(feeds: FeedList) -> list[str]:
    """The feed list's rows below the views: what each shows, and its count."""
    return [f"{e.shown} {e.unread}" for e in feeds.entries[3:]]


async def focus_feeds(pilot: Pilot[None], label: str, nth: int = 0) -> FeedList:
    """The feed list focused, on the ``nth`` row called ``label`` (once the first article
    shown is read: Alpha one)."""
    feeds = main(pilot).feed_list
    await wait_for(pilot, lambda: len(feeds.entries) > 3 and feeds.entries[1].unread <= 6)
    main(pilot).set_focus(feeds)
    places = [i for i, e in enumerate(feeds.entries) if e.label == label]
    feeds.highlighted = places[nth]
    await settle(pilot)
    assert feeds.has_focus and feeds.current is not None and feeds.current.label == label
    return feeds


def shown_titles(pilot: Pilot[None]) -> list[str]:
    return [h.title for h in main(pilot).shown]


async def test_the_feed_list_is_a_tree_of_folders_with_unread_totals() -> None:
    app = app_over(folder_store())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        feeds = main(pilot).feed_list
        # Tags without a / are listed as they were; each feed under every folder it is
        # in, each folder with the unread articles of its feeds (a feed counted once:
        # Alpha one, shown first, is read); the feeds in no folder after the tree, by
        # name in natural order.
        expected = [
            "#tech 1",
            "▾ world 3",
            "  ▾ asia 1",
            "    Beta 1",
            "  ▾ europe 2",
            "    Alpha 1",
            "    Beta 1",
            "  Gamma 1",
            "Delta 1",
            "feed 2 1",
            "feed 10 1",
        ]
        await wait_for(pilot, lambda: rows(feeds) == expected)
        assert where_shown(pilot, "▾ world")  # (drawn)


async def test_folders_fold_and_unfold_with_the_keys_and_stay_so_next_time() -> None:
    store = folder_store()
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = await focus_feeds(pilot, "world/europe")
        await pilot.press("left")  # folds it
        assert "  ▸ europe 2" in rows(feeds) and "    Alpha 1" not in rows(feeds)
        assert feeds.current is not None and feeds.current.label == "world/europe"
        await pilot.press("right")  # unfolds it
        assert "    Alpha 1" in rows(feeds)
        await pilot.press("l")  # unfolded: into it
        assert feeds.current is not None and feeds.current.label == "Alpha"
        await pilot.press("h")  # a feed in a folder: to its folder
        assert feeds.current is not None and feeds.current.label == "world/europe"
        await pilot.press("h")  # folds it
        assert "  ▸ europe 2" in rows(feeds)
        await pilot.press("h")  # folded: to the folder it is in
        assert feeds.current is not None and feeds.current.label == "world"
        await pilot.press("enter")  # toggles
        assert rows(feeds)[1:3] == ["▸ world 3", "Delta 1"]
        await pilot.press("space")
        assert rows(feeds)[1:3] == ["▾ world 3", "  ▾ asia 1"]
        await pilot.press("enter", "enter")
        await focus_feeds(pilot, "Delta")
        await pilot.press("enter")  # on a feed: its headlines, as always
        assert screen.headlines.has_focus and screen.view == View(
            feed_id=feeds.entries[-3].view.feed_id
        )
        await focus_feeds(pilot, "Delta")
        await pilot.press("h")  # a feed at the top: back to the headlines, as always
        assert screen.headlines.has_focus
        assert "  ▸ europe 2" in rows(feeds)
    # Remembered (the state file), and folded when the app starts again.
    assert any(name.startswith("fold_") for name in load_state(state_path()))
    again = app_over(store)
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        feeds = main(pilot).feed_list
        await wait_for(pilot, lambda: "  ▸ europe 2" in rows(feeds))
        assert "    Alpha 1" not in rows(feeds)


async def test_a_click_on_the_fold_marker_folds_and_on_the_name_chooses_the_folder() -> None:
    app = app_over(folder_store())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.feed_list
        await wait_for(pilot, lambda: len(feeds.entries) > 3)
        x, y = where_shown(pilot, "▾ europe")
        await pilot.click(offset=(x, y))
        await settle(pilot)
        assert "  ▸ europe 2" in rows(feeds) and "    Alpha 1" not in rows(feeds)
        x, y = where_shown(pilot, "▸ europe")
        await pilot.click(offset=(x + 3, y))  # the name: the folder's headlines
        await settle(pilot)
        assert "  ▸ europe 2" in rows(feeds)  # (not unfolded)
        assert screen.view == View(folder="world/europe")
        await wait_for(pilot, lambda: shown_titles(pilot) == ["Alpha one", "Alpha two", "Beta one"])
        assert "world/europe" in str(screen.headlines.border_title)


async def test_r_refreshes_a_folders_feeds_and_A_marks_them_read(server: FeedServer) -> None:
    store = folder_store(server)
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await focus_feeds(pilot, "world/europe")
        await wait_for(pilot, lambda: screen.view == View(folder="world/europe"))
        await wait_for(pilot, lambda: shown_titles(pilot) == ["Alpha one", "Alpha two", "Beta one"])
        server.reset_stats()
        await pilot.press("r")
        await wait_settled(pilot, lambda: not screen.refreshing and len(server.requests) >= 2)
        assert sorted(r.path for r in server.requests) == ["/Alpha.xml", "/Beta.xml"]
        await pilot.press("A")
        await wait_settled(pilot, lambda: store.unread_count(View(folder="world/europe")) == 0)
        unread = {h.title for h in store.headlines(View(unread_only=True))}
        assert unread == {"Gamma one", "Delta one", "Ten one", "Two one"}


async def test_t_retags_a_feed_into_a_folder() -> None:
    store = folder_store()
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        feeds = await focus_feeds(pilot, "Delta")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsDialog))
        field = app.screen.query_one("#tags")
        assert getattr(field, "value", None) == "tech"
        await pilot.press("ctrl+u", *"world/news")  # (ctrl+u: the line emptied)
        await pilot.press("enter")
        await wait_settled(pilot, lambda: "  ▾ news 1" in rows(feeds))
        assert "    Delta 1" in rows(feeds) and "#tech 1" not in rows(feeds)
        delta = next(f for f in store.feeds() if f.name == "Delta")
        assert delta.tags == ("world/news",)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsDialog))
        await pilot.press("escape")  # leaves them
        await settle(pilot)
        assert store.get_feed(delta.id).tags == ("world/news",)  # type: ignore[union-attr]


async def test_keys_typed_just_after_t_land_in_the_dialog_before_the_feed_list_has_it() -> None:
    """Just after start, the feed list does not have the shown article's feed yet: ``t``
    reads it from the store. The keys typed next land in the dialog, after the tags (they
    reached the lists first, then the field's select-all replaced the tags: a feed's tags
    were lost)."""
    store = folder_store()
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        assert screen.headlines.has_focus and screen.headlines.current is not None
        screen.feed_list.feed = lambda feed_id: None  # type: ignore[method-assign]
        press_fast(pilot, "t", "end", *", fast")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsDialog))
        field = app.screen.query_one("#tags")
        await wait_for(pilot, lambda: getattr(field, "value", "").endswith("t"))
        assert getattr(field, "value", None) == "world/europe, fast"


async def test_S_in_a_folder_saves_the_search_in_that_folder() -> None:
    """In the folder world/europe, ``S`` saves ``tag:world/europe`` and the words (it saved
    the words alone: a search over every article); the saved search finds what the
    folder's search found."""
    from tuinews.ui.screens.dialogs import NameDialog

    store = folder_store()
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await focus_feeds(pilot, "world/europe")
        await pilot.press("enter")  # its headlines
        await pilot.press("slash", *"one", "enter")
        await wait_settled(pilot, lambda: len(screen.shown) == 2)
        press_fast(pilot, "S", *"Europe ones", "enter")
        await wait_settled(pilot, lambda: [s.name for s in store.saved_searches()] != [])
        assert not isinstance(app.screen, NameDialog)
        (saved,) = store.saved_searches()
        assert saved.query == "tag:world/europe one"
        found = store.headlines(View(), parse_query(saved.query))
        assert sorted(h.title for h in found) == ["Alpha one", "Beta one"]


async def test_the_keys_cycle_the_orders_and_the_titles_say_which() -> None:
    app = app_over(folder_store())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        newest = [
            "Alpha one",
            "Alpha two",
            "Beta one",
            "Gamma one",
            "Delta one",
            "Ten one",
            "Two one",
        ]
        await wait_for(pilot, lambda: shown_titles(pilot) == newest)
        assert str(screen.headlines.border_title) == "All articles · newest first"
        store = app.store  # (the first one shown is read: written before the orders)
        await wait_settled(pilot, lambda: len(store.headlines(View(unread_only=True))) == 6)
        expected = {
            "oldest first": newest[::-1],
            "by title": sorted(newest),
            # Alpha, Beta, Delta, feed 2, feed 10, Gamma: their names, naturally.
            "by feed": [
                "Alpha one",
                "Alpha two",
                "Beta one",
                "Delta one",
                "Two one",
                "Ten one",
                "Gamma one",
            ],
            "unread first": [*newest[1:], newest[0]],  # (the first one shown was read)
            "newest first": newest,
        }
        for name, titles in expected.items():
            await pilot.press("O")
            await wait_for(pilot, lambda titles=titles: shown_titles(pilot) == titles, what=name)
            assert str(screen.headlines.border_title) == f"All articles · {name}"
        feeds = screen.feed_list
        assert str(feeds.border_title) == "Feeds · by name"
        loose = [e.label for e in feeds.entries if e.feed is not None and e.depth == 0]
        assert loose == ["Delta", "feed 2", "feed 10"]
        await pilot.press("ctrl+o", "ctrl+o", "ctrl+o")  # by unread, by update, as added
        assert str(feeds.border_title) == "Feeds · as added"
        await wait_for(
            pilot,
            lambda: (
                [e.label for e in feeds.entries if e.feed and e.depth == 0]
                == ["Delta", "feed 10", "feed 2"]
            ),
        )


async def test_the_config_gives_the_orders_the_app_starts_in() -> None:
    app = app_over(folder_store(), sort_headlines="title", sort_feeds="added")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        await wait_for(pilot, lambda: len(screen.shown) == 7)
        assert shown_titles(pilot) == sorted(shown_titles(pilot))
        assert str(screen.headlines.border_title) == "All articles · by title"
        assert str(screen.feed_list.border_title) == "Feeds · as added"


async def test_matching_headlines_are_drawn_in_the_highlights_style() -> None:
    highlight = make_highlight("test", "title:alpha", "bold red")
    app = app_over(folder_store(), highlight=(highlight,))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        headlines = main(pilot).headlines
        await wait_for(pilot, lambda: headlines.marks.mark(headlines.ids[1]) == 0)
        assert headlines.marks.mark(headlines.ids[2]) == -1  # Beta one: asked, no match

        def title_styles(row: int) -> list[tuple[bool, str]]:
            y = row - round(headlines.scroll_offset.y)
            strip = headlines.render_line(y)
            title = main(pilot).shown[row].title
            return [
                (
                    bool(s.style and s.style.bold),
                    s.style.color.name if s.style and s.style.color else "",
                )
                for s in strip
                if title in s.text
            ]

        assert main(pilot).shown[1].title == "Alpha two"
        assert title_styles(1) == [(True, "red")]  # (not the cursor's row)
        beta = title_styles(2)
        assert beta and beta[0][1] != "red"
        assert headlines.cursor == 0 and title_styles(0)[0] == (True, "red")  # the cursor's too


async def test_counts_stay_right_when_a_folder_is_folded_after_reading() -> None:
    """Folding lists the feeds again from what was read last: the read marks set since
    must be in it (else All, Unread and the feeds show their old counts)."""
    store = folder_store()
    app = app_over(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        feeds = screen.feed_list
        await wait_for(pilot, lambda: feeds.entries and feeds.entries[1].unread == 6)  # (1 read)
        await pilot.press("j")  # Alpha two: read
        await wait_for(pilot, lambda: feeds.entries[1].unread == 5)
        await focus_feeds(pilot, "world")
        await pilot.press("enter", "enter")  # folded, unfolded
        assert feeds.entries[1].unread == 5
        assert "    Alpha 0" in rows(feeds) and "▾ world 2" in rows(feeds)
