"""The printer simulator on its own: it survives whatever comes down the wire."""

from __future__ import annotations

import logging

from devices.printer.escpos_interpreter import EscPosInterpreter, Receipt
from devices.printer.simulator import PrinterSimulator
from tests.waiting import wait_until


def interpreter() -> tuple[EscPosInterpreter, list[Receipt], list[bytes]]:
    receipts: list[Receipt] = []
    replies: list[bytes] = []
    machine = EscPosInterpreter(answer_status=lambda n: bytes([0x12]), reply=replies.append,
                                on_receipt=receipts.append)
    return machine, receipts, replies


def test_unknown_commands_are_logged_and_skipped(caplog):
    machine, receipts, _ = interpreter()
    with caplog.at_level(logging.INFO, logger="devices.printer.simulator"):
        machine.feed(b"\x1b@\x1c&\x1bq\x05\x1d\xee\x1c\xeeAB\x07\x1d(Z\x02\x00xyCD\n\x1dV\x00")
    (receipt,) = receipts
    assert receipt.text_lines == ["ABCD"]
    assert machine.unknown == ["ESC q", "control byte 05", "GS 0xee", "FS 0xee",
                               "control byte 07", "GS ( Z"]
    assert "skipped GS ( Z" in caplog.text


def test_commands_split_across_reads_are_put_back_together():
    machine, receipts, replies = interpreter()
    stream = b"\x1b@\x1c&" + "分开".encode("gb18030") + b"\n\x10\x04\x01" + b"\x1dV\x01"
    for byte in stream:
        machine.feed(bytes([byte]))
    assert replies == [b"\x12"]
    assert receipts[0].text_lines == ["分开"]
    assert receipts[0].cut == "partial"


def test_an_impossible_raster_header_is_not_waited_for():
    machine, receipts, _ = interpreter()
    machine.feed(b"\x1dv0\x00\xff\xff\xff\xffOK\n\x1dV\x00")
    assert receipts[0].text_lines == ["OK"]
    assert "impossible size" in machine.unknown[0]


def test_random_bytes_never_crash_the_interpreter():
    import random

    generator = random.Random(7)
    for _ in range(300):
        machine, _, _ = interpreter()
        for _ in range(5):
            machine.feed(bytes(generator.randrange(256) for _ in range(120)))


def test_line_noise_leaves_the_simulator_serving(tmp_path, caplog):
    import os

    sim = PrinterSimulator(tmp_path / "printer" / "tty")
    sim.start()
    try:
        with open(sim.path, "wb", buffering=0) as port:
            port.write(os.urandom(2000))
            # A power cycle of the real thing: whatever the noise left half-parsed is gone.
            wait_until(lambda: len(sim.wire) == 2000)
            sim.power_cycle()
            before = len(sim.receipts)      # the noise may have held a cut of its own
            port.write(b"\x1b@\x1c&" + "仍然可用".encode("gb18030") + b"\n\x1dV\x00")
            receipts = sim.wait_for_receipts(before + 1)
        assert receipts[-1].text_lines == ["仍然可用"]
        assert "could not interpret" not in caplog.text
    finally:
        sim.stop()


def test_receipt_numbers_continue_after_a_restart(tmp_path):
    directory = tmp_path / "printer"
    directory.mkdir()
    (directory / "receipt-0041.png").write_bytes(b"")
    sim = PrinterSimulator(directory / "tty")
    sim.start()
    try:
        sim.interpreter.feed(b"\x1b@X\n\x1dV\x00")
        (receipt,) = sim.wait_for_receipts(1)
        assert receipt.number == 42
        assert receipt.image_path == directory / "receipt-0042.png"
        assert receipt.image_path.stat().st_size > 0
    finally:
        sim.stop()


def test_panel_actions_and_status(tmp_path):
    sim = PrinterSimulator(tmp_path / "printer" / "tty")
    sim.start()
    try:
        assert {a.name for a in sim.actions()} >= {"paper_out", "load_paper", "open_cover",
                                                   "close_cover", "silence", "unplug", "plug"}
        assert sim.perform("paper_out", {}) == "out of paper"
        assert sim.perform("open_cover", {}) == "cover open: offline"
        status = sim.status()
        assert status.faults == ["out of paper", "cover open"]
        assert status.detail["paper"] == "out"
        sim.perform("clear_faults", {})
        assert sim.status().faults == []
        sim.perform("unplug", {})
        assert not sim.status().plugged
        sim.perform("plug", {})
        assert sim.status().plugged
    finally:
        sim.stop()


def test_nothing_prints_while_the_cover_is_open(tmp_path):
    sim = PrinterSimulator(tmp_path / "printer" / "tty")
    sim.start()
    try:
        sim.open_cover()
        sim.interpreter.feed(b"\x1b@LOST\n\x1dV\x00")
        sim.close_cover()
        sim.interpreter.feed(b"\x1b@KEPT\n\x1dV\x00")
        (receipt,) = sim.wait_for_receipts(1)
        assert receipt.text_lines == ["KEPT"]
        assert sim.status().detail["dropped_while_offline"] == 1
    finally:
        sim.stop()
