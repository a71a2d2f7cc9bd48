"""The ``tuinews`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import tuinews

if TYPE_CHECKING:
    from tuinews.models import Library


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinews",
        description=(
            "A terminal news reader. Opens local articles (plain text, Markdown, HTML) and "
            "feed files (RSS, Atom, JSON Feed); folders are read recursively. With no PATH "
            "it opens the welcome library."
        ),
        epilog="Press ? in the app for the keys.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to open")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings file (default: $TUINEWS_CONFIG or the user config directory)",
    )
    parser.add_argument("--version", action="version", version=f"tuinews {tuinews.__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    from tuinews.settings import config_path, load_settings
    from tuinews.sources.local import PathError, check_paths, load_paths, load_welcome

    settings, problems = load_settings(args.config or config_path())
    paths: list[str] = list(args.paths)
    try:
        check_paths(paths)
    except PathError as error:
        print(f"tuinews: {error}", file=sys.stderr)
        return 2

    def loader() -> Library:
        return load_paths(paths) if paths else load_welcome()

    from tuinews.ui.app import TuinewsApp

    app = TuinewsApp(loader=loader, settings=settings, problems=problems)
    app.run()
    return app.return_code or 0
