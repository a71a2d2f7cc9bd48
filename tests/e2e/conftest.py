"""The ``terminal`` fixture: a tmux server of the test's own, ended afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.terminals import Terminal, need_command, need_tmux


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    need_tmux()
    need_command()
    term = Terminal(f"tuinews-test-{uuid.uuid4().hex[:8]}")
    yield term
    term.tmux("kill-server")
