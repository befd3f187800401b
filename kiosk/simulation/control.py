"""The simulator control socket: JSON lines over a Unix socket.

Tests, the demo panel and operators (`kiosk sim` prints the path) drive simulators
through it: {"op": "list"} describes every simulator and its actions;
{"op": "perform", "device": ..., "action": ..., "args": {...}} does one.
Every reply is {"ok": true, ...} or {"ok": false, "error": "..."}.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from devices.sim.simulator import Simulator

log = logging.getLogger(__name__)


class ControlServer:
    def __init__(self, path: Path, simulators: Mapping[str, Simulator]) -> None:
        self.path = Path(path)
        self._simulators = dict(simulators)
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        os.chmod(self.path, 0o600)
        server.listen(8)
        self._socket = server
        self._thread = threading.Thread(target=self._accept, name="sim-control", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, self._socket = self._socket, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept(self) -> None:
        while self._socket is not None:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True,
                             name="sim-control-client").start()

    def _serve(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rwb") as stream:
            for line in stream:
                reply = self.handle(line)
                stream.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
                stream.flush()

    def handle(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as error:
            return {"ok": False, "error": f"malformed request: {error}"}
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
        self.timeout_s = timeout_s

    def devices(self) -> list[dict[str, Any]]:
        return list(self._call({"op": "list"})["devices"])

    def perform(self, device: str, action: str, **args: str) -> str:
        reply = self._call({"op": "perform", "device": device, "action": action, "args": args})
        return str(reply["message"])

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(self.timeout_s)
            try:
                connection.connect(str(self.path))
            except OSError as error:
                raise ConnectionError(
                    f"no simulator control socket at {self.path} ({error.strerror}); "
                    "is `kiosk sim` running?"
                ) from None
            with connection.makefile("rwb") as stream:
                stream.write(json.dumps(request, ensure_ascii=False).encode() + b"\n")
                stream.flush()
                line = stream.readline()
        reply = json.loads(line) if line else {"ok": False, "error": "no reply"}
        if not reply.get("ok"):
            raise SimulatorRefused(str(reply.get("error")))
        return dict(reply)


class SimulatorRefused(RuntimeError):
    """The simulator could not do what was asked (unknown action, vpcd not listening...)."""
