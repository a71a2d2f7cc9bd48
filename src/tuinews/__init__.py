"""tuinews: a terminal news reader."""

from __future__ import annotations

__all__ = ["__version__", "default_user_agent"]


def __getattr__(name: str) -> str:
    if name == "__version__":
        # (importlib.metadata costs ~25 ms at start-up: the version is looked up when asked)
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tuinews")
        except PackageNotFoundError:  # running from a checkout without an install
            return "0.0.0"
    raise AttributeError(f"module 'tuinews' has no attribute {name!r}")


def default_user_agent() -> str:
    """What tuinews calls itself in its requests (the ``user_agent`` setting, or a feed's
    own, replaces it)."""
    return f"tuinews/{__getattr__('__version__')} (+https://github.com/tuinews/tuinews)"
