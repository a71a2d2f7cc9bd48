"""The core never imports Textual (and the heavy parsers are imported when first used)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tuinews

CORE = sorted(
    module.name
    for module in pkgutil.walk_packages(tuinews.__path__, "tuinews.")
    if not module.name.startswith("tuinews.ui")
)
STARTUP = [
    "tuinews",
    "tuinews.cli",
    "tuinews.startup",
    "tuinews.sources.local",
    "tuinews.store",
    "tuinews.ingest",
    "tuinews.query",
]


def imported_after(modules: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(result.stdout.split())


def test_every_core_module_is_found() -> None:
    assert "tuinews.formats.html" in CORE and "tuinews.store.store" in CORE
    assert "tuinews.fetch" in CORE and "tuinews.commands" in CORE


def test_no_core_module_imports_textual() -> None:
    loaded = imported_after(CORE)
    assert not {name for name in loaded if name == "textual" or name.startswith("textual.")}


def test_heavy_libraries_are_not_imported_at_start_up() -> None:
    loaded = imported_after(STARTUP)
    for heavy in ("markdownify", "feedparser", "bs4", "charset_normalizer", "httpx", "lxml"):
        assert heavy not in loaded, f"{heavy} is imported at start-up"
