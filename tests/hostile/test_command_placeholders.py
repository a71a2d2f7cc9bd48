"""Hostile case (issue 16): a feed's title holding shell metacharacters reaches a
``[commands]`` program as one literal argument, never read by a shell. The title comes
from a real feed document through the parser and the sanitiser (as every title does); a
recording script written here records the argv it gets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.builders import rss_document
from tuinews.formats import article_markdown, parse_feed
from tuinews.handoffs.commands import Command
from tuinews.handoffs.handing import hand_off
from tuinews.handoffs.notify import run_notify
from tuinews.models import Article

RECORDER = """\
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sys.argv[2:], out)
"""

HOSTILE = [
    "; rm -rf ~ ;",
    "$(touch {canary})",
    "`touch {canary}`",
    "a && touch {canary} || true",
    "x | tee {canary}",
    "> {canary}",
    "'quoted' \"double\" \\back",
    "--option=injected",
    "* ? [glob]",
    "$HOME ${{HOME}} ~",
]


def record_argv(tmp_path: Path, article: Article, *argv: str) -> list[str]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "argv.json"
    command = Command("rec", (sys.executable, str(script), str(record), *argv))
    outcome = hand_off(command, article, article_markdown(article), timeout=30)
    assert outcome.ok, outcome
    return json.loads(record.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("template", HOSTILE)
def test_a_feed_title_with_shell_metacharacters_is_one_literal_argument(
    tmp_path: Path, template: str
) -> None:
    canary = tmp_path / "canary"
    title = template.format(canary=canary)
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    feed = parse_feed(
        rss_document(
            f"<item><guid>1</guid><title>{escaped}</title><link>http://127.0.0.1/1</link>"
            "<description>Body.</description></item>",
            channel=f"<title>{escaped}</title>",
        )
    )
    article = feed.articles[0]
    assert article.title == title.strip()  # kept as data by the sanitiser
    argv = record_argv(tmp_path, article, "{title}", "--feed={feed}", "{url}")
    assert argv == [article.title, f"--feed={article.source}", "http://127.0.0.1/1"]
    assert not canary.exists()
    assert (Path.home() / ".").exists()


def test_newlines_and_controls_in_a_value_stay_in_one_argument(tmp_path: Path) -> None:
    """Even a value the sanitiser would not let through (a newline, a tab) is one
    argument: the substitution never splits."""
    canary = tmp_path / "canary"
    title = f"first line\nsecond; touch {canary}\n$(touch {canary})\t`id`"
    article = Article(title=title, source="F\nG", body="Body.", link="http://127.0.0.1/x")
    argv = record_argv(tmp_path, article, "{title}", "{feed}:{title}")
    assert argv == [title, f"F\nG:{title}"]
    assert not canary.exists()


def test_the_notify_count_is_one_argument(tmp_path: Path) -> None:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "argv.json"
    run_notify((sys.executable, str(script), str(record), "{count} new; touch x"), 3, 30)
    assert json.loads(record.read_text(encoding="utf-8")) == ["3 new; touch x"]
