"""The simulator control socket: JSON lines over a Unix socket.

Tests, the demo panel and operators (`kiosk sim do ...`) drive simulators through it:
{"op": "list"} describes every simulator and its actions;
{"op": "perform", "device": ..., "action": ..., "args": {...}} does one.
Every reply is {"ok": true, ...} or {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from devices.sim.simulator import Simulator
from kiosk.api.local_socket import JsonLineClient, JsonLineServer

log = logging.getLogger(__name__)


class ControlServer:
    def __init__(self, path: Path, simulators: Mapping[str, Simulator]) -> None:
        self._simulators = dict(simulators)
        self._server = JsonLineServer(path, self.handle_request, "sim-control")
        self.path = self._server.path

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def handle(self, line: bytes) -> dict[str, Any]:
        return self._server.handle(line)

    def handle_request(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "list":
            return {"ok": True, "devices": [self._describe(s) for s in self._simulators.values()]}
        if op == "perform":
            simulator = self._simulators.get(str(request.get("device")))
            if simulator is None:
                known = ", ".join(self._simulators)
                return {"ok": False, "error": f"no simulated device {request.get('device')!r}; "
                                              f"running: {known}"}
            args = request.get("args") or {}
            try:
                message = simulator.perform(str(request.get("action")), args)
            except (ValueError, KeyError, ConnectionError) as error:
                return {"ok": False, "error": str(error)}
            log.info("simulator %s: %s (%s)", simulator.name, request.get("action"), message)
            return {"ok": True, "message": message}
        return {"ok": False, "error": f"unknown op {op!r}; use 'list' or 'perform'"}

    @staticmethod
    def _describe(simulator: Simulator) -> dict[str, Any]:
        return {
            "device": simulator.name,
            "status": asdict(simulator.status()),
            "actions": [asdict(a) for a in simulator.actions()],
        }


class ControlClient:
    """Talks to a ControlServer, in this process or in a `kiosk sim` process."""

    def __init__(self, path: Path, timeout_s: float = 5.0) -> None:
        self.path = Path(path)
        self._client = JsonLineClient(path, timeout_s=timeout_s,
                                      missing_hint="; is `kiosk sim` running?")

    def devices(self) -> list[dict[str, Any]]:
        return list(self._call({"op": "list"})["devices"])

    def perform(self, device: str, action: str, **args: str) -> str:
        reply = self._call({"op": "perform", "device": device, "action": action, "args": args})
        return str(reply["message"])

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        reply = self._client.call(request)
        if not reply.get("ok"):
            raise SimulatorRefused(str(reply.get("error")))
        return reply


class SimulatorRefused(RuntimeError):
    """The simulator could not do what was asked (unknown action, vpcd not listening...)."""
