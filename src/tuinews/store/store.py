"""The store: the one way the rest of tuinews reads and writes the database.

:class:`Store` is made of parts, each holding the one :class:`~.database.Database`
(the connections, the write lock, the schema) and each owning the SQL of one concern:

- :class:`~.feeds.Feeds`: the feeds and their tags, and the bookkeeping of fetching them;
- :class:`~.articles.Articles`: storing fetched articles (with retention), reading one,
  its flags and caches;
- :class:`~.listing.Listing`: views and searches listed (ids in order, rows by id, the
  first page of results), their counts, marking a view read;
- :class:`~.search_index.SearchIndex`: the full-text index's upkeep;
- :class:`~.transfer.Transfer`: importing articles and read state, exporting the state
  (with :mod:`~.adopt`, shared with Articles: imported articles whose uid is a guess, and
  the fetched articles that take them over);
- :class:`~.accounts.Accounts`: accounts on feed servers, their feeds, and the changes
  waiting to be sent (queued with the change itself by :mod:`~.pending`);
- :class:`~.sync.SyncItems`: what a sync stores of an account's items and their state;
- :class:`~.saved.Saved`: saved searches and the rules added by command;
- :class:`~.rule_sql.RuleRunner`: rules applied to what is stored (at ingest they run in
  ``Articles.upsert_articles``'s transaction);
- :class:`~.highlight_sql.Highlights`: which headlines of a page the highlights match;
- :class:`~.range_counts.RangeCounts`: views' counts over a range of new articles;
- :class:`~.enclosures.Downloads`: enclosures' downloads (the enclosures themselves are
  written and read with their articles).

The Store hands out the parts' methods as its own, so callers see one object; a method's
signature and docstring are where its SQL is. A change of several parts in one
transaction (a feed's articles with its fetch's validators) is one part's method calling
the others' ``..._in(db, ...)`` methods with its open transaction.

The parts the reader's first frame does not need (accounts and sync, saved searches,
rules, highlights, import and export) are made when one of their methods is first
called (:class:`Later`): their modules and the query language they load cost ~20 ms of
start-up (benchmarks/startup.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from tuinews.store.articles import Articles, UpsertCounts
from tuinews.store.database import CorruptStore, Database, StoreError
from tuinews.store.enclosures import Download, Downloads
from tuinews.store.feeds import LOCAL_TITLE, LOCAL_URL, Feed, FeedExists, Feeds, FeedSuccess
from tuinews.store.listing import FirstPage, Headline, Listing, View
from tuinews.store.search_index import SearchIndex

if TYPE_CHECKING:
    from tuinews.store.accounts import Account, Accounts
    from tuinews.store.highlight_sql import Highlights
    from tuinews.store.range_counts import RangeCounts
    from tuinews.store.rule_sql import RuleCounts, RuleRunner
    from tuinews.store.saved import Saved, SavedSearch, SearchExists, StoredRule
    from tuinews.store.sync import SyncItems
    from tuinews.store.transfer import ImportCounts, StateCounts, Transfer

__all__ = [
    "LOCAL_TITLE",
    "LOCAL_URL",
    "Account",
    "CorruptStore",
    "Download",
    "Feed",
    "FeedExists",
    "FeedSuccess",
    "FirstPage",
    "Headline",
    "ImportCounts",
    "RuleCounts",
    "SavedSearch",
    "SearchExists",
    "StateCounts",
    "Store",
    "StoreError",
    "StoredRule",
    "UpsertCounts",
    "View",
]

# The later parts' own names, loaded when first asked for (PEP 562), with their part.
_LATER_NAMES = {
    "Account": "accounts",
    "RuleCounts": "rule_sql",
    "SavedSearch": "saved",
    "SearchExists": "saved",
    "StoredRule": "saved",
    "ImportCounts": "transfer",
    "StateCounts": "transfer",
}


def __getattr__(name: str) -> object:
    home = _LATER_NAMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # (a later part's module: loaded when first used, see the module's docstring)
    from importlib import import_module

    value = getattr(import_module(f"tuinews.store.{home}"), name)
    globals()[name] = value
    return value


class Later:
    """A part made when one of its methods is first called (once, from any thread).
    ``part.method`` is a function that makes the part, then calls its method."""

    def __init__(self, make: Callable[[], object]) -> None:
        self._make = make
        self._part: object = None
        self._lock = threading.Lock()

    def made(self) -> Any:
        with self._lock:
            if self._part is None:
                self._part = self._make()
            return self._part

    def __getattr__(self, name: str) -> Callable[..., object]:
        def method(*args: object, **kwargs: object) -> object:
            return getattr(self.made(), name)(*args, **kwargs)

        method.__name__ = method.__qualname__ = name
        return method


def _later_parts(
    database: Database, feeds: Feeds, articles: Articles, index: SearchIndex, listing: Listing
) -> dict[str, Later]:
    """The parts made when first used (see the module's docstring)."""

    def accounts() -> object:
        # (a part the first frame does not need: made when first used)
        from tuinews.store.accounts import Accounts

        return Accounts(database, feeds)

    def sync() -> object:
        # (a part the first frame does not need: made when first used)
        from tuinews.store.sync import SyncItems

        return SyncItems(database, parts["accounts"].made(), articles, index)

    def saved() -> object:
        # (a part the first frame does not need: made when first used)
        from tuinews.store.saved import Saved

        return Saved(database)

    def rules() -> object:
        # (the query language, ~10 ms: made when first used)
        from tuinews.store.rule_sql import RuleRunner

        return RuleRunner(database, index)

    def highlights() -> object:
        # (the query language, ~10 ms: made when the first highlight is looked for)
        from tuinews.store.highlight_sql import Highlights

        return Highlights(database)

    def transfer() -> object:
        # (a part the first frame does not need: made when first used)
        from tuinews.store.transfer import Transfer

        return Transfer(database, articles, index)

    def ranges() -> object:
        # (the query language, ~10 ms: made when the first count is asked for)
        from tuinews.store.range_counts import RangeCounts

        return RangeCounts(database, listing)

    makers = (accounts, sync, saved, rules, highlights, transfer, ranges)
    parts = {make.__name__: Later(make) for make in makers}
    return parts


class Store:
    """Thread-safe access to one database file: feeds and articles."""

    def __init__(self, path: str | Path) -> None:
        """Open (creating and migrating) the database file: see ``Database``."""
        self.database = database = Database(path)
        self._feeds = feeds = Feeds(database)
        self._index = index = SearchIndex(database)
        self._articles = articles = Articles(database, feeds, index)
        self._listing = listing = Listing(database, feeds)
        self._downloads = downloads = Downloads(database)
        if TYPE_CHECKING:  # what the parts made later are (mypy reads this branch only)
            transfer = Transfer(database, articles, index)
            accounts = Accounts(database, feeds)
            sync = SyncItems(database, accounts, articles, index)
            saved = Saved(database)
            rules = RuleRunner(database, index)
            highlights = Highlights(database)
            ranges = RangeCounts(database, listing)
        else:
            later = _later_parts(database, feeds, articles, index, listing)
            transfer, accounts, sync = later["transfer"], later["accounts"], later["sync"]
            saved, rules, highlights = later["saved"], later["rules"], later["highlights"]
            ranges = later["ranges"]

        # The file
        self.path = database.path
        self.file_for_workers = database.file_for_workers
        self.created = database.created  # made by this opening
        self.opened_version = database.opened_version  # data_version when opened
        self.data_version = database.data_version
        self.close = database.close

        # Feeds and tags
        self.add_feed = feeds.add_feed
        self.merge_feed = feeds.merge_feed
        self.remove_feed = feeds.remove_feed
        self.set_tags = feeds.set_tags
        self.set_feed_hidden = feeds.set_feed_hidden
        self.set_feed_full_text = feeds.set_feed_full_text
        self.change_feed = feeds.change_feed
        self.hidden_feed_ids = feeds.hidden_feed_ids
        self.hidden_articles = feeds.hidden_articles
        self.feeds = feeds.feeds
        self.get_feed = feeds.get_feed
        self.find_feed = feeds.find_feed
        self.local_feed_id = feeds.local_feed_id
        self.record_success = feeds.record_success
        self.record_successes = feeds.record_successes
        self.record_failure = feeds.record_failure

        # Articles, one at a time
        self.upsert_articles = articles.upsert_articles
        self.rules_ahead = articles.rules_ahead
        self.ids_for_uids = articles.ids_for_uids
        self.get_article = articles.get_article
        self.is_empty = articles.is_empty
        self.set_full_text = articles.set_full_text
        self.cache_markdown = articles.cache_markdown
        self.set_read = articles.set_read
        self.set_starred = articles.set_starred
        self.set_starred_ids = articles.set_starred_ids

        # Views and searches
        self.headline_ids = listing.headline_ids
        self.first_page = listing.first_page
        self.headlines_by_id = listing.headlines_by_id
        self.headlines = listing.headlines
        self.counts = listing.counts
        self.mark_view_read = listing.mark_view_read
        self.unread_count = ranges.unread_count
        self.unread_counts_in = ranges.unread_counts_in
        self.countable_upto = listing.countable_upto
        self.countable_upto_each = listing.countable_upto_each
        self.highlight_matches = highlights.highlight_matches

        # Saved searches and rules
        self.add_saved_search = saved.add_saved_search
        self.merge_saved_search = saved.merge_saved_search
        self.saved_searches = saved.saved_searches
        self.remove_saved_search = saved.remove_saved_search
        self.add_rule = saved.add_rule
        self.merge_rule = saved.merge_rule
        self.stored_rules = saved.stored_rules
        self.remove_rule = saved.remove_rule
        self.apply_rules = rules.apply_rules

        # The search index
        self.index_pending = index.index_pending
        self.pending_index = index.pending_index

        # Import and export
        self.import_articles = transfer.import_articles
        self.article_states = transfer.article_states
        self.state_hints = transfer.state_hints
        self.apply_state = transfer.apply_state

        # Accounts on feed servers, and their syncs
        self.add_account = accounts.add_account
        self.accounts = accounts.accounts
        self.get_account = accounts.get_account
        self.remove_account = accounts.remove_account
        self.record_sync = accounts.record_sync
        self.account_feeds = accounts.account_feeds
        self.apply_subscriptions = accounts.apply_subscriptions
        self.pending_changes = accounts.pending_changes
        self.forget_pending = accounts.forget_pending
        self.known_numbers = sync.known_numbers
        self.apply_remote_state = sync.apply_remote_state
        self.apply_remote_labels = sync.apply_remote_labels
        self.store_items = sync.store_items

        # Enclosures' downloads
        self.queue_download = downloads.queue_download
        self.downloads = downloads.downloads
        self.get_download = downloads.get_download
        self.download_progress = downloads.download_progress
        self.finish_download = downloads.finish_download
        self.cancel_download = downloads.cancel_download
        self.move_download = downloads.move_download

    @property
    def writable(self) -> bool:
        """Whether this process may write the database file (and its folder)."""
        return self.database.writable

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# A worker process copies the write-ahead log into the database itself, each time it has
# stored CHECKPOINT_ROWS more articles (or items), after its write and outside the write
# lock (``worker_wrote``: Database.checkpoint_aside). Each copy syncs both files to disk:
# made by SQLite as it commits, with the lock held, the other workers waited for the disk
# (a cold refresh of 1,000 feeds made ~45 of them, a tenth of its time: 6.87 -> 6.69 s
# median, with 50 rules 7.58 -> 7.30 s, alternating, benchmarks/refresh.py's feeds).
# SQLite's own copy is left for a log of CHECKPOINT_PAGES (40 MB, not its 4 MB): a bound,
# should the workers' copies not keep up. What is left in the log is copied when the last
# connection closes.
CHECKPOINT_ROWS = 1_000
CHECKPOINT_PAGES = 10_000
_worker_stores: dict[str, Store] = {}
_written: dict[str, int] = {}  # rows each worker store wrote since its last copy


def worker_store(db: str) -> Store:
    """In a worker process: its own store of the database file ``db`` (one a process,
    kept open), whose log SQLite copies only once it holds :data:`CHECKPOINT_PAGES`."""
    store = _worker_stores.get(db)
    if store is None:
        store = _worker_stores[db] = Store(db)
        store.database.checkpoint_every(CHECKPOINT_PAGES)
    return store


def worker_wrote(db: str, rows: int) -> None:
    """In a worker process, after a write to ``db`` (``worker_store``'s) and outside the
    write lock: ``rows`` more were stored; every :data:`CHECKPOINT_ROWS` of them, the log
    is copied into the database (``Database.checkpoint_aside``)."""
    total = _written.get(db, 0) + rows
    if total >= CHECKPOINT_ROWS:
        worker_store(db).database.checkpoint_aside()
        total = 0
    _written[db] = total
