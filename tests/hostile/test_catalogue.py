"""The hostile-input catalogue (shared/research/hostile-inputs.md, section B), case by
case, through both ways untrusted documents come in: **H**, a feed fetched from a real
HTTP server on 127.0.0.1 by a real refresh (fetcher, parse workers, SQLite store), and
**F**, a file opened as ``tuinews PATH`` does (``open_paths`` into the store). Test ids
are the catalogue's numbers (``b01``...). What each case must give is checked on what is
*stored*, which is all the UI ever shows; tests/hostile/CATALOGUE.md maps every case to
the tests that cover it, here and elsewhere (terminal bytes, fetch limits, search...).
"""

from __future__ import annotations

import ast
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.forbidden import FORBIDDEN, INVISIBLE, ONE_LINE
from tests.netserver import FeedServer, Response
from tuinews.formats import FormatError, article_markdown, parse_document, parse_feed
from tuinews.formats.feeds import MAX_FEED_ITEMS
from tuinews.ingest import FeedResult, run_refresh
from tuinews.settings import Settings
from tuinews.startup import open_paths
from tuinews.store import Store

ROOT = Path(__file__).resolve().parents[2]
TEXT_COLUMNS = ("uid", "title", "source", "author", "link", "body", "text")


@dataclass(frozen=True)
class Case:
    id: str
    title: str  # XML text of the item title (may hold entity references)
    body: str = "Body."  # XML text of the description (escaped HTML)
    link: str = "http://127.0.0.1/item"
    author: str = ""
    expect_title: str | None = None  # the stored title, when it must be exactly this
    binary: bool = False  # raw NUL bytes: refused whole as binary data, nothing stored


ESC = "&#27;"
CASES = [
    Case("b01-osc52-entities", f"Hi{ESC}]52;c;ZWNobyBwd25lZA=={ESC}\\ there"),
    Case("b01-osc52-raw", "Hi\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ raw \x1b]52;c;QQ==\x07 bel"),
    Case("b02-osc8", "Read \x1b]8;;https://evil.example/\x1b\\bank.com\x1b]8;;\x1b\\"),
    Case(
        "b03-osc0-and-bells",
        f"{ESC}]0;Session expired, re-enter sudo password{ESC}\\ T" + "&#7;" * 10000,
    ),
    Case("b04-csi", "A\x1b[2J\x1b[H B \x1b[1A\x1b[2K C \x1b[8m D \x1b[?1049l E"),
    Case("b05-c1", "A\u009b31mRED \u009d0;title\u009c \u0090+q\u009c end"),
    Case(
        "b06-queries",
        "Q \x1bP+q544e\x1b\\ \x1b[21t \x1b[6n \x1b]9;7;calc.exe\x1b\\ end",
        body="&lt;p&gt;&amp;#27;[6n &amp;#x1b;P+q544e&amp;#x1b;\\&lt;/p&gt;",
    ),
    Case(
        "b07-action-markup",
        "News [@click=app.screenshot('x.svg','/tmp')]Read more[/] [@click=app.quit]q[/]",
        expect_title="News [@click=app.screenshot('x.svg','/tmp')]Read more[/] "
        "[@click=app.quit]q[/]",
    ),
    Case(
        "b08-markup-syntax",
        "Use a[i] then [/bold] and [/]",
        body="&lt;p&gt;[/bold] [b]x[/] [@click=app.quit]y[/]&lt;/p&gt;",
        expect_title="Use a[i] then [/bold] and [/]",
    ),
    Case("b09-bs-cr", "safe\rEVIL\x08\x08tail", author="a\rb\x08c", expect_title="safe EVILtail"),
    Case("b09-nul-entity", "safe&#0;EVIL&#x0;tail", author="a&#0;b"),
    Case("b09-nul-raw", "safe\rEVIL\x08\x08\x00tail", author="a\x00b\x08c", binary=True),
    Case(
        "b43-escapes-as-entities",
        "Smuggled",
        body="&lt;p&gt;A&amp;#27;[2J &amp;#x9b;31m &amp;amp;#27;]52;c;QQ==&lt;/p&gt;",
    ),
    Case(
        "b44-bidi",
        "Invoice \u202efdp.exe \u2066x\u2069 \u200e\u200f\u061c end",
        link="http://127.0.0.1/\u202eexe.fdp",
    ),
    Case(
        "b45-invisible-and-zalgo",
        "Goo\u200bgle \u2060x\ufeff so\u00adft a" + "\u0301" * 5000,
        author="Ev\u200bil",
    ),
    Case(  # joiners disguise Latin and Cyrillic names; a Persian word keeps its own
        "b45-joiners",
        "Pay\u200cPal \u0421\u0431\u200c\u0435\u0440 \u200dx\u200d "
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        author="Ev\u200dil",
        expect_title="PayPal \u0421\u0431\u0435\u0440 x "
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    ),
]


def rss(case: Case) -> bytes:
    author = f"<author>{case.author}</author>" if case.author else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {case.title}</title><link>http://127.0.0.1/</link>"
        f"<item><title>{case.title}</title><guid>{case.id}</guid><link>{case.link}</link>"
        f"{author}<description>{case.body}</description></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")


# --- helpers ----------------------------------------------------------------------------


def stored_rows(db: Path) -> list[dict[str, str]]:
    """Every article row, straight from the SQLite file (nothing in between)."""
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.row_factory = sqlite3.Row
        cursor = connection.execute(f"SELECT {', '.join(TEXT_COLUMNS)}, markdown FROM articles")
        return [{k: row[k] or "" for k in row.keys()} for row in cursor]  # noqa: SIM118


def stored_feed_strings(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as connection, connection:
        rows = connection.execute("SELECT url, title, site_url, last_error FROM feeds")
        return [value or "" for row in rows for value in row]


def assert_clean(row: dict[str, str]) -> None:
    """Every column that is ever shown. (``uid`` is an identity key, never shown: for a
    local file it holds the file's real path, which must stay as it is to find it.)"""
    for column, value in row.items():
        if column == "uid":
            continue
        assert not FORBIDDEN.search(value), (column, value[:200])
        if column in ONE_LINE:
            assert not INVISIBLE.search(value), (column, value[:200])
        assert len(re.findall("[\u0300-\u036f]{5,}", value)) == 0, column  # marks capped


def assert_markdown_clean(store: Store) -> None:
    """The Markdown each article shows (HTML bodies are converted when first shown)."""
    for headline in store.headlines(__import__("tuinews.store", fromlist=["View"]).View()):
        article = store.get_article(headline.id)
        assert article is not None
        markdown = article_markdown(article)
        assert not FORBIDDEN.search(markdown), markdown[:200]
        assert "javascript:" not in markdown.lower() and "data:" not in markdown
        assert "file:" not in markdown


@pytest.fixture(scope="module")
def http_ingest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """Entry H: every case served as a feed, all refreshed once into one store."""
    db = tmp_path_factory.mktemp("http") / "tuinews.db"
    with FeedServer() as server, Store(db) as store:
        feeds = {}
        for case in CASES:
            server.route(f"/{case.id}.xml", Response(body=rss(case)))
            feeds[case.id] = store.add_feed(server.url(f"/{case.id}.xml"))
        results = run_refresh(store, Settings(), list(feeds.values()))
        by_feed = {r.feed_id: r for r in results}
        yield db, {case_id: by_feed[feed.id] for case_id, feed in feeds.items()}


@pytest.fixture(scope="module")
def file_ingest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list]]:
    """Entry F: every case as a feed file, opened the way ``tuinews PATH`` opens them."""
    folder = tmp_path_factory.mktemp("files")
    for case in CASES:
        (folder / f"{case.id}.xml").write_bytes(rss(case))
    db = folder.parent / "files.db"
    with Store(db) as store:
        opened = open_paths(store, [str(folder)])
        yield db, opened.skipped


def rows_for(db: Path, case: Case) -> list[dict[str, str]]:
    return [row for row in stored_rows(db) if case.id in row["uid"]]


# --- 1-10, 43-45: terminal controls, markup, Unicode ------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_http_feed_strings_are_stored_neutralised(
    http_ingest: tuple[Path, dict[str, FeedResult]], case: Case
) -> None:
    db, results = http_ingest
    if case.binary:
        assert results[case.id].error == "not a feed (binary data)"
        assert rows_for(db, case) == []
        return
    assert results[case.id].status == "ok", results[case.id].error
    (row,) = rows_for(db, case)
    assert_clean(row)
    if case.expect_title is not None:
        assert row["title"] == case.expect_title  # kept literally, never read as markup
    for value in stored_feed_strings(db):
        assert not FORBIDDEN.search(value) and not INVISIBLE.search(value)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_feed_files_strings_are_stored_neutralised(
    file_ingest: tuple[Path, list], case: Case
) -> None:
    db, skipped = file_ingest
    reasons = {Path(skip.path).name: skip.reason for skip in skipped}
    if case.binary:
        assert reasons == {f"{case.id}.xml": "binary file"}
        assert rows_for(db, case) == []
        return
    (row,) = rows_for(db, case)
    assert_clean(row)
    if case.expect_title is not None:
        assert row["title"] == case.expect_title


def test_shown_markdown_is_neutralised_for_every_case(
    http_ingest: tuple[Path, dict], file_ingest: tuple[Path, list]
) -> None:
    for db in (http_ingest[0], file_ingest[0]):
        with Store(db) as store:
            assert_markdown_clean(store)


def test_b10_file_names_carry_no_controls(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    untitled = (
        b'<rss version="2.0"><channel><item><title>T</title><guid>1</guid></item></channel></rss>'
    )
    (folder / "news\x1b]52;c;QQ==\x07[b].xml").write_bytes(untitled)  # the name is the source
    (folder / "bad\x1b[2J\u202e[bold].txt").write_bytes(b"")  # skipped: the name is shown
    with Store(tmp_path / "t.db") as store:
        opened = open_paths(store, [str(folder)])
        (skip,) = opened.skipped
        assert skip.reason == "empty file"
        assert not FORBIDDEN.search(skip.path) and "bad[2J[bold].txt" in skip.path
        (row,) = stored_rows(tmp_path / "t.db")
        assert_clean(row)
        assert row["source"] == "news]52;c;QQ==[b].xml"


# --- 11-17: links and commands -----------------------------------------------------------

LINKS = {
    "javascript": ("javascript:alert(1)", ""),
    "javascript-mixed-case": ("JaVaScRiPt:alert(1)", ""),
    "file-desktop": ("file:///home/u/Downloads/x.desktop", ""),
    "option": ("--remote-debugging-port=9222", ""),  # never resolved: refused outright
    "shell": (
        "http://example.com/';touch /tmp/pwned;'&amp;x=$(id)",
        "http://example.com/';touch%20/tmp/pwned;'&x=$(id)",
    ),
    "data": ("data:text/html;base64,PHNjcmlwdD4=", ""),
}
CONTENT = (
    "&lt;p&gt;"
    "&lt;a href='file:///etc/passwd'&gt;passwd&lt;/a&gt; "
    "&lt;a href='--remote-debugging-port=9222'&gt;opt&lt;/a&gt; "
    "&lt;a href='\" --incognito'&gt;incognito&lt;/a&gt; "
    "&lt;img src='data:text/html;base64,PHNjcmlwdD4=' alt='img'&gt; "
    "&lt;a href='http://evil/)[x](javascript:alert(1)'&gt;breakout&lt;/a&gt; "
    "&lt;a href='http://a b'&gt;space&lt;/a&gt;"
    "&lt;/p&gt;"
)
MARKDOWN_LINK = re.compile(r"\]\(([^)]*)\)")


def links_feed() -> bytes:
    items = "".join(
        f"<item><title>{name}</title><guid>{name}</guid><link>{link}</link>"
        f"<description>{CONTENT}</description></item>"
        for name, (link, _) in LINKS.items()
    )
    return (
        '<rss version="2.0"><channel><title>Links</title><link>http://127.0.0.1/</link>'
        f"{items}</channel></rss>"
    ).encode()


def check_links(store: Store) -> None:
    from tuinews.store import View

    seen = set()
    for headline in store.headlines(View()):
        article = store.get_article(headline.id)
        assert article is not None
        seen.add(article.title)
        assert article.link == LINKS[article.title][1], article.title
        markdown = article_markdown(article)
        targets = MARKDOWN_LINK.findall(markdown)
        for target in targets:  # every link in the shown article: absolute http(s) only
            assert re.match(r"<?https?://", target), target
        assert not re.search(r"\]\(\s*<?(?:javascript|file|data):", markdown, re.I)
        assert "](file:" not in markdown and "data:" not in markdown
        assert markdown.count("](") == len(targets)
        assert "breakout" in markdown and "passwd" in markdown  # the text stays
    assert seen == set(LINKS)


def test_b11_to_b17_links_over_http(tmp_path: Path) -> None:
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/links.xml", Response(body=links_feed()))
        feed = store.add_feed(server.url("/links.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status == "ok"
        check_links(store)


def test_b11_to_b17_links_in_files(tmp_path: Path) -> None:
    (tmp_path / "links.xml").write_bytes(links_feed())
    with Store(tmp_path / "t.db") as store:
        opened = open_paths(store, [str(tmp_path / "links.xml")])
        assert opened.skipped == []
        check_links(store)


def test_b14_no_shell_anywhere_in_the_code() -> None:
    """External commands get argument lists: nothing in tuinews calls a shell."""
    for path in sorted((ROOT / "src" / "tuinews").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "shell":
                assert isinstance(node.value, ast.Constant) and node.value.value is False, path
            if isinstance(node, ast.Attribute) and node.attr in ("system", "popen", "getoutput"):
                assert not (
                    isinstance(node.value, ast.Name) and node.value.id in ("os", "subprocess")
                ), path


def test_b15_enclosures_are_never_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh downloads no enclosure (only the user's key or ``tuinews downloads``
    does: tests/hostile/test_enclosures.py): a hostile enclosure name writes nothing."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    body = (
        b'<rss version="2.0"><channel><title>P</title><item><title>Ep</title><guid>1</guid>'
        b'<enclosure url="http://127.0.0.1/a%2F..%2F..%2F.bashrc;rm -rf ~;$(id).mp3" '
        b'length="1" type="audio/mpeg"/></item></channel></rss>'
    )
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/p.xml", Response(body=body))
        feed = store.add_feed(server.url("/p.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status == "ok"
        assert [r.path for r in server.requests] == ["/p.xml"]  # nothing else fetched
    assert list(work.iterdir()) == []


def test_b18_redirect_to_another_scheme_fails_and_keeps_the_url(tmp_path: Path) -> None:
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.redirect("/f.xml", "file:///etc/passwd", status=301)
        feed = store.add_feed(server.url("/f.xml"))
        for _ in range(2):  # a 301 seen twice would move a feed: never to file:
            (result,) = run_refresh(store, Settings(), [feed])
            assert result.failed
        after = store.get_feed(feed.id)
        assert after is not None and after.url == server.url("/f.xml")


# --- 21-30: XML and parsers -------------------------------------------------------------

LOL = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
).replace("lol0", "lol")
BILLION_LAUGHS = (
    f'<?xml version="1.0"?><!DOCTYPE rss [{LOL}]><rss version="2.0"><channel><title>B</title>'
    "<item><title>&lol9;</title><guid>1</guid></item></channel></rss>"
).encode()
QUADRATIC = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "A" * 50000 + '">]>'
    '<rss version="2.0"><channel><title>Q</title><item><title>q</title><guid>1</guid>'
    "<description>" + "&a;" * 20000 + "</description></item></channel></rss>"
).encode()
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>X</title><item><title>t&x;</title><guid>1</guid>'
    b"</item></channel></rss>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd">'
    b'<rss version="2.0"><channel><title>D</title><item><title>t</title><guid>1</guid>'
    b"</item></channel></rss>"
)
ENTITY_BOMBS = {"b21-billion-laughs": BILLION_LAUGHS, "b22-quadratic": QUADRATIC}


@pytest.mark.parametrize("data", ENTITY_BOMBS.values(), ids=ENTITY_BOMBS.keys())
def test_b21_b22_entity_expansion_is_bounded(data: bytes, tmp_path: Path) -> None:
    """Either an error or text that was not expanded a billion times; never hangs."""
    start = time.monotonic()
    try:
        articles = parse_feed(data).articles
    except FormatError:
        articles = []
    assert time.monotonic() - start < 30  # a hang guard: expat refuses in well under 1 s
    for article in articles:
        assert len(article.title) < 10_000 and len(article.text) < 5_000_000
    (tmp_path / "bomb.xml").write_bytes(data)
    with Store(tmp_path / "t.db") as store:
        opened = open_paths(store, [str(tmp_path / "bomb.xml")])
        for row in stored_rows(tmp_path / "t.db"):
            assert len(row["title"]) < 10_000 and len(row["text"]) < 5_000_000
        assert len(opened.skipped) + len(stored_rows(tmp_path / "t.db")) >= 1


_AUDIT: list[tuple[str, tuple[object, ...]]] = []
_AUDITING = False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _AUDITING and event in ("open", "socket.connect", "urllib.Request"):
        _AUDIT.append((event, args))


@pytest.mark.parametrize("data", [XXE, EXTERNAL_DTD], ids=["entity", "dtd"])
def test_b23_external_entities_and_dtds_are_never_loaded(data: bytes) -> None:
    global _AUDITING
    if _audit not in _HOOKED:
        sys.addaudithook(_audit)  # hooks cannot be removed: it only records while _AUDITING
        _HOOKED.append(_audit)
    _AUDIT.clear()
    _AUDITING = True
    try:
        try:
            articles = parse_document(data, name="x.xml")
        except FormatError:
            articles = []
    finally:
        _AUDITING = False
    opened_files = [args for event, args in _AUDIT if event == "open"]
    assert not any("passwd" in str(args) or "x.dtd" in str(args) for args in opened_files)
    assert not [event for event, _ in _AUDIT if event != "open"]  # no network at all
    for article in articles:
        assert "root:" not in article.title


_HOOKED: list[object] = []


PATH_BODIES = [b"/dev/zero", b"/etc/passwd", b"/dev/stdin", b"http://127.0.0.1:9/feed.xml"]


def test_b25_b26_bodies_that_are_paths_or_not_feeds_fail_and_keep_old_entries(
    tmp_path: Path,
) -> None:
    good = rss(Case("good", "Good one"))
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.feed("/f.xml", good, etag='"v1"')
        feed = store.add_feed(server.url("/f.xml"))
        assert run_refresh(store, Settings(), [feed])[0].status == "ok"
        bad = [
            *(Response(body=body) for body in PATH_BODIES),
            Response(body=b""),
            Response(body=b"<html><body>Login</body></html>", headers={"ETag": '"new"'}),
            Response(
                status=403,
                body=b"<html>challenge</html>",
                headers={"cf-mitigated": "challenge", "Content-Type": "text/html"},
            ),
        ]
        for response in bad:
            server.route("/f.xml", response)
            (result,) = run_refresh(store, Settings(), [feed])
            assert result.failed, response
            after = store.get_feed(feed.id)
            assert after is not None and after.etag == '"v1"'  # validators kept
            assert [r["title"] for r in stored_rows(tmp_path / "t.db")] == ["Good one"]


def test_b27_incomplete_cdata_over_http_and_in_files(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>C</title><item><title><![CD'
    (tmp_path / "c.xml").write_bytes(data)
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/c.xml", Response(body=data))
        feed = store.add_feed(server.url("/c.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status in ("ok", "failed")
        opened = open_paths(store, [str(tmp_path / "c.xml")])
        assert len(opened.skipped) + len(opened.view.ids or ()) == 1
        for row in stored_rows(tmp_path / "t.db"):
            assert_clean(row)


@pytest.mark.slow
def test_b28_huge_structures_are_parsed_and_capped(tmp_path: Path) -> None:
    items = "".join(f"<item><title>i{n}</title><guid>{n}</guid></item>" for n in range(100_000))
    many = f'<rss version="2.0"><channel><title>M</title>{items}</channel></rss>'.encode()
    deep = (
        b'<rss version="2.0"><channel><title>D</title><item><title>deep</title><guid>1</guid>'
        b"<description>" + b"&lt;x&gt;" * 100_000 + b"text</description></item></channel></rss>"
    )
    settings = Settings()
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/many.xml", Response(body=many))
        server.route("/deep.xml", Response(body=deep))
        feeds = [store.add_feed(server.url(p)) for p in ("/many.xml", "/deep.xml")]
        results = {r.url: r for r in run_refresh(store, settings, feeds)}
        assert results[server.url("/many.xml")].status == "ok"
        assert results[server.url("/deep.xml")].status in ("ok", "failed")
        with closing(sqlite3.connect(tmp_path / "t.db")) as connection, connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM articles WHERE feed_id = ?", (feeds[0].id,)
            ).fetchone()
        assert count == MAX_FEED_ITEMS  # the first (newest) items of the document
        (first,) = [r for r in stored_rows(tmp_path / "t.db") if r["uid"] == "0"]
        assert first["title"] == "i0"
        assert_markdown_clean(store)


ENCODING_LIES = {
    "utf16-declared-utf8-body": b'<?xml version="1.0" encoding="utf-16"?>'
    + rss(Case("e1", "Caf\u00e9 one")).split(b"?>", 1)[1],
    "invalid-bytes": rss(Case("e2", "Bad XYZ bytes")).replace(b"XYZ", b"\xff\xfe\xc3"),
    "unknown-encoding": rss(Case("e3", "Unknown")).replace(b"utf-8", b"x-no-such"),
}


@pytest.mark.parametrize("data", ENCODING_LIES.values(), ids=ENCODING_LIES.keys())
def test_b29_encoding_lies_never_crash(data: bytes, tmp_path: Path) -> None:
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/e.xml", Response(body=data, headers={"Content-Type": "text/plain"}))
        feed = store.add_feed(server.url("/e.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status in ("ok", "failed")
        assert not result.error.startswith(("Traceback", "Unicode"))
        (tmp_path / "e.xml").write_bytes(data)
        opened = open_paths(store, [str(tmp_path / "e.xml")])
        for skip in opened.skipped:
            assert "unreadable" not in skip.reason
        for row in stored_rows(tmp_path / "t.db"):
            assert_clean(row)


def test_b30_json_feed_surrogates_and_nul_reach_sqlite_cleanly(tmp_path: Path) -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J\\ud800",'
        b'"items": [{"id": "1", "title": "a\\ud800b\\u0000c\\u001b[2J",'
        b'"content_text": "x\\udfffy\\u0000"}]}'
    )
    (tmp_path / "j.json").write_bytes(body)
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/j.json", Response(body=body))
        feed = store.add_feed(server.url("/j.json"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status == "ok"
        opened = open_paths(store, [str(tmp_path / "j.json")])
        assert opened.skipped == []
        rows = stored_rows(tmp_path / "t.db")
        assert [r["title"] for r in rows] == ["abc[2J", "abc[2J"]
        for row in rows:
            assert_clean(row)


# --- 41-42: HTML conversion --------------------------------------------------------------

DEEP = {
    "div": "<div>" * 330 + "deep text",
    "b": "<b>" * 500 + "deep text",
    "ul-li": "<ul><li>" * 500 + "deep text",
    "blockquote": "<blockquote>" * 500 + "deep text",
}


@pytest.mark.parametrize("html", DEEP.values(), ids=DEEP.keys())
def test_b41_deep_nesting_is_shown_over_http_and_in_files(html: str, tmp_path: Path) -> None:
    from html import escape

    feed = (
        '<rss version="2.0"><channel><title>N</title><item><title>Deep</title><guid>1</guid>'
        f"<description>{escape(html)}</description></item></channel></rss>"
    ).encode()
    (tmp_path / "page.html").write_text(f"<html><title>Deep page</title><body>{html}")
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/n.xml", Response(body=feed))
        added = store.add_feed(server.url("/n.xml"))
        assert run_refresh(store, Settings(), [added])[0].status == "ok"
        opened = open_paths(store, [str(tmp_path / "page.html")])
        assert opened.skipped == []
        from tuinews.store import View

        for headline in store.headlines(View()):
            article = store.get_article(headline.id)
            assert article is not None
            assert "deep text" in article_markdown(article)


def test_b42_very_long_articles_and_titles_are_cut(tmp_path: Path) -> None:
    paragraphs = "&lt;p&gt;x&lt;/p&gt;" * 10000
    title = "T" * 1_000_000
    feed = (
        f'<rss version="2.0"><channel><title>L</title><item><title>{title}</title>'
        f"<guid>1</guid><description>{paragraphs}</description></item></channel></rss>"
    ).encode()
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/l.xml", Response(body=feed))
        added = store.add_feed(server.url("/l.xml"))
        assert run_refresh(store, Settings(), [added])[0].status == "ok"
        (row,) = stored_rows(tmp_path / "t.db")
        assert 0 < len(row["title"]) <= 2000  # list titles are one capped line


# --- 24: parser time ----------------------------------------------------------------------

REDOS = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel>'
    b"<title>R</title><item><title>a</title><guid>1</guid><author>a@"
    + b"a." * 32000
    + b"!</author></item></channel></rss>"
)  # the entity declaration sends it to feedparser, whose e-mail regex took 17 s on it


def test_b24_author_redos_over_http_and_in_files(tmp_path: Path) -> None:
    (tmp_path / "redos.xml").write_bytes(REDOS)
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/r.xml", Response(body=REDOS))
        feed = store.add_feed(server.url("/r.xml"))
        (result,) = run_refresh(store, Settings(), [feed])
        assert result.status == "ok"  # defused: the author is cut before feedparser sees it
        opened = open_paths(store, [str(tmp_path / "redos.xml")])
        assert opened.skipped == []
        for row in stored_rows(tmp_path / "t.db"):
            assert row["title"] == "a" and len(row["author"]) <= 300


def test_b24_a_fetched_feed_past_the_parse_limit_fails_as_parse_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any parse that runs past the limit, whatever makes it slow: here a big feed that
    needs feedparser, under a limit made short for the test (the real one is 10 s)."""
    from tuinews import ingest

    items = "".join(
        f"<item><title>&n; {n}</title><guid>{n}</guid><description>{'words ' * 50}"
        "</description></item>"
        for n in range(MAX_FEED_ITEMS)
    )
    slow = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY n "Item">]><rss version="2.0">'
        f"<channel><title>S</title>{items}</channel></rss>"
    ).encode()
    with FeedServer() as server, Store(tmp_path / "t.db") as store:
        server.route("/s.xml", Response(body=rss(Case("old", "Old item"))))
        feed = store.add_feed(server.url("/s.xml"))
        assert run_refresh(store, Settings(), [feed])[0].status == "ok"
        server.route("/s.xml", Response(body=slow))
        monkeypatch.setattr(ingest, "PARSE_TIMEOUT", 0.2)
        (result,) = run_refresh(store, Settings(), [feed])
        assert (result.status, result.error) == ("failed", "parse timeout")
        after = store.get_feed(feed.id)
        assert after is not None and after.last_error == "parse timeout"
        assert [r["title"] for r in stored_rows(tmp_path / "t.db")] == ["Old item"]


# --- 48: configuration --------------------------------------------------------------------


CONFIGS = {
    "float": ("refresh_interval = 1e12\n", "refresh_interval"),
    "string": ('refresh_interval = "abc"\n', "refresh_interval"),
    "negative": ("refresh_interval = -1\n", "refresh_interval"),
    "huge": ("concurrency = 99999999999999999999\n", "concurrency"),
    "invalid-toml": ("refresh_interval = \n", None),
    "broken-table": ("[keys\nnext = 'x'\n", None),
}


@pytest.mark.parametrize(("text", "key"), CONFIGS.values(), ids=CONFIGS.keys())
def test_b48_config_errors_fall_back_and_never_rewrite_the_file(
    text: str, key: str | None, tmp_path: Path
) -> None:
    from tuinews.settings import load_settings

    path = tmp_path / "config.toml"
    path.write_text(text)
    settings, problems = load_settings(path)
    assert settings.refresh_interval == Settings().refresh_interval
    assert settings.concurrency == Settings().concurrency
    assert problems
    if key is not None:
        assert any(repr(key) in p or key in p for p in problems)  # names the key
    assert path.read_text() == text


# --- 40: URLs the user adds ---------------------------------------------------------------


def test_b40_a_password_in_a_feed_url_is_used_but_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tuinews.cli import main

    db = str(tmp_path / "t.db")
    with FeedServer() as server:
        server.route("/f.xml", Response(body=rss(Case("c", "Private item"))))
        url = server.url("/f.xml").replace("http://", "http://reader:s3cret@")
        assert main(["add", url, "--db", db]) == 0
        assert main(["feeds", "--db", db]) == 0
        server.route("/f.xml", Response(status=500))
        assert main(["refresh", "--db", db]) == 1
        (first, *_) = server.requests
        assert first.header("authorization") == "Basic cmVhZGVyOnMzY3JldA=="  # it is used
    output = capsys.readouterr()
    assert "s3cret" not in output.out + output.err
    assert "reader:***@127.0.0.1" in output.out
    with Store(tmp_path / "t.db") as store:
        (feed,) = store.feeds()
        assert feed.url == url and "s3cret" not in feed.name


INVALID_URLS = [
    "http://example.com/a\r\nX-Injected: 1",
    "http://" + "a" * 70000,
    "//host/x",
    "javascript:alert(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", INVALID_URLS, ids=["crlf", "huge", "no-scheme", "js", "file"])
def test_b40_invalid_urls_are_refused_cleanly(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tuinews.cli import main

    assert main(["add", url, "--db", str(tmp_path / "t.db")]) == 2
    output = capsys.readouterr()
    assert "Traceback" not in output.err and output.err.strip()
    assert len(output.err) < 2000 and "\r" not in output.err
    with Store(tmp_path / "t.db") as store:
        assert store.feeds() == []
