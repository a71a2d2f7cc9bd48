"""The feed's own picture of an item (issue 16, images): Media RSS ``media:thumbnail``
and image ``media:content`` (also inside ``media:group``, as YouTube writes it), an RSS
image enclosure, JSON Feed ``image`` and ``banner_image``; read alike by the fast parser
and feedparser, made http(s) and safe, stored with the article (migration 12), and put
at the top of the article's Markdown only when its text has no image of its own."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.builders import article
from tuinews.formats import parse_feed
from tuinews.formats.fastfeed import read as fast_read
from tuinews.formats.feeds import _build_feed, _read_with_feedparser, read_json_feed
from tuinews.images.feed_image import with_feed_image
from tuinews.store import Store
from tuinews.store.schema import MIGRATIONS

PICTURES = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Pictures</title><link>https://pics.example/</link>
<item><title>Thumb</title><link>https://pics.example/1</link><guid>1</guid>
<description>One.</description>
<media:thumbnail url="https://cdn.example/1.jpg" width="120" height="90"/></item>
<item><title>Content</title><link>https://pics.example/2</link><guid>2</guid>
<description>Two.</description>
<media:content url="https://cdn.example/2.mp4" medium="video"/>
<media:content url="https://cdn.example/2.jpg" medium="image" type="image/jpeg"/></item>
<item><title>Group</title><link>https://pics.example/3</link><guid>3</guid>
<description>Three.</description>
<media:group><media:content url="https://cdn.example/3.mp4" type="video/mp4"/>
<media:thumbnail url="/thumbs/3.jpg?a=1&amp;b=2"/></media:group></item>
<item><title>Enclosure</title><link>https://pics.example/4</link><guid>4</guid>
<description>Four.</description>
<enclosure url="https://cdn.example/4.png" type="image/png" length="1234"/></item>
<item><title>Hostile</title><link>https://pics.example/5</link><guid>5</guid>
<description>Five.</description>
<media:thumbnail url="javascript:alert(1)"/></item>
<item><title>Local</title><link>https://pics.example/6</link><guid>6</guid>
<description>Six.</description>
<media:thumbnail url="file:///etc/passwd"/></item>
<item><title>None</title><link>https://pics.example/7</link><guid>7</guid>
<description>Seven.</description></item>
</channel></rss>"""

EXPECTED = [
    "https://cdn.example/1.jpg",
    "https://cdn.example/2.jpg",
    "https://pics.example/thumbs/3.jpg?a=1&b=2",
    "https://cdn.example/4.png",
    "",
    "",
    "",
]


def test_media_rss_pictures_by_the_fast_parser() -> None:
    assert fast_read(PICTURES) is not None  # the fast path reads this document
    parsed = parse_feed(PICTURES, "https://pics.example/feed.xml")
    assert [a.image for a in parsed.articles] == EXPECTED


def test_feedparser_finds_the_same_pictures() -> None:
    raw = _read_with_feedparser(PICTURES)
    built = _build_feed(raw, name="x", path="", mtime=None, url="https://pics.example/feed.xml")
    assert [a.image for a in built.articles] == EXPECTED


def test_json_feed_image_then_banner_image() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "home_page_url": "https://j.example/",
        "items": [
            {"id": "1", "content_text": "a", "image": "/i/1.png", "banner_image": "/b/1.png"},
            {"id": "2", "content_text": "b", "banner_image": "https://j.example/b/2.png"},
            {"id": "3", "content_text": "c", "image": "data:image/png;base64,AAAA"},
            {"id": "4", "content_text": "d", "image": 7},
            {"id": "5", "content_text": "e", "image": "https://j.example/\u202e5.png\n"},
        ],
    }
    parsed = read_json_feed(feed, name="j", url="https://j.example/feed.json")
    assert [a.image for a in parsed.articles] == [
        "https://j.example/i/1.png",
        "https://j.example/b/2.png",
        "",
        "",
        "https://j.example/5.png",  # the invisible and the line break are gone
    ]


def test_the_picture_is_stored_and_read_with_the_article(store: Store) -> None:
    feed = store.add_feed("https://pics.example/feed.xml")
    store.upsert_articles(
        feed.id, [article("1", image="https://cdn.example/1.jpg"), article("2", day=2)]
    )
    one, two = store.ids_for_uids(feed.id, ["1", "2"])
    first, second = store.get_article(one), store.get_article(two)
    assert first is not None and first.image == "https://cdn.example/1.jpg"
    assert second is not None and second.image == ""
    # A picture the feed changes is a change of the article.
    counts = store.upsert_articles(feed.id, [article("1", image="https://cdn.example/9.jpg")])
    assert counts.updated == 1
    again = store.get_article(one)
    assert again is not None and again.image == "https://cdn.example/9.jpg"


def test_migration_12_adds_the_column_to_an_older_database(tmp_path: Path) -> None:
    own = next(
        number
        for number, step in enumerate(MIGRATIONS)
        if isinstance(step, str) and "ADD COLUMN image" in step
    )
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db, db:
        for step in MIGRATIONS[:own]:
            assert isinstance(step, str) or callable(step)
            if isinstance(step, str):
                db.executescript(step)
            else:
                step(db)
        db.execute(f"PRAGMA user_version = {own}")
        db.execute("INSERT INTO feeds (url, added) VALUES ('https://old.example/', 0)")
        db.execute(
            "INSERT INTO articles (feed_id, uid, title, added, kind, body, text, digest) "
            "VALUES (1, 'u', 'Old', 0, 'markdown', 'b', 'b', 'd')"
        )
    db.close()
    store = Store(path)
    try:
        (old,) = store.ids_for_uids(1, ["u"])
        kept = store.get_article(old)
        assert kept is not None and kept.title == "Old" and kept.image == ""
    finally:
        store.close()


def test_the_picture_goes_on_top_only_when_the_text_has_no_image() -> None:
    url = "https://cdn.example/1.jpg"
    assert with_feed_image("Words.", url) == f"![]({url})\n\nWords."
    assert with_feed_image(f"Words.\n\n![Same]({url})", url).count(url) == 1
    other = "Words.\n\n![Other](https://cdn.example/other.png)"
    assert with_feed_image(other, url) == other
    reference = "Words ![ref][1].\n\n[1]: https://cdn.example/r.png"
    assert with_feed_image(reference, url) == reference
    assert with_feed_image("Words.", "") == "Words."
    assert with_feed_image("Words.", "file:///etc/passwd") == "Words."
    # Characters that would end the link are escaped: it stays one image.
    odd = with_feed_image("Words.", "https://cdn.example/a (1)].jpg")
    assert odd.startswith("![](https://cdn.example/a%20%281%29%5D.jpg)\n\n")
