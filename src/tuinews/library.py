"""What the app opens with: files given on the command line, or the whole store.

Local files go into the store (under the "Local" source) so their read and starred
state persists; the welcome library is added the first time the store is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tuinews.models import Skipped
from tuinews.store import Store, View


@dataclass
class Opened:
    view: View
    skipped: list[Skipped] = field(default_factory=list)
    description: str = ""


def open_paths(
    store: Store, paths: Sequence[str], should_stop: Callable[[], bool] | None = None
) -> Opened:
    """Load files and folders into the store; the view shows exactly those articles."""
    from tuinews.sources.local import load_paths  # the formats: not needed to start

    library = load_paths(paths, should_stop)
    local = store.local_feed_id()
    store.upsert_articles(local, library.articles)
    ids = store.ids_for_uids(local, [article.uid for article in library.articles])
    count = len(ids)
    return Opened(
        View(ids=tuple(ids)),
        library.skipped,
        f"{count} article{'s' if count != 1 else ''} from {', '.join(paths)}",
    )


def open_store(store: Store, should_stop: Callable[[], bool] | None = None) -> Opened:
    """Everything in the store; the welcome library if the store has nothing yet."""
    if store.is_empty():
        from tuinews.sources.local import load_welcome

        store.upsert_articles(store.local_feed_id(), load_welcome().articles)
    return Opened(View(), [], "all articles")
