"""Colours that stay readable on the background they are drawn on, whatever the theme.

A theme's warning colour (the star, the search matches) can be the very colour of its
selection bar (textual-dark: both #FEA62B). Marks drawn on the selection are checked here
once per theme and focus, and moved towards white or black until they stand out.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import BLACK, WHITE, Color

# WCAG's minimum for what is not text (a star, a dot, an underline) and for large text;
# Textual's own selection bar has 3.8 (87% white on #0178D4).
MIN_CONTRAST = 3.0


def luminance(colour: Color) -> float:
    """WCAG's relative luminance (0 black, 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: Color, second: Color) -> float:
    """WCAG's contrast ratio, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class Palette:
    """Colours as a theme means them to look. An ANSI theme draws in the terminal's own
    default colours, which it names (``ansi-foreground``, ``ansi-background``); the ANSI
    colours stand for their usual RGB."""

    def __init__(self, dark: bool, variables: Mapping[str, str]) -> None:
        self.foreground = self._parse(variables.get("ansi-foreground"), WHITE if dark else BLACK)
        self.background = self._parse(variables.get("ansi-background"), BLACK if dark else WHITE)

    @staticmethod
    def _parse(name: str | None, default: Color) -> Color:
        try:
            return Palette.rgb_of(Color.parse(name)) if name else default
        except Exception:  # a theme's own variable that is not a colour
            return default

    @staticmethod
    def rgb_of(colour: Color) -> Color:
        """An ANSI colour's usual RGB (Rich's), else the colour, opaque."""
        if colour.ansi is not None:
            return Color(*colour.rich_color.get_truecolor())
        return Color(*colour.rgb)

    def rgb(self, colour: Color, foreground: bool = True) -> Color:
        """The opaque RGB colour that ``colour`` stands for."""
        if colour.ansi == -1:
            return self.foreground if foreground else self.background
        return self.rgb_of(colour)

    def contrast(self, colour: Color, background: Color) -> float:
        return contrast(self.rgb(colour), self.rgb(background, foreground=False))

    def over(self, colour: Color, background: Color, auto: bool = False) -> Color:
        """A CSS colour (``auto``: contrasting; translucent: blended) as drawn on
        ``background``."""
        behind = self.rgb(background, foreground=False)
        if auto or colour.auto:
            return behind + behind.get_contrast_text(colour.a)
        if colour.a < 1:
            return behind + colour
        return colour

    def readable(self, colour: Color, background: Color, minimum: float) -> Color:
        """``colour`` if it stands out from ``background`` by ``minimum``; else the least
        shade of it that does, lighter if it is lighter than the background (and white can
        stand out), else darker (its hue kept; an ANSI colour gives way to ANSI white or
        black)."""
        if self.contrast(colour, background) >= minimum:
            return colour
        start = self.rgb(colour)
        behind = self.rgb(background, foreground=False)
        ends = [WHITE, BLACK] if luminance(start) >= luminance(behind) else [BLACK, WHITE]
        ends = [end for end in ends if contrast(end, behind) >= minimum] or [
            max(ends, key=lambda end: contrast(end, behind))
        ]
        target = ends[0]
        if colour.ansi is not None:
            return Color.parse("ansi_bright_white" if target == WHITE else "ansi_black")
        for step in range(1, 20):
            shade = start.blend(target, step / 20)
            if contrast(shade, behind) >= minimum:
                return shade
        return target


SCROLLBAR_THUMBS = ("scrollbar", "scrollbar-hover", "scrollbar-active")
SELECTIONS = (  # the selection bars' text on their background (the feed list's, any list's)
    ("block-cursor-foreground", "block-cursor-background"),
    ("block-cursor-blurred-foreground", "block-cursor-blurred-background"),
)


def _parse(value: str | None) -> Color | None:
    """A theme variable's colour; "auto 87%" as Color(auto=True); None if it is not one."""
    if not value:
        return None
    words = value.split()
    try:
        if words[0] == "auto":
            alpha = float(words[1].rstrip("%")) / 100 if len(words) > 1 else 1.0
            return Color(255, 255, 255, alpha, auto=True)
        colour = Color.parse(words[0])
        if len(words) > 1:
            colour = colour.multiply_alpha(float(words[1].rstrip("%")) / 100)
        return colour
    except Exception:  # ColorParseError, or a number that is not one
        return None


def readable_theme(variables: Mapping[str, str], palette: Palette) -> dict[str, str]:
    """Theme variables to change so that what is drawn on a bar stands out from it: the
    scrollbar thumbs from their track (textual-dark: #003054 on #000000, 1.55 to 1), the
    text of selection bars from the bar (gruvbox: 2.4 to 1). For App.get_css_variables."""
    changed: dict[str, str] = {}
    surface = _parse(variables.get("surface"))
    behind = palette.rgb(surface, False) if surface else palette.background
    pairs = [(thumb, "scrollbar-background") for thumb in SCROLLBAR_THUMBS] + list(SELECTIONS)
    for front, back in pairs:
        colour, background = _parse(variables.get(front)), _parse(variables.get(back))
        if colour is None or background is None:
            continue
        if background.a < 1:
            background = behind + background
        drawn = palette.over(colour, background)
        shown = palette.readable(drawn, background, MIN_CONTRAST)
        if shown != drawn:
            changed[front] = shown.css
    return changed
