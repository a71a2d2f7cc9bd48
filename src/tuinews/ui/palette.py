"""The command palette's provider: every key binding, searchable by its description."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tuinews.ui.bindings import ARTICLE_PANE, BindingRow
from tuinews.ui.services import services


class BindingCommands(Provider):
    """Offers every action that has a key, showing the key it is on."""

    def _rows(self) -> list[BindingRow]:
        return services(self.screen).binding_rows()

    async def _run(self, action: str) -> None:
        """``action`` on the app, the screen, or the article pane (its namespace)."""
        panes = {pane.id or "": pane for pane in self.screen.query(f"#{ARTICLE_PANE}")}
        await self.app.run_action(action, self.screen, panes)

    async def discover(self) -> Hits:
        for row in self._rows():
            yield DiscoveryHit(row.description, partial(self._run, row.action), help=row.keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for row in self._rows():
            score = matcher.match(row.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(row.description),
                    partial(self._run, row.action),
                    help=row.keys,
                )
