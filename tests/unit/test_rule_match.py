"""Rules matched in Python in one pass (store.rule_match, query.matcher) give exactly
what their SQL gives (store.rule_sql, the search's meaning): many random articles (words
with accents, combining marks, CJK, punctuation, numbers, cases, several scripts) and
many random rules (words, prefixes, phrases, fields, ^, OR, NOT, tags, feeds, states,
dates, ages), compared change by change and count by count on a real store; and the
tokenizer model compared with SQLite's own tokenizer over random strings."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.builders import article
from tuinews.query.fts_tokens import beyond_ascii, tokens
from tuinews.query.rules import BadRule, Rule, make_rule
from tuinews.store import Store, rule_match
from tuinews.store.fts_chars import learn_chars
from tuinews.store.rule_match import apply_rules_in
from tuinews.store.rule_sql import RuleCounts, apply_rules_sql_in

WORDS = [
    "news", "election", "électión", "ÉLECTION", "elect", "café", "cafe", "CAFE", "naïve",
    "straße", "strasse", "İstanbul", "istanbul", "東京", "日本語", "テスト", "москва",
    "Москва", "αθήνα", "ΑΘΗΝΑ", "שלום", "مرحبا", "42", "4.2", "x86_64", "c++", "AT&T",
    "foo_bar", "e\u0301te\u0301", "ete", "ﬁnance", "finance", "①", "x²", "co-op", "coop",
    "o'neil", "don’t", "\u0301abc", "abc", "Sport", "sports", "opinion", "Ǆemal", "ǆemal",
    "ΣΟΦΟΣ", "σοφος", "ﬀ", "1st", "\u3000", "—", "a\u200bb", "😀", "K", "k",
]  # fmt: skip
FEEDS = [
    ("https://sport.example/feed", "Sport Desk", ["sport", "World/Europe"], False),
    ("https://news.example/opinion", "Opinion Pages", ["politics"], False),
    ("https://tech.example/feed", "TECH ÉCHO", ["tech"], True),
    ("https://plain.example/rss", "", [], False),
]
NOW = int(datetime(2024, 1, 20, tzinfo=UTC).timestamp())


ASCII = [word for word in WORDS if word.isascii()]


def text(rnd: random.Random, most: int) -> str:
    parts = []
    words = ASCII if rnd.random() < 0.4 else WORDS  # (ASCII texts are matched otherwise)
    for _ in range(rnd.randint(0, most)):
        word = rnd.choice(words)
        if rnd.random() < 0.2:
            word = word.upper() if rnd.random() < 0.5 else word.title()
        ends = ["", "", " ", "-", ", ", ".", "_", "'s "] + ["\u0301", "’s "] * (words is WORDS)
        parts.append(word + rnd.choice(ends))
    return " ".join(parts)


def word(rnd: random.Random) -> str:
    found = rnd.choice(WORDS)
    if rnd.random() < 0.3 and len(found) > 1:
        found = found[: rnd.randint(1, len(found) - 1)]
    return found


def atom(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.45:
        value = word(rnd)
        if rnd.random() < 0.3:
            value = f'"{value} {word(rnd)}"'
        if rnd.random() < 0.2:
            value += "*"
        if rnd.random() < 0.15:
            value = "^" + value
        if rnd.random() < 0.4:
            value = rnd.choice(["title:", "author:"]) + value
        return value
    if kind < 0.6:
        return "tag:" + rnd.choice(["sport", "world", "world/europe", "politics", "a", "tech"])
    if kind < 0.7:
        return "feed:" + rnd.choice(["sport", "desk", "opinion", "écho", "example", "TECH"])
    if kind < 0.8:
        states = ["unread", "read", "starred", "hidden", "local", "downloaded"]
        return "is:" + rnd.choice(states)
    if kind < 0.84:
        return rnd.choice(["has:enclosure", "account:someone", "account:rss.EXAMPLE"])
    if kind < 0.92:
        return "age:" + rnd.choice("<>") + str(rnd.randint(1, 20)) + "d"
    return rnd.choice(["after:", "before:"]) + f"2024-01-{rnd.randint(1, 28):02d}"


def query(rnd: random.Random, depth: int = 0) -> str:
    terms = []
    for _ in range(rnd.randint(1, 3)):
        nested = depth < 2 and rnd.random() < 0.2
        term = "(" + query(rnd, depth + 1) + ")" if nested else atom(rnd)
        if rnd.random() < 0.2:
            term = "-" + term
        terms.append(term)
    joint = " OR " if rnd.random() < 0.35 else " "
    return joint.join(terms)


def rules(rnd: random.Random) -> list[Rule]:
    made = []
    while len(made) < rnd.randint(1, 6):
        action = rnd.choice(["hide", "read", "star", "tag:a", "tag:World/Asia", "TAG:a"])
        try:
            made.append(make_rule(f"rule {len(made)}", query(rnd), action))
        except BadRule:
            continue
    return made


def filled(store: Store, rnd: random.Random) -> dict[int, list[int]]:
    """Random articles in the FEEDS; their ids by feed."""
    ids: dict[int, list[int]] = {}
    for url, title, tags, hidden in FEEDS:
        feed = store.add_feed(url, title=title, tags=tags)
        if hidden:
            store.set_feed_hidden(feed.id, True)
        made = []
        for number in range(40):
            day = datetime(2024, 1, 20, tzinfo=UTC) - timedelta(days=rnd.randint(0, 30))
            made.append(
                article(
                    f"{number}",
                    title=text(rnd, 8) or "-",
                    body=text(rnd, 30) or "-",
                    author=text(rnd, 2),
                    date=day,
                )
            )
        store.upsert_articles(feed.id, made)
        ids[feed.id] = store.ids_for_uids(feed.id, [a.uid for a in made])
        store.set_read(rnd.sample(ids[feed.id], 10))
        for one in rnd.sample(ids[feed.id], 5):
            store.set_starred(one, True)
    return ids


def outcome(
    db: sqlite3.Connection, apply: object, found: list[Rule], ids: list[int], queue: bool
) -> tuple[list[int], list[tuple[object, ...]], ...]:
    db.execute("BEGIN")
    try:
        counts: RuleCounts = apply(db, found, ids, NOW, queue=queue)  # type: ignore[operator]
        flags = db.execute("SELECT id, read, starred, hidden FROM articles ORDER BY id").fetchall()
        tags = db.execute("SELECT article_id, tag FROM article_tags ORDER BY 1, 2").fetchall()
        queued = db.execute(
            "SELECT account_id, remote_id, number, action, argument, created "
            "FROM pending_changes ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
    finally:
        db.execute("ROLLBACK")
    return counts.changed, flags, tags, queued


def an_account(db: sqlite3.Connection, feed_id: int) -> None:
    """The feed made an account's (FreshRSS at someone@...), its articles items of it."""
    db.execute(
        "INSERT INTO accounts (id, api_url, user, added) "
        "VALUES (1, 'https://rss.example/api/greader.php', 'Someone', 0)"
    )
    db.execute("UPDATE feeds SET account_id = 1 WHERE id = ?", (feed_id,))
    db.execute(
        "INSERT INTO remote_items (article_id, account_id, remote_id, number) "
        "SELECT id, 1, 'item/' || id, id FROM articles WHERE feed_id = ?",
        (feed_id,),
    )


@pytest.mark.parametrize("ascii_lower", [True, False])
def test_random_rules_on_random_articles_change_what_their_sql_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ascii_lower: bool
) -> None:
    """(``ascii_lower`` False: as with a SQLite whose ``lower()`` is Unicode's, the rules
    with feed names and tags run their SQL, the others in Python, action by action.)"""
    monkeypatch.setattr(rule_match, "_lowers", [ascii_lower])
    monkeypatch.setattr(rule_match, "_plans", None)
    rnd = random.Random(15 if ascii_lower else 16)
    path = tmp_path / "tuinews.db"
    with Store(path) as store:
        by_feed = filled(store, rnd)
    db = sqlite3.connect(path, isolation_level=None)
    every = [i for feed in by_feed.values() for i in feed]
    undated = [i for i in every if rnd.random() < 0.15]
    # (stored without a date, as by an older version: SQL's NULL, unknown to a date test)
    db.execute(
        "UPDATE articles SET published = NULL WHERE id IN (SELECT value FROM json_each(?))",
        (str(undated),),
    )
    db.executemany(  # (tags of their own: an account's labels, a rule's before)
        "INSERT INTO article_tags (tag, article_id) VALUES (?, ?)",
        [(rnd.choice(["a", "world/asia", "sport", "x"]), i) for i in rnd.sample(every, 40)],
    )
    account_feed = list(by_feed)[1]
    an_account(db, account_feed)
    some = 0
    for _ in range(400):
        found = rules(rnd)
        feed_ids = list(by_feed)
        feed = rnd.choice(feed_ids)
        ids = rnd.sample(by_feed[feed], rnd.randint(1, 40))
        if rnd.random() < 0.3:  # (new articles: ids in a row)
            start = rnd.randint(0, 39)
            ids = by_feed[feed][start : rnd.randint(start + 1, 40)]
        if rnd.random() < 0.2:  # (and articles of several feeds at once)
            ids += rnd.sample(by_feed[rnd.choice(feed_ids)], 10)
            ids = sorted(set(ids))
        queue = feed == account_feed and rnd.random() < 0.7
        expected = outcome(db, apply_rules_sql_in, found, ids, queue)
        got = outcome(db, apply_rules_in, found, ids, queue)
        assert got == expected, [rule.match for rule in found]
        some += sum(expected[0]) > 0
    assert some > 100  # (the rules changed something often enough to compare)


def test_the_tokenizer_model_cuts_words_as_sqlite_does(tmp_path: Path) -> None:
    rnd = random.Random(61)
    pool = "".join(WORDS) + " _-.,'\u00a0\u0300\u0327\u0345\u1dc0\u20d0\ufe20\U0001d165"
    strings = []
    for _ in range(5000):
        strings.append(
            "".join(
                rnd.choice(pool) if rnd.random() < 0.85 else chr(rnd.randint(0x80, 0x2FFFF))
                for _ in range(rnd.randint(0, 25))
            )
            .encode("utf-8", "ignore")
            .decode("utf-8")
        )
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab (t, instance)")
    db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", list(enumerate(strings, 1)))
    theirs: dict[int, list[str]] = {}
    for term, doc in db.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        theirs.setdefault(doc, []).append(term)
    classes = learn_chars(db, beyond_ascii(strings))
    for number, string in enumerate(strings, 1):
        assert tokens(string, classes) == theirs.get(number, []), repr(string)


def stored(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        flags = db.execute("SELECT uid, read, starred, hidden FROM articles ORDER BY id").fetchall()
        tags = db.execute(
            "SELECT a.uid, t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id "
            "ORDER BY 1, 2"
        ).fetchall()
    finally:
        db.close()
    return flags, tags


@pytest.mark.parametrize(
    ("twice", "ahead", "fresh"),
    [(0.1, False, False), (0.0, False, False), (0.0, True, False), (0.0, True, True)],
)
def test_rules_at_ingest_match_the_articles_as_inserted_without_reading_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, twice: float, ahead: bool, fresh: bool
) -> None:
    """``upsert_articles`` hands the rules the articles it is inserting (not read back
    from the store): the same changes and counts as the rules' SQL run on the articles
    as stored, a uid twice in one fetch (the stored one: the last) included. Without
    one (``twice`` 0: the usual fetch), the rules are matched before the INSERTs, which
    set the flags (no UPDATE of them); articles stored before are not new. ``ahead``:
    the rules decided before the write (``rules_ahead``, as a refresh's worker does),
    used in the write (not matched again) when the new articles are those it saw, and
    matched again in it when they are not (decided on fewer articles here). ``fresh``:
    decided ahead as for a feed never fetched, every article taken as new without a read:
    matched again in the write when some were stored after all."""
    monkeypatch.setattr(rule_match, "_plans", None)
    monkeypatch.setattr("tuinews.store.articles.time.time", lambda: NOW)

    def no_reading_back(*args: object) -> object:
        raise AssertionError("the new articles were read back")

    statements: list[str] = []
    in_inserts = 0
    rnd = random.Random(17 if twice else 18)
    ours, theirs = Store(tmp_path / "ours.db"), Store(tmp_path / "theirs.db")
    feed_ids = []
    for url, title, tags, hidden in FEEDS:
        for store in (ours, theirs):
            feed = store.add_feed(url, title=title, tags=tags)
            store.set_feed_hidden(feed.id, hidden)
        feed_ids.append(feed.id)
    some = aheads = stale_ones = 0
    decisions: list[int] = []
    decide = rule_match.decide_rules_in

    def counted_decide(*args: Any) -> Any:
        decisions.append(1)
        return decide(*args)

    for batch in range(60):
        found = rules(rnd)
        made = []
        for number in range(rnd.randint(1, 25)):
            day = datetime(2024, 1, 20, tzinfo=UTC) - timedelta(days=rnd.randint(0, 30))
            made.append(
                article(
                    f"{batch}-{number}",
                    title=text(rnd, 8) or "-",
                    body=text(rnd, 30) or "-",
                    author=text(rnd, 2),
                    date=day if rnd.random() < 0.8 else None,
                )
            )
            if rnd.random() < twice:  # (the same item twice, changed: the last one is stored)
                made.append(article(f"{batch}-{number}", title=text(rnd, 8) or "-", body="x"))
        if batch and rnd.random() < 0.5:  # (articles of an earlier fetch, some changed)
            made += [
                article(f"{batch - 1}-{number}", title="again", body=rnd.choice(["-", "x"]))
                for number in range(rnd.randint(1, 3))
            ]
        feed_id = rnd.choice(feed_ids)
        early = None
        if ahead:
            stale = len(made) > 1 and rnd.random() < 0.3
            early = ours.rules_ahead(feed_id, made[: -1 if stale else None], found, NOW, fresh)
            if fresh and ours.ids_for_uids(feed_id, [a.uid for a in made]):
                stale = True  # (taken as all new: some were stored)
            aheads += early is not None and not stale
        ours.database._db.set_trace_callback(statements.append)
        decisions.clear()
        with monkeypatch.context() as patch:
            patch.setattr(rule_match, "_rows", no_reading_back)
            patch.setattr(rule_match, "decide_rules_in", counted_decide)
            got = ours.upsert_articles(feed_id, made, rules=found, now=NOW, ahead=early)
        ours.database._db.set_trace_callback(None)
        if early is not None and not stale:
            assert not decisions  # (decided ahead: not matched again under the lock)
        elif early is not None:
            stale_ones += len(decisions)  # (matched again: the new articles differ)
        flags = [n for n, rule in zip(got.ruled, found, strict=True) if rule.action.kind != "tag"]
        if sum(flags) and not any(s.startswith("UPDATE articles SET") for s in statements):
            in_inserts += 1  # (the flags set in the INSERTs)
        statements.clear()
        plain = theirs.upsert_articles(feed_id, made)
        with theirs.database.write() as db:
            expected = apply_rules_sql_in(db, found, plain.new_ids, NOW)
        assert got.ruled == expected.changed, [rule.match for rule in found]
        some += sum(expected.changed) > 0
    ours.close()
    theirs.close()
    assert stored(tmp_path / "ours.db") == stored(tmp_path / "theirs.db")
    assert some > 20
    assert in_inserts > (0 if twice else 15), in_inserts
    if ahead:
        assert aheads > 15 and stale_ones > 3, (aheads, stale_ones)
