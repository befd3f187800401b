"""The terminal's admin socket: local tools (`kiosk locker open N`, `kiosk doctor`)
ask the running terminal, which owns the serial lines, instead of fighting it for them.

JSON lines on a Unix socket next to the database, mode 0600. Every action is audited
with the Unix user that asked for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from kiosk.api.local_socket import JsonLineClient, JsonLineServer
from kiosk.services.alarms import Alarm
from kiosk.services.locker.model import Refused, Started
from kiosk.services.locker.service import LockerService
from kiosk.services.status import TerminalStatus

log = logging.getLogger(__name__)

SOCKET_NAME = "admin.sock"


def admin_socket_path(store_path: Path) -> Path:
    return Path(store_path).parent / SOCKET_NAME


class AdminServer:
    """Answers local tools from what the running terminal holds: the locker (doors, a
    maintenance opening), the devices' health and the active alarms."""

    def __init__(self, store_path: Path, *, locker: LockerService | None,
                 status: TerminalStatus, active_alarms: Callable[[], list[Alarm]]) -> None:
        self._locker = locker
        self._status = status
        self._active_alarms = active_alarms
        self._server = JsonLineServer(admin_socket_path(store_path), self._handle,
                                      "admin-socket")

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        locker = self._locker
        if op in ("locker.open", "locker.doors") and locker is None:
            return {"ok": False, "error": "this terminal has no locker (locker.enabled = false)"}
        if op == "locker.open" and locker is not None:
            return self._open(locker, request)
        if op == "locker.doors" and locker is not None:
            return {"ok": True, "doors": locker.door_report()}
        if op == "devices.health":
            return {"ok": True, **self._device_health()}
        return {"ok": False, "error": f"unknown op {op!r}"}

    def _open(self, locker: LockerService, request: dict[str, Any]) -> dict[str, Any]:
        number = request.get("number")
        actor = f"cli:{request.get('user', 'unknown')}"
        if not isinstance(number, int):
            return {"ok": False, "error": "number must be a compartment number"}
        try:
            result = locker.open_for_maintenance(actor, number).result(timeout=10)
        except FutureTimeout:
            return {"ok": False, "error": "the locker did not answer within 10 s"}
        if isinstance(result, Started):
            log.info("compartment %d opened for maintenance by %s", number, actor)
            return {"ok": True, "compartment": number, "operation": result.operation_id}
        assert isinstance(result, Refused)
        return {"ok": False, "error": f"{result.reason}: {result.detail}".rstrip(": ")}

    def _device_health(self) -> dict[str, Any]:
        """What `kiosk doctor` cannot find out itself while the terminal holds the serial
        lines: each device's health and the active alarms (board_offline names lock boards
        that stopped answering)."""
        devices = {name: {"state": health.state.value, "detail": health.detail}
                   for name, health in self._status.snapshot().devices.items()}
        alarms = [{"kind": alarm.kind, "subject": alarm.subject, "detail": alarm.detail}
                  for alarm in self._active_alarms()]
        return {"devices": devices, "alarms": alarms}


def admin_client(store_path: Path) -> JsonLineClient:
    return JsonLineClient(admin_socket_path(store_path), timeout_s=15,
                          missing_hint="; is the terminal running (systemctl status kiosk)?")
