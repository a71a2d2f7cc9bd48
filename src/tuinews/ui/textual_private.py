"""Every use of Textual's private or undocumented API, in one place (issue 13).

Each is here for speed, measured, and each has a comment saying what it relies on. They
are checked against the Textual major version pinned in pyproject.toml (``textual>=8,<9``):
on a new major version, read this module against Textual's source first. Nothing else in
tuinews touches a name of Textual's that begins with an underscore, nor the methods below.
"""

from __future__ import annotations

from textual.app import App
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.visual import VisualType
from textual.widgets import OptionList


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set ``view``'s scrollable size. Setting ``virtual_size`` asks for a layout of the
    whole screen, which repaints every pane (10-25 ms at 120x40, measured while typing a
    search); a pane's own size does not depend on its content, only its scrollbars do, so
    this updates them as Textual's own size update does, and asks for a layout only when a
    scrollbar appears or goes."""
    if size != view.virtual_size:
        bars = (view.show_vertical_scrollbar, view.show_horizontal_scrollbar)
        # set_reactive: the value without its watcher (which would ask for the layout).
        view.set_reactive(ScrollView.virtual_size, size)
        # Private: ScrollView._scroll_update(size) is what the watcher does besides the
        # layout (the scrollbars' sizes and positions, the scroll clamped to the new size).
        view._scroll_update(size)
        if (view.show_vertical_scrollbar, view.show_horizontal_scrollbar) != bars:
            view.refresh(layout=True)  # the scrollbar's place is laid out
    view.refresh()


def prompt_screen(screen: Screen[object]) -> None:
    """Ask ``screen`` to draw what is waiting (as Textual's ``delay_update`` does after a
    held update). Undocumented: ``Screen.check_idle`` posts a Prompt when its queue is
    empty, which runs the screen's idle handler, where it draws."""
    screen.check_idle()


# Options rendered (by style) kept over which one replaced prompt drops them all: a
# resize replaces every prompt (1,000 looks at 2,000 kept renderings would take ~50 ms).
DROP_ALL_OVER = 128


class OneLineOptionList(OptionList):
    """An OptionList whose every option is one line (its prompt cut to the width), so the
    heights are not measured: OptionList measures every option again after any prompt
    changes (80 µs each: 80 ms for 1,000 feeds on each count update, e.g. a ``j`` onto an
    unread article). The override falls back to OptionList's own when its internals are
    not the ones read here."""

    def _update_lines(self) -> None:
        # Private, all of it: OptionList._update_lines (overridden) fills its
        # _line_cache (lines: (option index, line) pairs; index_to_line; heights), each
        # option's height counting its Option._divider line; the width leaves out
        # _get_left_gutter_width(); a new size goes through ScrollView._scroll_update, as
        # OptionList's own does.
        cache = getattr(self, "_line_cache", None)
        if not isinstance(getattr(cache, "heights", None), dict):
            super()._update_lines()
            return
        if not self.scrollable_content_region:
            return
        assert cache is not None
        lines: list[tuple[int, int]] = cache.lines
        options = self.options
        for index in range(lines[-1][0] + 1 if lines else 0, len(options)):
            height = 1 + int(options[index]._divider)
            cache.index_to_line[index] = len(lines)
            cache.heights[index] = height
            lines.extend((index, line) for line in range(height))
        last_divider = bool(options) and options[-1]._divider
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        size = Size(width, len(lines) - (1 if last_divider else 0))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

    def _replace_option_prompt(self, index: int, prompt: VisualType) -> None:
        """One option's prompt replaced (a count changed): only that option's rendering is
        dropped and only its line drawn again. OptionList's own drops every option's
        rendering and its lines, and redraws the whole list: 15-25 ms of the UI thread at
        each article marked read, with 1,000 feeds (40 rows drawn again)."""
        # Private: OptionList._option_render_cache (an LRUCache keyed by (option, style,
        # padding)), _line_cache.index_to_line (option index -> its first line), and
        # Option._set_prompt, which the replaced method calls. The lines stay: one a row.
        cache = getattr(self, "_option_render_cache", None)
        lines = getattr(getattr(self, "_line_cache", None), "index_to_line", None)
        if not hasattr(cache, "discard") or not isinstance(lines, dict) or index not in lines:
            super()._replace_option_prompt(index, prompt)
            return
        assert cache is not None
        option = self.get_option_at_index(index)
        option._set_prompt(prompt)
        keys = cache.keys()
        if len(keys) > DROP_ALL_OVER:  # (all of them dropped: cheaper than a look at each)
            cache.clear()  # (the rows on screen stay drawn: only this one is redrawn)
        else:
            for key in [key for key in keys if key[0] is option]:
                cache.discard(key)
        y = lines[index] - self.scroll_offset.y
        if 0 <= y < self.scrollable_content_region.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))


def write_to_terminal(app: App[object], data: str) -> None:
    """Write escape sequences to the terminal in order with the app's frames (an image
    sent with Kitty's graphics protocol, a terminal notification). Private:
    ``App._driver`` is the running driver; ``Driver.write`` queues the text on its writer
    thread, as the frames are (a headless driver drops it); Textual's own ``App.bell``
    writes its ``\\a`` the same way."""
    driver = app._driver
    if driver is not None and not app.is_headless:
        driver.write(data)
