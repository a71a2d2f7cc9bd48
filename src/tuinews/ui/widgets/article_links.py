"""The article pane's numbered links (a mixin of
:class:`tuinews.ui.widgets.article_view.ArticleView`): a digit opens link 1 to 9, ``#``
asks for a number (``#12`` Enter), ``u`` lists them (Enter opens, ``y`` copies), and a
click on a link opens it. The rendered lines say where each link is and its URL
(:mod:`tuinews.link_numbers`), so this works on any render of the article, at any width.
Only http(s) links are opened (the others: a message); copying uses the app's clipboard
(OSC 52)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events

from tuinews.link_numbers import ArticleLink, link_at, links_in
from tuinews.render import Line

if TYPE_CHECKING:
    from textual.widget import Widget

    from tuinews.models import Article

    _Pane = Widget
else:
    _Pane = object


class LinkKeys(_Pane):
    """The article pane's link keys and clicks (the pane's actions)."""

    if TYPE_CHECKING:  # (the article pane's)
        lines: list[Line]
        article: Article | None
        opener: Callable[[str], None]
        complete: bool

        @property
        def ready(self) -> bool: ...

    def article_links(self) -> dict[int, ArticleLink] | None:
        """The shown article's links by number (None, with a message: no article shown)."""
        if self.article is None:
            self.notify("No article is shown.", severity="warning")
            return None
        if not self.ready:
            self.notify("The article is still loading.", severity="warning")
            return None
        return links_in(self.lines)

    def open_article_link(self, link: ArticleLink) -> None:
        url = link.openable
        if url is None:
            self.notify(link.refusal(), severity="warning")
            return
        self.notify(f"Opening link {link.number}: {link.shown}")
        self.opener(url)

    def copy_article_link(self, link: ArticleLink) -> None:
        self.app.copy_to_clipboard(link.url)
        self.notify(f"Copied link {link.number} to the clipboard: {link.shown}")

    def action_open_numbered_link(self, number: int) -> None:
        links = self.article_links()
        if links is None:
            return
        link = links.get(number)
        if link is not None:
            self.open_article_link(link)
        elif not self.complete:
            self.notify(f"Link {number} is not shown yet: the article is still rendering.")
        elif not links:
            self.notify("This article has no links.", severity="warning")
        else:
            self.notify(
                f"There is no link {number}: this article has {len(links)}.", severity="warning"
            )

    async def action_link_number(self) -> None:
        """``#``: a number, then Enter (for links past 9). Waits until the dialog is
        mounted and focused, so the digits typed after ``#`` land in it."""
        links = self.article_links()
        if links is None:
            return
        if not links:
            self.notify("This article has no links.", severity="warning")
            return
        # (the dialogs: loaded when first used, not at start-up)
        from tuinews.ui.screens.links_dialog import LinkNumberDialog

        def chosen(number: int | None) -> None:
            if number is not None:
                self.action_open_numbered_link(number)

        await self.app.push_screen(LinkNumberDialog(max(links)), chosen)

    async def action_show_links(self) -> None:
        """``u``: the article's links in a list (Enter opens, ``y`` copies)."""
        links = self.article_links()
        if links is None:
            return
        if not links:
            self.notify("This article has no links.", severity="warning")
            return
        # (the dialogs: loaded when first used, not at start-up)
        from tuinews.ui.screens.links_dialog import LinksScreen

        assert self.article is not None
        title = f"Links in {self.article.title or '(untitled)'}"
        screen = LinksScreen(
            title, list(links.values()), self.open_article_link, self.copy_article_link
        )
        await self.app.push_screen(screen)

    def on_click(self, event: events.Click) -> None:
        """A click on a numbered link (its text, its number or its entry in the list at
        the end) opens it."""
        if event.button != 1 or self.article is None:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < len(self.lines):
            link = link_at(self.lines[row], self.scroll_offset.x + offset.x)
            if link is not None:
                event.stop()
                self.open_article_link(link)
