"""End to end, as a user tries it: the real ``tuinews`` in tmux, a config with a
``save_dir`` and a ``[commands]`` entry on a key; ``w`` saves the article and says where,
the command's key runs it (a recording script) and its output is shown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.e2e.terminals import Terminal, need_command, start
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RECORDER = """\
import json, os, sys
with open(sys.argv[1] + ".part", "w", encoding="utf-8") as out:
    json.dump(sys.argv[2:], out)
os.replace(sys.argv[1] + ".part", sys.argv[1])  # (whole when it appears)
print("kept", sys.argv[2])
"""


def test_w_saves_and_a_command_key_hands_the_article_on(terminal: Terminal, tmp_path: Path) -> None:
    need_command()
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "record.json"
    saved = tmp_path / "saved"
    bookmark = [sys.executable, str(script), str(record), "{url}", "{title}"]
    (tmp_path / "config.toml").write_text(
        f"save_dir = {json.dumps(str(saved))}\n"
        '[keys]\ncommand_bookmark = "B"\n'
        f"[commands]\nbookmark = {json.dumps(bookmark)}\n",
        encoding="utf-8",
    )
    start(terminal, tmp_path, str(FIXTURES / "rss20.xml"))
    terminal.wait_for("news.example.com")
    terminal.keys("w")
    terminal.wait_for("Saved to")
    (file,) = saved.iterdir()
    assert file.suffix == ".md" and file.read_text(encoding="utf-8").startswith("# ")
    terminal.keys("B")
    wait_until(record.exists, timeout=10)
    url, title = json.loads(record.read_text(encoding="utf-8"))
    assert url.startswith("https://news.example.com/")
    assert file.read_text(encoding="utf-8").startswith(f"# {title}\n")
    terminal.wait_for(f"kept {url}")
    terminal.keys("q")
