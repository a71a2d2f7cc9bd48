"""What ``tuinews import`` makes of newsboat's triage: query feeds (``query:`` lines of a
urls file) become saved searches, ``ignore-article`` lines of its config become hide
rules, where newsboat's filter expression translates (:mod:`tuinews.newsboat_filter`).
What does not translate is reported line by line, with why. Importing the same file
again changes nothing (a saved search of that name, the same rule: left as they are).

Its ``highlight-article`` lines become highlights, which live in the config file only:
they are printed, as ``[[highlight]]`` tables to add to it. The config file is the
user's (tuinews never writes it), and a highlight is how the user wants headlines drawn,
not something done to the articles (the rules stored by ``tuinews rule add`` are).
Stored, they would need commands of their own to be listed and removed."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import PurePath

from tuinews.newsboat_filter import split_query_feed, translate_filter, translate_ignore_article
from tuinews.query.highlights import BadHighlight, make_highlight
from tuinews.sanitise import clean_line
from tuinews.settings import config_path
from tuinews.store import Store
from tuinews.subscriptions.newsboat_config import NewsboatConfig, newsboat_style
from tuinews.wording import plural

Say = Callable[[str], None]


def _notes(notes: list[str], say: Say) -> None:
    for note in dict.fromkeys(notes):
        say(f"  note: {note}")


def import_queries(store: Store, name: str, queries: Sequence[tuple[str, str]], say: Say) -> None:
    """The query feeds of a urls file, as saved searches."""
    if not queries:
        return
    saved = kept = 0
    lines: list[str] = []
    notes: list[str] = []
    for where, raw in queries:
        split = split_query_feed(raw)
        if split is None:
            lines.append(
                f"  {where}: {clean_line(raw, 200)}: not a query feed (query:NAME:EXPRESSION)"
            )
            continue
        title, expression = clean_line(split[0], 200), split[1]
        translation = translate_filter(expression)
        if translation.text is None:
            why = "; ".join(translation.problems)
            lines.append(f"  {where}: query feed {title!r} not translated: {why}")
            continue
        outcome = store.merge_saved_search(title, translation.text)
        notes += translation.notes
        if outcome == "added":
            saved += 1
            lines.append(f"  {where}: query feed {title!r} saved as the search: {translation.text}")
        elif outcome == "unchanged":
            kept += 1
        else:
            lines.append(
                f"  {where}: query feed {title!r} not saved: a saved search of that name has "
                "another query (tuinews query list)"
            )
    failed = len(queries) - saved - kept
    of = f" of {len(queries):,}" if failed or kept else ""  # ("1 not:" read as a list of 1)
    line = (
        f"Saved {saved:,}{of} query feed{'s' * (len(queries) != 1)} from {name} as saved searches"
    )
    if kept:
        line += f" ({kept:,} saved already)"
    say(line + ":" if lines else line + ".")
    for text in lines:
        say(text)
    _notes(notes, say)


def import_newsboat_config(store: Store, name: str, config: NewsboatConfig, say: Say) -> None:
    """A newsboat config's ``ignore-article`` lines, as hide rules."""
    added = kept = 0
    lines: list[str] = []
    notes: list[str] = []
    for where, feed, expression in config.ignores:
        translation = translate_ignore_article(feed, expression)
        if translation.text is None:
            why = "; ".join(translation.problems)
            lines.append(f"  {where}: ignore-article not translated: {why}")
            continue
        notes += translation.notes
        if store.merge_rule(translation.text, "hide") == "added":
            added += 1
            lines.append(f"  {where}: hide {translation.text}")
        else:
            kept += 1
    lines += [f"  {where}: {why}" for where, why in config.problems]
    line = (
        f"Imported {plural(added, 'rule')} from {name} (newsboat config: its ignore-article "
        "lines hide the new articles they match)"
    )
    if kept:
        line += f"; {kept:,} there already"
    say(line + (":" if lines else "."))
    for text in lines:
        say(text)
    _notes(notes, say)
    if added:
        say("  tuinews rule apply hides the stored articles they match too.")
    import_highlights(name, config, say)
    if config.others:
        say(f"  {plural(config.others, 'other setting')} left out: tuinews has its own config.")
    if config.urls_source is not None:
        say(_urls_source(*config.urls_source))


# newsboat's urls-source services that speak the Google Reader API (as an account here),
# with what their API root is called in `tuinews account add`.
_READER_API = {
    "freshrss": ("FreshRSS", "its API root, https://HOST/api/greader.php"),
    "miniflux": ("Miniflux", "its base URL"),
    "inoreader": ("Inoreader", "its Reader API URL"),
    "oldreader": ("The Old Reader", "its Reader API URL"),
}


def _urls_source(where: str, service: str, url: str, login: str) -> str:
    """What to do about newsboat's feeds being on a server (`urls-source`)."""
    if service not in _READER_API:
        return (
            f"  {where}: urls-source {service}: your feeds are on {service}, whose API tuinews "
            "does not speak: export them there as OPML and tuinews import the file."
        )
    name, url_is = _READER_API[service]
    command = f"tuinews account add {url or 'URL'} --user {login or 'NAME'}"
    return (
        f"  {where}: urls-source {service}: your feeds are on {name}: add it as an account "
        f"({command}; URL: {url_is}), then tuinews sync."
    )


def import_highlights(name: str, config: NewsboatConfig, say: Say) -> None:
    """A newsboat config's ``highlight-article`` lines, as ``[[highlight]]`` tables to
    add to the config file (printed: the config file is never written)."""
    if not config.highlights:
        return
    tables: list[list[str]] = []
    lines: list[str] = []
    notes: list[str] = []
    for where, expression, words in config.highlights:
        translation = translate_filter(expression)
        style, why = newsboat_style(words)
        if translation.text is None or style is None:
            why = "; ".join(translation.problems) if translation.text is None else why
            lines.append(f"  {where}: highlight-article not translated: {why}")
            continue
        label = clean_line(f"newsboat {PurePath(name).name} {where}", 200)
        try:
            make_highlight(label, translation.text, style)  # (checked as the config's)
        except BadHighlight as error:
            lines.append(f"  {where}: highlight-article not translated: {error}")
            continue
        notes += translation.notes
        tables.append(
            [
                "[[highlight]]",
                f"name = {_toml(label)}",
                f"match = {_toml(translation.text)}",
                f"style = {_toml(style)}",
            ]
        )
    verb = "becomes a highlight" if len(tables) == 1 else "become highlights"
    line = f"{plural(len(tables), 'highlight-article line')} from {name} {verb}"
    failed = len(config.highlights) - len(tables)
    if failed:
        line += f"; {failed:,} not"
    say("  " + line + (":" if lines or tables else "."))
    for text in lines:
        say(text)
    _notes(notes, say)
    if tables:
        say(f"  Add these to {config_path()} (tuinews never writes it):")
        for table in tables:
            say("")
            for text in table:
                say(f"    {text}")


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
