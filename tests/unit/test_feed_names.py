"""A feed's articles are shown under the name the user gave the feed (``tuinews add
--title``, a newsboat ``"~Title"``), not the feed's own title: in the headline list's
source column, the article's header and ``tuinews search`` (issue 12, the QA pass).
Local files keep their own source. A real refresh from a server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.netserver import FeedServer, Response
from tuinews.models import Article
from tuinews.store import Store, View

FEED = (
    b'<rss version="2.0"><channel><title>Alpha Own Title</title>'
    b"<item><guid>1</guid><title>Zeppelin news</title><description>Airships.</description>"
    b"</item></channel></rss>"
)


def tuinews(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_users_name_for_a_feed_is_its_articles_source(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with FeedServer() as server:
        server.route("/alpha.xml", Response(body=FEED))
        server.route("/beta.xml", Response(body=FEED.replace(b"Alpha", b"Beta")))
        with Store(db) as store:
            store.add_feed(server.url("/alpha.xml"), "Alpha Renamed")
            store.add_feed(server.url("/beta.xml"))  # no name of the user's: its own title
        refreshed = tuinews("refresh", db=db)
        assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    with Store(db) as store:
        local = store.local_feed_id()
        store.upsert_articles(
            local,
            [Article(title="My zeppelin notes", source="notes.md", body="B", text="B", uid="n")],
        )
        headlines = store.headlines(View())
        sources = sorted(h.source for h in headlines)
        assert sources == ["Alpha Renamed", "Beta Own Title", "notes.md"]
        articles = [store.get_article(h.id) for h in headlines]
        assert sorted(a.source for a in articles if a) == sources  # the article's header
        by_feed = {h.feed_id: h.source for h in headlines}
        assert by_feed[local] == "notes.md"
        names = [feed.name for feed in store.feeds()]
    assert "Alpha Renamed" in names  # what the feed list says

    found = tuinews("search", "zeppelin", "--json", db=db)
    assert found.returncode == 0, found.stderr
    shown = sorted(a["source"] for a in json.loads(found.stdout)["articles"])
    assert shown == ["Alpha Renamed", "Beta Own Title", "notes.md"]
    listed = tuinews("search", "zeppelin", db=db)
    assert "Alpha Renamed" in listed.stdout and "Alpha Own" not in listed.stdout
