"""Moving subscriptions with ``tuinews export`` / ``tuinews import`` (OPML): titles, tags and
the hidden mark come back; and a password in a feed's URL, kept in the export (which is
for importing elsewhere), is never shown by ``feeds``, ``refresh`` or ``search``, with
or without ``--json``. Run as real subprocesses on real SQLite files; the feed is served
by a loopback server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import rss
from tests.netserver import FeedServer, Response
from tuinews.store import Store

PASSWORD = "s3cret-Pw"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_export_then_import_keeps_titles_tags_and_the_hidden_mark(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    with Store(laptop) as store:
        store.add_feed("https://a.example/feed", "Shown", ["news"])
        secret = store.add_feed("https://b.example/feed", "Kept aside", ["private", "x"])
        store.set_feed_hidden(secret.id, True)
        store.add_feed("https://c.example/feed")
    exported = run(laptop, "export")
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == ""  # no password in it: nothing to warn of
    assert 'xmlns:tuinews="urn:tuinews:opml"' in exported.stdout
    assert exported.stdout.count('tuinews:hidden="true"') == 1
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout)

    imported = run(desktop, "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 3 feeds" in imported.stdout
    assert "1 feed hidden (marked hidden)" in imported.stdout
    with Store(desktop) as store:
        feeds = {feed.url: (feed.user_title, feed.tags, feed.hidden) for feed in store.feeds()}
    assert feeds == {
        "https://a.example/feed": ("Shown", ("news",), False),
        "https://b.example/feed": ("Kept aside", ("private", "x"), True),
        "https://c.example/feed": ("", (), False),
    }
    listed = run(desktop, "feeds")
    assert "Kept aside [private, x] (hidden: not in All or Unread)" in listed.stdout


def test_a_password_in_a_feed_url_is_shown_nowhere_but_kept_in_the_export(
    tmp_path: Path,
) -> None:
    db = tmp_path / "t.db"
    body = rss("", ("g1", "Kharkiv trams"))  # no title: the feed is named by its URL
    with FeedServer() as server:
        server.route("/private.xml", Response(body=body))
        url = server.url("/private.xml").replace("://", f"://me:{PASSWORD}@", 1)
        shown = url.replace(PASSWORD, "***")
        with Store(db) as store:
            store.add_feed(url)
        outputs = [run(db, "refresh"), run(db, "refresh", "--json")]
    for args in (("feeds",), ("feeds", "--json"), ("search", "kharkiv")):
        outputs.append(run(db, *args))
    outputs.append(run(db, "search", "kharkiv", "--json"))
    for done in outputs:
        assert done.returncode == 0, done.args
        assert PASSWORD not in done.stdout + done.stderr, done.args
    assert json.loads(outputs[1].stdout)["feeds"][0]["url"] == shown
    assert json.loads(outputs[3].stdout)["feeds"][0]["url"] == shown
    assert json.loads(outputs[5].stdout)["articles"][0]["source"] == shown

    # The export is for importing elsewhere: the URL as subscribed, and a word on stderr.
    for args in (("export",), ("export", "--state")):
        with Store(db) as store:
            store.set_read([h.id for h in store.headlines()])
        exported = run(db, *args)
        assert exported.returncode == 0, exported.stderr
        assert url.replace("&", "&amp;") in exported.stdout
        assert exported.stderr == (
            "tuinews: the export holds the password in the URL of 1 feed, as subscribed"
            " (for importing elsewhere): keep the file private\n"
        )
    opml = tmp_path / "feeds.opml"
    opml.write_text(run(db, "export").stdout)
    other = tmp_path / "other.db"
    assert run(other, "import", str(opml)).returncode == 0
    with Store(other) as store:
        assert [feed.url for feed in store.feeds()] == [url]


def test_export_state_then_import_in_a_fresh_store_brings_settings_searches_and_rules(
    tmp_path: Path,
) -> None:
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    with Store(laptop) as store:
        tuned = store.add_feed("https://a.example/feed", "Mine", ["news", "world/europe"])
        store.change_feed(
            tuned.id,
            {
                "refresh_interval": 30,
                "keep": 0,  # ("all": a value of its own, not the global one)
                "full_text": True,
                "hidden": True,
                "user_agent": "MyReader/2",
            },
        )
        store.add_feed("https://b.example/feed")  # nothing of its own
        store.add_saved_search("Rust", "rust -job")
        store.add_rule("title:sponsored", "hide")
        store.add_rule("ukraine", "tag:ua")
    opml, state = tmp_path / "feeds.opml", tmp_path / "state.json"
    opml.write_text(run(laptop, "export").stdout)
    exported = run(laptop, "export", "--state")
    assert exported.returncode == 0, exported.stderr
    state.write_text(exported.stdout)
    document = json.loads(exported.stdout)
    assert [entry["url"] for entry in document["feeds"]] == ["https://a.example/feed"]

    imported = run(desktop, "import", str(opml), str(state))
    assert imported.returncode == 0, imported.stderr
    assert "Gave 1 feed their own settings from" in imported.stdout
    assert "Added 1 of 1 saved search from" in imported.stdout
    assert "Added 2 of 2 rules from" in imported.stdout
    with Store(desktop) as store:
        feeds = {feed.url: feed for feed in store.feeds()}
        searches = [(s.name, s.query) for s in store.saved_searches()]
        rules = [(r.action, r.match) for r in store.stored_rules()]
    a, b = feeds["https://a.example/feed"], feeds["https://b.example/feed"]
    assert (a.user_title, a.tags, a.refresh_interval, a.keep) == (
        "Mine",
        ("news", "world/europe"),
        30,
        0,
    )
    assert (a.full_text, a.hidden, a.user_agent) == (True, True, "MyReader/2")
    assert (b.user_title, b.tags, b.refresh_interval, b.keep, b.full_text, b.hidden) == (
        "",
        (),
        None,
        None,
        False,
        False,
    )
    assert searches == [("Rust", "rust -job")]
    assert rules == [("hide", "title:sponsored"), ("tag:ua", "ukraine")]

    # Again: nothing changes (an import only adds).
    again = run(desktop, "import", str(opml), str(state))
    assert "Added 0 of 1 saved search" in again.stdout
    with Store(desktop) as store:
        assert len(store.stored_rules()) == 2


def test_a_state_files_settings_are_checked_and_never_replace_the_stores_own(
    tmp_path: Path,
) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        feed = store.add_feed("https://a.example/feed")
        store.change_feed(feed.id, {"refresh_interval": 15})
    state = tmp_path / "state.json"
    document = {
        "format": "tuinews-state",
        "version": 1,
        "feeds": [
            {"url": "https://a.example/feed", "settings": {"interval": 60, "keep": 50}},
            {"url": "https://gone.example/feed", "settings": {"keep": 5}},
            {"url": str(feed.id), "settings": {"keep": 7}},  # (a URL, never an id)
        ],
        "saved_searches": [{"name": "Bad", "query": "(unclosed"}, {"name": 3}],
        "rules": [{"action": "explode", "match": "x"}, {"action": "read", "match": "old"}],
    }
    state.write_text(json.dumps(document))
    done = run(db, "import", str(state))
    assert done.returncode == 0, done.stderr
    assert "1 setting this store had otherwise kept" in done.stdout
    assert "2 feeds with settings not subscribed here" in done.stdout
    assert "saved search 'Bad' not saved: the query does not parse" in done.stdout
    assert "not added: unknown action 'explode'" in done.stdout
    assert "1 entry skipped: not as the state format says" in done.stdout
    with Store(db) as store:
        (stored,) = store.feeds()
        assert (stored.refresh_interval, stored.keep) == (15, 50)
        assert store.saved_searches() == []
        assert [(r.action, r.match) for r in store.stored_rules()] == [("read", "old")]

    bad = tmp_path / "bad.json"
    document["feeds"] = [{"url": "https://a.example/feed", "settings": {"user_agent": "x\ny"}}]
    bad.write_text(json.dumps(document))
    with Store(db) as store:
        store.change_feed(stored.id, {"keep": None})
    done = run(db, "import", str(bad))
    assert "not changed: user_agent" in done.stdout
