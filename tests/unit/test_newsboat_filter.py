"""newsboat's filter language translated to our queries, with the examples of newsboat's
own documentation (doc/newsboat.asciidoc: Filter Language, Killfiles, Query Feeds,
highlight-article) and what the translations find in a real store."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuinews.models import Article
from tuinews.newsboat_filter import (
    split_query_feed,
    translate_filter,
    translate_ignore_article,
)
from tuinews.query import parse_query
from tuinews.store import Store


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        # Filter Language
        ("age between 0:10", "age:<11d"),
        (
            '( author =~ "Frank" or author =~ "John" ) and '
            '( title =~ "Linux" or title =~ "FreeBSD" )',
            "(author:Frank OR author:John) (title:Linux OR title:FreeBSD)",
        ),
        # Killfiles
        ('title =~ "Gentoo"', "title:Gentoo"),
        ('title =~ "^RT by"', 'title:^"RT by*"'),
        # Query Feeds
        ('unread = "yes"', "is:unread"),
        ('tags # "tag1"', "tag:tag1"),
        # highlight-article
        ('author =~ "Andreas Krennmair"', 'author:"Andreas Krennmair*"'),
        # Each operator.
        ('unread == "no"', "is:read"),
        ('unread != "yes"', "-is:unread"),
        ('tags !# "sport"', "-tag:sport"),
        ('title !~ "sponsored"', "-title:sponsored"),
        ('title # "Lunar"', 'title:"Lunar"'),
        ('title =~ "(lunar|moon)"', "title:lunar OR title:moon"),
        ('title =~ "^(ask|show) hn"', 'title:^"ask hn*" OR title:^"show hn*"'),
        ('title =~ "\\\\[Sponsor\\\\]"', None),
        ('title =~ "\\[Sponsor\\]"', 'title:"Sponsor"'),  # (not "Sponsored")
        ('title =~ "C\\+\\+"', 'title:"C"'),  # the word C, not every word starting c
        ('title =~ "^Re: "', 'title:^"Re"'),
        ('content =~ "bitcoin"', "bitcoin"),
        ('feedtitle =~ "Hacker News"', 'feed:"hacker news"'),
        ('feedtitle = "LWN.net"', "feed:lwn.net"),
        ('rssurl =~ "youtube.com"', "feed:youtube.com"),
        ('rssurl != "https://x.org/feed"', "-feed:https://x.org/feed"),
        ('flags # "s"', "is:starred"),
        ('flags = ""', "-is:starred"),
        ('flags != ""', "is:starred"),
        ("age < 7", "age:<7d"),
        ("age <= 7", "age:<8d"),
        ("age > 30", "age:>31d"),
        ("age >= 30", "age:>30d"),
        ("age = 2", "age:>2d age:<3d"),
        ("age != 0", "age:>1d"),
        ("age between 10:3", "age:>3d age:<11d"),
        # and/or have one precedence and group to the right.
        ('title =~ "a" and title =~ "b" or title =~ "c"', "title:a (title:b OR title:c)"),
        ('title =~ "a" or title =~ "b" and title =~ "c"', "title:a OR (title:b title:c)"),
        ('(title =~ "a" or title =~ "b") and unread = "yes"', "(title:a OR title:b) is:unread"),
        ('((tags # "x"))and(age<3)', "tag:x age:<3d"),
    ],
)
def test_what_translates(expression: str, text: str | None) -> None:
    translation = translate_filter(expression)
    assert translation.text == text, translation.problems
    if text is not None:
        assert translation.problems == ()
        again = parse_query(text)
        assert again.hints == [] and again.terms


@pytest.mark.parametrize(
    ("expression", "problems"),
    [
        # Filter Language: feed-list attributes and anchored URL patterns.
        ("unread_count > 0", ["unread_count > 0: counts are about feeds (a feed-list filter)"]),
        ('rssurl =~ "^https:"', ['rssurl =~ "^https:": ^ (at the start of a feed']),
        (
            "( unread_count > 0 and unread_count < 10 ) or total_count > 100",
            ["unread_count > 0: ", "unread_count < 10: ", "total_count > 100: "],
        ),
        ('link =~ "youtube"', ['link =~ "youtube": article links are not searchable']),
        ('enclosure_type =~ "audio"', ["enclosure_type"]),
        ('title =~ "x.*y"', ['title =~ "x.*y": the regular expression is not plain text: *']),
        ('title =~ "(?i)(lunar|moon)"', ["not plain text"]),
        ('title =~ "end$"', ["the end of a field ($)"]),
        ('title = "Exactly this"', ['title = "Exactly this": = on title']),
        ('tags =~ "news"', ['tags =~ "news": =~ on tags has no equal (use tags # "news")']),
        ('tags # "two words"', ["never matches"]),
        ('unread = "maybe"', ['unread is "yes" or "no"']),
        ('flags # "ab"', ["only one flag letter"]),
        ("age >= 0", ["holds for every article or none"]),
        ("age < -1", ["holds for every article or none"]),
        ('age > "5"', ["age is compared with a number of days"]),
        ("title =~ 5", ["title is compared with a number"]),
        ("nosuch = 1", ["nosuch is not a newsboat attribute"]),
        ('title =~ "..."', ["has no letters or digits"]),
        # A part that does not translate is reported, and nothing is translated.
        ('title =~ "linux" and link =~ "x" or guid = "y"', ["link =~", "guid ="]),
    ],
)
def test_what_does_not_translate_is_reported_by_construct(
    expression: str, problems: list[str]
) -> None:
    translation = translate_filter(expression)
    assert translation.text is None
    assert len(translation.problems) == len(problems)
    for problem, expected in zip(translation.problems, problems, strict=True):
        assert expected in problem


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ('a = "b', 'column 5: expected a closing "'),
        ("a = b", "column 5: expected a quoted string, a number or a range (0:10)"),
        ('a !! "b"', "column 3: expected one of =~, ==, =, !~, !=, <=, >=, <, >, between, #, !#"),
        ('((a="b")))', "column 10: expected and, or or the end"),
        ('title=~"a"andtitle=~"b"', "column 11: expected and, or or the end"),
        ("", "column 1: expected an attribute name"),
        ('(title =~ "a"', "column 14: expected )"),
    ],
)
def test_syntax_errors_are_reported_with_their_column(expression: str, error: str) -> None:
    translation = translate_filter(expression)
    assert translation.text is None
    assert (
        translation.problems == (f"not a newsboat filter expression: {error}",)
        or error in (translation.problems[0])
    )


def test_notes_say_where_the_translation_differs() -> None:
    notes = translate_filter('title =~ "linux" and feedtitle =~ "lwn"').notes
    assert any("where words start" in note for note in notes)
    assert any(note.startswith("feed: matches a part") for note in notes)
    assert translate_filter('unread = "yes"').notes == ()


def test_query_feed_lines() -> None:
    assert split_query_feed('query:Unread Articles:unread = "yes"') == (
        "Unread Articles",
        'unread = "yes"',
    )
    assert split_query_feed('query:tag1 Articles:tags # "tag1"') == (
        "tag1 Articles",
        'tags # "tag1"',
    )
    assert split_query_feed("query:Recent:age between 0:10") == ("Recent", "age between 0:10")
    assert split_query_feed("https://example.org/feed") is None
    assert split_query_feed("query:no expression") is None


def test_killfile_lines() -> None:
    assert translate_ignore_article("*", 'title =~ "Gentoo"').text == "title:Gentoo"
    blog = translate_ignore_article(
        "https://synflood.at/blog/index.php?/feeds/index.rss2", 'title =~ "newsboat"'
    )
    assert blog.text == "feed:https://synflood.at/blog/index.php?/feeds/index.rss2 title:newsboat"
    assert any("contains the URL" in note for note in blog.notes)
    plain = translate_ignore_article("regex:nitter\\.net", 'title =~ "^RT by"')
    assert plain.text == 'feed:nitter.net title:^"RT by*"'
    nitter = translate_ignore_article("regex:https?://nitter.net/.*", 'title =~ "^RT by"')
    assert nitter.text is None
    assert nitter.problems == (
        "regex:https?://nitter.net/.*: only a plain-text pattern can be translated",
    )
    assert translate_ignore_article("*", 'link =~ "x"').text is None


def test_translated_queries_find_what_newsboat_would(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    store = Store(tmp_path / "tuinews.db")
    blog = store.add_feed("https://synflood.at/blog/feed", title="Synflood", tags=["tag1"])
    other = store.add_feed("https://other.example/feed", title="Other News")

    def article(uid: str, title: str, days: float, author: str = "") -> Article:
        return Article(
            title=title, source="", body=title, text=title, author=author,
            date=now - timedelta(days=days), uid=uid,
        )  # fmt: skip

    store.upsert_articles(
        blog.id,
        [
            article("1", "RT by alice: newsboat 2.0 is out", 1),
            article("2", "Gentoo and FreeBSD notes", 20, "Frank Smith"),
            article("3", "Linux tips", 5, "John Doe"),
        ],
    )
    store.upsert_articles(other.id, [article("4", "Someone RT by the lake", 3)])

    def found(expression: str) -> list[str]:
        text = translate_filter(expression).text
        assert text is not None
        rows = store.headlines(query=parse_query(text))
        return sorted(h.title for h in rows)

    assert found('title =~ "^RT by"') == ["RT by alice: newsboat 2.0 is out"]
    assert found("age between 0:10") == [
        "Linux tips",
        "RT by alice: newsboat 2.0 is out",
        "Someone RT by the lake",
    ]
    assert found(
        '( author =~ "Frank" or author =~ "John" ) and ( title =~ "Linux" or title =~ "FreeBSD" )'
    ) == ["Gentoo and FreeBSD notes", "Linux tips"]
    assert found('tags # "tag1" and age > 10') == ["Gentoo and FreeBSD notes"]
    assert found('feedtitle =~ "other" or title =~ "gentoo"') == [
        "Gentoo and FreeBSD notes",
        "Someone RT by the lake",
    ]
    assert found('unread = "yes" and tags !# "tag1"') == ["Someone RT by the lake"]


def test_any_text_is_translated_or_reported_never_raises() -> None:
    rng = random.Random(15)
    pieces = [
        "title", "age", "tags", "unread", "flags", "rssurl", "feedtitle", "content", "x", " ",
        "=~", "=", "!=", "!~", "#", "!#", "<", ">", "between", "and", "or", "(", ")", '"',
        '"a b"', '"^x"', '"(a|b)"', '"\\\\"', "1", "0:10", "-3", "\\", "é", '"yes"', '""',
    ]  # fmt: skip
    for _ in range(3000):
        text = "".join(
            rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 12))
        )
        translation = translate_filter(text)
        assert (translation.text is None) == bool(translation.problems)
        if translation.text is not None:
            assert parse_query(translation.text).hints == []
    deep = "(" * 200 + 'title =~ "a"' + ")" * 200
    assert translate_filter(deep).text is None
    long_chain = " and ".join(f'title =~ "w{i}"' for i in range(140))
    assert translate_filter(long_chain).problems == ("too long for a query (at most 128 terms)",)


def test_a_pattern_ending_in_punctuation_ends_its_word(tmp_path: Path) -> None:
    """A query feed `title =~ "C\\+\\+"` was saved as `title:C`: every title with a word
    starting with c (Cats, Climate) was in it. The text ends the word C there."""
    store = Store(tmp_path / "tuinews.db")
    feed = store.add_feed("https://example.org/feed", title="Feed")
    titles = ["C++ tips", "Cats and dogs", "Climate news", "[Sponsor] A deal", "Sponsored post"]
    store.upsert_articles(
        feed.id,
        [Article(title=t, source="", body=t, text=t, uid=str(i)) for i, t in enumerate(titles)],
    )

    def found(expression: str) -> list[str]:
        text = translate_filter(expression).text
        assert text is not None
        return sorted(h.title for h in store.headlines(query=parse_query(text)))

    assert found('title =~ "C\\+\\+"') == ["C++ tips"]
    assert found('title =~ "\\[Sponsor\\]"') == ["[Sponsor] A deal"]
    assert found('title =~ "Sponsor"') == ["Sponsored post", "[Sponsor] A deal"]
