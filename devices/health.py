"""Connection state every adapter reports, for the UI, doctor and telemetry."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass


class DeviceState(enum.Enum):
    DISABLED = "disabled"        # configured off (driver = "none")
    CONNECTING = "connecting"    # opening the port for the first time
    READY = "ready"
    ABSENT = "absent"            # port or reader missing; retrying
    FAULT = "fault"              # present but misbehaving


@dataclass(frozen=True)
class DeviceHealth:
    device: str
    state: DeviceState
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.state is DeviceState.READY


HealthListener = Callable[[DeviceHealth], None]


class HealthReporter:
    """Holds one device's health and logs each change once, not once per retry."""

    def __init__(self, device: str, logger: logging.Logger) -> None:
        self._health = DeviceHealth(device, DeviceState.CONNECTING)
        self._logger = logger
        self._listeners: list[HealthListener] = []
        self._lock = threading.Lock()

    @property
    def current(self) -> DeviceHealth:
        return self._health

    def subscribe(self, listener: HealthListener) -> None:
        with self._lock:
            self._listeners.append(listener)
        listener(self._health)

    def set(self, state: DeviceState, detail: str = "") -> None:
        with self._lock:
            if state is self._health.state and detail == self._health.detail:
                return
            previous = self._health
            self._health = DeviceHealth(previous.device, state, detail)
            listeners = list(self._listeners)
        level = logging.INFO if state is DeviceState.READY else logging.WARNING
        suffix = f": {detail}" if detail else ""
        self._logger.log(level, "%s %s%s", previous.device, state.value, suffix)
        for listener in listeners:
            listener(self._health)
