"""What the feed list lists below the views and the saved searches: tags, folders and
feeds, as entries (one per row).

Tags with a ``/`` are folders (``world/europe`` is ``europe`` in ``world``): the feeds
tagged with them are listed in a tree, each feed under every folder it is tagged with,
each folder with the unread articles of the feeds in it and below it (a feed counted
once), folded (its rows left out) or not. A tag that is also the start of a folder's
(``world`` beside ``world/europe``) is that folder. Other tags are listed as they always
were (``#tag``: their feeds are not under them), and the feeds in no folder after the
tree. Folders are in natural order by name; the feeds in each, in the feed list's order
(the store's). The folded folders are remembered across runs (tuinews.remembered)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.text import Text

from tuinews.query.orders import natural_key
from tuinews.remembered import load_state, state_path, update_state
from tuinews.store import Feed, View

FOLDED = "▸"  # before a folded folder's name
OPEN = "▾"  # before an unfolded one's
FOLD_PREFIX = "fold_"  # of the folded folders' names in the state file


@dataclass
class Entry:
    """One row of the feed list: a view, what the list calls it (``label``: also the
    headline list's title), its unread count; a feed's own row has the ``feed``; a
    folder's row its path (``folder``); ``depth``: its place in the folder tree."""

    view: View
    label: str
    unread: int
    feed: Feed | None = None
    failed: bool = False
    depth: int = 0
    folder: str | None = None
    folded: bool = False
    account: str = ""  # an account's feed: its server's host (shown dim after the name)

    @property
    def shown(self) -> str:
        """The row's text: a folder's last part, after its fold marker, indented."""
        indent = "  " * self.depth
        if self.folder is not None:
            name = self.folder.rsplit("/", 1)[-1]
            return f"{indent}{FOLDED if self.folded else OPEN} {name}"
        return indent + self.label

    @property
    def marker(self) -> int | None:
        """The column of a folder's fold marker in its row (None: not a folder)."""
        return None if self.folder is None else 2 * self.depth

    @property
    def parent(self) -> str | None:
        """The folder this row is in (None: at the top)."""
        if self.folder is not None:
            return self.folder.rpartition("/")[0] or None
        return None


def prompt(entry: Entry, width: int, saved_mark: str) -> Text:
    """The row as drawn: its text cut to ``width`` cells, its count on the right. Never
    more than one line: the list draws each option as one line and the row below it as its
    separator (tuinews.ui.textual_private.OneLineOptionList), so a prompt made for a wider
    list (a guess, before the list is shown) that wrapped put its count in the separator's
    place ("1" instead of "────"); cut instead, until it is made again for the width."""
    count = str(entry.unread) if entry.unread else ""
    mark = "! " if entry.failed else saved_mark if entry.view.search is not None else ""
    shown = entry.shown
    if mark:  # (after the indentation)
        text = shown.lstrip(" ")
        shown = shown[: len(shown) - len(text)] + mark + text
    label = Text(shown, no_wrap=True, style="bold" if entry.unread else "")
    if entry.account:  # (plain text, as the name: never markup)
        label.append(f" · {entry.account}", style="not bold dim")
    label.truncate(max(1, width - len(count) - 1), overflow="ellipsis", pad=True)
    return Text.assemble(label, " ", Text(count, style="dim"), no_wrap=True, overflow="crop")


def list_width(width: int, made_for: int) -> int:
    """The width to make rows for: the list's; hidden (0), the one its rows were last made
    for (or a guess: they are made again before the list is drawn)."""
    return max(10, width or made_for or 24)


def is_folder_tag(tag: str) -> bool:
    """``a/b``: a folder; ``a``, ``/a``, ``a/`` and ``a//b`` are not."""
    return "/" in tag and all(tag.split("/"))


def in_folder(feed: Feed, folder: str) -> bool:
    """Whether the feed is in the folder or below it (as ``View(folder=...)`` lists)."""
    below = folder + "/"
    return any(tag == folder or tag.startswith(below) for tag in feed.tags)


def folders_of(feeds: Iterable[Feed]) -> set[str]:
    """Every folder: the folder tags and each start of them (``world`` of ``world/a``)."""
    found: set[str] = set()
    for feed in feeds:
        for tag in feed.tags:
            if is_folder_tag(tag):
                parts = tag.split("/")
                found.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
    return found


def feed_entry(feed: Feed, depth: int = 0) -> Entry:
    label = f"{feed.name} (hidden)" if feed.hidden else feed.name
    return Entry(
        View(feed_id=feed.id), label, feed.unread, feed, feed.status in ("failed", "gone"), depth
    )


def tag_entries(feeds: Sequence[Feed]) -> tuple[list[Entry], set[str]]:
    """The tags that are not folders (``#tag``, with their feeds' unread articles, as
    they always were listed), and the folders."""
    folders = folders_of(feeds)
    tags: dict[str, int] = {}
    for feed in feeds:
        for tag in feed.tags:
            if tag not in folders:
                tags[tag] = tags.get(tag, 0) + feed.unread
    entries = [Entry(View(tag=tag), f"#{tag}", n) for tag, n in sorted(tags.items())]
    return entries, folders


def tree_entries(
    feeds: Sequence[Feed], folders: set[str], folded: set[str]
) -> tuple[list[Entry], list[Entry]]:
    """The folder tree (folded folders without their rows), and the feeds in no folder."""
    children: dict[str | None, list[str]] = {}
    for folder in folders:
        children.setdefault(folder.rpartition("/")[0] or None, []).append(folder)
    direct: dict[str, list[Feed]] = {}
    unread: dict[str, int] = dict.fromkeys(folders, 0)
    loose: list[Feed] = []
    for feed in feeds:
        mine = [tag for tag in feed.tags if tag in folders]
        if not mine:
            loose.append(feed)
            continue
        for tag in dict.fromkeys(mine):
            direct.setdefault(tag, []).append(feed)
        above: set[str] = set()  # the feed's folders and every folder above them
        for tag in mine:
            parts = tag.split("/")
            above.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
        for folder in above:
            unread[folder] += feed.unread
    tree: list[Entry] = []

    def add(parent: str | None, depth: int) -> None:
        for folder in sorted(children.get(parent, ()), key=natural_key):
            closed = folder in folded
            view = View(folder=folder)
            tree.append(Entry(view, folder, unread[folder], depth=depth, folder=folder))
            tree[-1].folded = closed
            if not closed:
                add(folder, depth + 1)
                tree.extend(feed_entry(feed, depth + 1) for feed in direct.get(folder, ()))

    add(None, 0)
    return tree, [feed_entry(feed) for feed in loose]


# --- the folded folders, remembered --------------------------------------------------------
# The state file's names are identifiers: a folder's is its path's UTF-8 bytes in hex.


def load_folded() -> set[str]:
    """The folders folded when the app was last left (a few lines read: in a thread)."""
    folded: set[str] = set()
    for name, value in load_state(state_path()).items():
        if name.startswith(FOLD_PREFIX) and value:
            try:
                folded.add(bytes.fromhex(name[len(FOLD_PREFIX) :]).decode("utf-8"))
            except ValueError:
                continue  # (damaged: left out)
    return folded


def save_folded(folded: Iterable[str]) -> bool:
    """Remember these folders as the folded ones (the state file's other names kept)."""
    changes: dict[str, float | None] = {
        FOLD_PREFIX + folder.encode("utf-8").hex(): 1 for folder in folded
    }
    return update_state(state_path(), changes, prefix=FOLD_PREFIX)


def host_of(url: str) -> str:
    """The host of an account's address (its API URL), as shown after its feeds' names."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url
