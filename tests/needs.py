"""What a test needs from outside the project (``../shared``, a system program, the
installed command): skipped with the reason in a user's own clone, a failure when
``.ci/run`` sets ``TUINEWS_REQUIRE_ALL=1`` (or a CI service sets ``CI=true``), so CI always
runs these tests."""

from __future__ import annotations

import os

import pytest

REQUIRED = os.environ.get("TUINEWS_REQUIRE_ALL") == "1" or os.environ.get("CI", "").lower() in (
    "1",
    "true",
)


def need(available: object, reason: str) -> None:
    """Skip (or, under CI, fail) unless ``available`` is true; ``reason`` says what is
    missing and how to get it."""
    if available:
        return
    if REQUIRED:
        pytest.fail(f"{reason} (required: TUINEWS_REQUIRE_ALL=1)", pytrace=False)
    pytest.skip(reason)
