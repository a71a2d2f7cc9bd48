"""Kitty's graphics inside tmux (issue 16): each sequence wrapped in tmux's passthrough
with its ESCs doubled, and ``images = "auto"`` choosing Kitty in tmux only when tmux
says its passthrough reaches a kitty or Ghostty with 24-bit colour."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuinews.images import kitty
from tuinews.images.tmux import kitty_from_answer, kitty_passes, passthrough

GOOD = "3.3a\t1\txterm-kitty\tbpaste,clipboard,focus,RGB,title"
ENV = {"TMUX": "/tmp/tmux-0/default,123,0", "TMUX_PANE": "%3", "COLORTERM": "truecolor"}


def unwrap(data: str) -> list[str]:
    """What tmux passes on: each ``ESC P tmux; ... ESC \\`` with its ESCs halved (the
    sequence read as tmux reads it: a lone ESC followed by a backslash ends it)."""
    out, at = [], 0
    while at < len(data):
        assert data.startswith("\x1bPtmux;", at), repr(data[at : at + 20])
        at += len("\x1bPtmux;")
        inner = []
        while True:
            if data.startswith("\x1b\x1b", at):
                inner.append("\x1b")
                at += 2
            elif data.startswith("\x1b\\", at):
                at += 2
                break
            else:
                assert data[at] != "\x1b", "an ESC inside that is not doubled"
                inner.append(data[at])
                at += 1
        out.append("".join(inner))
    return out


def test_each_kitty_sequence_is_wrapped_with_its_escapes_doubled() -> None:
    data = "A" * (kitty.CHUNK * 2 + 10)  # three chunks
    sent = kitty.transmit(77, data, 10, 5)
    wrapped = passthrough(sent)
    inner = unwrap(wrapped)
    assert "".join(inner) == sent
    assert len(inner) == 4  # three chunks and the placement, each wrapped alone
    assert all(part.startswith("\x1b_G") and part.endswith("\x1b\\") for part in inner)
    assert unwrap(passthrough(kitty.delete(77))) == [kitty.delete(77)]


def test_the_exact_bytes_of_a_wrapped_delete() -> None:
    assert passthrough("\x1b_Ga=d,d=I,i=5,q=2\x1b\\") == (
        "\x1bPtmux;\x1b\x1b_Ga=d,d=I,i=5,q=2\x1b\x1b\\\x1b\\"
    )


@pytest.mark.parametrize(
    "answer, expected",
    [
        (GOOD, True),
        ("3.4\ton\txterm-ghostty\tRGB", True),
        ("next-3.5\tall\txterm-kitty\tRGB,title", True),
        ("3.2a\t1\txterm-kitty\tRGB", False),  # no allow-passthrough before 3.3
        ("3.3a\t0\txterm-kitty\tRGB", False),  # passthrough off (the default)
        ("3.3a\t1\txterm-256color\tRGB", False),  # a terminal without Kitty's graphics
        ("3.3a\t1\txterm-kitty\tclipboard,title", False),  # colours cut to 256: ids lost
        ("3.3a\t1\t\t", False),  # no client attached
        ("", False),  # tmux did not answer
        ("openbsd-7.4\t1\txterm-kitty\tRGB", False),
    ],
)
def test_tmux_s_answer_decides(answer: str, expected: bool) -> None:
    assert kitty_from_answer(answer) is expected


def test_tmux_is_asked_about_this_pane_with_an_argument_list() -> None:
    asked: list[list[str]] = []

    def run(args: list[str]) -> str:
        asked.append(args)
        return GOOD + "\n"

    assert kitty_passes(ENV, run)
    assert asked == [["tmux", "display-message", "-p", "-t", "%3", asked[0][-1]]]
    assert "#{allow-passthrough}" in asked[0][-1]
    # Not in tmux, or the app's colours not 24-bit: tmux is not even asked.
    assert not kitty_passes({**ENV, "TMUX": ""}, run)
    assert not kitty_passes({**ENV, "COLORTERM": ""}, run)
    assert len(asked) == 1


def test_a_kitty_older_than_its_placeholders_outside_tmux_gets_no_kitty_graphics(
    tmp_path: Path,
) -> None:
    old, new = (
        kitty_install(tmp_path / "old", "0, 26, 5"),
        kitty_install(tmp_path / "new", "0, 28, 0"),
    )
    ghostty_answer = "3.3a\t1\txterm-ghostty\tRGB"

    def answer(text: str) -> Callable[[list[str]], str]:
        return lambda args: text

    assert kitty_passes(ENV, answer(GOOD))  # no installation named: taken as new enough
    assert kitty_passes({**ENV, "KITTY_INSTALLATION_DIR": new}, answer(GOOD))
    assert not kitty_passes({**ENV, "KITTY_INSTALLATION_DIR": old}, answer(GOOD))
    # (an old kitty's variable left in the server's environment does not stop Ghostty)
    assert kitty_passes({**ENV, "KITTY_INSTALLATION_DIR": old}, answer(ghostty_answer))


def kitty_install(folder: Path, version: str) -> str:
    """A kitty installation as Debian's package lays it out: kitty/constants.py."""
    (folder / "kitty").mkdir(parents=True)
    (folder / "kitty" / "constants.py").write_text(
        "class Version(NamedTuple):\n    major: int\n\n"
        f"appname: str = 'kitty'\nversion: Version = Version({version})\n"
    )
    return str(folder)
