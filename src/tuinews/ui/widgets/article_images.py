"""Images in the article pane: once an article is on screen and the cursor rests, its
images (marked in its lines: :func:`tuinews.images.find_marks`) are fetched on the event
loop, decoded and scaled in a worker process of their own (:mod:`tuinews.pool`: the pixel
work never holds the app's interpreter, and an image that takes too long is stopped),
drawn as cells and put into the pane's lines below their alt text once the keys are
quiet; newest article only: showing another article cancels the work for the one
before. An image that cannot be shown gets a line saying why. Nothing here runs on a
keystroke but a timer's reset and that cancel; nothing is imported before the first
image. docs/images.md has the design."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from rich.control import Control
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tuinews.sanitise import clean_line
from tuinews.settings import Settings, cache_dir
from tuinews.ui.textual_private import set_virtual_size, write_to_terminal

if TYPE_CHECKING:
    from tuinews.images import Mark
    from tuinews.images.loader import ImageLoader, Prepared
    from tuinews.pool import Pool

REST = 0.3  # seconds the article stays on screen before its images are fetched
AT_ONCE = 4  # images of one article fetched at once...
DECODING = 1  # ...and decoded (one worker process: a core is left to the UI on 2 cores)
DECODE_TIMEOUT = 10.0  # seconds one image's pixel work may take in the worker
QUIET = 0.15  # seconds without a key or click before an image is put into the pane
KEPT = 64  # images kept ready (by URL, width and mode) for a quick return...
KEPT_BYTES = 32 * 1024 * 1024  # ...taking about this much memory at most
_REASON = Style(dim=True, italic=True)
T = TypeVar("T")


class _Moved(Exception):
    """Another article was shown while this one's image was being made."""


class ImageLayer:
    """The article pane's images (one per pane; the pane calls ``put`` and ``added``)."""

    def __init__(self, view: Any) -> None:
        """``view``: the ArticleView (typed loosely: it imports this module)."""
        self.view = view
        self.mode = "off"
        self.settings = Settings()
        self.loader: ImageLoader | None = None
        self.write: Callable[[str], None] = lambda data: write_to_terminal(view.app, data)
        self.inserted = 0  # images and reasons put in (for tests)
        self._generation = 0
        self._article: int | None = None
        self._handled: set[int] = set()  # id() of the mark lines taken, this generation
        self._below: dict[int, int] = {}  # id() of a mark line -> lines put below it
        self._scanned = 0  # the pane's lines looked at for images, this generation
        self._ready: OrderedDict[tuple[str, int, str], Prepared | str] = OrderedDict()
        self._sent: list[int] = []  # Kitty image ids in the terminal for this article
        self._timer: Timer | None = None
        self._decoding: asyncio.Semaphore | None = None
        self.env: Mapping[str, str] = {}
        self.tmux = False  # Kitty's sequences wrapped for tmux's passthrough
        self._ask_tmux = False  # "auto" in tmux: Kitty if tmux says so (with the 1st image)
        self._tmux_answer: asyncio.Future[bool] | None = None
        self.cell = (10, 20)  # a cell's pixels (Sixel): from the terminal, if it says
        # id() of an image's line -> its row's sixel image and the image's width in cells
        self._sixel_rows: dict[int, tuple[str, int]] = {}
        self._hidden: Timer | None = None  # waiting for a dialog to close (Sixel)
        self.filters: dict[int, LineFilter] = {}  # Textual's line filters, wrapped (Sixel)
        self._moved = asyncio.Event()  # set when another article is shown
        self._pool: Pool | None = None  # the image worker process, from the first image

    def configure(self, settings: Settings, env: Mapping[str, str] = os.environ) -> None:
        """The mode from the setting (``TUINEWS_IMAGES`` overrides it) and the terminal."""
        # (the images package: a few lines over rich, loaded when the screen mounts)
        from tuinews.images import detect_mode

        self.settings = settings
        setting = env.get("TUINEWS_IMAGES") or settings.images
        self.mode = detect_mode(setting, env)
        self.env, self.tmux = env, bool(env.get("TMUX"))
        self._ask_tmux = setting == "auto" and self.tmux and self.mode == "halfblock"
        if self.mode == "sixel":
            from tuinews.images.sixel import cell_pixels  # (only in Sixel mode)

            output = sys.__stdout__
            self.cell = cell_pixels(output.fileno()) if output is not None else self.cell

    def _send(self, data: str) -> None:
        """Kitty's sequences to the terminal (through tmux's passthrough in tmux)."""
        if self.tmux:
            from tuinews.images.tmux import passthrough  # (with the first Kitty image)

            data = passthrough(data)
        self.write(data)

    # --- from the pane (UI thread) ---------------------------------------------------

    def put(self, article_id: int | None) -> None:
        """The pane shows new lines (another article, or this one at another width)."""
        if self.mode == "off":
            return
        self._generation += 1
        self._moved.set()  # newest wins: the article before's fetches, and its decodes
        self._moved = asyncio.Event()  # not yet taken by the worker process, are dropped
        self._handled.clear()
        self._below.clear()
        self._scanned = 0
        self._sixel_rows.clear()  # (the lines put over them clear the pixels)
        if self._sent:
            from tuinews.images import kitty  # (loaded when they were sent)

            self._send("".join(kitty.delete(image_id) for image_id in self._sent))
            self._sent.clear()
        self._article = article_id
        if article_id is not None:
            self._schedule()

    def added(self) -> None:
        """More of the shown article's lines (a long one, rendered in chunks): looked at
        when the timer set when it was shown fires (not put off by each chunk), or soon
        after, if that has fired already."""
        if self.mode != "off" and self._article is not None:
            self._schedule(reset=False)

    def _schedule(self, reset: bool = True) -> None:
        if self._timer is None:
            self._timer = self.view.set_timer(REST, self._start)
        elif reset:
            self._timer.reset()  # the cursor moved again: wait for it to rest

    def _start(self) -> None:
        self._timer = None
        view = self.view
        if view.article_id != self._article or not view.ready or self._article is None:
            return
        # Only the lines not looked at yet (a long article comes in chunks).
        lines, start = list(view.lines), self._scanned
        self._scanned = len(lines)
        view.run_worker(
            self._load(self._generation, lines, start, view._rendered_width),
            group="images",
            exit_on_error=False,
            description="Fetching the article's images",
        )

    def overlay(self, row: int, y: int, strip: Strip) -> Strip:
        """The pane's line ``row``, drawn at ``y`` in it: with a Sixel image's row, its
        cells, then (a control segment of no width, after the image's cells) a move to
        the row's start, the row's sixel image and a move back to the end of the
        image's cells, then the rest of the cells.
        Not drawn while a dialog is over the screen (it would be painted over it),
        scrolled sideways, or on the terminal's last line (a sixel image there scrolls
        the terminal)."""
        if not self._sixel_rows:
            return strip
        image, columns = self._sixel_rows.get(id(self.view.lines[row]), ("", 0))
        if not image:
            return strip
        view = self.view
        if not view.screen.is_active:
            if self._hidden is None:  # drawn again when the dialog is gone
                self._hidden = view.set_interval(0.2, self._shown_again)
            return strip
        region = view.scrollable_content_region
        top = region.y + y
        if view.scroll_offset.x or top >= view.app.size.height - 1:
            return strip
        # Right after the image's cells (the cells after it do not cover it), never at
        # the line's end: a segment of no width there goes with what is right of the
        # pane (its scroll bar), and would be lost. The cursor is put back where the
        # cells after it go on.
        width = strip.cell_length
        cut = min(columns, width - 1)
        left, right = strip.divide([cut, width])
        there, back = Control.move_to(region.x, top), Control.move_to(region.x + cut, top)
        drawn = Segment(
            there.segment.text + image + back.segment.text,
            None,
            [(ControlType.CURSOR_FORWARD, 0)],
        )
        return Strip([*left, drawn, *right], width)

    def _shown_again(self) -> None:
        if self.view.screen.is_active and self._hidden is not None:
            self._hidden.stop()
            self._hidden = None
            self.view.refresh()

    # --- the worker (on the event loop; the work in threads) -------------------------

    async def _load(
        self, generation: int, lines: list[list[Segment]], start: int, width: int
    ) -> None:
        from tuinews.images import MAX_IMAGES  # (see configure)

        if self._ask_tmux:
            await self._settle_tmux()
        marks = await asyncio.to_thread(_find_marks, lines, start)
        if generation != self._generation:
            return
        room = MAX_IMAGES - len(self._handled)
        marks = [mark for mark in marks if id(mark.line) not in self._handled][: max(0, room)]
        self._handled.update(id(mark.line) for mark in marks)
        if marks:
            self._workers().start()  # (booting while the images are fetched)
        slots = asyncio.Semaphore(AT_ONCE)

        async def one(mark: Mark) -> None:
            async with slots:
                if generation != self._generation:
                    return
                ready = await self._prepare(mark.url, width, generation)
            if ready is not None and await self._quiet(generation):
                self._insert(mark, ready)

        await asyncio.gather(*(one(mark) for mark in marks))

    async def _settle_tmux(self) -> None:
        """In tmux with images "auto": Kitty's graphics if tmux says they reach a terminal
        that draws them (asked once, in a thread: tmux answers in milliseconds)."""
        from tuinews.images.tmux import kitty_passes  # (with the first image)

        if self._tmux_answer is None:
            self._tmux_answer = asyncio.ensure_future(asyncio.to_thread(kitty_passes, self.env))
        if await self._tmux_answer and self._ask_tmux:
            self.mode = "kitty"
        self._ask_tmux = False

    async def _quiet(self, generation: int) -> bool:
        """Wait while keys are coming (an image put in costs the UI thread a few ms: not
        between two keystrokes); False if another article was shown meanwhile."""
        last_input = self.view.last_input
        while time.monotonic() - last_input() < QUIET and generation == self._generation:
            await asyncio.sleep(QUIET / 3)
        return generation == self._generation

    async def _prepare(self, url: str, width: int, generation: int) -> Prepared | str | None:
        """The image ready to put in, or why it cannot be shown; None if another article
        was shown before it was decoded (its body is on disk for next time)."""
        # (the image modules load with the first image: not at start-up, not on `j`)
        from tuinews.images.decode import Refused
        from tuinews.images.loader import finish, prepare_pixels
        from tuinews.pool import TimedOut, WorkerCrashed

        key = (url, width, self.mode)
        ready = self._ready.get(key)
        if ready is not None:
            self._ready.move_to_end(key)
            return ready
        if self._decoding is None:
            self._decoding = asyncio.Semaphore(DECODING)
        try:
            body, kind = await self._unless_moved(generation, self._loader().get(url))
            async with self._decoding:
                if generation != self._generation:
                    return None
                pixels = await self._unless_moved(
                    generation,
                    self._workers().run(prepare_pixels, body, kind, width, self.mode, self.cell),
                )
            if not await self._quiet(generation):
                return None  # (its body is on disk: the pixels are soon made again)
            ready = finish(pixels)
        except _Moved:
            return None
        except Refused as refused:
            ready = str(refused)
        except TimedOut:
            ready = f"took too long to decode (over {DECODE_TIMEOUT:.0f} s)"
        except WorkerCrashed:
            ready = "the decoder failed (out of memory?)"
        except Exception as error:  # an image must never take the app down
            ready = f"failed ({type(error).__name__})"
        self._ready[key] = ready
        while len(self._ready) > KEPT or sum(map(_weight, self._ready.values())) > KEPT_BYTES:
            self._ready.popitem(last=False)
        return ready

    async def _unless_moved(self, generation: int, work: Awaitable[T]) -> T:
        """``work``'s result; if another article is shown first, ``work`` is cancelled
        and _Moved raised (a fetch stops; a decode not yet taken by the worker process
        is never run)."""
        task = asyncio.ensure_future(work)
        if generation != self._generation:
            task.cancel()
            raise _Moved
        moved = asyncio.ensure_future(self._moved.wait())
        try:
            await asyncio.wait((task, moved), return_when=asyncio.FIRST_COMPLETED)
        finally:
            moved.cancel()
            if not task.done():
                task.cancel()
        if task.cancelled():
            raise _Moved
        return task.result()

    def _workers(self) -> Pool:
        if self._pool is None:
            from tuinews.pool import Pool  # (with the first image, as in _prepare)

            # Pillow and the image modules imported as the worker boots.
            preload = ("tuinews.images.loader", "PIL.Image", "PIL.JpegImagePlugin")
            self._pool = Pool(size=1, timeout=DECODE_TIMEOUT, preload=preload)
        return self._pool

    def _loader(self) -> ImageLoader:
        if self.loader is None:
            # (with the first image, as in _prepare)
            from tuinews.images.cache import DiskCache
            from tuinews.images.loader import ImageLoader

            settings = self.settings
            cache = DiskCache(cache_dir() / "images", settings.image_cache_mb * 1024 * 1024)
            self.loader = ImageLoader(cache, settings.per_host, settings.user_agent, settings.proxy)
        return self.loader

    async def close(self) -> None:
        if self.loader is not None:
            await self.loader.close()
        pool, self._pool = self._pool, None
        if pool is not None:  # (waits for the worker to end: not on the event loop)
            await asyncio.to_thread(pool.close, 1.0)

    # --- into the pane's lines (UI thread) -------------------------------------------

    def _insert(self, mark: Mark, ready: Prepared | str) -> None:
        view = self.view
        lines = view.lines
        row = next((r for r in range(mark.row, len(lines)) if lines[r] is mark.line), None)
        if row is None:
            return  # not in the pane any more
        if isinstance(ready, str):
            reason = clean_line(ready) or "failed"
            new: list[list[Segment]] = [[Segment(f"(image not shown: {reason})", _REASON)]]
        elif ready.kitty is not None:
            from tuinews.images import kitty  # (only in Kitty mode)

            image_id = kitty.new_id()
            self._send(kitty.transmit(image_id, ready.kitty, ready.columns, ready.rows))
            self._sent.append(image_id)
            new = kitty.placeholder_lines(image_id, ready.columns, ready.rows)
        elif ready.sixel is not None:
            new = [[Segment(" " * ready.columns)] for _ in ready.sixel]
            drawn = [(image, ready.columns) for image in ready.sixel]
            self._sixel_rows.update(zip(map(id, new), drawn, strict=True))
        else:
            new = list(ready.lines or [])
        at = row + 1 + self._below.get(id(mark.line), 0)
        if at < len(lines) and "".join(segment.text for segment in lines[at]).strip():
            new.append([])  # text goes on right below (an image inside a paragraph)
        self._below[id(mark.line)] = self._below.get(id(mark.line), 0) + len(new)
        lines[at:at] = new
        if at < self._scanned:
            self._scanned += len(new)  # (those lines hold no image)
        self.inserted += 1
        view._strips.clear()
        top = view.scroll_offset.y
        set_virtual_size(view, Size(view._widest, len(lines)))
        if at <= top and top > 0:  # above the reader: the text on screen stays put
            view.scroll_to(y=top + len(new), animate=False, force=True, immediate=True)


def _find_marks(lines: list[list[Segment]], start: int) -> list[Mark]:
    """The images in the lines (in a thread); the modules the images need imported here
    too, the first time, rather than on the UI thread (~40 ms: Pillow's loader, the pool;
    ~30 ms: the async backend httpx's first request imports, anyio's, lazily)."""
    import tuinews.images.loader  # (here, not on the UI thread: see the docstring)
    import tuinews.pool  # noqa: F401  (here, not on the UI thread: the docstring)
    from tuinews.images import find_marks  # (see configure)

    with contextlib.suppress(ImportError):  # (httpx's dependency; private: may move)
        import anyio._backends._asyncio  # noqa: F401  (here, not on the UI thread: the docstring)
    return find_marks(lines, start)


def _weight(ready: Prepared | str) -> int:
    """About the memory an image kept ready takes (a half-block cell's segment and style
    ~200 bytes; a Kitty image its PNG in base64)."""
    if isinstance(ready, str):
        return len(ready)
    return len(ready.kitty) if ready.kitty is not None else 200 * ready.columns * ready.rows


class KeepsSixels(Widget):
    """For the article pane (a base after its scrolling ones: Textual reads a widget's
    default CSS along its first bases). Its lines' filters pass Sixel images through
    untouched (Textual's colour filters rebuild every segment and drop the control flag
    that keeps an image zero cells wide: it would be cut off as text past the line's
    end), and its lines lose them while another screen is over this one."""

    images: ImageLayer

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        if self.images.mode != "sixel":
            return filters
        kept = self.images.filters  # (the same wrapper each time: strips cache by filter)
        return [kept.get(id(f)) or kept.setdefault(id(f), _KeepControls(f)) for f in filters]

    def render_lines(self, crop: Region) -> list[Strip]:
        """The pane's lines, without Sixel images while another screen is over this one:
        Textual then draws this screen under it from the lines it kept, through a tint
        that would turn an image into text."""
        lines = super().render_lines(crop)
        if not self.images._sixel_rows or self.screen.is_active:
            return lines
        return [
            Strip([s for s in line if not s.control], line.cell_length)
            if any(s.control for s in line)
            else line
            for line in lines
        ]


class _KeepControls(LineFilter):
    """A line filter that leaves control segments (a Sixel image) as they are."""

    def __init__(self, inner: LineFilter) -> None:
        super().__init__(inner.enabled)
        self.inner = inner

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(segment.control for segment in segments):
            return self.inner.apply(segments, background)
        out: list[Segment] = []
        run: list[Segment] = []
        for segment in segments:
            if segment.control:
                out += self.inner.apply(run, background) if run else []
                out.append(segment)
                run = []
            else:
                run.append(segment)
        return out + (self.inner.apply(run, background) if run else [])
