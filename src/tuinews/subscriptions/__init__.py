"""Subscription lists in and out (OPML and newsboat ``urls``).

Pure functions: no network, no database, no Textual. Everything read from a file is
untrusted: titles and tags go through :func:`~tuinews.sanitise.clean_line`, and only
absolute http(s) feed URLs are accepted (:func:`normalise_feed_url`). Entries that would
run a command (newsboat ``exec:``/``filter:``, Liferea's ``|cmd``), query feeds, local
files and anything else that is not http(s) are listed in :attr:`ImportResult.rejected`
with a reason, never imported.

- :mod:`.common`: the result types, the URL rules, duplicate merging and the caps;
- :mod:`.opml`: OPML in (expat, with libxml2's recover mode for malformed files) and out;
- :mod:`.newsboat`: newsboat's ``urls`` file;
- :mod:`.detect`: which of the two a file is, by its content.

newsboat's ``cache.db`` (articles and read state) is read by :mod:`tuinews.newsboat_cache`.
"""

from tuinews.subscriptions.common import (
    FEED_TYPES,
    MAX_FEEDS,
    MAX_FILE_BYTES,
    ImportResult,
    Subscription,
    SubscriptionFileError,
    feed_url_problem,
    normalise_feed_url,
)
from tuinews.subscriptions.detect import read_subscriptions
from tuinews.subscriptions.newsboat import parse_newsboat_urls
from tuinews.subscriptions.opml import export_opml, parse_opml

__all__ = [
    "FEED_TYPES",
    "MAX_FEEDS",
    "MAX_FILE_BYTES",
    "ImportResult",
    "Subscription",
    "SubscriptionFileError",
    "export_opml",
    "feed_url_problem",
    "normalise_feed_url",
    "parse_newsboat_urls",
    "parse_opml",
    "read_subscriptions",
]
