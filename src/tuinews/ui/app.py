"""The tuinews App: holds the injected services, global keys and the command palette."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import BindingType

from tuinews.resources import stylesheets
from tuinews.search_results import FIRST_SCREEN
from tuinews.settings import Settings
from tuinews.startup import EarlyStart, Opened, open_store
from tuinews.store import Store
from tuinews.ui.bindings import (
    APP_BINDINGS,
    BINDING_IDS,
    BindingRow,
    binding_rows,
    command_clashes,
    command_rows,
    first_key,
    user_keymap,
)
from tuinews.ui.contrast import Palette, readable_theme
from tuinews.ui.handoff_actions import command_bindings, command_screen
from tuinews.ui.idle_gc import IdleCollector
from tuinews.ui.palette import BindingCommands
from tuinews.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from tuinews.ingest import Refresher
    from tuinews.ui.services import Services


def open_in_browser(app: App[None], url: str) -> None:
    """Open an (already checked) http(s) URL. Python's webbrowser starts the browser with
    an argument list, never a shell. A browser that runs in the terminal (lynx, w3m...)
    gets the terminal while tuinews is suspended; a graphical one starts in a thread."""
    import webbrowser  # when first needed: 8-25 ms at start-up otherwise

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        app.copy_to_clipboard(url)
        app.notify("No web browser found; the link was copied instead.", severity="warning")
        return
    if type(browser) is webbrowser.GenericBrowser:  # a console browser, in the foreground
        with app.suspend():
            opened = browser.open(url)
        if not opened:
            app.notify(f"The browser could not open {url}", severity="warning")
        return

    def start() -> None:
        if not browser.open(url):
            app.call_from_thread(
                app.notify, f"The browser could not open {url}", severity="warning"
            )

    threading.Thread(target=start, daemon=True).start()
    app.notify(f"Opening {url}")


class TuinewsApp(App[None]):
    """Holds the injected services (the store, the refresher made when first needed, the
    settings, the link opener) and what is app-wide: the keys and their remapping, the
    theme, the command palette, idle garbage collection. Screens and widgets reach the
    services through :class:`tuinews.ui.services.Services`, never this module."""

    TITLE = "tuinews"
    CSS_PATH = stylesheets()  # type: ignore[assignment]
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]
    COMMANDS = App.COMMANDS | {BindingCommands}

    def __init__(
        self,
        store: Store,
        start: Callable[..., Opened] | None = None,
        settings: Settings | None = None,
        problems: list[str] | None = None,
        opener: Callable[[str], None] | None = None,
        early: EarlyStart | None = None,
    ) -> None:
        """``start`` runs in a thread from now (called with ``should_stop``, which says
        when the app is quitting): it loads what was asked for into the store and says
        what to show (by default, everything in the store). ``early``: that work, already
        started (the command line starts it before importing Textual)."""
        super().__init__()
        self.store = store
        self.settings = settings or Settings()
        if early is None:
            order = self.settings.sort_headlines
            early = EarlyStart(store, start or partial(open_store, store), FIRST_SCREEN, order)
        self.early = early
        self._refresher: Refresher | None = None
        self._refresher_lock = threading.Lock()
        self.problems = list(problems or [])
        self.opener = opener or partial(open_in_browser, self)
        self.last_input = time.monotonic()  # of the last key or click
        self.idle_gc = IdleCollector(self, lambda: self.last_input)  # after the first frame

    @property
    def refresher(self) -> Refresher:
        """Fetching and parsing, set up when first needed (not before the first frame;
        prepared in a thread after it)."""
        with self._refresher_lock:
            if self._refresher is None:
                from tuinews.ingest import Refresher  # (parsers, worker pool: ~55 ms)

                # Its workers a lower priority: this process's frames first (see Pool).
                self._refresher = Refresher(self.store, self.settings, background=True)
            return self._refresher

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.last_input = time.monotonic()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.early.stop()
        self.idle_gc.stop()
        if self._refresher is not None:
            await self._refresher.close()

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with scrollbar thumbs and the text of selection bars that
        stand out from their bar (contrast.readable_theme)."""
        variables = super().get_css_variables()
        theme = self.current_theme
        variables.update(readable_theme(variables, Palette(theme.dark, theme.variables)))
        return variables

    def get_default_screen(self) -> MainScreen:
        """The main screen, with a key for each ``[commands]`` entry given one in [keys]."""
        settings = self.settings
        screen: type[MainScreen] = command_screen(
            MainScreen, command_bindings(settings.commands, settings.keys)
        )
        return screen()

    def on_mount(self) -> None:
        # Whatever the first frame shows ("Loading…" too): collections are back on after it.
        self.call_after_refresh(self.idle_gc.enable)
        ids = BINDING_IDS | {command.binding_id for command in self.settings.commands}
        unknown = sorted(set(self.settings.keys) - ids)
        commands = [name for name in unknown if name.startswith("command_")]
        if commands:  # (one skipped for a mistake is said above: not "unknown")
            self.problems.append(
                f"[keys] {', '.join(commands)}: no such command in [commands] (or skipped)"
            )
        if unknown := [name for name in unknown if name not in commands]:
            self.problems.append(f"unknown key binding ids in [keys]: {', '.join(unknown)}")
        self.problems += command_clashes(self.settings.commands, self.settings.keys)
        self.problems += user_keymap(self.settings.keys)[1]
        self.set_keymap(self.keys_in_use)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.problems.append(f"unknown theme {self.settings.theme!r}")
        for problem in self.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=10)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications never parse markup: their text often comes from articles."""
        super().notify(
            message,
            title=title,
            severity=severity,  # type: ignore[arg-type]
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        self.notify("Press q to quit.")

    def open_link(self, url: str) -> None:
        self.opener(url)

    @property
    def keys_in_use(self) -> dict[str, str]:
        """The keys in effect (binding id to keys): [keys], and what it took from others."""
        keymap = user_keymap(self.settings.keys)[0]
        commands = {command.binding_id for command in self.settings.commands}
        return keymap | {k: v for k, v in self.settings.keys.items() if k in commands}

    def binding_rows(self) -> list[BindingRow]:
        """Every binding with the user's remapping applied: for help and the palette."""
        keys, display = self.keys_in_use, self.get_key_display
        return binding_rows(keys, display) + command_rows(self.settings.commands, keys, display)

    def key_display(self, binding_id: str) -> str:
        """The (first) key of a binding, as the footer shows it ("" if there is none)."""
        return first_key(self.keys_in_use, binding_id, self.get_key_display)

    def action_help(self) -> None:
        from tuinews.ui.screens.help import HelpScreen  # when first asked for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_rows()))


if TYPE_CHECKING:

    def _provides_the_services(app: TuinewsApp) -> Services:
        return app  # mypy checks that the app is what screens and widgets expect
