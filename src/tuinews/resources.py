"""Files shipped with tuinews: the stylesheets and the welcome library."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STYLESHEETS = (
    "base.tcss",
    "search.tcss",
    "feeds.tcss",
    "headlines.tcss",
    "article.tcss",
    "dialogs.tcss",
    "panes.tcss",
)


def styles_dir() -> Path:
    """Where the ``.tcss`` files are: inside the installed wheel, else the checkout."""
    installed = Path(str(resources.files("tuinews"))) / "styles"
    if (installed / STYLESHEETS[0]).is_file():
        return installed
    checkout = Path(__file__).resolve().parents[2] / "styles"
    if (checkout / STYLESHEETS[0]).is_file():
        return checkout
    raise FileNotFoundError(f"tuinews stylesheets not found (looked in {installed} and {checkout})")


def stylesheets() -> list[Path]:
    folder = styles_dir()
    return [folder / name for name in STYLESHEETS]


def welcome_files() -> list[tuple[str, bytes]]:
    """The welcome articles shown when tuinews is started with nothing to open."""
    folder = resources.files("tuinews") / "welcome"
    items = sorted((entry.name, entry) for entry in folder.iterdir() if entry.name.endswith(".md"))
    return [(name, entry.read_bytes()) for name, entry in items]
