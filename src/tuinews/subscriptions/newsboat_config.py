"""newsboat's ``config`` file, for what tuinews takes from it: its killfile
(``ignore-article FEED EXPRESSION`` lines, which become hide rules where the expression
translates: :mod:`tuinews.newsboat_filter`). Its other commands are counted, not read:
tuinews has its own settings. Pure: no store, no files."""

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
    ``problems``: (where, why) of lines of it that cannot be read; ``highlights``: the
    ``highlight-article`` lines (highlight rules are not there yet); ``others``: lines of
    other commands."""

    ignores: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    highlights: int = 0
    others: int = 0


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
    for number, tokens in _lines(text):
        command, where = tokens[0], f"line {number}"
        if command == "ignore-article":
            if len(tokens) != 3:
                config.problems.append(
                    (where, 'ignore-article takes two arguments: a feed ("*") and an expression')
                )
            else:
                config.ignores.append((where, tokens[1], tokens[2]))
        elif command == "highlight-article":
            config.highlights += 1
        else:
            config.others += 1
    return config
