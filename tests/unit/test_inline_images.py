"""An image inside a paragraph never costs a word: the paragraph is wrapped to the width
with its words in order, and the image (its alt text, marked 🌆) goes on a line of its own
below it, where the article pane draws the picture."""

from __future__ import annotations

import random

import pytest

from tuinews.images import find_marks
from tuinews.models import Article
from tuinews.render import Line, line_width, render_article

REPRO = (
    "Alpha bravo charlie delta ![ALTTEXT](http://127.0.0.1:18932/pic.png) echo foxtrot golf"
    " hotel india juliet kilo lima mike november oscar papa."
)


def rendered(markdown: str, width: int) -> list[Line]:
    article = Article("T", "", "x")
    return [line for batch in render_article(article, markdown, width) for line in batch]


def texts(lines: list[Line]) -> list[str]:
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def in_order(words: list[str], lines: list[Line]) -> list[str]:
    """The words not found in order in the lines (a word may be folded over lines)."""
    joined = "".join("".join(texts(lines)).replace("▌", "").replace("•", "").split())
    missing, at = [], 0
    for word in words:
        found = joined.find(word, at)
        if found < 0:
            missing.append(word)
        else:
            at = found + len(word)
    return missing


@pytest.mark.parametrize("width", [48, 80, 120])
def test_the_words_after_an_inline_image_are_kept_and_the_image_goes_below(width: int) -> None:
    lines = rendered(REPRO, width)
    shown = texts(lines)
    words = REPRO.replace("![ALTTEXT](http://127.0.0.1:18932/pic.png) ", "").split()
    assert in_order([*words, "ALTTEXT"], lines) == []
    assert all(line_width(line) <= width for line in lines)
    body = [text for text in shown[1:] if text]
    assert body[0].startswith("Alpha bravo charlie delta echo foxtrot")  # spaces closed up
    assert body[-1] == "🌆 ALTTEXT"  # after the paragraph, a line of its own
    (mark,) = find_marks(lines)
    assert (mark.url, mark.alt, shown[mark.row]) == (
        "http://127.0.0.1:18932/pic.png",
        "ALTTEXT",
        "🌆 ALTTEXT",
    )


def test_images_alone_in_their_paragraph_stay_where_they_are() -> None:
    markdown = "Before.\n\n![one](http://h/1.png)\n![two](http://h/2.png)\n\nAfter."
    shown = texts(rendered(markdown, 40))
    start = shown.index("Before.")
    assert shown[start:] == ["Before.", "", "🌆 one", "🌆 two", "", "After."]


def test_an_image_in_a_list_item_a_quote_or_a_heading_goes_below_its_text() -> None:
    markdown = (
        "# Head ![h](http://h/h.png) tail\n\n- item ![i](http://h/i.png) after\n- two\n\n"
        "> quote ![q](http://h/q.png) end"
    )
    shown = [text.strip() for text in texts(rendered(markdown, 40))]
    for text, image in (("Head tail", "🌆 h"), ("• item after", "🌆 i"), ("▌ quote end", "▌ 🌆 q")):
        assert shown[shown.index(text) + 1] == image
    assert shown[shown.index("🌆 i") + 1] == "• two"


def _paragraph(rng: random.Random, serial: list[int]) -> tuple[str, list[str]]:
    """A random paragraph with inline images, links, emphasis, code and line breaks; the words
    it must show, in order (its text, then its images' alt texts)."""

    def word() -> str:
        serial[0] += 1
        length = rng.choice([1, 2, 4, 6, 9, 12] if rng.random() > 0.03 else [40])
        return "".join(rng.choices("abcdefghkmnprstuvwz", k=length)) + str(serial[0])

    parts: list[str] = []
    words: list[str] = []
    alts: list[str] = []
    for _ in range(rng.randint(1, 40)):
        roll = rng.random()
        if roll < 0.1:
            alt = [word() for _ in range(rng.randint(0, 4))]
            image = f"![{' '.join(alt)}](http://127.0.0.1/{serial[0]}.png)"
            if rng.random() < 0.3:
                image = f"[{image}](http://127.0.0.1/page{serial[0]})"
            parts.append(image)
            alts += alt
        elif roll < 0.2:
            text = [word() for _ in range(rng.randint(1, 4))]
            parts.append(f"[{' '.join(text)}](http://127.0.0.1/{serial[0]})")
            words += text
        elif roll < 0.25:
            text = [word() for _ in range(rng.randint(1, 3))]
            parts.append(f"*{' '.join(text)}*")
            words += text
        elif roll < 0.28:
            words.append(word())
            parts.append(f"`{words[-1]}`")
        else:
            words.append(word())
            parts.append(words[-1])
        parts.append(rng.choice([" ", " ", " ", "\n", "  ", "\\\n"]))  # (\ + newline: a break)
    return "".join(parts).strip(), [*words, *alts]


def test_no_word_is_ever_lost_around_inline_images_at_any_width() -> None:
    rng = random.Random(16)
    serial = [0]
    for case in range(150):
        paragraphs = [_paragraph(rng, serial) for _ in range(rng.randint(1, 4))]
        prefix = rng.choice(["", "- ", "> "])
        markdown = "\n\n".join(prefix + text for text, _ in paragraphs)
        width = rng.randint(20, 120)
        lines = rendered(markdown, width)
        expected = [word for _, words in paragraphs for word in words]
        assert in_order(expected, lines) == [], (case, width, markdown)
        too_wide = [
            text for line, text in zip(lines, texts(lines), strict=True) if line_width(line) > width
        ]
        assert too_wide == [], (case, width, markdown)
