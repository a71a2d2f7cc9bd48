"""The SQLite store: feeds, articles, read and starred state, full-text search."""

from typing import TYPE_CHECKING

from tuinews.store.lock import AlreadyRunning
from tuinews.store.store import (
    CorruptStore,
    Download,
    Feed,
    FeedExists,
    FeedSuccess,
    FirstPage,
    Headline,
    Store,
    StoreError,
    UpsertCounts,
    View,
)

if TYPE_CHECKING:
    from tuinews.store.accounts import Account
    from tuinews.store.rule_sql import RuleCounts
    from tuinews.store.saved import SavedSearch, SearchExists, StoredRule


def __getattr__(name: str) -> object:
    """The names of the parts made later (see ``store.store``): loaded when first used."""
    # (a later part's module: loaded when first used, see tuinews.store.store)
    from tuinews.store import store

    return getattr(store, name)


__all__ = [
    "Account",
    "AlreadyRunning",
    "CorruptStore",
    "Download",
    "Feed",
    "FeedExists",
    "FeedSuccess",
    "FirstPage",
    "Headline",
    "RuleCounts",
    "SavedSearch",
    "SearchExists",
    "Store",
    "StoreError",
    "StoredRule",
    "UpsertCounts",
    "View",
]
