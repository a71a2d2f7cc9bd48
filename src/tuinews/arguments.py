"""The command line's words: the commands, their options and the parsers that read them
(``tuinews --help``, ``tuinews COMMAND --help``), and the order they may come in (the
common options before the command or after it). :mod:`tuinews.cli` runs what they name."""

from __future__ import annotations

import argparse
from pathlib import Path

import tuinews

COMMANDS = (
    "refresh",
    "search",
    "save",
    "add",
    "remove",
    "feeds",
    "import",
    "export",
    "extract",
    "account",
    "sync",
    "mark",
    "query",
    "rule",
    "feed",
    "downloads",
)
# these need write access (a nested command's "list" or "show" does not)
WRITERS = (
    "refresh", "add", "remove", "import", "account", "sync", "mark", "query", "rule", "feed",
    "downloads",
)  # fmt: skip
READERS = ("list", "show")  # the nested commands' actions that only read
CREATORS = ("refresh", "add", "import")  # these (and the app) make a database that is not there
ACCOUNT_COMMANDS = ("account", "sync", "mark")  # in tuinews.account_commands
NESTED = ("query", "rule", "feed")  # a word after the command: its action (add, list...)
COMMON_OPTIONS = ("--db", "--config")  # each takes a value; before a command or after it
_COMMON_JOINED = tuple(f"{option}=" for option in COMMON_OPTIONS)


class _Version(argparse.Action):
    """--version, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"tuinews {tuinews.__version__}")
        parser.exit()


def _positive(text: str) -> int:
    """A whole number above 0, for argparse (its message names the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _common(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    """The common options. ``nested``: on a command's own sub-command (``account add``),
    where they must not undo a value given before it (argparse would set the default)."""
    extra: dict[str, object] = {"default": argparse.SUPPRESS} if nested else {}
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: $TUINEWS_CONFIG or the user config directory)",
        **extra,  # type: ignore[arg-type]
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="database file (default: $TUINEWS_DB, the 'db' setting, or the user data directory)",
        **extra,  # type: ignore[arg-type]
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinews",
        description=(
            "A terminal news reader. Opens local articles (plain text, Markdown, HTML) and "
            "feed files (RSS, Atom, JSON Feed); folders are read recursively. With no PATH "
            "it opens everything in the store (the welcome library on the first run)."
        ),
        epilog=(
            "commands: " + ", ".join(COMMANDS) + " (tuinews COMMAND --help). "
            "Press ? in the app for the keys."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to open")
    _common(parser)
    parser.add_argument("--version", action=_Version)
    return parser


def build_command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tuinews")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    refresh = commands.add_parser("refresh", help="fetch all feeds and print a summary")
    refresh.add_argument("--json", action="store_true", help="print one JSON object")
    refresh.add_argument(
        "--all",
        action="store_true",
        help="also the feeds whose own interval (tuinews feed set ID interval=M) is not up",
    )
    _common(refresh)

    search = commands.add_parser("search", help="search the stored articles")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument(
        "--limit", type=_positive, default=50, help="at most this many (default 50)"
    )
    _common(search)

    save = commands.add_parser(
        "save", help="save the articles a search finds as Markdown files (as w in the reader)"
    )
    save.add_argument("query", nargs="+", metavar="QUERY")
    save.add_argument("--dir", default="", help="into this folder (default: the save_dir setting)")
    save.add_argument("--limit", type=_positive, default=50, help="at most this many (default 50)")
    _common(save)

    add = commands.add_parser("add", help="subscribe to a feed (or a page that links one)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--title", default="", help="a title of your own")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.add_argument(
        "--full-text",
        action="store_true",
        help="for feeds that only carry summaries: fetch each new article from its link",
    )
    add.add_argument(
        "--account",
        metavar="API_URL",
        help="subscribe on this account's server (see tuinews account list), then sync it",
    )
    _common(add)

    remove = commands.add_parser("remove", help="unsubscribe (its articles go too)")
    remove.add_argument("feed", metavar="URL|ID")
    remove.add_argument(
        "--account", metavar="API_URL", help="unsubscribe on this account's server, then here"
    )
    _common(remove)

    feeds = commands.add_parser("feeds", help="list feeds: unread, last fetch, last error")
    feeds.add_argument("--json", action="store_true", help="print one JSON object")
    _common(feeds)

    imports = commands.add_parser(
        "import",
        help="import subscriptions (OPML, newsboat urls), newsboat's cache.db, or read state",
        description=(
            "Each FILE is recognised by its content: an OPML file, a newsboat urls file, "
            "newsboat's cache.db (feeds, articles, read state, flagged articles as starred), "
            "newsboat's config (its ignore-article lines become hide rules) "
            "or a read-state file from `tuinews export --state` (read and starred marks, "
            "feeds' own settings, saved searches, rules). Switching from newsboat: "
            "tuinews import ~/.newsboat/urls ~/.newsboat/cache.db. Importing only adds, so "
            "the same files imported again change nothing."
        ),
    )
    imports.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imports.add_argument(
        "--account",
        metavar="API_URL",
        help="subscribe on this account's server to the lists' feeds (tags as folders)",
    )
    _common(imports)

    export = commands.add_parser("export", help="write OPML 2.0 (or --state) to stdout")
    export.add_argument(
        "--state",
        action="store_true",
        help=(
            "write the read and starred articles, the feeds' own settings, the saved searches "
            "and the rules instead (JSON; `tuinews import` applies it)"
        ),
    )
    _common(export)

    extract = commands.add_parser(
        "extract", help="print the article in a page or text file as Markdown (reader mode)"
    )
    extract.add_argument("source", metavar="FILE|URL")
    _common(extract)
    _account_parsers(commands)
    _triage_parsers(commands)
    _downloads_parser(commands)
    return parser


def _downloads_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    downloads = commands.add_parser(
        "downloads",
        help="enclosures' downloads (podcasts): list them, queue one, run the queue",
    )
    downloads.add_argument("--json", action="store_true", help="print one JSON object")
    downloads.add_argument(
        "--add", type=_positive, metavar="ARTICLE_ID", help="queue this article's enclosure"
    )
    downloads.add_argument(
        "--number", type=_positive, default=1, help="which enclosure of the article (default 1)"
    )
    downloads.add_argument(
        "--run", action="store_true", help="download what is queued (resuming what was cut)"
    )
    downloads.add_argument(
        "--cancel",
        type=_download_id,
        metavar="ID|all",
        help="cancel a download (its number in the list) or all those not done; "
        "what they had fetched is removed",
    )
    _common(downloads)


def _download_id(text: str) -> int | str:
    """A download's number, or "all"."""
    return "all" if text.strip().lower() == "all" else _positive(text)


def _account_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = commands.add_parser(
        "account",
        help="accounts on feed servers (FreshRSS, Miniflux...): add, list, remove",
        description=(
            "An account's subscriptions and read state live on its server (the Google "
            "Reader API: FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux); "
            "tuinews sync brings them here and sends back what you read and star."
        ),
    )
    _common(account)
    actions = account.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="log in to a server and add the account")
    add.add_argument(
        "url",
        metavar="URL",
        help="the API root: https://HOST/api/greader.php for FreshRSS, the base URL otherwise",
    )
    add.add_argument("--user", required=True, metavar="NAME", help="your user name there")
    add.add_argument(
        "--password-command",
        metavar="CMD",
        help="a command that prints the password (run without a shell; else "
        "$TUINEWS_PASSWORD, else asked). Only the server's login token is kept.",
    )
    _common(add, nested=True)
    listing = actions.add_parser("list", help="list the accounts and their last sync")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    _common(listing, nested=True)
    remove = actions.add_parser("remove", help="remove an account (asks about its articles)")
    remove.add_argument("url", metavar="URL")
    remove.add_argument("--user", metavar="NAME", help="whose account, when several share URL")
    keep = remove.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep-articles",
        dest="articles",
        action="store_const",
        const="keep",
        help="keep its articles: its feeds become local ones (fetched by tuinews refresh)",
    )
    keep.add_argument(
        "--drop-articles",
        dest="articles",
        action="store_const",
        const="drop",
        help="drop its feeds and articles",
    )
    _common(remove, nested=True)

    sync = commands.add_parser(
        "sync", help="sync the accounts: read and star both ways, new articles"
    )
    sync.add_argument("--json", action="store_true", help="print one JSON object")
    sync.add_argument("--account", metavar="API_URL", help="only this account")
    _common(sync)

    mark = commands.add_parser(
        "mark",
        help="mark every article a search finds (an account's changes go at the next sync)",
    )
    mark.add_argument("mark", choices=("read", "unread", "star", "unstar"))
    mark.add_argument("query", nargs="+", metavar="QUERY", help="as tuinews search takes it")
    _common(mark)


def _triage_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = commands.add_parser(
        "query",
        help="saved searches: add, list, remove",
        description=(
            "Saved searches are listed above the feeds in the app, with their unread counts. "
            "QUERY is the search bar's language (tuinews search)."
        ),
    )
    queries = query.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = queries.add_parser("add", help="save a search: tuinews query add NAME QUERY...")
    add.add_argument("name", metavar="NAME")
    add.add_argument("query", nargs="+", metavar="QUERY")
    listing = queries.add_parser("list", help="the saved searches and their unread counts")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    remove = queries.add_parser("remove", help="remove a saved search")
    remove.add_argument("name", metavar="NAME")
    for leaf in (add, listing, remove):
        _common(leaf)

    rule = commands.add_parser(
        "rule",
        help="rules run on every new article: add, list, remove, apply",
        description=(
            "A rule hides, marks read, stars or tags (tag:NAME) every new article its QUERY "
            "matches (the search bar's language), as it is stored. Hidden articles are kept "
            "but shown only by the search is:hidden. Rules can also be written in the config "
            'file: [[rules]] with match = "QUERY" and action = "hide".'
        ),
    )
    rules = rule.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = rules.add_parser("add", help="add a rule: tuinews rule add hide title:sponsored")
    add.add_argument("rule_action", metavar="ACTION", help="hide, read, star or tag:NAME")
    add.add_argument("query", nargs="+", metavar="QUERY")
    listing = rules.add_parser("list", help="the rules, from the config file and added here")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    remove = rules.add_parser("remove", help="remove a rule added here, by its number")
    remove.add_argument("number", type=_positive, metavar="N")
    apply = rules.add_parser("apply", help="run the rules on the articles already stored")
    apply.add_argument("--json", action="store_true", help="print one JSON object")
    for leaf in (add, listing, remove, apply):
        _common(leaf)
    _feed_parsers(commands)


def _feed_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # (feed_settings brings the settings and platformdirs: not for --version or the reader)
    from tuinews.feed_settings import KEYS

    keys = "; ".join(f"{key}: {about}" for key, about in KEYS.items())
    feed = commands.add_parser(
        "feed",
        help="a feed's own settings: set, show",
        description=(
            "A feed's own settings override the config file's for that feed. The keys: "
            f"{keys}. An account's feed takes keep and hidden (its title and tags are its "
            "server's; its server fetches it)."
        ),
    )
    actions = feed.add_subparsers(dest="action", required=True, metavar="ACTION")
    change = actions.add_parser(
        "set",
        help="change settings: tuinews feed set ID interval=30 tags=news,world",
        description=(
            "Every KEY=VALUE is checked first: one that is wrong changes nothing. "
            f"The keys: {keys}."
        ),
    )
    change.add_argument("feed", metavar="URL|ID")
    change.add_argument("settings", nargs="+", metavar="KEY=VALUE")
    show = actions.add_parser("show", help="the feed's settings, and the global ones it uses")
    show.add_argument("feed", metavar="URL|ID")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    for leaf in (change, show):
        _common(leaf)


def command_first(argv: list[str]) -> tuple[str | None, list[str]]:
    """The command argv names, and argv with the command first: the common options may
    come before it (``tuinews --db nb.db feeds``) as well as after it. (None, argv) when
    it names none: paths for the reader."""
    at = 0
    while at < len(argv):
        if argv[at] in COMMON_OPTIONS:
            at += 2
        elif argv[at].startswith(_COMMON_JOINED):
            at += 1
        else:
            break
    if at < len(argv) and argv[at] in COMMANDS:
        command = argv[at]
        if command in NESTED and at + 1 < len(argv) and not argv[at + 1].startswith("-"):
            # the options go to the action's parser: ``query list --db FILE``
            rest = argv[at + 2 :]
            if argv[at + 1] == "add":
                rest = _query_words_last(rest)
            return command, [command, argv[at + 1], *argv[:at], *rest]
        rest = argv[at + 1 :]
        if command in _QUERY_LAST:
            rest = _query_words_last(rest, command)
        return command, [command, *argv[:at], *rest]
    return None, argv


# The commands whose last argument is a query, and what comes before it: (the options that
# take a value, the flags, how many words come before the query).
_QUERY_LAST = {
    "search": (("--limit", *COMMON_OPTIONS), ("--json", "-h", "--help"), 0),
    "save": (("--limit", "--dir", *COMMON_OPTIONS), ("-h", "--help"), 0),
    "mark": (COMMON_OPTIONS, ("-h", "--help"), 1),
    "query add": (COMMON_OPTIONS, ("-h", "--help"), 1),  # and rule add ACTION
}


def _query_words_last(words: list[str], command: str = "query add") -> list[str]:
    """``search QUERY...``, ``mark MARK QUERY...``, ``query add NAME QUERY...`` and ``rule
    add ACTION QUERY...``: the options first, then the words before the query, then the
    query after ``--``, so that an exclusion in it (``-sport``) is a word of the query,
    not an option."""
    valued, flags, before = _QUERY_LAST[command]
    joined = tuple(f"{option}=" for option in valued)
    options: list[str] = []
    others: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word in valued and at + 1 < len(words):
            options += words[at : at + 2]
            at += 2
            continue
        if word.startswith(joined) or word in flags:
            options.append(word)
        elif word != "--" or others:
            others.append(word)
        at += 1
    if len(others) <= before or not any(word.startswith("-") for word in others[before:]):
        return [*options, *others]
    return [*options, *others[:before], "--", *others[before:]]
