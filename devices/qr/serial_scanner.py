"""QR scanners in serial (COM / TTL-232) mode: code bytes followed by a terminator.

Serial mode is the one that carries Chinese and binary content intact; keyboard-wedge
mode depends on the host keyboard layout and cannot type Han characters.
"""

from __future__ import annotations

import logging
import time
from typing import Literal

from devices.errors import DeviceNotFound
from devices.health import HealthReporter
from devices.qr.code_text import decode_code
from devices.qr.port import ScanListener, UnreadableCode
from devices.serial_link import SerialLink
from devices.worker import Worker

TERMINATORS: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "none": b""}

# A QR code holds at most 2953 bytes; anything longer is a misconfigured suffix.
MAX_CODE_BYTES = 4096
# Without a terminator, a code ends when the line has been quiet this long.
QUIET_END_S = 0.08

log = logging.getLogger("devices.qr_scanner")


class SerialQrScanner:
    def __init__(
        self,
        port: str,
        baud: int,
        terminator: Literal["CR", "LF", "CRLF", "none"],
        *,
        device: str = "qr_scanner",
    ) -> None:
        self.health = HealthReporter(device, log)
        self._link = SerialLink(device, port, baud, self.health, private_input=True)
        self.progress = self._link.progress  # beaten by every read and reconnect attempt
        self._terminator = TERMINATORS[terminator]
        self._listeners: list[ScanListener] = []
        self._worker = Worker("qr-scanner", self._run, join_timeout_s=2)
        self._overflowed = False

    def on_scan(self, listener: ScanListener) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()
        self._link.close()

    def _run(self) -> None:
        pending = bytearray()
        last_byte_at = 0.0
        while self._link.ensure_open(self._worker.stopping):
            try:
                chunk = self._link.read(512)
            except DeviceNotFound:
                pending.clear()
                self._overflowed = False
                continue
            now = time.monotonic()
            if chunk:
                pending += chunk
                last_byte_at = now
                for code in self._split(pending):
                    self._deliver(code)
                if len(pending) > MAX_CODE_BYTES:
                    if not self._overflowed:
                        _warn_runaway()
                    # Everything up to the next terminator belongs to the runaway frame.
                    # Keep what may be the first half of a CRLF that ends it, or the
                    # runaway would swallow the next code too (found by make fuzz).
                    self._overflowed = True
                    del pending[:len(pending) - (len(self._terminator) - 1 if self._terminator
                                                  else 0)]
            elif not self._terminator and now - last_byte_at >= QUIET_END_S:
                # The line went quiet: a code ends here. The tail of a runaway burst is
                # no code: it was dropped with the rest of the burst.
                if pending and not self._overflowed:
                    self._deliver(bytes(pending))
                pending.clear()
                self._overflowed = False

    def _split(self, pending: bytearray) -> list[bytes]:
        if not self._terminator:
            return []
        codes = []
        while (end := pending.find(self._terminator)) >= 0:
            code = bytes(pending[:end])
            del pending[: end + len(self._terminator)]
            if self._overflowed:
                self._overflowed = False
                continue
            if len(code) > MAX_CODE_BYTES:
                _warn_runaway()
                continue
            if code:
                codes.append(code)
        return codes

    def _deliver(self, raw: bytes) -> None:
        result = decode_code(raw)
        if isinstance(result, UnreadableCode):
            log.warning("qr_scanner: unreadable code (%d bytes): %s", len(raw), result.reason)
        else:
            log.info("qr_scanner: code read (%d bytes, %s)", len(raw), result.encoding)
        for listener in self._listeners:
            try:
                listener(result)
            except Exception:
                log.exception("qr_scanner: a scan listener failed")


def _warn_runaway() -> None:
    log.warning(
        "qr_scanner sent more than %d bytes without a terminator; discarded. Check that the "
        "scanner's suffix matches devices.qr_scanner.terminator", MAX_CODE_BYTES,
    )
