"""The life of a simulator that answers on one pseudo-terminal from one thread."""

from __future__ import annotations

from devices.sim.pty import PtyEndpoint
from devices.worker import Worker


class PtyDevice:
    """Base for request/response simulators: ``start`` plugs the pty in and runs
    ``_serve`` on a thread ("sim-<name>") until ``stop``; ``_serve`` loops until
    ``_stopping`` is set."""

    name: str

    def __init__(self, name: str, endpoint: PtyEndpoint) -> None:
        self.name = name
        self.endpoint = endpoint
        self._worker = Worker(f"sim-{name}", self._serve, join_timeout_s=2)

    @property
    def path(self) -> str:
        return self.endpoint.path

    @property
    def _stopping(self) -> bool:
        return self._worker.stopping.is_set()

    def start(self) -> None:
        self.endpoint.plug()
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self.endpoint.close()

    def _serve(self) -> None:
        raise NotImplementedError
