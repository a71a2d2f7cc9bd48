"""The SQLite store: feeds, articles, read and starred state, full-text search."""

from tuinews.store.store import (
    Feed,
    FeedExists,
    Headline,
    Store,
    StoreError,
    UpsertCounts,
    View,
)

__all__ = ["Feed", "FeedExists", "Headline", "Store", "StoreError", "UpsertCounts", "View"]
