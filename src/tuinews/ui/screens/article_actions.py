"""The main screen's actions on the shown article's link: open it, copy it, fetch the
full article from it (reader mode)."""

from __future__ import annotations

from textual import work

from tuinews.links import safe_link
from tuinews.ui.screens.panes import Panes


class ArticleActions(Panes):
    def _current_link(self) -> str | None:
        article = self.article_view.article
        if self.headlines.current is None:
            return None
        if article is None or article.id != self.headlines.current.id:
            self.notify("The article is still loading.", severity="warning")
            return None
        if not article.link:
            self.notify("This article has no link.", severity="warning")
            return None
        link = safe_link(article.link)
        if link is None:
            self.notify("Refused to open a link that is not http or https.", severity="warning")
        return link

    def action_full_text(self) -> None:
        """F: fetch the full article from its link (reader mode), or switch back to the
        feed's summary and forth."""
        headline = self.headlines.current
        article = self.article_view.article
        if headline is None:
            return
        if article is None or article.id != headline.id:
            self.notify("The article is still loading.", severity="warning")
            return
        if article.full:
            self.article_view.toggle_full(headline.id)
            return
        link = safe_link(article.link)
        if link is None:
            self.notify("This article has no http(s) link to fetch.", severity="warning")
            return
        self.notify(f"Fetching the full article from {link}")
        self._fetch_full(headline.id, link)

    @work(group="full-text", exit_on_error=False, description="Fetching the full article")
    async def _fetch_full(self, article_id: int, link: str) -> None:
        error = await self.tuinews.refresher.fetch_full_text(article_id)
        if error:
            self.notify(f"Could not fetch {link}: {error}", severity="error")
            return
        self.article_view.reload(article_id)

    def action_open_link(self) -> None:
        link = self._current_link()
        if link is not None:
            self.tuinews.open_link(link)

    def action_copy_link(self) -> None:
        link = self._current_link()
        if link is not None:
            self.app.copy_to_clipboard(link)
            self.notify(f"Copied {link}")
