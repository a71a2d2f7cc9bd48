"""What the app opens with: files given on the command line, or the whole store.

Local files go into the store (under the "Local" source) so their read and starred
state persists; the welcome library is added the first time the store is empty.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from tuinews.models import Skipped
from tuinews.store import FirstPage, Store, StoreError, View

if TYPE_CHECKING:
    from tuinews.pool import Pool

# tuinews.sources.local (and the formats it reads) are imported when files are opened,
# not before the first frame of a store that already has articles.


@dataclass
class Opened:
    view: View
    skipped: list[Skipped] = field(default_factory=list)
    description: str = ""


def open_paths(
    store: Store,
    paths: Sequence[str],
    should_stop: Callable[[], bool] | None = None,
    pool: Pool | None = None,
) -> Opened:
    """Load files and folders into the store; the view shows exactly those articles.
    Files are parsed in ``pool``'s worker processes (closed when done), or a new pool's."""
    # (sources.local: the parsers and multiprocessing, ~85 ms: not before the first frame)
    from tuinews.sources.local import load_paths

    library = load_paths(paths, should_stop, pool)
    local = store.local_feed_id()
    store.upsert_articles(local, library.articles)
    ids = store.ids_for_uids(local, [article.uid for article in library.articles])
    count = len(ids)
    return Opened(
        View(ids=tuple(ids)),
        library.skipped,
        f"{count} article{'s' if count != 1 else ''} from {', '.join(paths)}",
    )


def opener(store: Store, paths: Sequence[str]) -> Callable[..., Opened]:
    """What the app runs at start-up: these paths, or everything stored when there are
    none. Unless the paths are a few small files (parsed in this process), the workers
    that parse them start booting now, beside the UI's own start-up."""
    if not paths:
        return partial(open_store, store)
    from tuinews.sources.local import needs_workers, parse_pool  # (see open_paths)

    pool = parse_pool(paths)
    if needs_workers(paths):
        pool.start()
    return partial(open_paths, store, paths, pool=pool)


def open_store(store: Store, should_stop: Callable[[], bool] | None = None) -> Opened:
    """Everything in the store; the welcome library if the store has nothing yet."""
    if store.is_empty():
        from tuinews.sources.local import load_welcome  # (see open_paths)

        store.upsert_articles(store.local_feed_id(), load_welcome().articles)
    else:
        index_leftovers(store)
    return Opened(View(), [], "all articles")


def index_leftovers(store: Store) -> None:
    """Make searchable what an interrupted refresh stored but did not index yet."""
    if store.writable and store.pending_index():
        with contextlib.suppress(StoreError):  # read-only after all, or full: search misses
            store.index_pending()


class EarlyStart:
    """The start-up work, run in a thread from the moment the app is made, beside the
    UI's own start-up (importing and mounting Textual take ~100 ms): what to show
    (``start``), then the first ``rows`` headlines of it. The UI takes both when it
    mounts; ready by then, its first frame shows the headlines, with no "Loading…" frame
    before them (two frames cost ~30 ms more at 100,000 articles). ``order``: the
    headlines' (``tuinews.query.orders``), the settings' ``sort_headlines``."""

    def __init__(
        self, store: Store, start: Callable[..., Opened], rows: int, order: str = "newest"
    ) -> None:
        self.store = store
        self.start = start
        self.rows = rows
        self.order = order
        self.first: FirstPage | None = None  # None if it could not be read
        self._opened: Future[Opened] = Future()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tuinews-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            opened = self.start(should_stop=self._stop.is_set)
        except BaseException as error:  # handed to whoever asks for the result
            self._opened.set_exception(error)
            return
        with contextlib.suppress(Exception):  # the UI reads it again, and says why
            self.first = self.store.first_page(opened.view, rows=self.rows, order=self.order)
        self._opened.set_result(opened)

    @property
    def ready(self) -> bool:
        return self._opened.done()

    def opened(self) -> Opened:
        """What to show (waits for it; raises what ``start`` raised)."""
        return self._opened.result()

    def stop(self, wait: float = 0.0) -> None:
        """The app is quitting: ``start`` may stop early; ``wait``: for up to this many
        seconds, until it has (before the store is closed under it)."""
        self._stop.set()
        if wait:
            self._thread.join(wait)
