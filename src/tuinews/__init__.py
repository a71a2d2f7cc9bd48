"""tuinews: a terminal news reader."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~25 ms at start-up: look the version up only when asked.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tuinews")
        except PackageNotFoundError:  # running from a checkout without an install
            return "0.0.0"
    raise AttributeError(f"module 'tuinews' has no attribute {name!r}")
