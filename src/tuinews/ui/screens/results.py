"""What the main screen's search shows: results as they arrive, and the notes it writes
(no Textual here)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tuinews.models import Skipped
from tuinews.store import Headline, View

FIRST_SCREEN = 60  # rows fetched with the first results (a tall terminal's screen)
RANKED_MAX = 200  # at most this many matches are ranked (bm25 over a few is cheap)
TYPING_PAUSE = 0.25  # seconds without a keystroke before the rest of the ids are read
HOLD_FRAME = 0.03  # seconds a typed letter may wait to be drawn with its results
SHORT_PAUSE = 0.6  # ... before a very short prefix is searched (see search.SHORT)
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


def no_match(text: str, scope: str, elsewhere: int, key: str) -> str:
    """The headline list's message when a search in ``scope`` finds nothing; ``elsewhere``
    matches in all articles, which ``key`` searches."""
    if not elsewhere:
        return f"No headlines match {text!r} in {scope}.\nEscape clears."
    count = f"over {MANY}" if elsewhere >= MANY else str(elsewhere)
    return (
        f"No match in {scope} — {count} in all articles: press {key} to search them."
        "\nEscape clears."
    )


def skipped_summary(skipped: Sequence[Skipped], limit: int = 5) -> str:
    """One short text: how many files were skipped, why, and the first few names."""
    reasons = Counter(item.reason for item in skipped)
    lines = [", ".join(f"{count} {reason}" for reason, count in reasons.most_common())]
    lines += [f"{item.path}: {item.reason}" for item in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"… and {len(skipped) - limit} more")
    return "\n".join(lines)


def wait(seconds: float, cancelled: Callable[[], bool]) -> bool:
    """Wait in a worker; False if it was cancelled meanwhile (e.g. by a newer keystroke)."""
    for _ in range(round(seconds / 0.02)):
        time.sleep(0.02)
        if cancelled():
            return False
    return True
