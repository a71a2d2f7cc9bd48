"""Images, headless: the mode chosen for a terminal, the marks found in an article's
lines, decoding with limits, half blocks, Kitty placeholders, the disk cache."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from tests.images import jpeg, png, png_bomb
from tuinews.images import MODES, detect_mode, find_marks
from tuinews.images.cache import DiskCache
from tuinews.images.cells import MAX_ROWS, cell_size, half_blocks
from tuinews.images.decode import MAX_DECODED, Refused, decode
from tuinews.images.kitty import CHUNK, DIACRITICS, PLACEHOLDER, placeholder_lines, transmit
from tuinews.images.terminals import TERMINALS, kitty_version
from tuinews.models import Article
from tuinews.render import render_article
from tuinews.settings import CHECKS, Settings, load_settings


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({"TERM": "xterm-kitty"}, "kitty"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, "kitty"),
        ({"TERM": "xterm-ghostty"}, "kitty"),
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, "halfblock"),
        ({"TERM": "tmux-256color", "KITTY_WINDOW_ID": "1"}, "halfblock"),
        ({"TERM": "xterm-256color"}, "halfblock"),
        # Sixel where the terminal is known to draw it (tuinews.images.terminals)
        ({"TERM": "foot"}, "sixel"),
        ({"TERM": "foot-extra"}, "sixel"),
        ({"TERM": "xterm", "MLTERM": "3.9.0"}, "sixel"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, "sixel"),
        ({"TERM": "wezterm", "TERM_PROGRAM": "WezTerm"}, "sixel"),
        ({"TERM": "contour"}, "sixel"),
        ({"TERM": "xterm-256color", "TERMINAL_NAME": "contour"}, "sixel"),
        # ... and not where it is not known to draw correctly
        ({"TERM": "xterm-256color", "KONSOLE_VERSION": "230805"}, "halfblock"),
        ({"TERM": "xterm-256color", "WT_SESSION": "4c0e0f9e-8a57-4c5e-9d6e"}, "halfblock"),
        ({"TERM": "xterm-256color", "XTERM_VERSION": "XTerm(379)"}, "halfblock"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7006"}, "halfblock"),
        # TERM and TERM_PROGRAM (set by each terminal) win over the inherited variables
        ({"TERM": "xterm-kitty", "MLTERM": "3.9.0"}, "kitty"),
        ({"TERM": "foot", "KITTY_WINDOW_ID": "1"}, "sixel"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm", "KITTY_WINDOW_ID": "1"}, "sixel"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "ghostty", "MLTERM": "3.9.0"}, "kitty"),
        # inside tmux or screen: never Sixel from the environment (tmux asked instead)
        ({"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "MLTERM": "3"}, "halfblock"),
        ({"TERM": "foot", "TMUX": "/tmp/tmux-0/default,1,0"}, "halfblock"),
        ({"TERM": "screen-256color", "TERM_PROGRAM": "WezTerm"}, "halfblock"),
        ({"TERM": "foot", "NO_COLOR": "1"}, "off"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "off"),
        ({"TERM": "dumb"}, "off"),
        ({}, "off"),
    ],
)
def test_auto_picks_the_mode_from_the_terminal(env: dict[str, str], mode: str) -> None:
    assert detect_mode("auto", env) == mode


@pytest.mark.parametrize("setting", ["kitty", "sixel", "halfblock", "off"])
def test_a_forced_mode_is_kept_whatever_the_terminal(setting: str) -> None:
    assert detect_mode(setting, {"TERM": "dumb"}) == setting
    assert detect_mode(setting, {"TERM": "xterm-kitty"}) == setting
    assert detect_mode(setting, {"TERM": "foot"}) == setting


def test_each_known_terminal_gets_a_mode_and_a_reason() -> None:
    for known in TERMINALS:
        assert known.mode in MODES and known.mode != "auto", known
        assert known.why and known.variable, known
        assert all(value == value.lower() for value in known.values), known
    # a variable's rows: those set afresh by each terminal come first
    variables = [known.variable for known in TERMINALS]
    assert variables.index("KITTY_WINDOW_ID") > max(
        at for at, name in enumerate(variables) if name in ("TERM", "TERM_PROGRAM")
    )


def test_the_setting_takes_the_modes_and_refuses_others(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('images = "kitty"\nimage_cache_mb = 50\n')
    settings, problems = load_settings(path)
    assert (settings.images, settings.image_cache_mb, problems) == ("kitty", 50, [])
    path.write_text('images = "sixel-please"\nimage_cache_mb = -1\n')
    settings, problems = load_settings(path)
    assert settings.images == Settings().images == "auto"
    assert len(problems) == 2 and "'images' must be one of" in problems[0]
    assert all(CHECKS["images"](mode) is None for mode in MODES)


def test_images_are_marked_in_the_rendered_lines() -> None:
    markdown = (
        "Text ![a cat](http://h/cat.png) more\n\n![](http://h/b.png)\n\n"
        "[![linked](http://h/c.png)](http://h/page)\n\nNo image."
    )
    lines = [
        line for batch in render_article(Article("T", "", "x"), markdown, 60) for line in batch
    ]
    marks = find_marks(lines)
    assert [(m.url, m.alt) for m in marks] == [
        ("http://h/cat.png", "a cat"),
        ("http://h/b.png", ""),
        ("http://h/c.png", "linked"),
    ]
    for mark in marks:
        assert lines[mark.row] is mark.line
        assert "🌆" in "".join(segment.text for segment in mark.line)


def test_a_long_alt_text_wrapped_over_lines_is_one_image_below_its_last_line() -> None:
    alt = "A very long description of the picture " * 5
    markdown = f"![{alt}](http://h/long.png)\n\nAfter."
    lines = [
        line for batch in render_article(Article("T", "", "x"), markdown, 40) for line in batch
    ]
    (mark,) = find_marks(lines)
    text = ["".join(segment.text for segment in line).strip() for line in lines]
    assert text[mark.row].endswith("picture") and text[mark.row - 1]
    assert not text[mark.row + 1]  # the blank line before "After."


def test_a_png_and_a_large_jpeg_decode_scaled_down() -> None:
    picture = decode(png(40, 20), "image/png")
    assert (picture.width, picture.height, picture.image.mode) == (40, 20, "RGB")
    started = time.perf_counter()
    big = decode(jpeg(6000, 4000), "image/jpeg")
    assert (big.width, big.height) == (6000, 4000)
    assert max(big.image.size) <= MAX_DECODED
    for_cells = decode(jpeg(6000, 4000), "image/jpeg", box=(100, 60))
    assert for_cells.image.size == (90, 60)  # the box, the aspect kept
    assert time.perf_counter() - started < 2.0


def test_transparency_is_flattened() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(out, format="PNG")
    picture = decode(out.getvalue())
    assert picture.image.mode == "RGB"
    assert picture.image.getpixel((0, 0)) == (128, 128, 128)


@pytest.mark.parametrize(
    ("data", "kind", "reason"),
    [
        (b"", "image/png", "empty"),
        (b"<html><body>Not found</body></html>", "image/png", "not an image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", "not an image"),
        (png(40, 20)[:60], "image/png", "broken image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml", "SVG"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', None, "SVG"),
        (png_bomb(50_000, 50_000), "image/png", "too many pixels"),
        (png_bomb(30_000, 1_000), "image/png", "too many pixels (30000x1000)"),
        (png_bomb(8_000, 8_000), "image/png", "too many pixels (8000x8000)"),
    ],
    ids=[
        "empty",
        "html",
        "png-header-only",
        "truncated",
        "svg",
        "svg-sniffed",
        "bomb",
        "too-wide",
        "too-many",
    ],
)
def test_what_cannot_be_drawn_is_refused_with_its_reason(
    data: bytes, kind: str | None, reason: str
) -> None:
    with pytest.raises(Refused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        decode(data, kind)


def test_cells_keep_the_aspect_and_the_limits() -> None:
    wide = decode(png(800, 400))
    assert cell_size(wide, 200) == (100, 25)  # 8 pixels a cell; a cell twice as high
    assert cell_size(wide, 40) == (40, 10)
    tall = decode(png(100, 2000))
    columns, rows = cell_size(tall, 80)
    assert rows == MAX_ROWS and columns < 13


def test_half_blocks_draw_the_upper_and_lower_pixels() -> None:
    from PIL import Image

    image = Image.new("RGB", (16, 8), (255, 0, 0))
    image.paste((0, 0, 255), (0, 4, 16, 8))  # the lower half blue
    out = io.BytesIO()
    image.save(out, format="PNG")
    lines = half_blocks(decode(out.getvalue()), 80)
    assert len(lines) == 1  # 16x8 pixels: 2 cells across, 1 row
    (segment,) = lines[0]
    assert segment.text == "▀▀"
    assert segment.style is not None and segment.style.color and segment.style.bgcolor
    assert segment.style.color.get_truecolor() == (255, 0, 0)
    assert segment.style.bgcolor.get_truecolor() == (0, 0, 255)


def test_kitty_placeholders_carry_the_image_id_row_and_column() -> None:
    lines = placeholder_lines(0x123456, 3, 2)
    assert len(lines) == 2
    (segment,) = lines[1]
    assert segment.text == "".join(PLACEHOLDER + DIACRITICS[1] + DIACRITICS[c] for c in range(3))
    assert segment.style is not None and segment.style.color is not None
    assert segment.style.color.get_truecolor() == (0x12, 0x34, 0x56)
    assert segment.cell_length == 3


def test_kitty_transmission_is_chunked_and_quiet() -> None:
    data = "A" * (CHUNK * 2 + 10)
    sent = transmit(7, data, 10, 5)
    sequences = sent.split("\x1b\\")[:-1]
    assert len(sequences) == 4
    assert sequences[0].startswith("\x1b_Ga=t,f=100,t=d,i=7,q=2,m=1;")
    assert sequences[1].startswith("\x1b_Gm=1;") and sequences[2].startswith("\x1b_Gm=0;")
    assert sequences[3] == "\x1b_Ga=p,U=1,i=7,c=10,r=5,q=2"
    assert all(len(s.partition(";")[2]) <= CHUNK for s in sequences)


def test_the_disk_cache_round_trips_and_keeps_to_its_limit(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "images", limit=10_000)
    assert cache.get("http://h/a.png") is None
    cache.put("http://h/a.png", b"A" * 1000, "image/png")
    assert cache.get("http://h/a.png") == (b"A" * 1000, "image/png")
    for index in range(30):
        cache.put(f"http://h/{index}.png", bytes(1000), None)
        # the first one stays the most recently used
        if index % 5 == 0:
            assert cache.get("http://h/a.png") is not None
    assert cache.size <= 10_000
    assert cache.get("http://h/a.png") is not None  # used often: kept
    assert cache.get("http://h/0.png") is None  # least recently used: gone
    assert cache.get("http://h/29.png") == (bytes(1000), None)
    assert not [p for p in (tmp_path / "images").iterdir() if p.suffix == ".tmp"]


def test_a_cache_of_size_zero_keeps_nothing_and_one_too_big_is_not_kept(tmp_path: Path) -> None:
    off = DiskCache(tmp_path / "off", limit=0)
    off.put("http://h/a.png", b"A", "image/png")
    assert off.get("http://h/a.png") is None and not (tmp_path / "off").exists()
    small = DiskCache(tmp_path / "small", limit=1000)
    small.put("http://h/big.png", bytes(600), None)
    assert small.get("http://h/big.png") is None


def test_an_unwritable_cache_is_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    cache = DiskCache(blocked / "images", limit=10_000)
    cache.put("http://h/a.png", b"A", None)  # no error
    assert cache.get("http://h/a.png") is None
    assert os.path.isfile(blocked)


@pytest.mark.parametrize(
    ("version", "mode"), [("0, 26, 5", "halfblock"), ("0, 28, 0", "kitty"), ("0, 35, 2", "kitty")]
)
def test_a_kitty_older_than_its_unicode_placeholders_gets_half_blocks(
    tmp_path: Path, version: str, mode: str
) -> None:
    # Debian 12's kitty 0.26.5 refuses the placements and shows the placeholders as
    # boxes (seen in tests/e2e/test_images_kitty.py); its version is in its installation.
    (tmp_path / "kitty").mkdir()
    (tmp_path / "kitty" / "constants.py").write_text(
        f"appname: str = 'kitty'\nversion: Version = Version({version})\n"
    )
    env = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1", "KITTY_INSTALLATION_DIR": str(tmp_path)}
    assert detect_mode("auto", env) == mode
    assert detect_mode("auto", {**env, "TERM": "xterm-256color"}) == mode  # KITTY_WINDOW_ID
    assert detect_mode("kitty", env) == "kitty"  # forced: kept
    # a version that cannot be read (no such file, or another layout): taken as new
    assert detect_mode("auto", {**env, "KITTY_INSTALLATION_DIR": str(tmp_path / "x")}) == "kitty"
    assert kitty_version({**env, "KITTY_INSTALLATION_DIR": ""}) is None
    # never a read that could block the pane's mount: only a regular file is read
    (tmp_path / "fifo" / "kitty").mkdir(parents=True)
    os.mkfifo(tmp_path / "fifo" / "kitty" / "constants.py")
    assert kitty_version({"KITTY_INSTALLATION_DIR": str(tmp_path / "fifo")}) is None
