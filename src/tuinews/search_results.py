"""Search as you type, headless: what a search (or a view) finds, in the steps the reader
shows them. The first screen of results comes at once (newest matches first, or ranked when
there are few); the ids of the rest once typing pauses. Timing, sizes and the steps are
here; the reader's main screen runs :func:`search_steps` in a thread worker and shows what
it yields. No Textual here: the command line imports ``FIRST_SCREEN`` before Textual."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuinews.store import Headline, Store, View

if TYPE_CHECKING:
    from tuinews.query import Query

FIRST_SCREEN = 60  # rows fetched with the first results (a tall terminal's screen)
RANKED_MAX = 200  # at most this many matches are ranked (bm25 over a few is cheap)
TYPING_PAUSE = 0.25  # seconds without a keystroke before the rest of the ids are read
SHORT_PAUSE = 0.6  # ... before a very short prefix is searched (see Query.short)
MANY = 1000  # matches counted in all articles when the view has none


@dataclass
class Results:
    """What a search (or a view) found: ``ids`` in order, the first ``rows`` fetched;
    ``complete`` False while only the first screen is known; ``rest``: the ids of the
    first screen's query, with the rows it fetched still current; ``deferred``: the query
    waits for more letters; ``reload``: the shown view and search read again (the store
    changed), where the article under the cursor stays."""

    view: View
    text: str
    ids: Sequence[int] = ()
    rows: list[Headline] = field(default_factory=list)
    complete: bool = True
    rest: bool = False
    deferred: bool = False
    reload: bool = False
    elsewhere: int = 0  # none here: how many matches all articles have (up to MANY)


def wait(seconds: float, cancelled: Callable[[], bool]) -> bool:
    """Wait in a worker thread; False if it was cancelled meanwhile (e.g. by a newer
    keystroke)."""
    for _ in range(round(seconds / 0.02)):
        time.sleep(0.02)
        if cancelled():
            return False
    return True


def searched_order(text: str, order: str) -> str:
    """The order a listing is in: the view's, unless a search is typed (best first)."""
    return "newest" if text.strip() else order


def search_steps(
    store: Store,
    view: View,
    text: str,
    query: Query,
    cancelled: Callable[[], bool],
    *,
    force: bool = False,
    refresh: bool = False,
    order: str = "newest",
) -> Iterator[Results]:
    """The results of ``query`` (typed as ``text``) in ``view``, as they should be shown:
    the first screen, then (once typing pauses) every id. A very short prefix waits for a
    pause first, unless ``force`` (Enter, or the view read again). ``refresh``: the stored
    articles changed, so the ids are read at once and the rows only when drawn. Stops
    between steps once ``cancelled`` (a newer keystroke). In a thread: it reads the store
    and sleeps. ``order``: the view's headlines' (``tuinews.query.orders``); a search
    typed lists its matches best first whatever the order (sorting every match of a
    common word by title took 200 ms a keystroke at 100,000 articles)."""
    if query.short and not force and not wait(SHORT_PAUSE, cancelled):
        return  # a very short prefix waits for a pause
    order = searched_order(text, order)
    first = store.first_page(
        view,
        query,
        rows=0 if refresh else FIRST_SCREEN,  # a refresh: the rows are fetched when drawn
        ranked_max=RANKED_MAX,
        order=order,
    )
    if cancelled():
        return
    if first.complete or not refresh:
        found = Results(view, text, first.ids, first.rows, first.complete, reload=refresh)
        if not found.ids and text.strip() and view != View():  # in other views?
            found.elsewhere = len(store.headline_ids(View(), query, limit=MANY))
        yield found
        if first.complete:
            return
        if text.strip() and not wait(TYPING_PAUSE, cancelled):
            return  # typing: a pause comes before reading every id
    ids = store.headline_ids(view, query, cancelled=cancelled, order=order)
    if not cancelled():
        yield Results(view, text, ids, [], True, rest=not refresh, reload=refresh)
