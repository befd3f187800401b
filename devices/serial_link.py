"""A serial port that may vanish and come back, as USB serial adapters do."""

from __future__ import annotations

import contextlib
import errno
import logging
import termios
import threading
from typing import TypeVar

import serial

from devices.errors import DeviceError, DeviceNotFound
from devices.health import DeviceHealth, DeviceState, HealthReporter
from devices.progress import ProgressBeat
from devices.traffic import log_bytes, log_withheld

RECONNECT_MIN_S = 0.2
RECONNECT_MAX_S = 5.0


class SerialLink:
    """Opens ``port`` on demand, retries with capped backoff, logs loss and return once.

    Callers hold no pyserial object: read() and write() raise DeviceNotFound when the
    port has gone, after which the next ensure_open() waits for it to return.

    ``progress`` is the owning worker's beat (devices/progress.py): every read and every
    attempt to open the port beats it, so a worker whose loop reads the line, or waits here
    for the port to come back, proves its progress without further ado.
    """

    def __init__(
        self,
        device: str,
        port: str,
        baud: int,
        health: HealthReporter,
        *,
        read_timeout_s: float = 0.05,
        private_input: bool = False,
    ) -> None:
        """``private_input``: what the device sends is a resident's data (a scanned code),
        so the traffic log records how many bytes came, never which."""
        self.device = device
        self._private_input = private_input
        self.progress = ProgressBeat(device)
        self.port = port
        self.baud = baud
        self._health = health
        self._read_timeout_s = read_timeout_s
        self._serial: serial.Serial | None = None
        self._lock = threading.Lock()
        self._log = logging.getLogger(f"devices.{device}")

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def ensure_open(self, stop: threading.Event) -> bool:
        """Blocks until the port is open (True) or ``stop`` is set (False)."""
        delay = RECONNECT_MIN_S
        while not stop.is_set():
            self.progress.beat()    # a missing device is not a hung worker
            if self._serial is not None:
                return True
            try:
                opened = serial.Serial(
                    self.port, self.baud, timeout=self._read_timeout_s, write_timeout=2.0,
                    exclusive=True,
                )
            except (serial.SerialException, OSError, ValueError) as error:
                self._health.set(DeviceState.ABSENT, f"{self.port}: {_reason(error)}")
                stop.wait(delay)
                delay = min(delay * 2, RECONNECT_MAX_S)
                continue
            with self._lock:
                self._serial = opened
            self._health.set(DeviceState.READY, self.port)
            return True
        return False

    def read(self, size: int = 256) -> bytes:
        self.progress.beat()
        port = self._require()
        try:
            data = port.read(size)
        except (serial.SerialException, OSError, termios.error) as error:
            self._lost(error)
            raise self._gone(error) from None
        if data:
            if self._private_input:
                log_withheld(self.device, "<", len(data))
            else:
                log_bytes(self.device, "<", data)
        return data

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError, termios.error) as error:
            self._lost(error)
            raise self._gone(error) from None
        log_bytes(self.device, ">", data)

    def discard_input(self) -> None:
        port = self._require()
        try:
            port.reset_input_buffer()
        except (serial.SerialException, OSError, termios.error) as error:
            self._lost(error)
            raise DeviceNotFound(f"{self.device}: {self.port} went away") from None

    def close(self) -> None:
        with self._lock:
            port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    def _require(self) -> serial.Serial:
        port = self._serial
        if port is None:
            raise DeviceNotFound(f"{self.device}: {self.port} is not open")
        return port

    def _gone(self, error: BaseException) -> DeviceNotFound:
        return DeviceNotFound(f"{self.device}: {self.port} went away ({_reason(error)})")

    def _lost(self, error: BaseException) -> None:
        self.close()
        self._health.set(DeviceState.ABSENT, f"{self.port} went away: {_reason(error)}")


_ERRNO_ADVICE = {
    errno.ENOENT: "no such device (unplugged, or the wrong path in the config?)",
    errno.EACCES: "permission denied (add the kiosk user to the dialout group)",
    errno.EBUSY: "in use by another program",
    errno.EIO: "input/output error (cable pulled?)",
    errno.ENXIO: "device gone",
}


def _reason(error: BaseException) -> str:
    # termios.error carries (errno, text) in args, not as attributes.
    code = getattr(error, "errno", None) or (
        error.args[0] if isinstance(error, termios.error) and error.args else None)
    if code in _ERRNO_ADVICE:
        return _ERRNO_ADVICE[code]
    text = str(error)
    if "readiness to read but returned no data" in text:
        return "the device disconnected"
    if "exclusively lock" in text:
        return "in use by another program"
    return text.split("\n")[0]


def serial_error_advice(error: BaseException) -> str:
    """What an error opening or using a serial port means, in words for an installer."""
    return _reason(error)


class PortInUse(DeviceError):
    """Another program holds the port: on a terminal, almost always the terminal itself."""


Link = TypeVar("Link", bound=SerialLink)


def open_once(link_class: type[Link], name: str, port: str, baud: int,
              read_timeout_s: float) -> Link:
    """Opens ``port`` for a one-off tool (a doctor command), failing at once instead of
    waiting for the port to appear as the terminal's own links do.

    Raises PortInUse or DeviceNotFound, each saying what to do."""
    health = HealthReporter(name, logging.getLogger(f"devices.{name}"))
    gave_up = threading.Event()

    def watch(current: DeviceHealth) -> None:
        if current.state is DeviceState.ABSENT:
            gave_up.set()

    health.subscribe(watch)
    link = link_class(name, port, baud, health, read_timeout_s=read_timeout_s)
    if not link.ensure_open(gave_up):
        detail = health.current.detail
        if "in use by another program" in detail:
            raise PortInUse(f"{port} is in use by another program, probably the running "
                            "terminal: stop it (systemctl stop kiosk) and try again")
        raise DeviceNotFound(f"cannot open {detail}")
    return link
