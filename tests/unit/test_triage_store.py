"""Saved searches and rules in a real SQLite store: saved searches as views (with a
search inside them, A, unread counts), rules run on new articles as they are stored (one
statement per rule), hidden articles kept but listed only by is:hidden, article tags,
``apply_rules`` over what is stored, and a database of the previous schema migrated."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.builders import article
from tuinews.ingest import all_rules
from tuinews.models import Article
from tuinews.query import parse_query
from tuinews.query.rules import BadRule, make_rule, parse_action, parse_match
from tuinews.settings import Settings, load_settings
from tuinews.store import SearchExists, Store, View
from tuinews.store.rule_match import apply_rules_in
from tuinews.store.schema import MIGRATIONS


def titles(store: Store, text: str = "", view: View | None = None) -> list[str]:
    query = parse_query(text) if text else None
    return sorted(h.title for h in store.headlines(view or View(), query))


@pytest.fixture
def news(store: Store) -> tuple[Store, int]:
    feed = store.add_feed("https://news.example/feed", title="Daily News", tags=["world"])
    store.upsert_articles(
        feed.id,
        [
            article("1", "Ukraine advances", "Troops near Kharkiv."),
            article("2", "Markets rally", "Shares rose."),
            article("3", "Kyiv at night", "Lights."),
            article("4", "Sponsored: buy now", "An advert."),
        ],
    )
    return store, feed.id


# --- saved searches ----------------------------------------------------------------------


def test_a_saved_search_is_a_view_with_a_search_and_marking_inside_it(
    news: tuple[Store, int],
) -> None:
    store, _ = news
    saved = store.add_saved_search("War", "ukraine OR kyiv")
    view = View(search=saved.query)
    assert titles(store, view=view) == ["Kyiv at night", "Ukraine advances"]
    assert titles(store, "night", view) == ["Kyiv at night"]  # a search inside it
    assert [h.title for h in store.first_page(view, parse_query("advances")).rows] == [
        "Ukraine advances"
    ]
    assert store.unread_count(view) == 2
    assert store.mark_view_read(view, parse_query("night")) == 1  # A in a search inside it
    assert store.unread_count(view) == 1
    assert store.mark_view_read(view) == 1
    assert store.unread_count(view) == 0
    assert store.counts()[1] == 2  # the others stay unread
    assert len(store.headline_ids(view)) == 2


def test_saved_search_names_are_unique_in_any_case_and_merging_changes_nothing_twice(
    store: Store,
) -> None:
    store.add_saved_search("Linux", "tag:linux")
    with pytest.raises(SearchExists):
        store.add_saved_search("LINUX", "kernel")
    assert store.merge_saved_search("linux", "tag:linux") == "unchanged"
    assert store.merge_saved_search("Linux", "kernel") == "conflict"
    assert store.merge_saved_search("BSD", "freebsd") == "added"
    assert [s.name for s in store.saved_searches()] == ["BSD", "Linux"]
    removed = store.remove_saved_search("LINUX")
    assert removed is not None and removed.query == "tag:linux"
    assert store.remove_saved_search("Linux") is None
    assert [s.name for s in store.saved_searches()] == ["BSD"]


# --- rules at ingest ---------------------------------------------------------------------


def rules(*pairs: tuple[str, str]) -> tuple:  # type: ignore[type-arg]
    return tuple(make_rule(f"rule {i}", m, a) for i, (m, a) in enumerate(pairs, start=1))


def test_rules_run_on_new_articles_before_they_are_listed(store: Store) -> None:
    feed = store.add_feed("https://news.example/feed", title="Daily News")
    store.upsert_articles(feed.id, [article("old", "Sponsored old post", "Kept as it was.")])
    ruleset = rules(
        ("title:sponsored", "hide"),
        ("markets", "read"),
        ("ukraine OR kyiv", "star"),
        ("kharkiv", "tag:East"),
    )
    counts = store.upsert_articles(
        feed.id,
        [
            article("old", "Sponsored old post", "Kept as it was."),
            article("1", "Ukraine advances", "Troops near Kharkiv."),
            article("2", "Markets rally", "Shares rose."),
            article("3", "Sponsored: buy now", "An advert."),
        ],
        index_now=False,  # as the refresh's workers store them: not in the index yet
        rules=ruleset,
    )
    assert counts.new == 3 and counts.ruled == [1, 1, 1, 1] and counts.hidden == 1
    # Hidden: in no view and no count, found by is:hidden; the old one was not new.
    assert titles(store) == ["Markets rally", "Sponsored old post", "Ukraine advances"]
    assert titles(store, view=View(feed_id=feed.id)) == titles(store)
    assert titles(store, "is:hidden") == ["Sponsored: buy now"]
    assert titles(store, "sponsored") == ["Sponsored old post"]
    store.index_pending()
    assert titles(store, "sponsored") == ["Sponsored old post"]  # the fast path too
    assert titles(store, "sponsored is:hidden") == ["Sponsored: buy now"]
    assert store.counts() == (3, 2, 1)
    (listed,) = store.feeds()
    assert (listed.total, listed.unread, listed.starred) == (3, 2, 1)
    # read, starred, tagged (the tag is found in any case, like a feed's)
    assert titles(store, "is:read") == ["Markets rally"]
    assert titles(store, view=View(starred_only=True)) == ["Ukraine advances"]
    assert titles(store, "tag:east") == ["Ukraine advances"]
    # Kept: fetched again, it is not new, and stays hidden.
    again = store.upsert_articles(
        feed.id, [article("3", "Sponsored: buy now", "An advert.")], rules=ruleset
    )
    assert (again.new, again.unchanged) == (0, 1)
    assert titles(store, "is:hidden") == ["Sponsored: buy now"]


def test_each_rule_is_one_statement_whatever_the_number_of_articles(store: Store) -> None:
    """At ingest the flags go in the INSERTs (the rules are matched before) and the
    tags in one statement; applied to stored articles, one statement an action."""
    feed = store.add_feed("https://news.example/feed")
    statements: list[str] = []
    store.database._db.set_trace_callback(statements.append)
    ruleset = rules(("title:spam", "hide"), ("age:>30d", "read"), ("ham -spam", "tag:x"))
    made = [article(str(i), f"spam {i}" if i % 2 else f"ham {i}") for i in range(200)]
    counts = store.upsert_articles(feed.id, made, index_now=False, rules=ruleset)
    store.database._db.set_trace_callback(None)
    assert counts.ruled == [100, 200, 100]
    assert applying(statements) == ["INSERT OR IGNORE INTO tags_pending"]
    plain = store.upsert_articles(
        feed.id, [article(str(i), f"spam {i}" if i % 2 else f"ham {i}") for i in range(200, 400)]
    )
    statements.clear()
    store.database._db.set_trace_callback(statements.append)
    with store.database.write() as db:
        assert apply_rules_in(db, ruleset, plain.new_ids).changed == [100, 200, 100]
    store.database._db.set_trace_callback(None)
    assert sorted(applying(statements)) == [
        "INSERT OR IGNORE INTO article_tags",
        "UPDATE articles SET hidden",
        "UPDATE articles SET read",
    ]


def applying(statements: list[str]) -> list[str]:
    """The statements that write a rule's flag or tag (what each begins with)."""
    starts = ("UPDATE articles SET hidden", "UPDATE articles SET read")
    starts += ("INSERT OR IGNORE INTO article_tags", "INSERT OR IGNORE INTO tags_pending")
    return [start for s in statements for start in starts if s.startswith(start)]


def test_without_rules_nothing_is_done_to_new_articles(store: Store) -> None:
    feed = store.add_feed("https://news.example/feed")
    statements: list[str] = []
    store.database._db.set_trace_callback(statements.append)
    counts = store.upsert_articles(feed.id, [article("1")], index_now=False)
    store.database._db.set_trace_callback(None)
    assert counts.ruled == [] and not any("rule_fts" in s for s in statements)


def test_apply_rules_runs_on_what_is_stored_but_not_local_files(
    news: tuple[Store, int],
) -> None:
    store, _ = news
    local = store.local_feed_id()
    store.upsert_articles(local, [article("f", "Sponsored file", "A file of mine.")])
    counts = store.apply_rules(rules(("sponsored", "hide"), ("kyiv", "star")))
    assert counts.changed == [1, 1] and counts.total == 2
    assert titles(store, "is:hidden") == ["Sponsored: buy now"]
    assert "Sponsored file" in titles(store)
    assert store.apply_rules(rules(("sponsored", "hide"))).changed == [0]  # done already


def test_stored_rules_and_config_rules_together(store: Store, tmp_path: Path) -> None:
    first = store.add_rule("title:sponsored", "hide")
    store.add_rule("(broken", "read")  # (stored by a newer tuinews, say): left out
    assert store.merge_rule("title:sponsored", "hide") == "unchanged"
    assert store.merge_rule("kyiv", "star") == "added"
    config = tmp_path / "config.toml"
    config.write_text('[[rules]]\nmatch = "markets"\naction = "read"\n')
    settings, problems = load_settings(config)
    assert problems == []
    found = all_rules(store, settings)
    assert [(r.name, r.match, r.action.text) for r in found] == [
        ("config rule 1", "markets", "read"),
        (f"rule {first.id}", "title:sponsored", "hide"),
        ("rule 3", "kyiv", "star"),
    ]
    removed = store.remove_rule(first.id)
    assert removed is not None and removed.match == "title:sponsored"
    assert store.remove_rule(first.id) is None


def test_bad_config_rules_are_named_and_skipped_the_others_run(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[rules]]\nmatch = "title:sponsored"\naction = "hide"\n\n'
        '[[rules]]\nname = "loud"\nmatch = "x"\naction = "explode"\n\n'
        '[[rules]]\nmatch = "(unclosed"\naction = "read"\n\n'
        '[[rules]]\naction = "star"\n\n'
        '[[rules]]\nmatch = "kyiv"\naction = "tag:war"\n'
    )
    settings, problems = load_settings(config)
    assert [(r.match, r.action.text) for r in settings.rules] == [
        ("title:sponsored", "hide"),
        ("kyiv", "tag:war"),
    ]
    assert len(problems) == 3
    assert "rule 2 ('loud'): unknown action 'explode'" in problems[0]
    assert "rule 3: the query does not parse: unclosed ( at column 1" in problems[1]
    assert "rule 4: needs match" in problems[2]
    assert all("skipped" in p for p in problems)
    assert Settings().rules == ()


@pytest.mark.parametrize(
    ("action", "why"),
    [("delete", "unknown action 'delete'"), ("tag:", "needs one tag name"), ("tag:a b", "one tag")],
)
def test_bad_actions_say_what_is_known(action: str, why: str) -> None:
    with pytest.raises(BadRule, match=why):
        parse_action(action)


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "empty"), ("is:maybe", "is:maybe is not known"), ("-(", "does not parse")],
)
def test_queries_with_mistakes_are_refused_with_the_hints(text: str, why: str) -> None:
    with pytest.raises(BadRule, match=why):
        parse_match(text)


# --- the previous schema -----------------------------------------------------------------


def test_a_database_of_the_previous_schema_gets_the_new_tables_and_shows_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as old, old:
        for number, step in enumerate(MIGRATIONS[:5], start=1):
            old.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")
        old.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://a.example/f', 0)")
        old.execute(
            "INSERT INTO articles (feed_id, uid, title, published, added, kind, body, text, "
            "digest) VALUES (1, 'u', 'Old news', 1, 1, 'markdown', 'b', 'b', 'd')"
        )
    old.close()
    with Store(path) as store:
        assert titles(store) == ["Old news"] and store.counts() == (1, 1, 0)
        assert store.saved_searches() == [] and store.stored_rules() == []
        new: list[Article] = [article("n", "Sponsored")]
        store.upsert_articles(1, new, rules=rules(("sponsored", "hide")))
        assert titles(store) == ["Old news"]


def test_feed_tag_and_hidden_conditions_at_ingest_match_as_over_the_store(store: Store) -> None:
    """At ingest the feed and tag conditions are looked up per article (few rows), over
    the store as lists of feeds: both find the same articles."""
    daily = store.add_feed("https://daily.example/feed", title="Daily News", tags=["World"])
    quiet = store.add_feed("https://quiet.example/feed", title="Quiet", hidden=True)
    ruleset = rules(("feed:daily", "star"), ("tag:world", "read"), ("is:hidden", "tag:muted"))
    store.upsert_articles(daily.id, [article("d1", "One")], index_now=False, rules=ruleset)
    store.upsert_articles(quiet.id, [article("q1", "Two")], index_now=False, rules=ruleset)
    at_ingest = {h.title: (h.read, h.starred) for h in store.headlines(View(with_hidden=True))}
    assert at_ingest == {"One": (True, True), "Two": (False, False)}
    everywhere = View(with_hidden=True)  # (the hidden feed's articles too)
    assert titles(store, "tag:muted", everywhere) == ["Two"]
    store.upsert_articles(daily.id, [article("d2", "Three")])  # no rules: then apply them
    store.upsert_articles(quiet.id, [article("q2", "Four")])
    assert store.apply_rules(ruleset).changed == [1, 1, 1]
    later = {h.title: (h.read, h.starred) for h in store.headlines(View(with_hidden=True))}
    assert later["Three"] == (True, True) and later["Four"] == (False, False)
    assert titles(store, "tag:muted", everywhere) == ["Four", "Two"]


def test_the_rules_of_one_action_are_one_statement_and_do_what_each_would(
    store: Store, tmp_path: Path
) -> None:
    """At ingest a killfile's rules run as one statement for the tags, none for the
    flags (in the INSERTs: 50 rules, 50 statements a feed were more time than storing
    its articles); the flags and tags, and the counts by action, are those of the rules
    applied one by one."""
    ruleset = rules(
        ("title:spam", "hide"),
        ("title:junk", "hide"),
        ("ham", "tag:food"),
        ("eggs -spam", "tag:Food"),
        ("age:>30d", "read"),
        ("feed:daily title:eggs", "read"),
        ("title:(junk OR eggs)", "star"),
    )
    new = [
        article("1", "spam and eggs", day=1),
        article("2", "junk mail", day=2),
        article("3", "ham and eggs", day=3),
        article("4", "green eggs"),
        article("5", "plain news"),
    ]
    feed = store.add_feed("https://daily.example/feed", title="Daily News")
    statements: list[str] = []
    store.database._db.set_trace_callback(statements.append)
    counts = store.upsert_articles(feed.id, new, index_now=False, rules=ruleset)
    store.database._db.set_trace_callback(None)
    applying = [
        s
        for s in statements
        if s.startswith(("UPDATE articles SET", "INSERT OR IGNORE INTO tags_pending"))
        or "article_tags" in s.split("(")[0]
    ]
    # the tags (waiting for the next batch: see schema 15); hide, read and star: in the
    # INSERTs of the articles
    assert [s.split(" (")[0] for s in applying] == ["INSERT OR IGNORE INTO tags_pending"]

    with Store(tmp_path / "one-by-one.db") as other:
        same = other.add_feed("https://daily.example/feed", title="Daily News")
        other.upsert_articles(same.id, new)
        one_by_one = other.apply_rules(ruleset)

        def state(s: Store) -> dict[str, tuple[bool, bool, list[str]]]:
            every = View(with_hidden=True)
            return {
                h.title: (h.read, h.starred, titles(s, "tag:food", every).count(h.title) > 0)
                for h in s.headlines(every, parse_query("is:hidden OR -is:hidden"))
            } | {"hidden": titles(s, "is:hidden")}  # type: ignore[dict-item]

        assert state(store) == state(other)
        assert titles(store, "is:hidden") == ["junk mail", "spam and eggs"]
        assert titles(store, "tag:food") == ["green eggs", "ham and eggs"]
        assert counts.hidden == 2

        def by_action(changed: list[int]) -> dict[str, int]:
            totals: dict[str, int] = {}
            for rule, n in zip(ruleset, changed, strict=True):
                totals[rule.action.text.casefold()] = totals.get(rule.action.text.casefold(), 0) + n
            return totals

        assert by_action(counts.ruled) == by_action(one_by_one.changed)


def test_other_rules_in_the_same_second_are_made_again(store: Store) -> None:
    """The rules' statements are kept for the next feed (a refresh stores many a second):
    other rules are not given the kept ones."""
    feed = store.add_feed("https://daily.example/feed")
    store.upsert_articles(
        feed.id, [article("1", "spam")], index_now=False, rules=rules(("spam", "hide"))
    )
    store.upsert_articles(
        feed.id, [article("2", "spam")], index_now=False, rules=rules(("spam", "star"))
    )
    store.upsert_articles(
        feed.id, [article("3", "spam")], index_now=False, rules=rules(("ham", "hide"))
    )
    assert titles(store, "is:hidden") == ["spam"]  # the first
    assert titles(store, "is:starred") == ["spam"]  # the second
    assert [h.title for h in store.headlines(View())] == ["spam", "spam"]


def test_a_refreshs_tags_wait_apart_and_every_reader_sees_them(store: Store) -> None:
    """Stored as a refresh's workers store (indexed later, in batches), the tags rules
    give wait in tags_pending until the next batch of the search index: tag: finds them
    meanwhile (in a view, and in a rule's test of new articles), the batch moves them
    into article_tags, and an article dropped before that takes its tags with it."""
    feed = store.add_feed("https://daily.example/feed", title="Daily News")
    ruleset = rules(("eggs", "tag:Food"), ("tag:food", "star"))
    new = [article("1", "ham and eggs"), article("2", "green eggs"), article("3", "plain news")]
    counts = store.upsert_articles(feed.id, new, index_now=False, rules=ruleset)
    assert counts.ruled == [2, 2]  # (the star rule saw the tags just given)

    def table(name: str) -> list[tuple[object, ...]]:
        return store.database.read(f"SELECT tag, article_id FROM {name} ORDER BY 2")

    assert table("article_tags") == [] and len(table("tags_pending")) == 2
    assert titles(store, "tag:food") == ["green eggs", "ham and eggs"]
    assert titles(store, "tag:food is:starred") == ["green eggs", "ham and eggs"]
    later = store.upsert_articles(
        feed.id, [article("4", "more eggs")], index_now=False, rules=rules(("tag:food", "read"))
    )
    assert later.ruled == [0]  # (not tagged: only the articles' own tags count)
    with store.database.write() as db:  # a rule's test of stored articles reads them too
        assert apply_rules_in(db, rules(("tag:food", "read")), counts.new_ids).changed == [2]

    other = store.add_feed("https://other.example/feed", title="Other")
    dropped = store.upsert_articles(
        other.id, [article("a", "eggs for all")], index_now=False, rules=ruleset[:1]
    ).new_ids
    store.upsert_articles(other.id, [article("b", "news")], keep=1, index_now=False)
    assert store.database.read("SELECT id FROM articles WHERE id = ?", dropped) == []
    assert len(table("tags_pending")) == 2  # the dropped article's tag went with it

    store.index_pending()
    assert table("tags_pending") == []
    assert table("article_tags") == [("food", i) for i in counts.new_ids[:2]]
    assert titles(store, "tag:food") == ["green eggs", "ham and eggs"]


def test_tags_kept_through_schema_16_and_a_dropped_article_takes_its_tags(
    tmp_path: Path,
) -> None:
    """Schema 16 makes both tag tables again without a foreign key (SQLite looked the
    article up for every tag written): the tags of a database of schema 15 are kept,
    and an article dropped takes its tags from both tables (a trigger now)."""
    path = tmp_path / "15.db"
    with Store(path) as store:
        feed = store.add_feed("https://daily.example/feed", title="Daily News")
        ruleset = rules(
            ("eggs", "tag:Food"),
        )
        settled = store.upsert_articles(
            feed.id, [article("1", "ham and eggs"), article("2", "green eggs")], rules=ruleset
        ).new_ids
        waiting = store.upsert_articles(
            feed.id, [article("3", "more eggs")], index_now=False, rules=ruleset
        ).new_ids
    with closing(sqlite3.connect(path, isolation_level=None)) as db:  # back to schema 15
        db.executescript(
            "BEGIN; DROP TRIGGER articles_ad_tags;"
            "CREATE TABLE t (article_id INTEGER NOT NULL REFERENCES articles(id) "
            "ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (tag, article_id)) WITHOUT ROWID;"
            "INSERT INTO t SELECT article_id, tag FROM article_tags; DROP TABLE article_tags;"
            "ALTER TABLE t RENAME TO article_tags;"
            "CREATE INDEX article_tags_by_article ON article_tags (article_id);"
            "CREATE TABLE p (article_id INTEGER NOT NULL REFERENCES articles(id) "
            "ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (article_id, tag)) WITHOUT ROWID;"
            "INSERT INTO p SELECT article_id, tag FROM tags_pending; DROP TABLE tags_pending;"
            "ALTER TABLE p RENAME TO tags_pending;"
            f"PRAGMA user_version = {len(MIGRATIONS) - 1}; COMMIT;"
        )
        assert db.execute("PRAGMA foreign_key_list(article_tags)").fetchall() != []

    def table(store: Store, name: str) -> list[tuple[object, ...]]:
        return store.database.read(f"SELECT tag, article_id FROM {name} ORDER BY 2")

    with Store(path) as store:
        assert table(store, "article_tags") == [("food", i) for i in settled]
        assert table(store, "tags_pending") == [("food", i) for i in waiting]
        assert titles(store, "tag:food") == ["green eggs", "ham and eggs", "more eggs"]
        for name in ("article_tags", "tags_pending"):  # (no lookup of the article a tag)
            assert store.database.read(f"PRAGMA foreign_key_list({name})") == []
        store.upsert_articles(1, [article("3", "more eggs")], keep=1, index_now=False)
        assert table(store, "article_tags") == [] and table(store, "tags_pending") == [
            ("food", i) for i in waiting
        ]
        store.remove_feed(1)
        assert table(store, "tags_pending") == []
