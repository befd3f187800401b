"""What the terminal knows about its own health: link to the center, each device."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.health import DeviceHealth


@dataclass(frozen=True)
class StatusSnapshot:
    online: bool
    devices: dict[str, DeviceHealth] = field(default_factory=dict)


StatusListener = Callable[[StatusSnapshot], None]


class TerminalStatus:
    """Collects health reports from any thread and tells listeners about each change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._online = False
        self._devices: dict[str, DeviceHealth] = {}
        self._listeners: list[StatusListener] = []

    def snapshot(self) -> StatusSnapshot:
        with self._lock:
            return StatusSnapshot(self._online, dict(self._devices))

    def subscribe(self, listener: StatusListener) -> None:
        with self._lock:
            self._listeners.append(listener)
        listener(self.snapshot())

    def set_online(self, online: bool) -> None:
        with self._lock:
            if online == self._online:
                return
            self._online = online
        self._notify()

    def report_device(self, health: DeviceHealth) -> None:
        with self._lock:
            self._devices[health.device] = health
        self._notify()

    def _notify(self) -> None:
        snapshot = self.snapshot()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(snapshot)
