"""The SQLite store: feeds, articles, read and starred state, full-text search."""

from tuinews.store.lock import AlreadyRunning
from tuinews.store.store import (
    Account,
    CorruptStore,
    Download,
    Feed,
    FeedExists,
    FeedSuccess,
    FirstPage,
    Headline,
    RuleCounts,
    SavedSearch,
    SearchExists,
    Store,
    StoredRule,
    StoreError,
    UpsertCounts,
    View,
)

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
