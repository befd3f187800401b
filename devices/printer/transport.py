"""How bytes reach a receipt printer: python-escpos's Serial, Usb, Network and File printers,
used as transports only (their _raw() to send, their device to read status answers).

The composition root picks one with build_transport() from the configuration; the adapter
never asks which kind it has. Every failure becomes PrinterUnreachable (cannot open, the
device went away) or PrinterNotResponding (the printer stopped taking data), with a message
that names the transport and its address.

python-escpos's own _read() is not used for status: Serial.read(16) always waits out its
whole timeout for 16 bytes where one is due, and Usb._read() has no timeout at all.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import termios
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

import escpos.exceptions
import escpos.printer
import serial

from devices.printer.port import PrinterNotResponding, PrinterUnreachable
from devices.serial_link import serial_error_advice
from devices.traffic import log_bytes, log_withheld

log = logging.getLogger("devices.printer")

FlowControl = Literal["none", "rtscts", "xonxoff"]

# Sending a receipt may take its wire time twice over (the printer holds the line while its
# buffer drains onto paper) plus this margin before the printer counts as stuck.
WRITE_MARGIN_S = 10.0
NETWORK_CONNECT_TIMEOUT_S = 5.0
USB_FLUSH_TIMEOUT_MS = 5
# What a connection that has gone raises: pyserial's and pyusb's errors are OSErrors, and
# termios reports a vanished tty with its own error class.
LINK_ERRORS = (OSError, termios.error)


@dataclass(frozen=True)
class SerialSettings:
    port: str
    baud: int = 9600
    flow_control: FlowControl = "none"


@dataclass(frozen=True)
class UsbSettings:
    vendor: int
    product: int
    in_ep: int = 0x82
    out_ep: int = 0x01


@dataclass(frozen=True)
class NetworkSettings:
    host: str
    port: int = 9100


@dataclass(frozen=True)
class FileSettings:
    path: str


TransportSettings = SerialSettings | UsbSettings | NetworkSettings | FileSettings


class Transport(ABC):
    """One printer connection. Not thread-safe: the adapter serialises calls."""

    #: Whether status can be read back (a write-only device file cannot).
    can_read = True

    def __init__(self, device: str) -> None:
        self.device = device
        self._printer: Any = None     # the open python-escpos printer, or None

    @property
    @abstractmethod
    def where(self) -> str:
        """The transport and address, for messages: 'serial port /dev/... (9600 baud)'."""

    @property
    def is_open(self) -> bool:
        return self._printer is not None

    def open(self) -> None:
        if self._printer is not None:
            return
        try:
            self._printer = self._connect()
        except escpos.exceptions.DeviceNotFoundError as error:
            raise PrinterUnreachable(
                f"cannot open the receipt printer on {self.where}: {self._advice(error)}"
            ) from None

    def close(self) -> None:
        printer, self._printer = self._printer, None
        if printer is None:
            return
        with contextlib.suppress(Exception):
            printer.close()
        # python-escpos flushes a serial port before closing it, which fails on a port that
        # has gone, and would try again from __del__: close the device itself, once.
        device = getattr(printer, "_device", None)
        if device:
            with contextlib.suppress(Exception):
                device.close()
        printer._device = False

    def write(self, data: bytes) -> None:
        self.open()
        try:
            self._send(data)
        except PrinterNotResponding:
            self.close()
            raise
        except LINK_ERRORS as error:
            self._lost(error)
        # A receipt may carry a resident's ticket or receipt number and its QR code: its
        # size is logged, never its content (the simulator renders receipts for testing).
        log_withheld(self.device, ">", len(data), "print job")

    def ask(self, request: bytes, timeout_s: float) -> bytes:
        """Sends a real-time request and returns the answer, or b"" if none came in time.
        Whatever was waiting before the request (a late answer, noise) is discarded."""
        if not self.can_read:
            raise NotImplementedError(f"{self.where} cannot be read from")
        # A connection left open while idle may have gone stale (a network printer drops
        # idle clients; a USB serial adapter was replugged): reopen it once. Only status
        # requests are retried like this: repeating one is harmless, repeating a receipt not.
        reopened = not self.is_open
        while True:
            self.open()
            try:
                self._discard_input()
                self._send(request)
                answer = self._read(timeout_s)
                break
            except PrinterNotResponding:
                self.close()
                raise
            except LINK_ERRORS as error:
                if reopened:
                    self._lost(error)
                self.close()
                reopened = True
        log_bytes(self.device, ">", request)
        if answer:
            log_bytes(self.device, "<", answer)
        return answer

    def _lost(self, error: BaseException) -> NoReturn:
        self.close()
        raise PrinterUnreachable(
            f"the receipt printer on {self.where} went away: {self._advice(error)}") from None

    def _advice(self, error: BaseException) -> str:
        cause = error.__context__ or error
        return str(cause).split("\n")[-1] or type(cause).__name__

    @abstractmethod
    def _connect(self) -> Any: ...

    @abstractmethod
    def _send(self, data: bytes) -> None: ...

    @abstractmethod
    def _read(self, timeout_s: float) -> bytes: ...

    @abstractmethod
    def _discard_input(self) -> None: ...


class SerialTransport(Transport):
    def __init__(self, settings: SerialSettings, device: str = "printer") -> None:
        super().__init__(device)
        self.settings = settings

    @property
    def where(self) -> str:
        return f"serial port {self.settings.port} ({self.settings.baud} baud)"

    def _connect(self) -> Any:
        settings = self.settings
        printer = escpos.printer.Serial(
            devfile=settings.port, baudrate=settings.baud, timeout=0.5,
            xonxoff=settings.flow_control == "xonxoff", dsrdtr=False)
        printer.open()
        port: serial.Serial = printer.device
        try:
            # Held exclusively, as every serial adapter here: `kiosk doctor printer` must not
            # print into the middle of the running terminal's receipt.
            port.exclusive = True
            port.rtscts = settings.flow_control == "rtscts"
        except (serial.SerialException, OSError, termios.error) as error:
            with contextlib.suppress(Exception):
                port.close()
            raise escpos.exceptions.DeviceNotFoundError(serial_error_advice(error)) from error
        return printer

    def _advice(self, error: BaseException) -> str:
        return serial_error_advice(error.__context__ or error)

    def _send(self, data: bytes) -> None:
        port: serial.Serial = self._printer.device
        port.write_timeout = len(data) * 10 / self.settings.baud * 2 + WRITE_MARGIN_S
        try:
            self._printer._raw(data)
            port.flush()
        except serial.SerialTimeoutException:
            raise PrinterNotResponding(
                f"the receipt printer on {self.where} stopped taking data: check for a paper "
                "jam or an open cover, and that the flow control setting matches the "
                f"printer's (now {self.settings.flow_control})") from None

    def _read(self, timeout_s: float) -> bytes:
        port: serial.Serial = self._printer.device
        port.timeout = timeout_s
        return bytes(port.read(1))

    def _discard_input(self) -> None:
        self._printer.device.reset_input_buffer()


class NetworkTransport(Transport):
    def __init__(self, settings: NetworkSettings, device: str = "printer") -> None:
        super().__init__(device)
        self.settings = settings

    @property
    def where(self) -> str:
        return f"network address {self.settings.host}:{self.settings.port}"

    def _connect(self) -> Any:
        printer = escpos.printer.Network(host=self.settings.host, port=self.settings.port,
                                         timeout=NETWORK_CONNECT_TIMEOUT_S)
        printer.open()
        return printer

    def _send(self, data: bytes) -> None:
        connection: socket.socket = self._printer.device
        connection.settimeout(WRITE_MARGIN_S + len(data) / 10_000)
        try:
            self._printer._raw(data)
        except TimeoutError:
            raise PrinterNotResponding(
                f"the receipt printer on {self.where} stopped taking data: check for a paper "
                "jam or an open cover") from None

    def _read(self, timeout_s: float) -> bytes:
        connection: socket.socket = self._printer.device
        connection.settimeout(timeout_s)
        try:
            answer = connection.recv(16)
        except TimeoutError:
            return b""
        if not answer:
            raise ConnectionResetError("the printer closed the connection")
        return answer[:1]

    def _discard_input(self) -> None:
        connection: socket.socket = self._printer.device
        connection.setblocking(False)
        try:
            while connection.recv(64):
                pass
        except BlockingIOError:
            pass
        finally:
            connection.setblocking(True)


class UsbTransport(Transport):
    def __init__(self, settings: UsbSettings, device: str = "printer") -> None:
        super().__init__(device)
        self.settings = settings

    @property
    def where(self) -> str:
        return f"USB {self.settings.vendor:04x}:{self.settings.product:04x}"

    def _connect(self) -> Any:
        settings = self.settings
        try:
            printer = escpos.printer.Usb(settings.vendor, settings.product, timeout=0,
                                         in_ep=settings.in_ep, out_ep=settings.out_ep)
        except RuntimeError as error:     # pyusb missing
            raise escpos.exceptions.DeviceNotFoundError(str(error)) from error
        import usb.core

        try:
            printer.open()
        except usb.core.NoBackendError as error:
            raise escpos.exceptions.DeviceNotFoundError(
                "libusb is missing (apt-get install libusb-1.0-0)") from error
        return printer

    def _advice(self, error: BaseException) -> str:
        text = super()._advice(error)
        if "not found" in text.lower():
            text = ("not found: is it plugged in and switched on? (lsusb lists the vendor and "
                    "product ids)")
        elif "endpoint" in text.lower():
            text += (" (many 58 mm printers need usb_in_ep = 0x81 and usb_out_ep = 0x03 or "
                     "0x02: lsusb -v shows the endpoints)")
        elif "access denied" in text.lower() or "permission" in text.lower():
            text += " (give the kiosk user the device with a udev rule)"
        return text

    def _send(self, data: bytes) -> None:
        import usb.core

        self._printer.timeout = int((WRITE_MARGIN_S + len(data) / 10_000) * 1000)
        try:
            self._printer._raw(data)
        except usb.core.USBTimeoutError:
            raise PrinterNotResponding(
                f"the receipt printer on {self.where} stopped taking data: check for a paper "
                "jam or an open cover") from None

    def _read(self, timeout_s: float) -> bytes:
        import usb.core

        try:
            answer = self._printer.device.read(self.settings.in_ep, 16, int(timeout_s * 1000))
        except usb.core.USBTimeoutError:
            return b""
        return bytes(answer[:1])

    def _discard_input(self) -> None:
        import usb.core

        with contextlib.suppress(usb.core.USBTimeoutError):
            while self._printer.device.read(self.settings.in_ep, 64, USB_FLUSH_TIMEOUT_MS):
                pass


class FileTransport(Transport):
    """A device file such as /dev/usb/lp0 (the kernel's usblp driver). Written only:
    the printer's status cannot be asked, so it is reported as unknown."""

    can_read = False

    def __init__(self, settings: FileSettings, device: str = "printer") -> None:
        super().__init__(device)
        self.settings = settings

    @property
    def where(self) -> str:
        return f"device file {self.settings.path}"

    def _connect(self) -> Any:
        printer = escpos.printer.File(devfile=self.settings.path, auto_flush=True)
        printer.open()
        return printer

    def _send(self, data: bytes) -> None:
        self._printer._raw(data)

    def _read(self, timeout_s: float) -> bytes:
        raise NotImplementedError("a device file is written only")

    def _discard_input(self) -> None:
        return None


def build_transport(settings: TransportSettings, device: str = "printer") -> Transport:
    if isinstance(settings, SerialSettings):
        return SerialTransport(settings, device)
    if isinstance(settings, UsbSettings):
        return UsbTransport(settings, device)
    if isinstance(settings, NetworkSettings):
        return NetworkTransport(settings, device)
    return FileTransport(settings, device)
