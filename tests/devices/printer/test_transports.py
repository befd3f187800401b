"""The other python-escpos transports: a device file and a network printer (on loopback),
and the errors for a USB printer that is not there."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from devices.printer.escpos_interpreter import EscPosInterpreter, Receipt
from devices.printer.escpos_printer import EscposReceiptPrinter
from devices.printer.escpos_render import ReceiptLayout
from devices.printer.port import PrinterNotResponding, PrinterStatus, PrinterUnreachable
from devices.printer.slip import Qr, Slip, Text
from devices.printer.transport import (
    FileSettings,
    NetworkSettings,
    UsbSettings,
    build_transport,
)

SLIP = Slip((Text("网络打印 ￥3.50"), Qr("https://zwfw.example.gov.cn/n")))


def test_device_file_gets_the_receipt_and_reports_status_unknown(tmp_path):
    device_file = tmp_path / "lp0"
    printer = EscposReceiptPrinter(build_transport(FileSettings(str(device_file))),
                                   ReceiptLayout())
    try:
        assert printer.status() == PrinterStatus(True, "unknown",
                                                 f"device file {device_file} cannot report its "
                                                 "status")
        printer.print_slip(SLIP)
    finally:
        printer.stop()
    receipts: list[Receipt] = []
    EscPosInterpreter(answer_status=lambda _n: None, reply=lambda _b: None,
                      on_receipt=receipts.append).feed(device_file.read_bytes())
    assert receipts[0].text_lines[0] == "网络打印 ￥3.50"
    assert receipts[0].cut == "full"


def test_missing_device_file_is_unreachable(tmp_path):
    printer = EscposReceiptPrinter(build_transport(FileSettings(str(tmp_path / "no" / "lp0"))),
                                   ReceiptLayout())
    with pytest.raises(PrinterUnreachable, match=r"device file .*/no/lp0: .*No such file"):
        printer.print_slip(SLIP)


class LoopbackPrinter:
    """A network printer on 127.0.0.1: one connection at a time, like the real ones."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.receipts: list[Receipt] = []
        self.silent = False
        self.connections = 0
        self._current: socket.socket | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            self._current = connection
            with connection:
                machine = EscPosInterpreter(
                    answer_status=lambda _n: None if self.silent else b"\x12",
                    reply=connection.sendall, on_receipt=self.receipts.append)
                with contextlib.suppress(OSError):
                    while data := connection.recv(4096):
                        machine.feed(data)

    def drop_client(self) -> None:
        """What network printers do to a client idle too long."""
        if self._current is not None:
            self._current.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self._thread.join(timeout=2)


@pytest.fixture
def network_printer() -> Iterator[LoopbackPrinter]:
    printer = LoopbackPrinter()
    yield printer
    printer.close()


def test_network_printer(network_printer):
    printer = EscposReceiptPrinter(
        build_transport(NetworkSettings("127.0.0.1", network_printer.port)),
        ReceiptLayout(), status_timeout_s=0.2)
    try:
        assert printer.status() == PrinterStatus(True, "ok", "")
        printer.print_slip(SLIP)
        assert network_printer.receipts[0].text_lines[0] == "网络打印 ￥3.50"
        network_printer.silent = True
        with pytest.raises(PrinterNotResponding, match=r"network address 127\.0\.0\.1:\d+ does "
                                                       r"not answer"):
            printer.status()
    finally:
        printer.stop()


def test_a_dropped_idle_connection_is_reopened_without_an_error(network_printer):
    printer = EscposReceiptPrinter(
        build_transport(NetworkSettings("127.0.0.1", network_printer.port)),
        ReceiptLayout(), status_timeout_s=0.5)
    try:
        assert printer.status().can_print
        network_printer.drop_client()
        assert printer.status().can_print
        printer.print_slip(SLIP)
        assert network_printer.connections == 2
        assert network_printer.receipts[0].text_lines[0] == "网络打印 ￥3.50"
    finally:
        printer.stop()


def test_network_printer_that_is_not_there(network_printer):
    port = network_printer.port
    network_printer.close()
    printer = EscposReceiptPrinter(build_transport(NetworkSettings("127.0.0.1", port)),
                                   ReceiptLayout())
    with pytest.raises(PrinterUnreachable, match=rf"network address 127\.0\.0\.1:{port}: "
                                                 r".*Connection refused"):
        printer.status()


def test_usb_printer_that_is_not_there():
    printer = EscposReceiptPrinter(build_transport(UsbSettings(0x0416, 0x5011, 0x81, 0x03)),
                                   ReceiptLayout())
    with pytest.raises(PrinterUnreachable, match=r"USB 0416:5011: .*(not found|libusb)"):
        printer.status()
