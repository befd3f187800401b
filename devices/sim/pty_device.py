"""The life of a simulator that answers on one pseudo-terminal from one thread."""

from __future__ import annotations

import threading

from devices.sim.pty import PtyEndpoint


class PtyDevice:
    """Base for request/response simulators: ``start`` plugs the pty in and runs
    ``_serve`` on a thread until ``stop``; ``_serve`` loops while ``_stop`` is not set."""

    name: str

    def __init__(self, endpoint: PtyEndpoint) -> None:
        self.endpoint = endpoint
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        return self.endpoint.path

    def start(self) -> None:
        self.endpoint.plug()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name=f"sim-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.endpoint.close()

    def _serve(self) -> None:
        raise NotImplementedError
