"""The refresh's side in its worker processes (:mod:`tuinews.pool`): parse a fetched
feed, decide the rules on its new articles, then store them under the write lock
(:data:`parse_and_store`, in two stages, so a worker waiting for the lock parses the feeds
sent after), or parse a page for reader mode. What the parent sends them is plain data:
the bytes, the fetch's :class:`Fetched`, the rules as text (:func:`rule_texts`).
Nothing here imports Textual."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from tuinews.extract import extract_document
from tuinews.formats import ParsedFeed, parse_feed
from tuinews.pool import Staged, write_lock
from tuinews.query.rules import Rule, make_rule
from tuinews.store import FeedSuccess
from tuinews.store.articles import Ahead
from tuinews.store.store import UpsertCounts, worker_store, worker_wrote

MAX_INTERVAL = 7 * 24 * 3600  # a feed's own ttl / max-age is honoured up to a week


def parse_in_worker(body: bytes, url: str) -> ParsedFeed:
    return parse_feed(body, url)


def extract_in_worker(body: bytes, url: str) -> str:
    """In a worker: the article in a fetched page, as Markdown (reader mode)."""
    extracted = extract_document(body, name=url, url=url)
    if not extracted.found and extracted.note:
        return f"*{extracted.note}*\n\n{extracted.markdown}".strip()
    return extracted.markdown


@dataclass(frozen=True)
class Fetched:
    """What the fetch of a feed says about it, for the transaction that stores it."""

    etag: str | None
    last_modified: str | None
    max_age: float | None
    moved_to: str = ""
    new_url: str | None = None
    fresh: bool = False  # never fetched: its articles are all new (see Articles.rules_ahead)

    def success(self, parsed: ParsedFeed) -> FeedSuccess:
        return FeedSuccess(
            title=parsed.title or None,
            site_url=parsed.site_url or None,
            etag=self.etag,
            last_modified=self.last_modified,
            next_fetch=next_fetch(self.max_age, parsed.ttl_minutes),
            moved_to=self.moved_to,
            new_url=self.new_url,
        )


RuleText = tuple[str, str, str]  # a rule as a worker is sent it: name, match, action
_worker_rules: dict[tuple[RuleText, ...], tuple[Rule, ...]] = {}


def rule_texts(rules: Sequence[Rule]) -> tuple[RuleText, ...]:
    """The rules as text, to send to a worker: sent as made (their queries parsed), 50
    rules took 0.8 ms a feed to pickle and unpickle, a quarter of what they cost a
    refresh; as text, 0.1 ms, and each worker makes them once (``_rules_from``)."""
    return tuple((rule.name, rule.match, rule.action.text) for rule in rules)


def _rules_from(texts: tuple[RuleText, ...]) -> tuple[Rule, ...]:
    """In a worker: the rules of these texts, made once (the last ones kept). They were
    checked where they were read, and make the same rules here."""
    rules = _worker_rules.get(texts)
    if rules is None:
        _worker_rules.clear()
        rules = _worker_rules[texts] = tuple(make_rule(*text) for text in texts)
    return rules


@dataclass
class _Prepared:
    """A feed parsed in a worker, and the rules decided on it, to be stored there."""

    parsed: ParsedFeed
    db: str
    feed_id: int
    keep: int
    keep_days: int
    fetched: Fetched
    rules: tuple[Rule, ...]
    now: int
    ahead: Ahead | None


def _parse_for_store(
    body: bytes,
    url: str,
    db: str,
    feed_id: int,
    keep: int,
    keep_days: int,
    fetched: Fetched,
    rules: tuple[RuleText, ...] = (),
) -> _Prepared:
    """In a worker, the first stage of :data:`parse_and_store`, which takes no lock:
    parse, and match the ``rules`` (``rule_texts``) on the new articles (pure CPU)."""
    parsed = parse_feed(body, url)
    ruled = _rules_from(rules) if rules else ()
    now = int(time.time())
    # The rules matched before taking the write lock, while the other worker may hold it
    # (the articles' flags still go in the INSERTs; re-matched under the lock if the new
    # articles are no longer those).
    ahead = (
        worker_store(db).rules_ahead(feed_id, parsed.articles, ruled, now, fetched.fresh)
        if ruled
        else None
    )
    return _Prepared(parsed, db, feed_id, keep, keep_days, fetched, ruled, now, ahead)


def _store_parsed(prepared: _Prepared) -> tuple[ParsedFeed, UpsertCounts]:
    """In a worker, the second stage of :data:`parse_and_store`: the articles and the
    feed's new validators in one transaction, under the write lock, with the rules run
    on the new articles in it."""
    parsed, fetched = prepared.parsed, prepared.fetched
    with write_lock():
        counts = worker_store(prepared.db).upsert_articles(
            prepared.feed_id,
            parsed.articles,
            keep=prepared.keep,
            keep_days=prepared.keep_days,
            index_now=False,
            success=fetched.success(parsed),
            rules=prepared.rules,
            now=prepared.now,
            ahead=prepared.ahead,
        )
    worker_wrote(prepared.db, counts.new + counts.updated)  # (the log copied: not locked)
    # The articles as inserted were for the rules: sent back, they were pickled here and
    # unpickled by the parent (a tenth of its CPU in a cold refresh) for nothing.
    counts.inserted = []
    return ParsedFeed(parsed.title, parsed.site_url, parsed.ttl_minutes), counts


# In a worker: parse, then store with the worker's own connection (one per process), so
# that SQLite's work runs beside the parent's fetching instead of competing with it for
# the parent's GIL. The articles are indexed for search 2,000 at a time (the refresh
# indexes the rest at its end), and not sent back. Called as
# ``parse_and_store(body, url, db, feed_id, keep, keep_days, fetched, rule_texts)``; in
# two stages, so a worker waiting for the write lock parses the feeds sent after.
parse_and_store = Staged(_parse_for_store, _store_parsed)


def next_fetch(max_age: float | None, ttl_minutes: int | None) -> int | None:
    """The feed's own lower bound on the interval: RSS <ttl> or Cache-Control max-age."""
    seconds = max((ttl_minutes or 0) * 60, int(max_age or 0))
    if seconds <= 0:
        return None
    return int(time.time()) + min(seconds, MAX_INTERVAL)
