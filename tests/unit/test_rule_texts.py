"""Rules go to the refresh's worker processes as text (``ingest.rule_texts``): sent as
made, their parsed queries cost 0.8 ms a feed to pickle and unpickle for 50 rules. A
worker makes them again once, and they are the same rules."""

from __future__ import annotations

import pickle

from tuinews.ingest import _rules_from, rule_texts
from tuinews.query.rules import make_rule

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
