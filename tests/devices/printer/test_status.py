"""DLE EOT real-time status: the bytes, what they mean, and what the adapter does with them."""

from __future__ import annotations

import time

import pytest

from devices.health import DeviceState
from devices.printer.port import (
    PaperOut,
    PrinterError,
    PrinterNotResponding,
    PrinterOffline,
    PrinterStatus,
    PrinterUnreachable,
)
from devices.printer.realtime_status import (
    is_offline,
    is_status_byte,
    offline_causes,
    paper_state,
)
from devices.printer.slip import Slip, Text
from tests.fixtures.printer import STATUS_TIMEOUT_S
from tests.waiting import wait_until

SLIP = Slip((Text("测试"),))
STATUS_REQUESTS = b"\x10\x04\x01\x10\x04\x04"


@pytest.mark.parametrize(("byte", "valid"), [
    (0x12, True), (0x1A, True), (0x1E, True), (0x7E, True), (0x72, True),
    (0x00, False), (0x13, False), (0x92, False), (0xFF, False), (0x10, False),
])
def test_status_bytes_have_fixed_bits_0xx1xx10(byte, valid):
    assert is_status_byte(byte) is valid


def test_status_bits_read_as_the_manual_says():
    assert not is_offline(0x12)
    assert is_offline(0x1A)                       # bit 3
    assert paper_state(0x12) == "ok"
    assert paper_state(0x1E) == "near_end"        # bits 2-3
    assert paper_state(0x72) == "out"             # bits 5-6
    assert paper_state(0x7E) == "out"             # paper end with near end also set
    assert offline_causes(0x16) == ["the cover is open"]
    assert offline_causes(0x32) == ["it stopped at the end of the paper"]


@pytest.mark.parametrize(("request_byte", "fault", "answer"), [
    (1, None, 0x12), (4, None, 0x12),
    (4, "paper_near_end", 0x1E), (4, "paper_out", 0x7E), (1, "paper_out", 0x1A),
    (1, "open_cover", 0x1A), (2, "open_cover", 0x16), (2, "paper_out", 0x32),
])
def test_the_simulator_answers_dle_eot_with_real_status_bytes(printer_rig, request_byte,
                                                             fault, answer):
    rig = printer_rig()
    if fault:
        rig.sim.perform(fault, {})
    assert rig.printer.transport.ask(b"\x10\x04" + bytes([request_byte]), 1.0) == bytes([answer])


def test_ready_printer(printer_rig):
    rig = printer_rig()
    assert rig.printer.status() == PrinterStatus(online=True, paper="ok", detail="")
    assert rig.printer.health.current.state is DeviceState.READY
    assert rig.sim.wire == STATUS_REQUESTS


def test_paper_near_end_still_prints(printer_rig):
    rig = printer_rig()
    rig.sim.paper_near_end()
    assert rig.printer.status() == PrinterStatus(True, "near_end", "paper near end")
    rig.printer.print_slip(SLIP)
    assert rig.sim.wait_for_receipts(1)[0].text_lines == ["测试"]
    assert rig.printer.health.current.state is DeviceState.READY
    assert "paper near end" in rig.printer.health.current.detail


def test_out_of_paper_prints_nothing(printer_rig):
    rig = printer_rig()
    rig.sim.run_out_of_paper()
    status = rig.printer.status()
    assert (status.online, status.paper, status.can_print) == (False, "out", False)
    rig.sim.clear()
    with pytest.raises(PaperOut, match=r"on serial port .*tty.* is out of paper: load a new "
                                       r"roll \(nothing was printed\)"):
        rig.printer.print_slip(SLIP)
    assert rig.sim.wire == STATUS_REQUESTS            # asked, and sent nothing else
    time.sleep(0.2)
    assert rig.sim.receipts == []
    assert rig.printer.health.current.state is DeviceState.FAULT
    assert isinstance(rig.reports[-1], PrinterStatus)
    assert rig.reports[-1].paper == "out"


def test_paper_back_prints_again(printer_rig):
    rig = printer_rig()
    rig.sim.run_out_of_paper()
    with pytest.raises(PaperOut):
        rig.printer.print_slip(SLIP)
    rig.sim.load_paper()
    rig.printer.print_slip(SLIP)
    assert len(rig.sim.wait_for_receipts(1)) == 1
    assert rig.printer.health.current.state is DeviceState.READY


def test_cover_open_is_offline_with_its_cause(printer_rig):
    rig = printer_rig()
    rig.sim.open_cover()
    assert rig.printer.status() == PrinterStatus(False, "ok", "the cover is open")
    rig.sim.clear()
    with pytest.raises(PrinterOffline, match=r"is offline: the cover is open \(nothing was "
                                             r"printed\)"):
        rig.printer.print_slip(SLIP)
    assert rig.sim.wire == STATUS_REQUESTS + b"\x10\x04\x02"
    rig.sim.close_cover()
    rig.printer.print_slip(SLIP)
    assert len(rig.sim.wait_for_receipts(1)) == 1


def test_a_silent_printer_gives_a_clear_error_quickly(printer_rig):
    rig = printer_rig()
    rig.sim.silence()
    started = time.monotonic()
    with pytest.raises(PrinterNotResponding) as raised:
        rig.printer.print_slip(SLIP)
    elapsed = time.monotonic() - started
    message = str(raised.value)
    assert rig.sim.path in message
    assert "does not answer the printer status request (DLE EOT) within 200 ms" in message
    assert "switched on and connected" in message
    assert elapsed < 4 * STATUS_TIMEOUT_S + 0.5       # two tries, never a long hang
    assert rig.sim.receipts == []
    assert rig.printer.health.current.state is DeviceState.FAULT
    rig.sim.silence(False)
    assert rig.printer.status().can_print


def test_garbage_instead_of_a_status_byte_suggests_the_baud_rate(printer_rig):
    rig = printer_rig()
    rig.sim.silence()
    # A printer at another baud rate: every answer arrives as some other byte.
    rig.sim.interpreter._answer_status = lambda _n: b"\xff"
    rig.sim.silence(False)
    with pytest.raises(PrinterError, match=r"answered the printer status request \(DLE EOT\) "
                                           r"with ff, which is not a status byte: check that "
                                           r"the baud rate"):
        rig.printer.status()


def test_unplugged_printer_is_unreachable_and_comes_back(printer_rig):
    rig = printer_rig()
    assert rig.printer.status().can_print
    rig.sim.unplug()
    with pytest.raises(PrinterUnreachable, match=r"serial port .* went away|no such device"):
        rig.printer.status()
    with pytest.raises(PrinterUnreachable, match=r"no such device \(unplugged, or the wrong "
                                                 r"path in the config\?\)"):
        rig.printer.print_slip(SLIP)
    assert rig.printer.health.current.state is DeviceState.ABSENT
    rig.sim.plug()
    rig.printer.print_slip(SLIP)
    assert len(rig.sim.wait_for_receipts(1)) == 1


def test_the_port_is_held_exclusively(printer_rig):
    from devices.printer.escpos_printer import EscposReceiptPrinter
    from devices.printer.transport import SerialSettings, build_transport

    rig = printer_rig()
    assert rig.printer.status().can_print         # holds the port from now on
    other = EscposReceiptPrinter(build_transport(SerialSettings(rig.sim.path)),
                                 rig.printer.layout)
    try:
        with pytest.raises(PrinterUnreachable, match="in use by another program"):
            other.print_slip(SLIP)
    finally:
        other.stop()
    assert rig.sim.receipts == []


def test_the_worker_follows_the_printer_while_idle(printer_rig):
    rig = printer_rig(poll_interval_s=0.1, start=True)
    wait_until(lambda: rig.printer.health.current.state is DeviceState.READY)
    rig.sim.run_out_of_paper()
    wait_until(lambda: isinstance(rig.reports[-1], PrinterStatus)
               and rig.reports[-1].paper == "out", what="paper out seen while idle")
    rig.sim.load_paper()
    wait_until(lambda: isinstance(rig.reports[-1], PrinterStatus)
               and rig.reports[-1].paper == "ok", timeout_s=8, what="paper back seen")
    rig.sim.unplug()
    wait_until(lambda: isinstance(rig.reports[-1], PrinterUnreachable), timeout_s=8)
    assert rig.printer.health.current.state is DeviceState.ABSENT
