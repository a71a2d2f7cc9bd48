"""Rules compiled into Python code (``tuinews.query.matcher`` gives the meaning): the
tests of all the rules, in the order of their actions, in one function run once over a
feed's new articles, each article's fields bound once. Calling a test per rule and
article cost more than the SQL it replaces.

The code is made of this module's own words only (``a.read``, ``low_title``...): every
value of a rule (a word, a name, a time) is a constant ``k0``, ``k1``... given to it, so
no text of a rule ever becomes code. Each action's effect is in the code too, right
after its test (an article read by one action is read for the next ones' ``is:read``,
as when each action's SQL ran in turn), and the articles it changed are listed apart
(what is counted and written).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tuinews.query.fts_tokens import Classes
from tuinews.query.matcher import (
    COLUMNS,
    ArticleFacts,
    Unsupported,
    all_of_tests,
    any_of_tests,
    compile_term,
    needle_of,
)
from tuinews.query.terms import (
    Age,
    All,
    Any,
    HasState,
    InAccount,
    InFeed,
    Not,
    Published,
    Query,
    Tagged,
    Term,
    Words,
    leaves,
)


def _code(term: Term, consts: list[object], classes: Classes, now: int, feed: list[str]) -> str:
    """A term as a Python expression over ``a`` (an ArticleFacts whose date is known:
    two-valued), its values in ``consts`` (named ``k0``, ``k1``...: no text of the rule
    is ever in the code). What depends on the article's feed only (``feed:``,
    ``account:``, a feed's ``tag:``) is an expression of ``feed`` (named ``f0``,
    ``f1``...), worked out once for the articles of a feed, not for each article."""

    def of_feed(code: str) -> str:
        feed.append(code)
        return f"f{len(feed) - 1}"

    def const(value: object) -> str:
        consts.append(value)
        return f"k{len(consts) - 1}"

    if isinstance(term, Words):
        needle, keys, columns = needle_of(term, classes)
        n, r = const(needle), const(_plain_pattern(needle, term.start))
        k = " in low_{c} and ".join(const(key) for key in keys)
        if term.start:
            found = f"({r}(low_{{c}}) if plain_{{c}} else low_{{c}}.startswith({n}))"
        else:
            found = f"({r}(low_{{c}}) if plain_{{c}} else {n} in low_{{c}})"
        parts = [f"({k.format(c=c)} in low_{c} and {found.format(c=c)})" for c in columns]
        return "(" + " or ".join(parts) + ")"
    if isinstance(term, HasState):
        states = {
            "unread": "(not a.read)",
            "read": "a.read",
            "starred": "a.starred",
            "hidden": "(a.hidden or a.feed.hidden)",
            "local": "a.feed.local",
        }
        if term.state not in states:
            raise Unsupported(f"is:{term.state}")
        return states[term.state]
    if isinstance(term, Published | Age):
        when = term.when if isinstance(term, Published) else now - term.seconds
        before = term.before if isinstance(term, Published) else term.older
        return f"(a.published {'<' if before else '>='} {const(when)})"
    if isinstance(term, InFeed):
        return of_feed(f"any({const(term.name)} in n for n in a.feed.names)")
    if isinstance(term, InAccount):  # (its test reads the feed only)
        return of_feed(f"{const(compile_term(term, classes, now))}(a)")
    if isinstance(term, Tagged):  # the feed's tags, or (rarely any) the article's own
        tag, low, high = const(term.tag), const(term.tag + "/"), const(term.tag + "0")
        of_tags = f"any(t == {tag} or {low} <= t < {high} for t in a.{{}}tags)"
        return f"({of_feed(of_tags.format('feed.'))} or (a.tags and {of_tags.format('')}))"
    if isinstance(term, Not):
        return f"(not {_code(term.term, consts, classes, now, feed)})"
    if isinstance(term, All | Any):
        joint = " and " if isinstance(term, All) else " or "
        return "(" + joint.join(_code(t, consts, classes, now, feed) for t in term.terms) + ")"
    raise Unsupported(type(term).__name__)


def _plain_pattern(needle: str, start: bool) -> Callable[[str], object]:
    """The needle (see ``needle_of``) as a search of an ASCII field lowercased (not
    folded: the index's words are then its runs of letters and digits)."""
    words = needle.split(" ")[1:]
    prefix = words[-1] != ""
    words = [w for w in words if w]
    if not all(w.isascii() and w.isalnum() for w in words):
        return lambda text: None  # (a word beyond ASCII is in no ASCII field)
    pattern = "[^a-z0-9]+".join(words) + ("" if prefix else "(?![a-z0-9])")
    if start:
        return re.compile("[^a-z0-9]*" + pattern).match
    # The first word not after a letter or digit, checked behind it: the pattern then
    # starts with a literal, which the search looks for quickly.
    first = words[0]
    return re.compile(f"{first}(?<![a-z0-9]{first})" + pattern[len(first) :]).search


def _dated(term: Term) -> bool:
    return any(isinstance(leaf, Published | Age) for leaf in leaves(term))


def _test_code(
    queries: Sequence[Query], consts: list[object], classes: Classes, now: int, feed: list[str]
) -> str:
    """Whether an article ``a`` matches any of the queries, as an expression; an article
    without a date, where a query asks about it, is tested with SQL's three-valued logic
    instead (the code's is two-valued)."""
    parts = [
        "(" + " and ".join(_code(t, consts, classes, now, feed) for t in query.terms) + ")"
        for query in queries
    ]
    test = " or ".join(parts) or "False"
    if any(_dated(t) for query in queries for t in query.terms):
        tests = [all_of_tests([compile_term(t, classes, now) for t in q.terms]) for q in queries]
        consts.append(any_of_tests(tests))
        test = f"((k{len(consts) - 1}(a) is True) if a.published is None else ({test}))"
    return test


def _function(
    name: str, body: str, consts: list[object], tests: str, feed: list[str]
) -> Callable[..., object]:
    """``body`` (the loop's, over ``articles``) in a function, the fields that ``tests``
    read bound once per article, the expressions of its feed (``feed``) once each time
    the feed changes (a feed's new articles have one)."""
    lows = "".join(
        f"        low_{c} = a.low.get({c!r}, '')\n        plain_{c} = {c!r} in a.plain\n"
        for c in COLUMNS
        if f"low_{c}" in tests
    )
    feeds = "".join(f"            f{i} = {code}\n" for i, code in enumerate(feed))
    if feeds:
        feeds = "        if a.feed is not last:\n            last = a.feed\n" + feeds
    source = (
        f"def {name}(articles, found, fresh):\n    last = None\n"
        f"    for a in articles:\n{feeds}{lows}{body}"
    )
    space: dict[str, object] = {f"k{i}": value for i, value in enumerate(consts)}
    # The code is made of this module's own words only; the rules' values are constants.
    exec(compile(source, "<rules>", "exec"), space)
    return space[name]  # type: ignore[return-value]


Either = Callable[[list[ArticleFacts]], list[ArticleFacts]]


def compile_either(queries: list[Query], classes: Classes, now: int) -> Either:
    """The articles that match any of these queries (each compiled: see
    ``matcher.compile_query``)."""
    consts: list[object] = []
    feed: list[str] = []
    test = _test_code(queries, consts, classes, now, feed)
    body = f"        if {test}:\n            found.append(a)\n"
    function = _function("matching", body, consts, test, feed)

    def matching(articles: list[ArticleFacts]) -> list[ArticleFacts]:
        found: list[ArticleFacts] = []
        function(articles, found, None)
        return found

    return matching


FLAGS = {"hide": "hidden", "read": "read", "star": "starred"}
# Each action's rules, its kind (hide, read, star, tag) and tag (casefolded).
Actions = Sequence[tuple[Sequence[Query], str, str]]
# The articles each action's rules matched, and those it changed (it set their flag or tag).
Pass = Callable[[list[ArticleFacts]], tuple[list[list[ArticleFacts]], list[list[ArticleFacts]]]]


def compile_pass(actions: Actions, classes: Classes, now: int) -> Pass:
    """Every action's test and effect, in their order, in one pass over the articles:
    the articles each action's rules matched, and those it changed (its flag set, or
    its tag added, in the articles' facts)."""
    consts: list[object] = []
    feed: list[str] = []
    body: list[str] = []
    tests: list[str] = []
    for number, (queries, kind, tag) in enumerate(actions):
        test = _test_code(queries, consts, classes, now, feed)
        tests.append(test)
        body.append(f"        if {test}:\n            found[{number}].append(a)\n")
        if kind == "tag":
            consts.append(tag)
            name = f"k{len(consts) - 1}"
            body.append(
                f"            if {name} not in a.tags:\n                a.tags.add({name})\n"
                f"                fresh[{number}].append(a)\n"
            )
        else:
            flag = FLAGS[kind]
            body.append(
                f"            if not a.{flag}:\n                a.{flag} = True\n"
                f"                fresh[{number}].append(a)\n"
            )
    function = _function("one_pass", "".join(body), consts, " ".join(tests), feed)
    count = len(actions)

    def one_pass(
        articles: list[ArticleFacts],
    ) -> tuple[list[list[ArticleFacts]], list[list[ArticleFacts]]]:
        found: list[list[ArticleFacts]] = [[] for _ in range(count)]
        fresh: list[list[ArticleFacts]] = [[] for _ in range(count)]
        function(articles, found, fresh)
        return found, fresh

    return one_pass
