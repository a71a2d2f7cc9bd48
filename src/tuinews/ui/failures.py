"""Worker failures become notifications, never an exit of the app: every worker of the
reader runs with ``exit_on_error=False``, and the node that runs it reports its errors
here (Worker.StateChanged does not bubble)."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState


def report_failure(node: DOMNode, event: Worker.StateChanged) -> bool:
    """Say what failed, if the worker did (by its description, else its group); whether
    it did."""
    worker = event.worker
    if worker.state != WorkerState.ERROR:
        return False
    node.app.notify(f"{worker.description or worker.group}: {worker.error}", severity="error")
    return True
