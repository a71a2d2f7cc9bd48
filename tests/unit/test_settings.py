"""Settings: TOML, with every problem named and the file never rewritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tuinews.settings import Settings, config_path, load_settings
from tuinews.store import Store


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == (Settings(), [])


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'theme = "nord"\nrefresh_interval = 30\nper_host = 4\nkeep_days = 90\n'
        'refresh_on_start = false\n[keys]\nnext = "x"\n'
    )
    settings, problems = load_settings(path)
    assert problems == []
    assert (settings.theme, settings.refresh_interval, settings.per_host) == ("nord", 30, 4)
    assert settings.keep_days == 90 and settings.refresh_on_start is False
    assert settings.keys == {"next": "x"}


def test_each_wrong_value_is_named_and_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    text = 'refresh_interval = -1\nconcurrency = "many"\nbogus = 1\ntheme = "nord"\n'
    path.write_text(text)
    settings, problems = load_settings(path)
    assert settings.refresh_interval == Settings().refresh_interval
    assert settings.concurrency == Settings().concurrency
    assert settings.theme == "nord"
    assert any("'refresh_interval'" in p for p in problems)
    assert any("'concurrency'" in p for p in problems)
    assert any("'bogus'" in p for p in problems)
    assert path.read_text() == text


def test_broken_toml_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("theme = \n[[[")
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert len(problems) == 1 and "not valid TOML" in problems[0]


def test_paths_come_from_the_environment(tmp_path: Path) -> None:
    env = {"TUINEWS_CONFIG": str(tmp_path / "x.toml"), "TUINEWS_DB": str(tmp_path / "x.db")}
    assert config_path(env) == tmp_path / "x.toml"
    assert Settings().db_path(env) == tmp_path / "x.db"
    assert Settings(db=str(tmp_path / "y.db")).db_path({}) == tmp_path / "y.db"
    assert Settings().db_path({}).name == "tuinews.db"


def test_commands_run_with_a_broken_config_and_say_why(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("concurrency = 0\n")
    Store(tmp_path / "t.db").close()  # (feeds only reads a database)
    env = dict(os.environ, TUINEWS_CONFIG=str(config), TUINEWS_DB=str(tmp_path / "t.db"))
    result = subprocess.run(
        [sys.executable, "-m", "tuinews", "feeds"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0
    assert "'concurrency' must be a whole number from 1 to 256" in result.stderr
    assert config.read_text() == "concurrency = 0\n"


def test_a_special_file_as_config_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    settings, problems = load_settings(fifo)
    assert settings == Settings() and "not a regular file" in problems[0]
