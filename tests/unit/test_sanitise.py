"""The one sanitiser: invisible characters that disguise text go from bodies too."""

from __future__ import annotations

from tuinews.sanitise import clean_line, clean_text


def test_bodies_lose_the_invisible_characters_that_disguise_text() -> None:
    hidden = "Goo\u200bgle \u2060x\ufeff so\u00adft \u200emark \u2061op \u061calm"
    assert clean_text(hidden) == "Google x soft mark op alm"
    assert clean_line(hidden) == "Google x soft mark op alm"


def test_bodies_keep_the_joiners_that_emoji_and_scripts_need() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean_text(f"{family} {persian}") == f"{family} {persian}"


def test_line_and_paragraph_separators_become_line_breaks() -> None:
    assert clean_text("one\u2028two\u2029three") == "one\ntwo\n\nthree"
    assert clean_line("one\u2028two") == "one two"
