"""Read state as a file: ``tuinews export --state`` writes it, ``tuinews import`` applies it
(recognised by its content), so read and starred marks move between machines without a
server.

The format (JSON, UTF-8)::

    {
      "format": "tuinews-state",
      "version": 1,
      "exported": "2025-01-31T08:00:00+00:00",
      "feeds": [
        {
          "url": "https://example.org/feed.xml",
          "read": ["tag:example.org,2025:1", "https://example.org/posts/2"],
          "starred": ["tag:example.org,2025:1", "1b7c…"],
          "guessed": {"1b7c…": {"title": "Episode 12", "date": null}},
          "settings": {"interval": 30, "keep": 200, "full_text": true, "tags": ["news"]}
        }
      ],
      "saved_searches": [{"name": "Rust", "query": "rust -job"}],
      "rules": [{"action": "hide", "match": "title:sponsored"}]
    }

- ``format`` is always ``"tuinews-state"``; ``version`` is 1. A reader refuses a newer
  version, and ignores keys it does not know (a later version 1 file may add some).
- ``feeds``: one entry per subscribed feed that has read or starred articles or settings
  of its own, keyed by the feed's URL as subscribed. ``read`` and ``starred`` list
  article ids: an article's identity within its feed (its guid/id, else its link, else
  a hash of its title and date; the same on every machine that fetched the same feed).
  Articles neither read nor starred are not listed.
- ``guessed`` (optional): ids that are guesses where the file was written, each with
  the article's ``title`` and ``date`` (ISO 8601, or null: the item had none that
  could be known). An article imported from another reader's cache may have one (newsboat
  keeps no guid for an item that had none, nor its media links: see
  :mod:`tuinews.store.adopt`); a refresh replaces it by the feed's own. A machine that
  does not find such an id marks its article of that feed with this title (and date),
  if it has one. Readers of an earlier version 1 ignore the key.
- ``settings`` (optional): the feed's own settings (``tuinews feed set``: ``title``,
  ``tags`` (a list), ``interval`` and ``keep`` (numbers), ``full_text`` and ``hidden``
  (true/false), ``user_agent``), only those it has; they are checked as ``feed set``
  checks them, and given to a feed here that has none of its own for that key.
- ``saved_searches`` and ``rules`` (optional): the saved searches (``name``, ``query``)
  and the rules added with ``tuinews rule add`` (``action``, ``match``; the config
  file's rules are in the config file); each is checked as the commands check it, and
  added unless one of that name (the same rule) is there.
- Applying a state only adds marks: a listed article is marked read (starred); nothing is
  marked unread or unstarred. So applying the same file twice changes nothing, and two
  machines that import each other's state end with the same marks. Articles the store
  does not have (a feed not subscribed there, an article not fetched yet or gone) are
  counted and reported, never an error.

Everything read from the file is untrusted: URLs and ids are only compared with stored
values (bound SQL parameters) and quoted through the sanitiser.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

FORMAT = "tuinews-state"
VERSION = 1
MAX_STATE_BYTES = 256 * 1024 * 1024  # about 2.5 million articles' ids
MAX_ID_CHARS = 10_000


class StateFileError(ValueError):
    """Not a usable state file; the message completes "FILE is ..." or "FILE: ..."."""


Hint = tuple[str, int | None]  # a guessed id's article: title, date (unix seconds) or None


@dataclass
class StateFile:
    """A state file's feeds: (feed URL, read ids, starred ids); ``hints``: (feed URL, id)
    -> (title, date) of the ids that were guesses; ``skipped`` counts the entries that
    were not strings or feeds as the format says."""

    feeds: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    hints: dict[tuple[str, str], Hint] = field(default_factory=dict)
    skipped: int = 0
    # (feed URL, {key: value as ``tuinews feed set`` takes it}); unchecked yet
    settings: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    searches: list[tuple[str, str]] = field(default_factory=list)  # (name, query)
    rules: list[tuple[str, str]] = field(default_factory=list)  # (action, match)


def _iso(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class Triage:
    """What a state file carries besides the marks: each feed's own settings (feed URL
    -> {key: JSON value}, only the keys it has), the saved searches (name, query) and the
    stored rules (action, match)."""

    settings: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    searches: Sequence[tuple[str, str]] = ()
    rules: Sequence[tuple[str, str]] = ()


def dump_state(
    rows: Iterable[tuple[str, str, bool, bool]],
    now: datetime | None = None,
    hints: Mapping[tuple[str, str], Hint] | None = None,
    triage: Triage | None = None,
) -> str:
    """The state file for (feed URL, article id, read, starred) rows, grouped by feed
    (rows of one feed must be together, as :meth:`Store.article_states` gives them);
    ``hints`` (:meth:`Store.state_hints`) name the articles whose ids are guesses;
    ``triage``: the feeds' settings, saved searches and rules."""
    triage = triage or Triage()
    feeds: list[dict[str, object]] = []
    current: dict[str, list[str]] = {}
    guessed: dict[str, dict[str, object]] = {}
    url = None
    for feed_url, uid, read, starred in rows:
        if feed_url != url:
            url = feed_url
            current = {"read": [], "starred": []}
            guessed = {}
            feeds.append({"url": feed_url, **current})
        if read:
            current["read"].append(uid)
        if starred:
            current["starred"].append(uid)
        hint = hints.get((feed_url, uid)) if hints else None
        if hint is not None and (read or starred):
            if not guessed:
                feeds[-1]["guessed"] = guessed
            guessed[uid] = {"title": hint[0], "date": _iso(hint[1])}
    listed = {str(entry["url"]): entry for entry in feeds}
    for feed_url, own in triage.settings.items():
        if own:
            listed.setdefault(feed_url, {"url": feed_url, "read": [], "starred": []})
            listed[feed_url]["settings"] = dict(own)
    document: dict[str, object] = {
        "format": FORMAT,
        "version": VERSION,
        "exported": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "feeds": [listed[url] for url in sorted(listed)],
    }
    if triage.searches:  # (optional keys: only when there are some)
        document["saved_searches"] = [{"name": n, "query": q} for n, q in triage.searches]
    if triage.rules:
        document["rules"] = [{"action": a, "match": m} for a, m in triage.rules]
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def looks_like_json(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"{")


def _strings(value: object) -> tuple[list[str], int]:
    """The usable ids of a list, and how many entries were not."""
    if not isinstance(value, list):
        return [], 0 if value is None else 1
    good = []
    for item in value:
        if isinstance(item, str) and 0 < len(item) <= MAX_ID_CHARS and _encodable(item):
            good.append(item)
    return good, len(value) - len(good)


def _encodable(text: str) -> bool:
    """False for lone surrogates (JSON allows them; SQLite cannot store them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_state(data: bytes) -> StateFile:
    """Read a state file. Raises :class:`StateFileError` if it is not one (the message
    completes "FILE is ...")."""
    if len(data) > MAX_STATE_BYTES:
        raise StateFileError(f"larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = f"line {error.lineno}" if isinstance(error, json.JSONDecodeError) else "text"
        raise StateFileError(f"broken JSON (at {reason})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(
            "JSON, but not a tuinews state file (`tuinews export --state` writes one)"
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateFileError("a tuinews state file without a valid version")
    if version > VERSION:
        raise StateFileError(
            f"a state file from a newer tuinews (version {version}; this one reads {VERSION})"
        )
    feeds = document.get("feeds")
    if not isinstance(feeds, list):
        raise StateFileError("a tuinews state file without its list of feeds")
    state = StateFile()
    for entry in feeds:
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url or not _encodable(url):
            state.skipped += 1
            continue
        read, bad_read = _strings(entry.get("read"))
        starred, bad_starred = _strings(entry.get("starred"))
        state.skipped += bad_read + bad_starred
        state.feeds.append((url, read, starred))
        state.skipped += _hints(url, entry.get("guessed"), {*read, *starred}, state.hints)
        state.skipped += _settings(url, entry.get("settings"), state.settings)
    state.skipped += _pairs(document.get("saved_searches"), ("name", "query"), state.searches)
    state.skipped += _pairs(document.get("rules"), ("action", "match"), state.rules)
    return state


def _text(value: object) -> str | None:
    """A setting's JSON value as ``tuinews feed set`` reads it; None if it cannot be one."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and len(value) <= MAX_ID_CHARS and _encodable(value):
        return value
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return _text(", ".join(value))
    return None


def _settings(url: str, value: object, into: list[tuple[str, dict[str, str]]]) -> int:
    """Add a feed's ``settings`` (as text, checked later) to ``into``; returns how many
    entries were not as the format says."""
    if value is None:
        return 0
    if not isinstance(value, dict):
        return 1
    own = {key: text for key, item in value.items() if (text := _text(item)) is not None}
    if own:
        into.append((url, own))
    return len(value) - len(own)


def _pairs(value: object, keys: tuple[str, str], into: list[tuple[str, str]]) -> int:
    """Add each entry's two strings (``keys``) of a list to ``into``; returns how many
    entries were not as the format says."""
    if value is None:
        return 0
    if not isinstance(value, list):
        return 1
    bad = 0
    for entry in value:
        pair = [entry.get(key) if isinstance(entry, dict) else None for key in keys]
        if all(isinstance(s, str) and 0 < len(s) <= MAX_ID_CHARS and _encodable(s) for s in pair):
            into.append((str(pair[0]), str(pair[1])))
        else:
            bad += 1
    return bad


def _hints(url: str, value: object, ids: set[str], into: dict[tuple[str, str], Hint]) -> int:
    """Add a feed's ``guessed`` hints (of ids it lists) to ``into``; returns how many
    entries were not as the format says."""
    if value is None:
        return 0
    if not isinstance(value, dict):
        return 1
    bad = 0
    for uid, hint in value.items():
        title = hint.get("title") if isinstance(hint, dict) else None
        date = hint.get("date") if isinstance(hint, dict) else None
        when = _seconds(date) if isinstance(date, str) else None
        if (
            uid not in ids
            or not isinstance(title, str)
            or not 0 < len(title) <= MAX_ID_CHARS
            or not _encodable(title)
            or (date is not None and when is None)
        ):
            bad += 1
            continue
        into[(url, uid)] = (title, when)
    return bad


def _seconds(text: str) -> int | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return int(moment.timestamp())
    except (OverflowError, OSError, ValueError):
        return None
