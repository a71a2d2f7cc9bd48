"""What a read-state file carries besides the marks (``tuinews export --state``, see
:mod:`tuinews.read_state`): the feeds' own settings, the saved searches and the rules
added by ``tuinews rule add``, applied by ``tuinews import``.

Like the rest of an import it only adds: a feed here is given a setting it has none of
its own for (one it has is kept, and counted), a saved search is added unless one of
that name is there, a rule unless the same one is. So importing the same file twice
changes nothing. Everything is checked as the commands check it (``tuinews feed set``,
``query add``, ``rule add``): the file is untrusted, and a bad entry is reported and
skipped, never stored."""

from __future__ import annotations

from collections.abc import Callable

from tuinews.feed_settings import BadSetting, check, texts
from tuinews.query.rules import BadRule, parse_action, parse_match
from tuinews.read_state import StateFile
from tuinews.sanitise import clean_line
from tuinews.store import Store
from tuinews.wording import plural

Say = Callable[[str], None]

_NONE_OF_ITS_OWN = {"full_text": "off", "hidden": "off"}  # (else "": texts' empty value)


def apply_triage(store: Store, name: str, state: StateFile, say: Say) -> None:
    """Apply the file's settings, saved searches and rules; say what was done."""
    if state.settings:
        _settings(store, name, state, say)
    if state.searches:
        _searches(store, name, state, say)
    if state.rules:
        _rules(store, name, state, say)


def _settings(store: Store, name: str, state: StateFile, say: Say) -> None:
    feeds = {feed.url: feed for feed in store.feeds()}  # (by URL only: never an id)
    changed = kept = missing = 0
    problems: list[str] = []
    for url, values in state.settings:
        feed = feeds.get(url)
        if feed is None:
            missing += 1
            continue
        own = texts(feed)
        wanted = []
        for key, text in values.items():
            here = own.get(key)
            if here is None or here.strip() == _NONE_OF_ITS_OWN.get(key, ""):
                wanted.append((key, text))  # (an unknown key: check says so)
            elif here.strip() != text.strip():
                kept += 1
        try:
            change = check(feed, wanted)
        except BadSetting as bad:
            problems.append(f"  {clean_line(feed.name, 200)}: not changed: {bad}")
            continue
        if change:
            store.change_feed(feed.id, change.columns, change.tags)
            changed += 1
    line = f"Gave {plural(changed, 'feed')} their own settings from {name}"
    if kept:
        line += f"; {plural(kept, 'setting')} this store had otherwise kept"
    say(line + ".")
    if missing:
        say(
            f"  {plural(missing, 'feed')} with settings not subscribed here: import the OPML"
            " of `tuinews export` with the state file (`tuinews import feeds.opml state.json`)."
        )
    for problem in problems:
        say(problem)


def _searches(store: Store, name: str, state: StateFile, say: Say) -> None:
    added = 0
    lines: list[str] = []
    for title, query in state.searches:
        shown = clean_line(title, 200)
        try:
            parse_match(query)
        except BadRule as error:
            lines.append(f"  saved search {shown!r} not saved: {error}")
            continue
        outcome = store.merge_saved_search(shown, query.strip())
        added += outcome == "added"
        if outcome == "conflict":
            lines.append(
                f"  saved search {shown!r} not saved: one of that name has another query here"
                " (tuinews query list)"
            )
    count = len(state.searches)
    say(f"Added {added:,} of {count:,} saved search{'es' * (count != 1)} from {name}.")
    for line in lines:
        say(line)


def _rules(store: Store, name: str, state: StateFile, say: Say) -> None:
    added = 0
    lines: list[str] = []
    for action_text, match in state.rules:
        try:
            action = parse_action(action_text)
            parse_match(match)
        except BadRule as error:
            lines.append(f"  rule {clean_line(match, 200)!r} not added: {error}")
            continue
        added += store.merge_rule(match.strip(), action.text) == "added"
    say(f"Added {added:,} of {plural(len(state.rules), 'rule')} from {name}.")
    for line in lines:
        say(line)
