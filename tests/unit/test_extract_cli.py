"""``tuinews extract FILE|URL``: reader mode without the UI (a real server for URLs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES
from tests.netserver import FeedServer, Response


def extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews", "extract", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sample_without_its_site() -> None:
    result = extract(str(FIXTURES / "moscow_times.txt"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Russia ‘Regroups’ Troops in East as Ukraine Advances"
    for heading in ("'Astonishing' advance", "Houses gutted", "German pledge"):
        assert f"## {heading}" in lines
    assert "Press service of the Russian Defense Ministry / TASS" in lines
    assert "Support The Moscow Times!" not in result.stdout
    assert "small favor to ask" not in result.stdout and "Read more" not in result.stdout
    assert "Concerns have also been rising" in result.stdout  # the last story paragraph


def test_a_page_at_a_url() -> None:
    page = (
        "<html><head><title>A story | The Site</title>"
        '<meta property="og:title" content="A story"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>A story</h1>"
        + "".join(
            f"<p>Paragraph {i} of the story, with enough words to read as prose.</p>"
            for i in range(8)
        )
        + "</article><footer>Subscribe to our newsletter!</footer></body></html>"
    ).encode()
    with FeedServer() as server:
        server.route("/story", Response(body=page, headers={"Content-Type": "text/html"}))
        server.route("/missing", Response(status=404))
        result = extract(server.url("/story"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("# A story\n")
        assert "Paragraph 7 of the story" in result.stdout
        assert "newsletter" not in result.stdout
        missing = extract(server.url("/missing"))
        assert missing.returncode == 2 and "HTTP 404" in missing.stderr


def test_bad_sources_are_one_clear_line(tmp_path: Path) -> None:
    missing = extract(str(tmp_path / "nope.html"))
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    shown = extract(str(empty))
    assert shown.returncode == 0 and shown.stdout.startswith("# ")
