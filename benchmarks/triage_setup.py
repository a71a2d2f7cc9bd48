"""One power user's triage setup (issue 15's speed targets), shared by ``scale.py
--triage`` and ``refresh.py --rules 50``: 20 saved searches, 50 rules and the ten
highlights of ``scale.py`` (``HIGHLIGHTS``).

The saved searches and rules are what a newsboat user's query feeds and killfile hold:
words (common and rare), title and author words, tags and folders, feeds by name,
``is:unread``/``is:starred``, ``age:``, OR groups and exclusions. Their words are from the
vocabularies of both synthetic corpora (``scale.py``'s Zipf English and
``feedserver.py``'s news words), so that each matches some articles of either.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

# Saved searches: (name, query).
SAVED = [
    ("Unread politics", "tag:politics is:unread"),
    ("Europe", "tag:world/europe"),
    ("Elections", "election OR elections OR vote"),
    ("Energy", "(energy OR electricity OR solar) -opinion"),
    ("Markets today", "market age:<1d"),
    ("This week", "is:unread age:<7d"),
    ("Climate", 'climate OR "climate change"'),
    ("Police", "title:police"),
    ("Government, unread", "government is:unread"),
    ("Starred", "is:starred"),
    ("Feed 0003", "feed:0003"),
    ("Health", "health OR hospital OR doctors"),
    ("Tech", "tag:tech (software OR security)"),
    ("Minister", "title:minister -sport"),
    ("Writers", "author:writer is:unread"),
    ("Old unread", "is:unread age:>1y"),
    ("Schools", "school OR teachers OR students"),
    ("Rare", "{rare10}"),
    ("Interest rates", '"interest rates" OR inflation'),
    ("World, not sport", "world -tag:sport"),
]

# Rules: (match, action), as a killfile and a few tags and stars.
RULES = [
    ("title:sponsored", "hide"),
    ("title:advertisement", "hide"),
    ("title:horoscope", "hide"),
    ('title:"sign up"', "hide"),
    ("title:quiz", "hide"),
    ("title:celebrity", "hide"),
    ("title:gossip", "hide"),
    ("title:(league OR coach) tag:sport", "read"),
    ("feed:Sport", "read"),
    ("author:desk", "read"),
    ("title:festival", "read"),
    ("title:weather", "read"),
    ("title:forecast", "read"),
    ("title:^opinion", "read"),
    ("title:podcast", "read"),
    ("title:video", "read"),
    ("title:live", "read"),
    ("title:rainfall", "read"),
    ('title:"this week"', "read"),
    ("title:(season OR players)", "read"),
    ("title:telescope", "star"),
    ("title:satellite", "star"),
    ("title:launch title:rocket", "star"),
    ("title:research", "star"),
    ("{rare20}", "star"),
    ('author:"Elena Costa"', "star"),
    ("title:election", "tag:politics"),
    ("title:parliament", "tag:politics"),
    ("title:minister", "tag:politics"),
    ("title:(budget OR council)", "tag:politics"),
    ("title:(inflation OR prices OR growth)", "tag:economy"),
    ("title:(market OR shares OR investors)", "tag:economy"),
    ("title:(profits OR analysts)", "tag:economy"),
    ("title:(software OR browser OR developers)", "tag:tech"),
    ("title:(privacy OR regulators)", "tag:tech"),
    ("title:(climate OR drought OR storm)", "tag:climate"),
    ("title:(solar OR wind OR turbines OR battery)", "tag:energy"),
    ("title:(hospital OR patients OR doctors OR health)", "tag:health"),
    ("title:(school OR teachers OR students OR university)", "tag:education"),
    ("title:(railway OR airport OR harbour OR transport)", "tag:transport"),
    ("title:(housing OR rents OR planning)", "tag:housing"),
    ("title:(farmers OR harvest)", "tag:farming"),
    ("title:(court OR police)", "tag:justice"),
    ("title:(museum OR festival)", "tag:culture"),
    ("title:european", "tag:europe"),
    ("{rare30}", "tag:rare"),
    ("government shutdown", "tag:politics"),
    ('"interest rates"', "tag:economy"),
    ("title:strike -title:football", "tag:labour"),
    ("feed:Opinion title:(said OR warned)", "hide"),
]

# Tags of the scale store's feeds (its feeds have none): by index modulo len(TAGS).
TAGS = [
    ["politics"],
    ["world/europe"],
    ["tech"],
    ["sport"],
    ["world/asia"],
    ["business"],
    [],
    ["politics", "world/europe"],
    ["science"],
    [],
]


def _filled(text: str) -> str:
    from scale import rare_words  # this folder is on the path when run as a script

    rare = rare_words()
    return text.format(rare10=rare[10], rare20=rare[20], rare30=rare[30])


def saved_searches() -> list[tuple[str, str]]:
    return [(name, _filled(query)) for name, query in SAVED]


def rules() -> list[tuple[str, str]]:
    return [(_filled(match), action) for match, action in RULES]


def config_text(rule_count: int = len(RULES), highlights: bool = True) -> str:
    """TOML for the config file: the first ``rule_count`` rules and the ten highlights."""
    lines: list[str] = []
    for match, action in rules()[:rule_count]:
        lines += ["[[rules]]", f"match = {json.dumps(match)}", f"action = {json.dumps(action)}"]
    if highlights:
        from scale import HIGHLIGHTS

        for match, style in HIGHLIGHTS:
            lines += [
                "[[highlight]]",
                f"match = {json.dumps(_filled_highlight(match))}",
                f"style = {json.dumps(style)}",
            ]
    return "\n".join(lines) + "\n"


def _filled_highlight(text: str) -> str:
    from scale import rare_words

    rare = rare_words()
    return text.format(rare3=rare[3], rare500=rare[500])


def check() -> None:
    """Every rule, saved search and highlight parses (the benchmark measures what runs)."""
    from tuinews.query.highlights import make_highlight
    from tuinews.query.rules import make_rule, parse_match

    for _name, query in saved_searches():
        parse_match(query)
    for i, (match, action) in enumerate(rules()):
        make_rule(f"bench rule {i}", match, action)
    from scale import HIGHLIGHTS

    for match, style in HIGHLIGHTS:
        make_highlight("bench", _filled_highlight(match), style)


def prepare_store(source: Path, target: Path) -> Path:
    """A copy of the scale store with the setup's saved searches and feed tags (once)."""
    if target.exists():
        return target
    import shutil

    from tuinews.store import Store

    building = target.with_suffix(".building")
    shutil.copyfile(source, building)
    with Store(building) as store:
        for name, query in saved_searches():
            store.add_saved_search(name, query)
        for index, feed in enumerate(store.feeds()):
            if tags := TAGS[index % len(TAGS)]:
                store.set_tags(feed.id, tags)
    with sqlite3.connect(building) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(target)
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    return target
