"""Pilot tests: the hand-off keys. ``w`` saves the article shown; a ``[commands]`` entry
runs on its key (``command_NAME`` in [keys]) and from the command palette; real commands
(recording scripts written by the tests), run in a worker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.command import Command as PaletteCommand
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tests.builders import make_articles
from tests.ui.helpers import main, make_app, settle, shown_title, wait_for, wait_settled
from tuinews.handoffs.commands import Command
from tuinews.models import Article
from tuinews.settings import Settings
from tuinews.ui.app import TuinewsApp

RECORDER = """\
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"argv": sys.argv[2:], "stdin": sys.stdin.read()}, out)
print("bookmarked", sys.argv[2])
"""


def messages(app: TuinewsApp) -> list[str]:
    return [n.message for n in app._notifications]


def recording(tmp_path: Path, *placeholders: str) -> tuple[Command, Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    record = tmp_path / "record.json"
    return Command("bookmark", (sys.executable, str(script), str(record), *placeholders)), record


def with_links() -> list[Article]:
    articles = make_articles(3, paragraphs=1)
    for number, article in enumerate(articles):
        article.link = f"https://example.com/{number}"
        article.source = "Example feed"
    return articles


async def test_w_saves_the_shown_article_and_says_where(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    app = make_app(with_links(), Settings(refresh_on_start=False, save_dir=str(folder)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await wait_for(pilot, lambda: shown_title(pilot) == "Headline 1")
        await pilot.press("w")
        await wait_settled(pilot, lambda: any("Saved to" in m for m in messages(app)))
        files = list(folder.iterdir())
        assert len(files) == 1
        assert files[0].name.endswith("Headline 1.md")
        assert f"Saved to {files[0]}" in messages(app)
        text = files[0].read_text(encoding="utf-8")
        assert text.startswith("# Headline 1\n")
        assert "<https://example.com/1>" in text and "article 1." in text
        await pilot.press("w")  # again: a second file, never over the first
        await wait_settled(pilot, lambda: len(list(folder.iterdir())) == 2)


async def test_a_save_that_fails_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(with_links(), Settings(refresh_on_start=False, save_dir=str(blocker)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await wait_settled(pilot, lambda: any("Could not save" in m for m in messages(app)))
        assert app.is_running


async def test_a_command_runs_on_its_key_with_the_article(tmp_path: Path) -> None:
    command, record = recording(tmp_path, "{url}", "{title}", "{feed}", "{file}")
    settings = Settings(refresh_on_start=False, commands=(command,), keys={"command_bookmark": "B"})
    app = make_app(with_links(), settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await wait_for(pilot, lambda: shown_title(pilot) == "Headline 2")
        await pilot.press("B")
        await wait_settled(pilot, record.exists)
        got = json.loads(record.read_text(encoding="utf-8"))
        assert got["argv"][:3] == ["https://example.com/2", "Headline 2", "Example feed"]
        assert got["stdin"].startswith("# Headline 2\n")
        await wait_settled(
            pilot, lambda: "bookmark: done\nbookmarked https://example.com/2" in messages(app)
        )
        rows = {row.id: row for row in app.binding_rows()}
        assert rows["command_bookmark"].keys == "B"
        assert not any("unknown key" in m for m in messages(app))
        record.unlink()
        main(pilot).article_view.article.link = "javascript:alert(1)"  # type: ignore[union-attr]
        await pilot.press("B")  # no http(s) link: not run with an empty {url}
        await wait_for(
            pilot, lambda: "bookmark: this article has no http(s) link." in messages(app)
        )
        await settle(pilot)
        assert not record.exists()


async def test_a_failing_or_missing_command_is_reported(tmp_path: Path) -> None:
    missing = Command("gone", (str(tmp_path / "no-such-program"), "{url}"))
    failing = Command("fails", (sys.executable, "-c", "import sys; print('nope'); sys.exit(4)"))
    settings = Settings(
        refresh_on_start=False,
        commands=(missing, failing),
        keys={"command_gone": "ctrl+b", "command_fails": "B", "command_other": "x"},
    )
    app = make_app(with_links(), settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "[keys] command_other: no such command in [commands] (or skipped)" in messages(app)
        await pilot.press("ctrl+b")
        await wait_settled(pilot, lambda: any("program not found" in m for m in messages(app)))
        await pilot.press("B")
        await wait_settled(pilot, lambda: any("(exit status 4)\nnope" in m for m in messages(app)))
        assert app.is_running


def highlighted_command(pilot: Pilot[None]) -> str | None:
    palette = pilot.app.screen
    if not isinstance(palette, CommandPalette):
        return None
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return None
    option = commands.get_option_at_index(commands.highlighted)
    return option.hit.text if isinstance(option, PaletteCommand) else None


async def test_a_command_without_a_key_is_in_the_palette(tmp_path: Path) -> None:
    command, record = recording(tmp_path, "{title}")
    app = make_app(with_links(), Settings(refresh_on_start=False, commands=(command,)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"hand the article to bookmark")
        await wait_for(pilot, lambda: highlighted_command(pilot) == "Hand the article to bookmark")
        await pilot.press("enter")
        await wait_settled(pilot, record.exists)
        assert json.loads(record.read_text(encoding="utf-8"))["argv"] == ["Headline 0"]
        assert main(pilot).headlines.current is not None


async def test_a_command_key_taken_by_another_binding_is_reported(tmp_path: Path) -> None:
    command, _ = recording(tmp_path, "{url}")
    keys = {"command_bookmark": "s", "toggle_star": "ctrl+s,x"}
    app = make_app(with_links(), Settings(refresh_on_start=False, commands=(command,), keys=keys))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not any("command_bookmark" in m for m in messages(app))  # s was moved away
    keys = {"command_bookmark": "s"}
    app = make_app(with_links(), Settings(refresh_on_start=False, commands=(command,), keys=keys))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "[keys] command_bookmark = 's': that key is already toggle_star's" in "\n".join(
            messages(app)
        )


async def test_the_pipe_key_lists_the_commands_to_choose_from(tmp_path: Path) -> None:
    command, record = recording(tmp_path, "{title}", "[not markup]")
    other = Command("other", (sys.executable, "-c", "pass", "[/bold]"))
    app = make_app(with_links(), Settings(refresh_on_start=False, commands=(other, command)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("vertical_line")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"bookm")
        await wait_for(pilot, lambda: highlighted_command(pilot) == "bookmark")
        await pilot.press("enter")
        await wait_settled(pilot, record.exists)
        got = json.loads(record.read_text(encoding="utf-8"))
        assert got["argv"] == ["Headline 0", "[not markup]"]


async def test_the_pipe_key_without_commands_says_how_to_add_them() -> None:
    app = make_app(with_links())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("vertical_line")
        await wait_for(pilot, lambda: any("[commands]" in m for m in messages(app)))
        assert not isinstance(app.screen, CommandPalette)
