"""The help screen: every key, from the same binding data as the footer."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinews.ui.bindings import BindingRow

INTRO = (
    "tuinews reads local articles, feed files and the feeds you subscribe to. Move with j/k, "
    "read with Enter, search with /, refresh with R, add a feed with a. Mouse: click a "
    "headline to open it, scroll with the wheel, drag the border between two panes to resize "
    "them. Keys can be remapped in the config file ([keys] table, by id)."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", show=False),
        # As in the headlines and the article (whatever has the focus here).
        Binding("j,down", "scroll_help(1)", "Scroll down", show=False),
        Binding("k,up", "scroll_help(-1)", "Scroll up", show=False),
    ]

    def __init__(self, rows: list[BindingRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column(Text("Keys"), no_wrap=True)
        table.add_column(Text("Action"))
        table.add_column(Text("Id (for [keys] in the config file)"), style="dim")
        for row in self.rows:
            table.add_row(Text(row.keys), Text(row.description), Text(row.id))
        with VerticalScroll(id="help-body"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(Text(INTRO), id="help-intro")
            yield Static(table, id="help-table")
            yield Static(Text("Escape closes this help.", style="dim"))

    def action_scroll_help(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
