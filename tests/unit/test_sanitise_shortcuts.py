"""The sanitiser's shortcuts for text that is already clean (issue 14's first-sync speed)
give exactly what the full steps give: clean_text's one-scan check before its
substitutions, and the plain text's fast path for lines with nothing to collapse. Checked
against the full steps on random strings drawn from every character they act on."""

from __future__ import annotations

import random

from tuinews.formats.fragment import _plain, sanitise_fragment
from tuinews.sanitise import _BIDI_AND_HIDDEN, _COMBINING_RUN, _CONTROLS, clean_text

# Every kind of character the steps treat: controls, bidi, hidden, separators, combining
# marks, joiners, white space of every sort, and ordinary letters.
ALPHABET = (
    "ab Zé\t\n\r\x00\x07\x0b\x0c\x1b\x1c\x1f\x7f\x85\x9b\u00a0\u00ad\u061c\u200b\u200c"
    "\u200d\u200e\u202e\u2028\u2029\u2066\u2069\u2060\u2064\u3000\ufeff\ud800\u0301\u0308"
    "\u20d0\ufe20\u1ab0"
)


def full_clean_text(text: str) -> str:
    """clean_text's steps, every one of them, always (the reference)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = _BIDI_AND_HIDDEN.sub("", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _COMBINING_RUN.sub(r"\1", text)


def full_plain(text: str) -> str:
    """Each line's white space collapsed, empty lines dropped (the reference)."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strings(seed: int, count: int = 5000) -> list[str]:
    chosen = random.Random(seed)
    return [
        "".join(chosen.choice(ALPHABET) for _ in range(chosen.randint(0, 16))) for _ in range(count)
    ]


def test_clean_text_gives_what_its_full_steps_give() -> None:
    for text in strings(14):
        assert clean_text(text) == full_clean_text(text), repr(text)


def test_clean_text_keeps_clean_text_and_still_cleans_what_needs_it() -> None:
    clean = "Grüße, “quoted” — naïve café 東京 👍🏽"
    assert clean_text(clean) is clean  # nothing to do: the same string
    assert clean_text("Grüße\x1b[31m red\u202e evil\u0301\u0301\u0301\u0301\u0301") == (
        "Grüße[31m red evil\u0301\u0301\u0301\u0301"
    )


def test_the_plain_text_of_a_line_is_what_collapsing_it_gives() -> None:
    for text in strings(15):
        assert _plain(text) == full_plain(text), repr(text)
    for text in ("  lead", "trail ", "in  side", "tab\there", "ok line", "\x1c", "é  x"):
        assert _plain(text) == full_plain(text), repr(text)


def test_a_fragment_s_plain_text_is_collapsed_line_by_line() -> None:
    html = "<p>  One   two\t</p><div>\u00a0three\u2003four </div><p></p><ul><li>five</li></ul>"
    _, plain = sanitise_fragment(html)
    assert plain == "One two\nthree four\nfive"
