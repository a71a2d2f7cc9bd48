"""Saved searches and rules as a user types them: ``tuinews query ...``, ``tuinews rule
...``, a refresh from a loopback server applying the config file's and the stored rules
in its workers, and newsboat's query feeds and killfile imported; all real subprocesses
over real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.builders import article, rss
from tests.netserver import FeedServer
from tuinews.query import parse_query
from tuinews.store import Store, View


def tuinews(*args: str, db: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if config is not None:
        env["TUINEWS_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env | {"TUINEWS_DB": str(db)},
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_saved_searches_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    out = ok(tuinews("query", "add", "War news", "ukraine", "OR", "kyiv", db=db))
    assert "Saved the search 'War news': ukraine OR kyiv (0 unread articles now)" in out
    refused = tuinews("query", "add", "Broken", "(ukraine", "is:maybe", db=db)
    assert refused.returncode == 2 and refused.stdout == ""
    assert "not saved: the query does not parse: is:maybe is not known" in refused.stderr
    assert "unclosed ( at column 1" in refused.stderr
    taken = tuinews("query", "add", "war NEWS", "x", db=db)
    assert taken.returncode == 2 and "exists already" in taken.stderr
    with Store(db) as store:
        feed = store.add_feed("https://news.example/feed")
        store.upsert_articles(feed.id, [article("1", "Kyiv tonight"), article("2", "Other")])
    # The common options go before the command or after its action.
    listed = json.loads(ok(tuinews("--db", str(db), "query", "list", "--json", db=db)))
    assert listed == {
        "queries": [{"id": 1, "name": "War news", "query": "ukraine OR kyiv", "unread": 1}]
    }
    assert "War news      1 unread  ukraine OR kyiv" in ok(tuinews("query", "list", db=db))
    missing = tuinews("query", "remove", "Peace", db=db)
    assert missing.returncode == 2 and "no saved search called 'Peace'" in missing.stderr
    assert "Removed the saved search 'War news'" in ok(
        tuinews("query", "remove", "war news", db=db)
    )
    assert "No saved searches yet" in ok(tuinews("query", "list", db=db))


def test_rules_from_the_command_line_and_the_config_file(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    config = tmp_path / "rules.toml"  # (not the tests' own config file)
    config.write_text(
        '[[rules]]\nname = "ads"\nmatch = "title:sponsored"\naction = "hide"\n\n'
        '[[rules]]\nmatch = "x"\naction = "explode"\n'
    )
    out = ok(tuinews("rule", "add", "star", "kyiv", "-sport", db=db, config=config))
    assert "Added rule 1: star kyiv -sport." in out
    bad = tuinews("rule", "add", "delete", "kyiv", db=db, config=config)
    assert bad.returncode == 2 and "not added: unknown action 'delete'" in bad.stderr
    # The bad config rule is reported by name, every time the config is read.
    assert "rules.toml: rule 2: unknown action 'explode'" in bad.stderr
    unparsed = tuinews("rule", "add", "hide", "has:pictures", db=db, config=config)
    assert unparsed.returncode == 2 and "has:pictures is not known" in unparsed.stderr
    listed = json.loads(ok(tuinews("rule", "list", "--json", db=db, config=config)))
    assert listed["rules"] == [
        {
            "number": None,
            "source": "config",
            "name": "config rule 1 ('ads')",
            "action": "hide",
            "match": "title:sponsored",
        },
        {
            "number": 1,
            "source": "store",
            "name": "rule 1",
            "action": "star",
            "match": "kyiv -sport",
        },
    ]
    text = ok(tuinews("rule", "list", db=db, config=config)).splitlines()
    assert text[0].startswith("config  hide  title:sponsored") and "from the config" in text[0]
    assert text[1] == "     1  star  kyiv -sport"
    with Store(db) as store:
        feed = store.add_feed("https://news.example/feed")
        store.upsert_articles(
            feed.id, [article("1", "Kyiv tonight"), article("2", "Sponsored: a thing")]
        )
    applied = ok(tuinews("rule", "apply", db=db, config=config))
    assert "config rule 1 ('ads'): hide title:sponsored: 1 article" in applied
    assert "rule 1: star kyiv -sport: 1 article" in applied
    with Store(db) as store:
        assert [h.title for h in store.headlines()] == ["Kyiv tonight"]
        assert [h.title for h in store.headlines(View(), parse_query("is:hidden"))] == [
            "Sponsored: a thing"
        ]
    config_only = tuinews("rule", "remove", "2", db=db, config=config)
    assert config_only.returncode == 2 and "removed from the file" in config_only.stderr
    assert "Removed rule 1: star kyiv -sport" in ok(tuinews("rule", "remove", "1", db=db))
    assert "No rules yet" in ok(tuinews("rule", "list", db=db))


def test_a_refresh_applies_the_rules_in_its_workers(tmp_path: Path, server: FeedServer) -> None:
    db = tmp_path / "t.db"
    config = tmp_path / "config.toml"
    config.write_text('[[rules]]\nmatch = "title:sponsored"\naction = "hide"\n')
    server.feed(
        "/a.xml",
        rss("A", ("1", "Ukraine today"), ("2", "Sponsored: shoes"), ("3", "Markets")),
    )
    server.feed("/b.xml", rss("B", ("4", "Kyiv tonight"), ("5", "Sponsored post")))
    with Store(db) as store:
        store.add_feed(server.url("/a.xml"))
        store.add_feed(server.url("/b.xml"))
        store.add_rule("markets", "read")
        store.add_rule("ukraine OR kyiv", "tag:war")
    out = ok(tuinews("refresh", db=db, config=config))
    assert "5 new articles (2 hidden by rules), 0 failed." in out
    summary = json.loads(ok(tuinews("refresh", "--json", db=db, config=config)))
    assert summary["new"] == 0 and summary["hidden"] == 0  # kept: not new again
    with Store(db) as store:
        assert sorted(h.title for h in store.headlines()) == [
            "Kyiv tonight",
            "Markets",
            "Ukraine today",
        ]
        assert store.counts() == (3, 2, 0)
        hidden = store.headlines(View(), parse_query("is:hidden"))
        assert sorted(h.title for h in hidden) == ["Sponsored post", "Sponsored: shoes"]
        found = store.headlines(View(), parse_query("tag:war"))
        assert sorted(h.title for h in found) == ["Kyiv tonight", "Ukraine today"]
        assert [h.title for h in store.headlines(View(), parse_query("is:read"))] == ["Markets"]


def test_newsboat_query_feeds_and_killfile_are_imported_with_a_report(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    urls = tmp_path / "urls"
    urls.write_text(
        "https://news.example/feed.xml news\n"
        '"query:Unread Articles:unread = \\"yes\\""\n'
        '"query:Linux:tags # \\"linux\\" and title =~ \\"kernel\\""\n'
        '"query:Videos:link =~ \\"youtube\\""\n'
    )
    config = tmp_path / "config"
    config.write_text(
        "# newsboat\n"
        'browser "firefox %u"\n'
        'ignore-article "*" "title =~ \\"Sponsored\\""\n'
        'ignore-article "*" "author = \\"Spammer\\""\n'
        'highlight-article "title =~ \\"urgent\\"" red default\n'
    )
    out = ok(tuinews("import", str(urls), str(config), db=db))
    assert "Saved 2 of 3 query feeds from" in out and "not:" not in out
    assert "line 2: query feed 'Unread Articles' saved as the search: is:unread" in out
    assert "line 3: query feed 'Linux' saved as the search: tag:linux title:kernel" in out
    assert "line 4: query feed 'Videos' not translated:" in out
    assert "article links are not searchable" in out
    assert "Imported 1 rule from" in out and "(newsboat config" in out
    assert "line 3: hide title:Sponsored" in out
    assert "line 4: ignore-article not translated: author = " in out
    assert "1 highlight-article line from" in out and "config becomes a highlight:" in out
    assert '    match = "title:urgent"\n    style = "red"' in out  # (a table to paste)
    with Store(db) as store:
        searches = [(s.name, s.query) for s in store.saved_searches()]
        assert searches == [("Linux", "tag:linux title:kernel"), ("Unread Articles", "is:unread")]
        assert [(r.match, r.action) for r in store.stored_rules()] == [("title:Sponsored", "hide")]
    again = ok(tuinews("import", str(urls), str(config), db=db))
    assert "2 saved already" in again and "1 there already" in again
    with Store(db) as store:
        assert len(store.saved_searches()) == 2 and len(store.stored_rules()) == 1


def test_search_and_mark_take_exclusions_and_refuse_a_query_with_mistakes(tmp_path: Path) -> None:
    """`-word` is a word of the query for search and mark as for query add (argparse took
    it for an unknown option), and mark refuses a query with mistakes: the term left out
    would mark more articles than asked."""
    db = tmp_path / "t.db"
    with Store(db) as store:
        feed = store.add_feed("https://news.example/feed", title="Tech")
        store.upsert_articles(
            feed.id, [article("1", "Kyiv sport"), article("2", "Kyiv news"), article("3", "Old")]
        )
    found = json.loads(ok(tuinews("search", "kyiv", "-sport", "--json", db=db)))
    assert [a["title"] for a in found["articles"]] == ["Kyiv news"]
    assert "Kyiv news" in ok(tuinews("search", "--limit", "5", "-sport", "kyiv", db=db))
    refused = tuinews("mark", "read", "feed:tech", "age:>30x", db=db)
    assert refused.returncode == 2 and "age:>30x is not an age" in refused.stderr
    assert "nothing was marked" in refused.stderr
    with Store(db) as store:
        assert store.unread_count(View()) == 3
    assert "Marked 1 article read" in ok(tuinews("mark", "read", "kyiv", "-sport", db=db))
    with Store(db) as store:
        assert [h.title for h in store.headlines(View(unread_only=True))] == ["Old", "Kyiv sport"]


def test_a_rule_of_many_terms_is_kept_whole() -> None:
    """A killfile rule of 40 alternatives parses with no hint (at most 128 terms); past
    the limit the one hint says so (not that an OR lacks a term after it)."""
    forty = " OR ".join(f"title:w{n}" for n in range(40))
    assert parse_query(forty).hints == []
    long = " OR ".join(f"w{n}" for n in range(200))
    assert parse_query(long).hints == ["only the first 128 terms are used"]
    assert parse_query("x" * 5000).hints == ["only the first 4,000 characters are used"]


def test_search_lines_mark_unread_and_starred(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        feed = store.add_feed("https://news.example/feed", title="Tech")
        store.upsert_articles(feed.id, [article("1", "Kyiv one"), article("2", "Kyiv two")])
        (one,) = store.headline_ids(View(), parse_query("one"))
        store.set_read([one], True)
        store.set_starred_ids([one], True)
    lines = {line[:2]: line for line in ok(tuinews("search", "kyiv", db=db)).splitlines()}
    assert lines[" !"].endswith("Kyiv one") and lines["N "].endswith("Kyiv two")


def test_the_config_rules_notes_are_in_a_column(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(
        '[[rules]]\nname = "ads"\nmatch = "title:sponsored OR title:advert"\naction = "hide"\n\n'
        '[[rules]]\nmatch = "feed:tech kernel"\naction = "star"\n'
    )
    db = tmp_path / "t.db"
    with Store(db):
        pass
    lines = ok(tuinews("rule", "list", db=db, config=config)).splitlines()
    assert len(lines) == 2 and all("from the config file" in line for line in lines)
    assert lines[0].index("(config rule 1") == lines[1].index("(config rule 2")
