"""What the main screen says when there is nothing to list, and about files it skipped
(plain text: it is shown as such, never as markup)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tuinews.models import Skipped
from tuinews.search_results import MANY
from tuinews.store import View

EMPTY_LIBRARY = (
    "No articles to show.\n\n"
    "Open files or folders with `tuinews PATH...` (plain text, Markdown, HTML, RSS, Atom "
    "or JSON Feed files), or subscribe to a feed with `tuinews add URL`."
)


def nothing_here(view: View, skipped: str, failed: str) -> str:
    """The headline list's message when ``view`` is empty: the whole library (or the files
    opened: ``skipped`` says which were left out), or a feed, a tag... (``failed``: why the
    feed's last refresh failed)."""
    if view == View() or view.ids is not None:
        return EMPTY_LIBRARY + skipped
    if view.search is not None:
        return f"Nothing matches this saved search: {view.search}"
    return "No articles here." + (f"\n\n{failed}" if failed else "")


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
