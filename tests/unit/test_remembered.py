"""The state file (tuinews.remembered): what the app remembers between runs, apart from the
settings file; a missing, damaged or unwritable one never stops anything."""

from __future__ import annotations

import os
from pathlib import Path

from tuinews.remembered import MAX_BYTES, load_state, save_state, state_path


def test_it_lives_in_the_state_directory_or_where_told(tmp_path: Path) -> None:
    assert state_path({"TUINEWS_STATE": str(tmp_path / "s")}) == tmp_path / "s"
    assert state_path({}).name == "state" and "tuinews" in state_path({}).parts
    assert str(state_path({})).startswith(os.environ["XDG_STATE_HOME"])  # not the config dir


def test_numbers_are_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state"
    assert save_state(path, {"feeds_width": 30, "headlines_share": 0.4375})
    assert load_state(path) == {"feeds_width": 30, "headlines_share": 0.4375}
    assert save_state(path, {})
    assert load_state(path) == {}
    assert [p.name for p in path.parent.iterdir()] == ["state"]  # no temporary file left


def test_a_missing_or_damaged_file_gives_what_can_be_read(tmp_path: Path) -> None:
    path = tmp_path / "state"
    assert load_state(path) == {}
    path.write_text("# a comment\nfeeds_width = 31\nbroken\nx = nan\ny = many\n= 3\nz=2.5\n")
    assert load_state(path) == {"feeds_width": 31, "z": 2.5}
    path.write_bytes(b"\xff\xfe\x00")
    assert load_state(path) == {}
    path.write_text("a = 1\n" * (MAX_BYTES // 6 + 10))
    assert load_state(path) == {}  # not ours


def test_a_place_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    assert not save_state(tmp_path, {"a": 1})
    assert load_state(tmp_path) == {}
