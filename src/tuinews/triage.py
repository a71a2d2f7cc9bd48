"""``tuinews query ...`` (saved searches) and ``tuinews rule ...`` (rules), headless.

Every query is parsed before it is stored: one with mistakes is refused with the
parser's hints (exit status 2), so what is saved runs as written. The output goes
through the callables given (``Output``): the command line's, which handle closed pipes
and full disks."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from tuinews.ingest import all_rules
from tuinews.query.rules import BadRule, Rule, parse_action, parse_match
from tuinews.sanitise import clean_line
from tuinews.settings import Settings
from tuinews.store import SearchExists, Store, View
from tuinews.wording import plural


@dataclass(frozen=True)
class Output:
    say: Callable[[str], None]
    warn: Callable[[str], None]
    say_json: Callable[[object], None]


# --- saved searches ------------------------------------------------------------------------


def query_command(args: argparse.Namespace, settings: Settings, store: Store, out: Output) -> int:
    if args.action == "add":
        return _query_add(store, args.name, " ".join(args.query), out)
    if args.action == "remove":
        removed = store.remove_saved_search(args.name)
        if removed is None:
            out.warn(f"no saved search called {clean_line(args.name, 80)!r} (tuinews query list)")
            return 2
        out.say(f"Removed the saved search {removed.name!r} ({removed.query}).")
        return 0
    searches = store.saved_searches()
    counts = [store.unread_count(View(search=s.query)) for s in searches]
    if args.json:
        out.say_json(
            {
                "queries": [
                    {"id": s.id, "name": s.name, "query": s.query, "unread": n}
                    for s, n in zip(searches, counts, strict=True)
                ]
            }
        )
        return 0
    if not searches:
        out.say(
            "No saved searches yet: tuinews query add NAME QUERY... (or S in the app saves "
            "the search typed)."
        )
        return 0
    width = max(len(s.name) for s in searches)
    for search, unread in zip(searches, counts, strict=True):
        out.say(f"{search.name:<{width}}  {unread:>5} unread  {search.query}")
    return 0


def _query_add(store: Store, name: str, text: str, out: Output) -> int:
    name = clean_line(name, limit=200)
    if not name:
        out.warn("a saved search needs a name: tuinews query add NAME QUERY...")
        return 2
    try:
        parse_match(text)
    except BadRule as error:
        out.warn(f"not saved: {error}")
        return 2
    try:
        saved = store.add_saved_search(name, text.strip())
    except SearchExists as error:
        out.warn(f"{error}: tuinews query remove {name!r} first, to replace it")
        return 2
    unread = store.unread_count(View(search=saved.query))
    out.say(
        f"Saved the search {saved.name!r}: {saved.query} ({plural(unread, 'unread article')} "
        "now). It is listed above the feeds in the app."
    )
    return 0


# --- rules ---------------------------------------------------------------------------------


def rule_command(args: argparse.Namespace, settings: Settings, store: Store, out: Output) -> int:
    if args.action == "add":
        return _rule_add(store, args.rule_action, " ".join(args.query), out)
    if args.action == "remove":
        removed = store.remove_rule(args.number)
        if removed is None:
            out.warn(
                f"no rule {args.number} to remove (tuinews rule list gives the numbers; "
                "the config file's rules are removed from the file)"
            )
            return 2
        out.say(f"Removed rule {removed.id}: {removed.action} {removed.match}")
        return 0
    if args.action == "apply":
        return _rule_apply(settings, store, args.json, out)
    return _rule_list(settings, store, args.json, out)


def _rule_add(store: Store, action_text: str, match: str, out: Output) -> int:
    try:
        action = parse_action(action_text)
        parse_match(match)
    except BadRule as error:
        out.warn(f"not added: {error}")
        return 2
    rule = store.add_rule(match.strip(), action.text)
    out.say(
        f"Added rule {rule.id}: {rule.action} {rule.match}. It runs on every new article; "
        "tuinews rule apply runs the rules on the articles stored."
    )
    return 0


def _rule_rows(settings: Settings, store: Store) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"number": None, "source": "config", "name": rule.name, **_rule_fields(rule)}
        for rule in settings.rules
    ]
    for stored in store.stored_rules():
        rows.append(
            {
                "number": stored.id,
                "source": "store",
                "name": f"rule {stored.id}",
                "action": stored.action,
                "match": stored.match,
            }
        )
    return rows


def _rule_fields(rule: Rule) -> dict[str, object]:
    return {"action": rule.action.text, "match": rule.match}


def _rule_list(settings: Settings, store: Store, as_json: bool, out: Output) -> int:
    rows = _rule_rows(settings, store)
    if as_json:
        out.say_json({"rules": rows})
        return 0
    if not rows:
        out.say(
            "No rules yet: tuinews rule add ACTION QUERY... (hide, read, star or tag:NAME), "
            "or [[rules]] in the config file."
        )
        return 0
    width = max(len(str(row["action"])) for row in rows)
    matches = min(60, max(len(str(row["match"])) for row in rows))  # (the notes in a column)
    for row in rows:
        number = "config" if row["number"] is None else str(row["number"])
        where = f"   ({row['name']}, from the config file)" if row["number"] is None else ""
        match = f"{row['match']!s:<{matches}}" if where else str(row["match"])
        out.say(f"{number:>6}  {row['action']!s:<{width}}  {match}{where}")
    return 0


def _rule_apply(settings: Settings, store: Store, as_json: bool, out: Output) -> int:
    rules = all_rules(store, settings)
    counts = store.apply_rules(rules)
    if as_json:
        out.say_json(
            {
                "rules": [
                    {"name": rule.name, **_rule_fields(rule), "changed": changed}
                    for rule, changed in zip(rules, counts.changed, strict=True)
                ],
                "changed": counts.total,
            }
        )
        return 0
    if not rules:
        out.say("No rules to apply (tuinews rule add ACTION QUERY...).")
        return 0
    for rule, changed in zip(rules, counts.changed, strict=True):
        out.say(f"{rule.name}: {rule.action.text} {rule.match}: {plural(changed, 'article')}")
    return 0
