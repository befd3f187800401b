"""The card side of pcscd's vpcd driver (Debian package vsmartcard-vpcd).

vpcd listens on a TCP port per slot; a virtual card connects to it and is then "in the
reader". Every message is a 2-byte big-endian length and a payload. A 1-byte payload
from vpcd is a control code (power off, power on, reset, ATR request); anything longer
is a command APDU that the card answers with a response APDU.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from typing import Protocol

from devices.traffic import log_bytes, log_withheld

POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4

log = logging.getLogger("devices.sim.vpcd")


class VirtualCard(Protocol):
    """A card's personality: its ATR and how it answers APDUs."""

    kind: str

    @property
    def atr(self) -> bytes: ...

    def reset(self) -> None: ...

    def respond(self, apdu: bytes) -> bytes: ...


class VpcdSlot:
    """Inserts and removes virtual cards in one vpcd slot."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self._card: VirtualCard | None = None
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.apdus_seen = 0

    @property
    def card(self) -> VirtualCard | None:
        return self._card

    def insert(self, card: VirtualCard, timeout_s: float = 5.0) -> None:
        """Puts ``card`` in the reader; raises ConnectionError if vpcd is not listening."""
        self.remove()
        try:
            connection = socket.create_connection((self.host, self.port), timeout=timeout_s)
        except OSError as error:
            raise ConnectionError(
                f"vpcd is not listening on {self.host}:{self.port} ({error.strerror or error}); "
                "is pcscd running with the vpcd reader?"
            ) from None
        connection.settimeout(None)
        with self._lock:
            self._card, self._socket = card, connection
        self._thread = threading.Thread(
            target=self._serve, args=(connection, card), name=f"vpcd-{self.port}", daemon=True
        )
        self._thread.start()

    def remove(self) -> None:
        with self._lock:
            connection, self._socket, self._card = self._socket, None, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._thread = None

    def _serve(self, connection: socket.socket, card: VirtualCard) -> None:
        name = f"vpcd:{self.port}"
        try:
            while True:
                header = _receive(connection, 2)
                if header is None:
                    return
                (length,) = struct.unpack(">H", header)
                payload = _receive(connection, length)
                if payload is None:
                    return
                if length == 1:
                    code = payload[0]
                    if code in (POWER_ON, RESET):
                        card.reset()
                    elif code == GET_ATR:
                        _send(connection, card.atr)
                    continue
                log_bytes(name, "<", payload)
                self.apdus_seen += 1
                response = card.respond(payload)
                if len(response) > 2:
                    # A card's data is a cardholder's (even a fictional one here): like
                    # the adapter, log only its length and status word.
                    log_withheld(name, ">", len(response) - 2, response[-2:].hex(" "))
                else:
                    log_bytes(name, ">", response)
                _send(connection, response)
        except OSError:
            return
        finally:
            with self._lock:
                if self._socket is connection:
                    self._socket, self._card = None, None
            with contextlib.suppress(OSError):
                connection.close()


def _receive(connection: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _send(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(struct.pack(">H", len(payload)) + payload)
