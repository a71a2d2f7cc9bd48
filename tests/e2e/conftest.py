"""The ``terminal`` fixture: a tmux server of the test's own, ended afterwards; the
``display`` fixture: a virtual X display of the test's own (tests/e2e/xscreen.py)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.terminals import Terminal, need_command, need_tmux
from tests.e2e.xscreen import X_PROGRAMS, xvfb
from tests.needs import need


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    need_tmux()
    need_command()
    term = Terminal(f"tuinews-test-{uuid.uuid4().hex[:8]}")
    yield term
    term.tmux("kill-server")


@pytest.fixture
def display() -> Iterator[str]:
    need_command()
    need(all(shutil.which(p) for p in X_PROGRAMS), f"needs {', '.join(X_PROGRAMS)} (apt-get)")
    with xvfb() as name:
        yield name
