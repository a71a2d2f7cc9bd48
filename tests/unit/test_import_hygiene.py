"""The core never imports Textual (or the heavy parsers at import time)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "tuinews",
    "tuinews.cli",
    "tuinews.models",
    "tuinews.sanitise",
    "tuinews.links",
    "tuinews.search",
    "tuinews.settings",
    "tuinews.resources",
    "tuinews.formats",
    "tuinews.sources.local",
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


def test_core_does_not_import_textual() -> None:
    loaded = imported_after(CORE)
    assert not {name for name in loaded if name == "textual" or name.startswith("textual.")}


def test_heavy_libraries_are_imported_lazily() -> None:
    loaded = imported_after(CORE)
    for heavy in ("markdownify", "feedparser", "bs4", "charset_normalizer", "httpx"):
        assert heavy not in loaded, f"{heavy} is imported at start-up"
