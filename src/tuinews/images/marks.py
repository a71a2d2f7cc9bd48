"""Rich's Markdown image, drawn as before (its alt text), with its URL and alt text in the
style's meta, where the article pane finds them (:func:`tuinews.images.find_marks`).
Imported with rich.markdown (when the first article is rendered)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import ImageItem
from rich.style import Style
from rich.text import Text

from tuinews.images import META_KEY, SIGN


class ImageMark(ImageItem):
    """``![alt](url)``: "🌆 alt" on a line of its own (after the paragraph it is in:
    :mod:`tuinews.inline_images`), the alt text carrying (url, alt)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        alt = self.text.plain if self.text else ""
        title = self.text or Text(self.destination.strip("/").rsplit("/", 1)[-1])
        if self.destination:
            title.stylize(Style(meta={META_KEY: (self.destination, alt)}))
        yield Text.assemble(f"{SIGN} ", title)
