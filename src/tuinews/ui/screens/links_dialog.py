"""The article's links (``u``): a list to move through, Enter opens the link under the
cursor, ``y`` copies it; and the number dialog (``#``): a link's number, Enter opens it.
The article pane (:mod:`tuinews.ui.widgets.article_links`) says what opening and copying
do. Every text here is the article's: Text, never markup."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tuinews.link_numbers import NUMBER_STYLE, ArticleLink

MAX_TEXT = 60  # cells of a link's text shown in the list (its URL follows, whole)


def _row(link: ArticleLink) -> Text:
    row = Text(f"[{link.number}] ", style=Style(**NUMBER_STYLE))
    if link.text and link.text != link.url:  # (an autolink's text is its URL)
        text = link.text if len(link.text) <= MAX_TEXT else link.text[: MAX_TEXT - 1] + "…"
        row.append(text)
        row.append("  ")
    row.append(link.shown or "(no URL)", style="dim underline")
    if link.openable is None:
        row.append("  (not opened: not http or https)", style="dim italic")
    return row


class LinksScreen(ModalScreen[None]):
    """The shown article's links, by number."""

    BINDINGS = [
        Binding("escape,q,u", "dismiss", "Close the links", show=False),
        Binding("y", "copy", "Copy the link", show=False),
        Binding("j", "cursor(1)", "Next link", show=False),
        Binding("k", "cursor(-1)", "Previous link", show=False),
    ]

    def __init__(
        self,
        title: str,
        links: Sequence[ArticleLink],
        open_link: Callable[[ArticleLink], None],
        copy_link: Callable[[ArticleLink], None],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.links = list(links)
        self.open_link = open_link
        self.copy_link = copy_link

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*(Option(_row(link), id=str(link.number)) for link in self.links))
            yield Label(
                Text("Enter opens the link, y copies it, Escape closes.", style="dim"),
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        self.set_focus(options)

    @property
    def current(self) -> ArticleLink | None:
        index = self.query_one(OptionList).highlighted
        return self.links[index] if index is not None and index < len(self.links) else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open_link(self.links[event.option_index])

    def action_copy(self) -> None:
        link = self.current
        if link is not None:
            self.copy_link(link)

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class LinkNumberDialog(ModalScreen[int | None]):
    """Asks for a link's number (``#12`` Enter): Enter opens it, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, priority=True)]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="link-number-dialog", classes="dialog"):
            yield Label(f"Open link number (1 to {self.count})", markup=False)
            yield Input(id="link-number", restrict=r"[0-9]*", max_length=6)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#link-number", Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(int(value) if value.isdigit() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
