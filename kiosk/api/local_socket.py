"""A JSON-lines request/reply server on a Unix socket, for local tools.

Used by the simulator control socket and the terminal's admin socket. The socket file is
mode 0600: only the terminal's own user (and root) can talk to it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class JsonLineServer:
    def __init__(self, path: Path, handler: Handler, name: str) -> None:
        self.path = Path(path)
        self._handler = handler
        self._name = name
        self._socket: socket.socket | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        os.chmod(self.path, 0o600)
        server.listen(8)
        self._socket = server
        threading.Thread(target=self._accept, name=self._name, daemon=True).start()

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
                             name=f"{self._name}-client").start()

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
        return self._handler(request)


class JsonLineClient:
    def __init__(self, path: Path, *, timeout_s: float = 5.0, missing_hint: str = "") -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.missing_hint = missing_hint

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """Sends one request; returns the reply. ConnectionError if nobody listens."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(self.timeout_s)
            try:
                connection.connect(str(self.path))
            except OSError as error:
                raise ConnectionError(
                    f"nothing listens on {self.path} ({error.strerror}){self.missing_hint}"
                ) from None
            with connection.makefile("rwb") as stream:
                stream.write(json.dumps(request, ensure_ascii=False).encode() + b"\n")
                stream.flush()
                line = stream.readline()
        return dict(json.loads(line)) if line else {"ok": False, "error": "no reply"}
