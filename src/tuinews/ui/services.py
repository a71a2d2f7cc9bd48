"""What the screens, widgets and the palette use of the app: the injected services and a
few app-wide facts, as a Protocol. They reach the app through :func:`services`, so that no
module below the app imports it (the app imports them: tests/unit/test_layers.py). And
worker failures become the app's notifications, never an exit of the app: every worker
of the reader runs with ``exit_on_error=False``, and the node that runs it reports its
errors with :func:`report_failure` (Worker.StateChanged does not bubble)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tuinews.ingest import Refresher
    from tuinews.settings import Settings
    from tuinews.startup import EarlyStart
    from tuinews.store import Store
    from tuinews.ui.bindings import BindingRow
    from tuinews.ui.idle_gc import IdleCollector


class Services(Protocol):
    """Implemented by :class:`tuinews.ui.app.TuinewsApp` (checked by mypy there)."""

    store: Store
    settings: Settings
    early: EarlyStart  # what to show first, read while Textual started
    idle_gc: IdleCollector
    last_input: float  # time.monotonic() of the last key or click

    @property
    def refresher(self) -> Refresher:
        """Fetching and parsing (made when first asked for: not on the event loop before
        the first frame)."""
        ...

    def open_link(self, url: str) -> None:
        """Open an http(s) link (already checked) in the browser."""
        ...

    def key_display(self, binding_id: str) -> str:
        """The first key of a binding, with the user's remapping, as the footer shows it."""
        ...

    def binding_rows(self) -> list[BindingRow]:
        """Every binding with the user's remapping applied."""
        ...


def services(node: DOMNode) -> Services:
    """The app of ``node``, as the services it holds."""
    return cast("Services", node.app)


def report_failure(node: DOMNode, event: Worker.StateChanged) -> bool:
    """Say what failed, if the worker did (by its description, else its group); whether
    it did."""
    worker = event.worker
    if worker.state != WorkerState.ERROR:
        return False
    node.app.notify(f"{worker.description or worker.group}: {worker.error}", severity="error")
    return True
