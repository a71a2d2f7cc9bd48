"""The hand-off keys of the main screen (a mixin, as :class:`~tuinews.ui.pane_sizes.
PaneSizeActions`): the shown article saved as Markdown (``w``), and handed to a command
of the config's ``[commands]`` (a binding ``command_NAME`` each, with the key the user
gives it in ``[keys]``, and a palette entry: :func:`command_screen`; ``|`` lists them).
The file is written and the command run in thread workers, never on the event loop; how
it ended is a notification (where the file went; the command's exit status and first lines)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding, BindingType
from textual.command import SimpleCommand
from textual.markup import escape
from textual.screen import Screen

from tuinews.links import safe_link
from tuinews.ui.bindings import ARTICLE_PANE
from tuinews.ui.services import services
from tuinews.ui.widgets.article_view import ArticleView
from tuinews.ui.widgets.headline_list import HeadlineList

if TYPE_CHECKING:
    from tuinews.handoffs.commands import Command
    from tuinews.models import Article


def command_bindings(commands: tuple[Command, ...], keys: dict[str, str]) -> list[BindingType]:
    """A binding for each command given keys in ``[keys]`` (``command_NAME = "B"``);
    the others are in the command palette only."""
    return [
        Binding(keys[c.binding_id], f"run_command({c.name!r})", c.description, id=c.binding_id)
        for c in commands
        if c.binding_id in keys
    ]


def command_screen(screen_class: type[Screen[Any]], bindings: list[BindingType]) -> type[Any]:
    """``screen_class`` with the commands' bindings too (a subclass: Textual merges the
    BINDINGS of a class with its bases'), or itself when there are none."""
    if not bindings:
        return screen_class
    return type(screen_class.__name__, (screen_class,), {"BINDINGS": bindings})


class HandoffActions:
    """The main screen's hand-off actions (its panes, and its workers: their errors are
    reported there)."""

    def action_save_article(self) -> None:
        """``w``: the article saved as a Markdown file in ``save_dir``."""
        Handoffs(cast("Screen[Any]", self)).save()

    def action_run_command(self, name: str) -> None:
        """A ``[commands]`` entry run for the article shown."""
        Handoffs(cast("Screen[Any]", self)).run(name)

    def action_pipe_article(self) -> None:
        """``|``: the ``[commands]`` to choose from (a palette of them alone)."""
        screen = cast("Screen[Any]", self)
        commands = services(screen).settings.commands
        if not commands:
            screen.notify(
                "No commands yet: add them to the config file's [commands], e.g. "
                'bookmark = ["linkding-cli", "add", "{url}"].',
                severity="warning",
            )
            return
        screen.app.search_commands(
            [
                SimpleCommand(
                    command.name,
                    partial(self.action_run_command, command.name),
                    escape(" ".join(command.argv)),  # (the palette reads markup)
                )
                for command in commands
            ],
            placeholder="Hand the article to…",
        )


class Handoffs:
    """Saving and running, for the article the main screen shows."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self.headlines = screen.query_one("#headlines", HeadlineList)
        self.article_view = screen.query_one(f"#{ARTICLE_PANE}", ArticleView)
        self.settings = services(screen).settings
        self.notify = screen.notify

    def _shown_article(self) -> tuple[Article, bool] | None:
        """The article on screen and whether its full text is what is shown; None, said,
        when there is none yet."""
        headline = self.headlines.current
        article = self.article_view.article
        if headline is None:
            return None
        if article is None or article.id != headline.id:
            self.notify("The article is still loading.", severity="warning")
            return None
        return article, bool(article.full) and article.id not in self.article_view.summaries

    @staticmethod
    def _markdown(article: Article, full: bool) -> str:
        """What is shown, as Markdown (in the worker: converted from HTML if not yet)."""
        from tuinews.formats import article_markdown  # (loaded to show it: no cost)

        return article.full if full else article_markdown(article)

    def _in_thread(self, work: Any, description: str) -> None:
        self.screen.run_worker(
            work, thread=True, group="handoff", exit_on_error=False, description=description
        )

    def save(self) -> None:
        shown = self._shown_article()
        if shown is None:
            return
        article, full = shown
        folder = self.settings.save_path()
        app = self.screen.app

        def save() -> None:
            from tuinews.handoffs.saving import article_document, save_document  # (first use)

            markdown = self._markdown(article, full)
            try:
                path = save_document(
                    folder, article.title, article.date_text, article_document(article, markdown)
                )
            except OSError as error:
                reason = error.strerror or str(error)
                app.call_from_thread(
                    app.notify, f"Could not save to {folder}: {reason}", severity="error"
                )
                return
            app.call_from_thread(app.notify, f"Saved to {path}")

        self._in_thread(save, "Saving the article")

    def run(self, name: str) -> None:
        """In a thread; stopped after ``command_timeout``."""
        settings = self.settings
        command = next((c for c in settings.commands if c.name == name), None)
        if command is None:
            self.notify(f"No command {name!r} in [commands].", severity="warning")
            return
        shown = self._shown_article()
        if shown is None:
            return
        article, full = shown
        if command.uses("url") and safe_link(article.link) is None:
            self.notify(f"{name}: this article has no http(s) link.", severity="warning")
            return
        app, timeout = self.screen.app, settings.command_timeout
        self.notify(f"Running {name}…", timeout=2)

        def run() -> None:
            from tuinews.handoffs.handing import hand_off  # (subprocess: when first used)

            outcome = hand_off(command, article, self._markdown(article, full), timeout)
            severity = "information" if outcome.ok else "error"
            app.call_from_thread(app.notify, outcome.message(name), severity=severity)

        self._in_thread(run, f"Running {name}")
