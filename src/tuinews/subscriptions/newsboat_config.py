"""newsboat's ``config`` file, for what tuinews takes from it: its killfile
(``ignore-article FEED EXPRESSION`` lines, which become hide rules where the expression
translates: :mod:`tuinews.newsboat_filter`) and its ``highlight-article EXPRESSION FG BG
[ATTRIBUTE...]`` lines (highlights: the colours and attributes as a Rich style,
:func:`newsboat_style`). Its other commands are counted, not read: tuinews has its own
settings. Pure: no store, no files."""

from __future__ import annotations

from dataclasses import dataclass, field

from tuinews.subscriptions.newsboat import _tokens

# Commands a newsboat config file is made of (newsboat's documentation): one of them at
# the start of a line, and no line holding a feed URL, is a config file, not a urls file.
COMMANDS = frozenset(
    {
        "always-display-description",
        "articlelist-format",
        "articlelist-title-format",
        "auto-reload",
        "bind-key",
        "browser",
        "cleanup-on-quit",
        "color",
        "confirm-exit",
        "confirm-mark-all-feeds-read",
        "confirm-mark-feed-read",
        "datetime-format",
        "define-filter",
        "delete-read-articles-on-quit",
        "download-full-page",
        "download-path",
        "external-url-viewer",
        "feed-sort-order",
        "feedlist-format",
        "highlight",
        "highlight-article",
        "highlight-feed",
        "html-renderer",
        "ignore-article",
        "ignore-mode",
        "include",
        "keep-articles-days",
        "macro",
        "max-items",
        "notify-always",
        "notify-program",
        "pager",
        "podcast-auto-enqueue",
        "prepopulate-query-feeds",
        "refresh-on-startup",
        "reload-only-visible-feeds",
        "reload-threads",
        "reload-time",
        "save-path",
        "search-highlight-colors",
        "show-read-articles",
        "show-read-feeds",
        "suppress-first-reload",
        "text-width",
        "unbind-key",
        "urls-source",
        "user-agent",
    }
)


@dataclass
class NewsboatConfig:
    """``ignores``: (where, feed, expression) of each ``ignore-article`` line;
    ``problems``: (where, why) of lines of it that cannot be read; ``highlights``:
    (where, expression, colours and attributes) of each ``highlight-article`` line;
    ``others``: lines of other commands; ``urls_source``: (where, the service,
    its ``<service>-url``, its ``<service>-login``) when the feeds are on a server."""

    ignores: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    highlights: list[tuple[str, str, list[str]]] = field(default_factory=list)
    others: int = 0
    urls_source: tuple[str, str, str, str] | None = None


def _lines(text: str) -> list[tuple[int, list[str]]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            tokens = _tokens(stripped)
            if tokens:
                found.append((number, tokens))
    return found


def looks_like_newsboat_config(text: str) -> bool:
    """Whether the text is a newsboat config file: its lines start with newsboat's
    commands (one at least), none with a feed URL."""
    lines = _lines(text)
    if any(tokens[0].lower().startswith(("http://", "https://")) for _, tokens in lines):
        return False
    return any(tokens[0] in COMMANDS for _, tokens in lines)


def parse_newsboat_config(text: str) -> NewsboatConfig:
    config = NewsboatConfig()
    lines = _lines(text)
    for number, tokens in lines:
        command, where = tokens[0], f"line {number}"
        if command == "ignore-article":
            if len(tokens) != 3:
                config.problems.append(
                    (where, 'ignore-article takes two arguments: a feed ("*") and an expression')
                )
            else:
                config.ignores.append((where, tokens[1], tokens[2]))
        elif command == "highlight-article":
            if len(tokens) < 4:
                config.problems.append(
                    (where, "highlight-article takes an expression, a colour and a background")
                )
            else:
                config.highlights.append((where, tokens[1], tokens[2:]))
        else:
            config.others += 1
    values = {tokens[0]: (number, tokens[1]) for number, tokens in lines if len(tokens) == 2}
    number, service = values.get("urls-source", (0, "local"))
    if service not in ("local", "opml"):  # (newsboat's own urls file, or OPML files)
        url, login = (values.get(f"{service}-{key}", (0, ""))[1] for key in ("url", "login"))
        config.urls_source = (f"line {number}", service, url, login)
    return config


_COLOURS = frozenset({"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"})
# newsboat's (curses') attributes as Rich's; "protect" has no equivalent.
_ATTRIBUTES = {
    "bold": "bold",
    "dim": "dim",
    "italic": "italic",
    "underline": "underline",
    "blink": "blink",
    "reverse": "reverse",
    "standout": "reverse",
    "invis": "conceal",
    "protect": "",
}


def _colour(name: str) -> str | None:
    """A newsboat colour as Rich's ("" for "default"; None: not a colour)."""
    lower = name.lower()
    if lower == "default":
        return ""
    if lower in _COLOURS:
        return lower
    if lower.startswith("color") and lower[5:].isdigit() and int(lower[5:]) < 256:
        return f"color({int(lower[5:])})"
    return None


def newsboat_style(words: list[str]) -> tuple[str | None, str]:
    """The Rich style of newsboat's ``FG BG [ATTRIBUTE...]`` (None, and why, if it has
    none: a colour newsboat would refuse)."""
    foreground, background = _colour(words[0]), _colour(words[1])
    if foreground is None or background is None:
        bad = words[0] if foreground is None else words[1]
        return None, f"{bad!r} is not a newsboat colour"
    parts = []
    for attribute in words[2:]:
        rich = _ATTRIBUTES.get(attribute.lower())
        if rich is None:
            return None, f"{attribute!r} is not a newsboat attribute"
        if rich:
            parts.append(rich)
    if foreground:
        parts.append(foreground)
    if background:
        parts.append(f"on {background}")
    if not parts:
        return None, "its colours are the defaults: it would not show"
    return " ".join(dict.fromkeys(parts)), ""
