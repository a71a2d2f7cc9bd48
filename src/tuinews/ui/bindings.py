"""Every key binding, as data: an id (for remapping in the config file), keys, and a
description. The footer, the help screen and the command palette all read these. The
app's and the main screen's act there; the article pane's act on the article pane (its
keys while it has the focus; the palette's commands whatever has it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from textual.binding import Binding

if TYPE_CHECKING:
    from tuinews.handoffs.commands import Command

APP_BINDINGS = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Help", id="help"),
]

# The feed list's folders (tuinews.ui.widgets.feed_list), while it has the focus: first,
# so that they are tried before Enter's, Escape's and space's (elsewhere, and on a row
# that is not theirs, they step aside and the key does what it always did).
FOLDER_BINDINGS = [
    Binding(
        "enter,space",
        "toggle_folder",
        "Fold or unfold the folder (feed list)",
        id="toggle_folder",
        show=False,
        priority=True,
    ),
    Binding(
        "right,l",
        "unfold_folder",
        "Unfold the folder, or go into it (feed list)",
        id="unfold_folder",
        show=False,
        priority=True,
    ),
    Binding(
        "left,h",
        "fold_folder",
        "Fold the folder, or go to the one it is in (feed list)",
        id="fold_folder",
        show=False,
        priority=True,
    ),
]
FOLDER_ACTIONS = frozenset(binding.action for binding in FOLDER_BINDINGS)

MAIN_BINDINGS = [
    *FOLDER_BINDINGS,
    Binding("j,down", "next", "Next", id="next"),
    Binding("k,up", "previous", "Previous", id="previous", show=False),
    Binding("enter,l", "read", "Read", id="read", show=False, priority=True),
    Binding("escape,h", "back", "Back to list", id="back", show=False, priority=True),
    Binding("space,pagedown", "page_down", "Page down / next article", id="page_down", show=False),
    Binding("b,pageup", "page_up", "Page up", id="page_up", show=False),
    Binding("g,home", "first", "First headline", id="first", show=False),
    Binding("G,end", "last", "Last headline", id="last", show=False),
    Binding("n", "next_unread", "Next unread", id="next_unread"),
    Binding("N", "previous_unread", "Previous unread", id="previous_unread", show=False),
    Binding("slash", "search", "Search", id="search", priority=True),
    Binding(
        "ctrl+g",
        "search_scope",
        "Search the shown view / all articles",
        id="search_scope",
        show=False,
    ),
    Binding("o", "open_link", "Open link", id="open_link"),
    Binding("y", "copy_link", "Copy link", id="copy_link", show=False),
    Binding("w", "save_article", "Save the article as Markdown", id="save_article", show=False),
    Binding(
        "vertical_line",
        "pipe_article",
        "Hand the article to a command of [commands]",
        id="pipe_article",
        show=False,
    ),
    Binding("m", "toggle_read", "Toggle read", id="toggle_read", show=False),
    Binding("s", "toggle_star", "Toggle star", id="toggle_star"),
    Binding("A", "mark_all_read", "Mark all shown read", id="mark_all_read", show=False),
    Binding(
        "S",
        "save_search",
        "Save the search as a feed (a saved search)",
        id="save_search",
        show=False,
        priority=True,
    ),
    Binding("F", "full_text", "Full article / summary", id="full_text", show=False),
    Binding(
        "D",
        "download_enclosure",
        "Download the article's enclosure (podcast)",
        id="download_enclosure",
        show=False,
    ),
    Binding("P", "play_enclosure", "Play the article's enclosure", id="play_enclosure", show=False),
    Binding(
        "X",
        "cancel_download",
        "Cancel the enclosure's download (what came is removed)",
        id="cancel_download",
        show=False,
    ),
    Binding(
        "O",
        "sort_headlines",
        "Sort the headlines: newest, oldest, title, feed, unread first",
        id="sort_headlines",
        show=False,
    ),
    Binding(
        "ctrl+o",
        "sort_feeds",
        "Sort the feeds: name, unread, last update, as added",
        id="sort_feeds",
        show=False,
    ),
    Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
    Binding("r", "refresh_feed", "Refresh feed", id="refresh_feed", show=False),
    Binding("a", "add_feed", "Add feed", id="add_feed", show=False, priority=True),
    Binding("d", "remove_feed", "Remove feed", id="remove_feed", show=False, priority=True),
    Binding(
        "e", "edit_feed", "Edit the feed's settings", id="edit_feed", show=False, priority=True
    ),
    Binding("t", "edit_tags", "Edit the feed's tags", id="edit_tags", show=False, priority=True),
    Binding("f", "toggle_feeds", "Feed list", id="toggle_feeds", show=False, priority=True),
    Binding("tab", "focus_next_pane", "Next pane", id="next_pane", show=False, priority=True),
    # Pane widths (tuinews.ui.pane_sizes): remembered across runs; the mouse drags a border.
    Binding(
        "right_square_bracket",
        "wider_headlines",
        "Wider headline list",
        id="wider_headlines",
        show=False,
    ),
    Binding(
        "left_square_bracket",
        "narrower_headlines",
        "Narrower headline list",
        id="narrower_headlines",
        show=False,
    ),
    Binding("right_curly_bracket", "wider_feeds", "Wider feed list", id="wider_feeds", show=False),
    Binding(
        "left_curly_bracket",
        "narrower_feeds",
        "Narrower feed list",
        id="narrower_feeds",
        show=False,
    ),
    Binding(
        "equals_sign", "default_widths", "Default pane widths", id="default_widths", show=False
    ),
]

ARTICLE_PANE = "article"  # the article pane's id: the palette's namespace for its actions
ARTICLE_BINDINGS = [
    # A code block wider than the pane is not wrapped: the pane scrolls sideways.
    Binding(
        "left", "scroll_left", "Scroll the article left (wide code)", id="scroll_left", show=False
    ),
    Binding(
        "right",
        "scroll_right",
        "Scroll the article right (wide code)",
        id="scroll_right",
        show=False,
    ),
    # The article's numbered links (tuinews.ui.widgets.article_links): text[3] in the article.
    Binding(
        "u",
        "show_links",
        "The article's links: Enter opens one, y copies it",
        id="show_links",
        show=False,
        priority=True,  # (a dialog: the keys typed after it land in it)
    ),
    Binding(
        "number_sign",
        "link_number",
        "Open the article's link by number (#12 Enter)",
        id="open_link_number",
        show=False,
        priority=True,  # (a dialog: the digits typed after it land in it)
    ),
    *(
        Binding(
            str(number),
            f"open_numbered_link({number})",
            f"Open the article's link {number}",
            id=f"open_link_{number}",
            show=False,
        )
        for number in range(1, 10)
    ),
]

# Keys that move the focus (to a pane, the search bar or a dialog) are "priority" bindings:
# they run before the next key is delivered, so "/word" or "a" and a URL typed quickly
# land in the search bar or the dialog whole (a dialog's action waits until it is mounted
# and focused). While the search bar has the focus they are switched off
# (MainScreen.check_action) and reach the input.
FOCUS_ACTIONS = frozenset(
    {
        "read",
        "back",
        "search",
        "add_feed",
        "remove_feed",
        "edit_feed",
        "edit_tags",
        "save_search",
        "toggle_feeds",
        "focus_next_pane",
    }
)

# (in the help screen's order: the folders' keys after the feeds')
ALL_BINDINGS = MAIN_BINDINGS[len(FOLDER_BINDINGS) :] + FOLDER_BINDINGS
ALL_BINDINGS += ARTICLE_BINDINGS + APP_BINDINGS
BINDING_IDS = frozenset(binding.id for binding in ALL_BINDINGS if binding.id)


class BindingRow(NamedTuple):
    """One binding as the help screen and the command palette show it."""

    keys: str
    description: str
    id: str
    action: str


def binding_rows(keys: Mapping[str, str], display: Callable[[Binding], str]) -> list[BindingRow]:
    """Every binding with the user's remapping (``keys``: id to keys) applied; ``display``
    shows a key as the footer does."""
    rows = []
    for binding in ALL_BINDINGS:
        keyspec = keys.get(binding.id or "", binding.key)
        shown = ", ".join(display(Binding(key, "")) for key in keyspec.split(",") if key)
        target = "app" if binding in APP_BINDINGS else "screen"
        target = ARTICLE_PANE if binding in ARTICLE_BINDINGS else target
        action = f"{target}.{binding.action}"
        rows.append(BindingRow(shown, binding.description, binding.id or "", action))
    return rows


def command_rows(
    commands: tuple[Command, ...], keys: Mapping[str, str], display: Callable[[Binding], str]
) -> list[BindingRow]:
    """The config's ``[commands]`` as rows (keys: those given in ``[keys]``, if any)."""
    rows = []
    for command in commands:
        keyspec = keys.get(command.binding_id, "")
        shown = ", ".join(display(Binding(key, "")) for key in keyspec.split(",") if key)
        action = f"screen.run_command({command.name!r})"
        rows.append(BindingRow(shown, command.description, command.binding_id, action))
    return rows


def command_clashes(commands: tuple[Command, ...], keys: Mapping[str, str]) -> list[str]:
    """A problem for each command key that is already another binding's (that binding
    would win, and the command never run from it)."""
    taken: dict[str, str] = {}
    for binding in ALL_BINDINGS:
        for key in keys.get(binding.id or "", binding.key).split(","):
            taken.setdefault(key.strip(), binding.id or binding.action)
    problems = []
    for command in commands:
        for key in keys.get(command.binding_id, "").split(","):
            key = key.strip()
            if key in taken:
                problems.append(
                    f"[keys] {command.binding_id} = {key!r}: that key is already "
                    f"{taken[key]}'s; give the command another (or {taken[key]} another)"
                )
            elif key:
                taken[key] = command.binding_id
    return problems


def _group(binding: Binding) -> int:
    """Which node holds the binding: the app, the main screen or the article pane."""
    return 0 if binding in APP_BINDINGS else 2 if binding in ARTICLE_BINDINGS else 1


def user_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap for ``[keys]`` (binding ids to keys), and its problems. A key the user
    gives a binding is taken from every other binding that has it by default, which keeps
    its other keys (across panes the other binding kept it, and the key ran it outside
    the user's pane: ``scroll_right = "w"`` saved the article from the headline list).
    A binding left with no key: in the same pane, it has none ("" here; Textual takes
    the key); in another, it keeps its own there. Either way a problem says so."""
    keymap = {id_: spec for id_, spec in keys.items() if id_ in BINDING_IDS}
    given = {
        key.strip(): id_ for id_, spec in keymap.items() for key in spec.split(",") if key.strip()
    }
    groups = {binding.id: _group(binding) for binding in ALL_BINDINGS}
    problems = []
    for binding in ALL_BINDINGS:
        if not binding.id or binding.id in keymap:
            continue
        own = [key.strip() for key in binding.key.split(",")]
        lost = [key for key in own if key in given]
        left = [key for key in own if key not in given]
        if lost and left:
            keymap[binding.id] = ",".join(left)
        elif lost:
            taker, key = given[lost[0]], lost[0]
            same = groups[taker] == _group(binding)
            keymap[binding.id] = "" if same else binding.key
            where = "it has no key now" if same else f"{key!r} still runs it outside {taker}'s pane"
            problems.append(
                f"[keys] {taker} = {key!r}: that key was {binding.id}'s, its only one; "
                f"{where}: give {binding.id} another in [keys]"
            )
    return keymap, problems


def first_key(keys: Mapping[str, str], binding_id: str, display: Callable[[Binding], str]) -> str:
    """The (first) key of a binding, as the footer shows it ("" if there is none)."""
    for binding in ALL_BINDINGS:
        if binding.id == binding_id:
            first = keys.get(binding_id, binding.key).split(",")[0]
            return display(Binding(first, "")) if first else ""
    return ""
