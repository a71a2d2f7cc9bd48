"""Hand-offs, headless (tuinews.handoffs): placeholders, the [commands] config, safe file
names, saving, and running real commands (recording scripts written by the tests)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuinews.file_names import MAX_BYTES, safe_filename, safe_stem
from tuinews.handoffs.commands import BadCommand, Command, read_commands, substitute
from tuinews.handoffs.handing import hand_off
from tuinews.handoffs.notify import run_notify, terminal_sequence
from tuinews.handoffs.running import run
from tuinews.handoffs.saving import article_document, save_document
from tuinews.models import Article
from tuinews.settings import load_settings

RECORDER = """\
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"argv": sys.argv[2:], "stdin": sys.stdin.read()}, out)
print("recorded", len(sys.argv) - 2, "arguments")
print("second line")
"""


def recorder(tmp_path: Path) -> tuple[list[str], Path]:
    """An argument list that runs a script recording its arguments and input, and where
    it records them."""
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "record.json"
    return [sys.executable, str(script), str(record)], record


def recorded(record: Path) -> dict[str, object]:
    return json.loads(record.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# --- placeholders ---------------------------------------------------------------------


def test_placeholders_are_replaced_inside_their_argument_and_never_split() -> None:
    argv = ("prog", "--title={title}", "{url}", "{{literal}}", "{feed}: {title}")
    values = {"url": "http://x/1", "title": "a b; c", "feed": "F", "file": ""}
    assert substitute(argv, values) == [
        "prog",
        "--title=a b; c",
        "http://x/1",
        "{literal}",
        "F: a b; c",
    ]


def test_a_value_holding_braces_is_not_read_again() -> None:
    assert substitute(("{title}",), {"title": "{url} {{x}}", "url": "U"}) == ["{url} {{x}}"]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("not a list", "non-empty list of strings"),
        ([], "non-empty list of strings"),
        (["prog", 3], "list of strings"),
        (["", "{url}"], "name a program"),
        (["prog", "{link}"], "unknown placeholder {link}"),
        (["prog", "{url"], "lone '{'"),
        (["prog", "{0}"], "unknown placeholder {0}"),
        (["prog", "{url.__class__}"], "unknown placeholder"),
    ],
)
def test_bad_commands_are_reported_and_skipped(value: object, said: str) -> None:
    problems: list[str] = []
    made = read_commands({"bad": value, "good": ["echo", "{url}"]}, "config: ", problems)
    assert made == (Command("good", ("echo", "{url}")),)
    assert len(problems) == 1
    assert problems[0].startswith("config: command 'bad': ")
    assert said in problems[0]


def test_a_command_name_must_make_a_binding_id() -> None:
    problems: list[str] = []
    assert read_commands({"a b": ["x"], "ok-1_2": ["x"]}, "", problems) == (
        Command("ok-1_2", ("x",)),
    )
    assert "letters, digits" in problems[0]
    assert Command("ok-1_2", ("x",)).binding_id == "command_ok-1_2"


def test_an_unknown_placeholder_at_run_time_is_an_error() -> None:
    with pytest.raises(BadCommand):
        substitute(("{nope}",), {})


def test_the_config_file_reads_handoff_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'notify = ["notify-send", "tuinews", "{count} new"]\n'
        'notify_terminal = "osc9"\nmark_read = "delay"\nmark_read_delay = 5\n'
        'save_dir = "~/Saved"\ncommand_timeout = 7\n'
        '[commands]\nbookmark = ["linkding-cli", "add", "{url}"]\n'
        'glow = ["glow", "{file}"]\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(path)
    assert problems == []
    assert settings.notify == ("notify-send", "tuinews", "{count} new")
    assert settings.notify_terminal == "osc9"
    assert (settings.mark_read, settings.mark_read_delay) == ("delay", 5)
    assert settings.save_path() == Path("~/Saved").expanduser()
    assert settings.command_timeout == 7
    assert [c.name for c in settings.commands] == ["bookmark", "glow"]
    assert settings.commands[1].uses("file")
    assert not settings.commands[1].uses("url")


def test_bad_handoff_settings_are_reported_at_start(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'notify = ["notify-send", "{url}"]\nnotify_terminal = "loud"\nmark_read = "never"\n'
        "command_timeout = 0\ncommands = 3\n",
        encoding="utf-8",
    )
    settings, problems = load_settings(path)
    text = "\n".join(problems)
    assert "'notify' unknown placeholder {url}" in text
    assert '\'notify_terminal\' must be one of "off", "osc9"' in text
    assert '\'mark_read\' must be one of "shown", "delay", "manual"' in text
    assert "'command_timeout' must be a whole number" in text
    assert "'commands' must be a table" in text
    assert (settings.notify, settings.mark_read, settings.commands) == ((), "shown", ())


# --- file names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain title", "Plain title"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        ("line\nbreak\ttab\x00nul\x1b[2Jesc", "line break tab nul [2Jesc"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1", "_Com1"),
        ("LPT9 . ", "_LPT9"),
        ("trailing dots...", "trailing dots"),
        ("...hidden", "hidden"),
        ("", "article"),
        ("/// ???", "article"),
        ("zero\u200bwidth\u202eRLO", "zerowidthRLO"),
        ("Console", "Console"),
        ("--help me", "help me"),  # not read as an option by a command given {file}
    ],
)
def test_file_names_are_safe_everywhere(title: str, expected: str) -> None:
    assert safe_stem(title) == expected


def test_long_titles_are_cut_between_characters() -> None:
    stem = safe_stem("é" * 500)
    assert len(stem.encode("utf-8")) <= MAX_BYTES
    assert stem == "é" * (MAX_BYTES // 2)
    assert len(safe_filename("x" * 1000, ".md", "2024-01-02").encode()) <= 255


def test_the_date_leads_the_name() -> None:
    assert safe_filename("News: today", ".md", "2024-01-02") == "2024-01-02 News today.md"
    assert safe_filename("", ".md", "2024-01-02") == "2024-01-02.md"


def article(**fields: object) -> Article:
    values: dict[str, object] = {
        "title": "A title",
        "source": "The Feed",
        "body": "Body text.",
        "link": "https://example.com/a",
        "date": datetime(2024, 1, 2, 10, tzinfo=UTC),
        "author": "Ann",
        "id": 1,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def test_saved_files_never_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "folder"
    document = article_document(article(), "Body text.")
    first = save_document(folder, "CON", "2024-01-02", document)
    second = save_document(folder, "CON", "2024-01-02", "other")
    assert first.name == "2024-01-02 CON.md"  # (not reserved with the date before it)
    assert second.name == "2024-01-02 CON (2).md"
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# A title\n")
    assert "- Feed: The Feed" in text and "- Link: <https://example.com/a>" in text
    assert text.endswith("Body text.\n")


def test_the_saved_file_name_of_a_reserved_title_without_a_date(tmp_path: Path) -> None:
    assert save_document(tmp_path, "aux", "", "x").name == "_aux.md"


# --- running ----------------------------------------------------------------------------


def test_a_command_gets_the_article_as_arguments_input_and_file(tmp_path: Path) -> None:
    argv, record = recorder(tmp_path)
    command = Command("rec", (*argv, "{url}", "{title}", "{feed}", "{file}"))
    outcome = hand_off(command, article(), "Body text.", timeout=30)
    assert outcome.ok, outcome
    assert outcome.output == ("recorded 4 arguments", "second line")
    got = recorded(record)
    assert got["argv"][:3] == ["https://example.com/a", "A title", "The Feed"]  # type: ignore[index]
    file = Path(got["argv"][3])  # type: ignore[index]
    assert file.suffix == ".md"
    assert not file.exists()  # removed once the command ended
    assert str(got["stdin"]).startswith("# A title\n")


def test_a_url_that_is_not_http_is_never_handed_on(tmp_path: Path) -> None:
    argv, record = recorder(tmp_path)
    hand_off(Command("rec", (*argv, "{url}")), article(link="--exec=evil"), "", timeout=30)
    assert recorded(record)["argv"] == [""]


def test_exit_status_and_output_are_reported(tmp_path: Path) -> None:
    code = "import sys; print('line 1'); print('line 2', file=sys.stderr); sys.exit(3)"
    outcome = run([sys.executable, "-c", code], timeout=30)
    assert outcome.status == 3 and not outcome.ok
    assert outcome.output == ("line 1", "line 2")
    assert "failed (exit status 3)" in outcome.message("rec")


def test_a_missing_program_is_a_clear_message(tmp_path: Path) -> None:
    outcome = run([str(tmp_path / "no-such-program"), "x"], timeout=30)
    assert outcome.status is None
    assert outcome.problem == f"program not found: {tmp_path / 'no-such-program'}"


def test_output_is_sanitised(tmp_path: Path) -> None:
    code = r"print('\x1b]52;c;ZXZpbA==\x07 hi \x1b[2J there')"
    outcome = run([sys.executable, "-c", code], timeout=30)
    assert outcome.output and "\x1b" not in outcome.output[0] and "\x07" not in outcome.output[0]


@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_command_that_hangs_is_killed_with_what_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    began = time.monotonic()
    outcome = run([sys.executable, "-c", code], timeout=1.5)
    assert time.monotonic() - began < 20
    assert outcome.status is None
    assert "stopped after 1.5 s" in outcome.problem
    assert outcome.output == ("started",)
    child = int(pid_file.read_text())
    for _ in range(200):  # (reaped by init once killed: gone soon)
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the command's child is still running")


# --- notifications ----------------------------------------------------------------------


def test_the_notify_command_gets_the_count(tmp_path: Path) -> None:
    argv, record = recorder(tmp_path)
    outcome = run_notify((*argv, "{count} new"), 7, timeout=30)
    assert outcome.ok
    assert recorded(record)["argv"] == ["7 new"]


def test_terminal_notifications() -> None:
    assert terminal_sequence("osc9", 2) == "\x1b]9;tuinews: 2 new articles\a"
    assert terminal_sequence("osc777", 1) == "\x1b]777;notify;tuinews;1 new article\a"
    assert terminal_sequence("bell", 3) == "\a"
    assert terminal_sequence("off", 3) == ""
