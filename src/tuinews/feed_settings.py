"""A feed's own settings (issue 15): what ``tuinews feed set`` and the app's edit dialog
change, each checked here before anything is written, so a bad value changes nothing.

    title       a title of your own ("" gives the feed's own back)
    tags        comma-separated ("" removes them all)
    interval    minutes between automatic refreshes ("" is refresh_interval's)
    keep        articles kept ("" is keep_articles'; 0 keeps all)
    full_text   on/off: each new article fetched from its link
    hidden      on/off: not in All and Unread
    user_agent  sent when the feed is fetched ("" is the global one)

An account's feed (issue 14) is the server's: its title and tags are changed there (not
from here yet), and it is fetched by the server, so interval, user_agent and full_text
do not apply; keep and hidden do. Nothing of Textual here: the command line and the app
use the same checks and the same words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import tuinews
from tuinews.links import shown_url
from tuinews.sanitise import clean_line
from tuinews.settings import Settings, user_agent_problem
from tuinews.store import Feed

# Every key, with what it is (the dialog's labels and the command's help).
KEYS: dict[str, str] = {
    "title": "title of your own (empty: the feed's own)",
    "tags": "tags, separated by commas (empty: none)",
    "interval": "minutes between automatic refreshes (empty: refresh_interval's)",
    "keep": "articles kept, starred ones besides (0: all; empty: keep_articles')",
    "full_text": "fetch each new article from its link (on/off)",
    "hidden": "not in All and Unread (on/off)",
    "user_agent": "User-Agent sent when it is fetched (empty: the global one)",
}
MAX_INTERVAL = 7 * 24 * 60  # minutes: a week, as for refresh_interval
MAX_KEEP = 10_000_000
_COLUMNS = {
    "title": "user_title",
    "interval": "refresh_interval",
    "keep": "keep",
    "full_text": "full_text",
    "hidden": "hidden",
    "user_agent": "user_agent",
}
_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")
_ON_THE_SERVER = (
    "an account's feed has its {key} on the account's server: change it with tuinews "
    "feed set (it goes to the server), or on the server, and tuinews sync brings it here"
)
_NOT_FETCHED_HERE = (
    "does not apply to an account's feed: the account's server fetches it, and "
    "tuinews sync brings its articles"
)


class BadSetting(ValueError):
    """A key that is not a setting, or a value it cannot take: ``key`` and why."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class FeedChange:
    """Checked values, for ``Store.change_feed``: its columns, and the tags (None: the
    tags are left as they are)."""

    columns: dict[str, str | int | bool | None] = field(default_factory=dict)
    tags: tuple[str, ...] | None = None
    keys: tuple[str, ...] = ()  # the keys set, in the order given

    def __bool__(self) -> bool:
        return bool(self.keys)


def key_of(text: str) -> str:
    """A key as typed (``full-text``, ``User_Agent``) as KEYS has it; BadSetting if none."""
    key = text.strip().lower().replace("-", "_")
    if key not in KEYS:
        shown = clean_line(text, limit=40) or "(nothing)"
        raise BadSetting(shown, f"not a feed setting (the keys: {', '.join(KEYS)})")
    return key


def _whole(key: str, text: str, low: int, high: int, empty: str) -> int | None:
    text = text.strip()
    if not text or text.lower() == "default":
        return None
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        shown = clean_line(text, limit=40)
        raise BadSetting(key, f"{shown!r} is not a whole number from {low} to {high} ({empty})")
    return int(text)


def _switch(key: str, text: str) -> bool:
    word = text.strip().lower()
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise BadSetting(key, f"{clean_line(text, limit=40)!r} is not on or off")


def parse_value(key: str, text: str) -> str | int | bool | tuple[str, ...] | None:
    """The value ``text`` gives ``key`` (one of KEYS); BadSetting when it gives none."""
    if key == "title":
        return clean_line(text, limit=300)
    if key == "tags":
        tags = (clean_line(tag, limit=200) for tag in text.split(","))
        return tuple(dict.fromkeys(tag for tag in tags if tag))
    if key == "interval":
        return _whole(
            key, text, 1, MAX_INTERVAL, "minutes, up to a week; empty: refresh_interval's"
        )
    if key == "keep":
        return _whole(key, text, 0, MAX_KEEP, "0 keeps all; empty: keep_articles'")
    if key in ("full_text", "hidden"):
        return _switch(key, text)
    assert key == "user_agent"
    text = text.strip()
    problem = user_agent_problem(text) if text else None
    if problem:
        raise BadSetting(key, problem)
    return text


def refusal(feed: Feed, key: str, *, on_server: bool = False) -> str | None:
    """Why ``key`` cannot be set on this feed, else None. ``on_server``: the caller sends
    an account's feed's title and tags to its server (``tuinews feed set``)."""
    if feed.kind == "local":
        return "the local files are not a subscribed feed: they have no settings"
    if feed.account_id is None:
        return None
    if key in ("title", "tags") and not on_server:
        return _ON_THE_SERVER.format(key=key)
    if key in ("interval", "user_agent", "full_text"):
        return _NOT_FETCHED_HERE
    return None


def check(feed: Feed, values: Iterable[tuple[str, str]], *, on_server: bool = False) -> FeedChange:
    """Every (key, text) checked, in order; the change they make together, or the first
    BadSetting (then nothing is to be written). A key may be given once. ``on_server``:
    see ``refusal``."""
    change = FeedChange()
    for typed, text in values:
        key = key_of(typed)
        if key in change.keys:
            raise BadSetting(key, "given twice")
        value = parse_value(key, text)
        why = refusal(feed, key, on_server=on_server)
        if why:
            raise BadSetting(key, why)
        if key == "tags":
            assert isinstance(value, tuple)
            change = FeedChange(change.columns, value, (*change.keys, key))
        else:
            assert not isinstance(value, tuple)
            columns = {**change.columns, _COLUMNS[key]: value}
            change = FeedChange(columns, change.tags, (*change.keys, key))
    return change


def check_assignments(feed: Feed, words: Iterable[str], *, on_server: bool = False) -> FeedChange:
    """``KEY=VALUE`` words (``tuinews feed set``) checked: see ``check``."""
    pairs = []
    for word in words:
        key, equals, text = word.partition("=")
        if not equals:
            shown = clean_line(word, limit=60)
            raise BadSetting(shown, f"expected KEY=VALUE (the keys: {', '.join(KEYS)})")
        pairs.append((key, text))
    return check(feed, pairs, on_server=on_server)


def texts(feed: Feed) -> dict[str, str]:
    """Each key's value as text, as the dialog shows it and ``check`` reads it back."""
    return {
        "title": feed.user_title,
        "tags": ", ".join(feed.tags),
        "interval": "" if feed.refresh_interval is None else str(feed.refresh_interval),
        "keep": "" if feed.keep is None else str(feed.keep),
        "full_text": "on" if feed.full_text else "off",
        "hidden": "on" if feed.hidden else "off",
        "user_agent": feed.user_agent,
    }


def user_agent_used(settings: Settings) -> str:
    """The User-Agent of a feed without its own."""
    return settings.user_agent or tuinews.default_user_agent()


def described(feed: Feed, settings: Settings) -> dict[str, str]:
    """Each key's value in words, with what applies when the feed has none of its own
    (``tuinews feed show``; every string one sanitised line)."""
    own = texts(feed)
    words = {
        "title": f"{clean_line(feed.name)}" + (" (yours)" if feed.user_title else " (its own)"),
        "tags": clean_line(own["tags"]) or "(none)",
        "interval": (
            f"{feed.refresh_interval} minutes"
            if feed.refresh_interval is not None
            else f"{settings.refresh_interval} minutes (refresh_interval)"
        ),
        "keep": (
            _keep_words(feed.keep)
            if feed.keep is not None
            else f"{_keep_words(settings.keep_articles)} (keep_articles)"
        ),
        "full_text": own["full_text"],
        "hidden": own["hidden"],
        "user_agent": feed.user_agent or f"{user_agent_used(settings)} (the global one)",
    }
    if feed.account_id is not None:
        for key in ("interval", "user_agent", "full_text"):
            words[key] = "(not for an account's feed: its server fetches it)"
    return words


def _keep_words(keep: int) -> str:
    return "all" if keep <= 0 else f"{keep:,} articles"


def changed_words(feed: Feed, change: FeedChange, settings: Settings) -> str:
    """What a change did, for one line: "interval 30 minutes, keep 200 articles"."""
    words = described(feed, settings)
    return ", ".join(f"{key.replace('_', ' ')} {words[key]}" for key in change.keys)


def as_json(feed: Feed, settings: Settings) -> dict[str, object]:
    """``tuinews feed show --json``: ``id``, ``title``, ``url`` (masked) as in every
    ``--json``, then the feed's own settings (null or "": the global one, in
    ``defaults``)."""
    return {
        "id": feed.id,
        "title": clean_line(feed.name),
        "url": shown_url(feed.url),
        "own_title": feed.user_title,
        "tags": list(feed.tags),
        "interval": feed.refresh_interval,
        "keep": feed.keep,
        "full_text": feed.full_text,
        "hidden": feed.hidden,
        "user_agent": feed.user_agent,
        "account": feed.account_id,
        "defaults": {
            "interval": settings.refresh_interval,
            "keep": settings.keep_articles,
            "user_agent": user_agent_used(settings),
        },
    }


def apply_texts(feed: Feed, values: Mapping[str, str]) -> FeedChange:
    """The dialog's fields (key to text) checked: only those that differ from the
    feed's (``texts``), so that a field left alone is never refused or written."""
    before = texts(feed)
    return check(feed, [(k, v) for k, v in values.items() if v.strip() != before[k].strip()])


def own_values(feed: Feed) -> dict[str, object]:
    """The settings the feed has of its own (not the global one's), as JSON values
    (``tuinews export --state``): ``texts`` gives them back as ``check`` reads them."""
    values: dict[str, object] = {
        "title": feed.user_title,
        "tags": list(feed.tags),
        "interval": feed.refresh_interval,
        "keep": feed.keep,
        "full_text": feed.full_text,
        "hidden": feed.hidden,
        "user_agent": feed.user_agent,
    }
    # (keep 0 is one of its own, "all": compared by identity with False, not ==)
    return {
        key: value
        for key, value in values.items()
        if value is not None and value is not False and value != "" and value != []
    }
