"""Rules go to the refresh's worker processes as text (``refresh_worker.rule_texts``): sent as
made, their parsed queries cost 0.8 ms a feed to pickle and unpickle for 50 rules. A
worker makes them again once, and they are the same rules. Their SQL is made once for
the feeds stored after another, again at another time only if it holds the time."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from tests.builders import article
from tuinews.refresh_worker import _rules_from, rule_texts
from tuinews.query.rules import make_rule
from tuinews.store import Store, View
from tuinews.store.rule_match import apply_rules_in

RULES = [
    make_rule("config rule 1", "  title:(sponsored OR advert) -feed:Good  ", "hide"),
    make_rule("rule 7", 'author:"Elena Costa" is:unread', "star"),
    make_rule("config rule 2", "title:^opinion age:<7d", "read"),
    make_rule("Politics", "(election OR vote) tag:world", "tag:Politics/EU"),
    make_rule("config rule 3", 'élection -"c++"', "tag:x"),
]


def test_rules_sent_as_text_are_made_again_the_same_once_per_worker() -> None:
    texts = pickle.loads(pickle.dumps(rule_texts(RULES)))
    made = _rules_from(texts)
    assert made == tuple(RULES)
    assert _rules_from(texts) is made  # (made once)
    assert _rules_from(texts[:2]) == tuple(RULES[:2])  # other rules: made again
    assert len(pickle.dumps(texts)) < len(pickle.dumps(tuple(RULES))) / 3


def test_the_sql_of_rules_with_an_age_is_made_again_for_another_time(store: Store) -> None:
    feed = store.add_feed("https://a.example/feed", title="Daily")
    day = datetime(2024, 1, 10, tzinfo=UTC)
    store.upsert_articles(feed.id, [article(str(i), f"Kyiv {i}", date=day) for i in range(4)])
    ids = sorted(h.id for h in store.headlines(View()))
    rules = [make_rule("fresh", "kyiv age:<1d", "star"), make_rule("k", "kyiv", "tag:k")]
    then = int(day.timestamp())
    with store.database.write() as db:
        assert apply_rules_in(db, rules, ids[:2], then + 3600).changed == [2, 2]
        # Two days later, the same rules: the age is counted from the new time.
        assert apply_rules_in(db, rules, ids[2:], then + 2 * 86400).changed == [0, 2]
    assert [h.starred for h in store.headlines(View())] == [False, False, True, True]
