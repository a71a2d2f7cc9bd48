"""The wheel carries the stylesheets, and the installed (non-editable) app uses them."""

from __future__ import annotations

import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tuinews.resources import STYLESHEETS

pytestmark = pytest.mark.slow  # builds and installs the wheel

ROOT = Path(__file__).resolve().parents[2]

CHECK_INSTALLED = """
import asyncio, sys
from tuinews.resources import styles_dir
from tuinews.startup import Opened
from tuinews.store import Store, View
from tuinews.ui.app import TuinewsApp
from tuinews.ui.widgets.headline_list import HeadlineList

folder = styles_dir()
assert "site-packages" in str(folder), folder

async def main():
    app = TuinewsApp(store=Store("tuinews.db"), start=lambda **_: Opened(View()))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        headlines = app.screen.query_one(HeadlineList)
        print("STYLES", folder)
        print("MIN-WIDTH", headlines.styles.min_width)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("tuinews-*.whl")
    return built


def test_wheel_contains_the_stylesheets_and_welcome_library(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for sheet in STYLESHEETS:
        assert f"tuinews/styles/{sheet}" in names
    assert "tuinews/welcome/01-welcome.md" in names
    assert "tuinews/ui/app.py" in names


def test_installed_app_starts_with_its_styles(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from this environment's site-packages (listed in a .pth file,
    # which does not run the .pth files there, so tuinews itself comes from the wheel).
    child_site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    (Path(child_site) / "parent_env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    result = subprocess.run(
        [str(python), "-c", CHECK_INSTALLED],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert f"STYLES {venv}" in result.stdout
    assert "MIN-WIDTH 30" in result.stdout  # from headlines.tcss (its width is set in code)
