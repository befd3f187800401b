"""The serial QR scanner adapter against its simulator on a pseudo-terminal."""

from __future__ import annotations

import logging
import queue
import time

import pytest

from devices.health import DeviceState
from devices.qr.port import ScannedCode, UnreadableCode
from devices.qr.serial_scanner import MAX_CODE_BYTES, SerialQrScanner, decode_code
from devices.qr.simulator import QrScannerSimulator


def wait_for_state(scanner, state, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while scanner.health.current.state is not state:
        assert time.monotonic() < deadline, f"still {scanner.health.current}"
        time.sleep(0.02)


@pytest.fixture
def scanning(tmp_path):
    started = []

    def start(terminator="CR"):
        simulator = QrScannerSimulator(tmp_path / "dev" / "qr", terminator=terminator)
        simulator.start()
        scanner = SerialQrScanner(simulator.path, 115200, terminator)
        codes: queue.Queue = queue.Queue()
        scanner.on_scan(codes.put)
        scanner.start()
        wait_for_state(scanner, DeviceState.READY)
        started.append((simulator, scanner))
        return simulator, scanner, codes

    yield start
    for simulator, scanner in started:
        scanner.stop()
        simulator.stop()


def test_chinese_utf8_code_arrives_intact(scanning):
    simulator, _, codes = scanning()
    simulator.scan("预约号:20261121-0007 陈仓区")
    code = codes.get(timeout=2)
    assert code == ScannedCode("预约号:20261121-0007 陈仓区",
                               "预约号:20261121-0007 陈仓区".encode(), "utf-8")


def test_gbk_code_is_decoded_as_gb18030(scanning):
    simulator, _, codes = scanning()
    simulator.scan("社保卡号123", encoding="gb18030")
    code = codes.get(timeout=2)
    assert isinstance(code, ScannedCode)
    assert (code.text, code.encoding) == ("社保卡号123", "gb18030")


def test_several_codes_in_one_burst_are_split(scanning):
    simulator, _, codes = scanning()
    simulator.endpoint.write(b"A001\rA002\rA0")
    simulator.endpoint.write(b"03\r")
    assert [codes.get(timeout=2).text for _ in range(3)] == ["A001", "A002", "A003"]


@pytest.mark.parametrize("terminator", ["LF", "CRLF"])
def test_other_terminators(scanning, terminator):
    simulator, _, codes = scanning(terminator)
    simulator.scan("https://example.gov.cn/t/1")
    assert codes.get(timeout=2).text == "https://example.gov.cn/t/1"


def test_without_terminator_a_pause_ends_the_code(scanning):
    simulator, _, codes = scanning("none")
    simulator.endpoint.write(b"NO-SUFFIX-42")
    assert codes.get(timeout=2).text == "NO-SUFFIX-42"


def test_line_noise_is_reported_unreadable_not_shown(scanning):
    simulator, _, codes = scanning()
    simulator.endpoint.write(b"\xff\xfe\x00\x81\r")
    code = codes.get(timeout=2)
    assert isinstance(code, UnreadableCode)
    assert code.raw == b"\xff\xfe\x00\x81"


def test_runaway_input_without_terminator_is_discarded(scanning, caplog):
    simulator, _, codes = scanning()
    with caplog.at_level(logging.WARNING, logger="devices.qr_scanner"):
        simulator.endpoint.write(b"x" * (MAX_CODE_BYTES + 10))
        simulator.scan("END-OF-RUNAWAY")  # its terminator closes the runaway frame
        simulator.scan("NEXT")
        assert codes.get(timeout=2).text == "NEXT"
    assert "without a terminator" in caplog.text
    assert "devices.qr_scanner.terminator" in caplog.text


def test_unplug_and_replug(scanning):
    simulator, scanner, codes = scanning()
    simulator.perform("unplug", {})
    wait_for_state(scanner, DeviceState.ABSENT)
    assert "no such device" in scanner.health.current.detail
    simulator.perform("plug", {})
    wait_for_state(scanner, DeviceState.READY, timeout_s=10)
    simulator.scan("BACK")
    assert codes.get(timeout=2).text == "BACK"


def test_missing_port_is_absent_with_a_clear_reason(tmp_path):
    scanner = SerialQrScanner(str(tmp_path / "no-such-port"), 115200, "CR")
    scanner.start()
    try:
        wait_for_state(scanner, DeviceState.ABSENT)
        detail = scanner.health.current.detail
        assert str(tmp_path / "no-such-port") in detail
        assert "unplugged, or the wrong path in the config?" in detail
    finally:
        scanner.stop()


def test_decoder_refuses_control_characters():
    assert isinstance(decode_code(b"ok\x07bell"), UnreadableCode)


def test_a_runaway_burst_without_any_terminator_delivers_nothing(scanning):
    # With terminator "none" a code ends when the line goes quiet; a burst longer than any
    # QR code is dropped whole, its tail included, and the next code arrives intact.
    simulator, _, codes = scanning(terminator="none")
    simulator.endpoint.write(b"7" * (MAX_CODE_BYTES * 2 + 100))
    with pytest.raises(queue.Empty):
        codes.get(timeout=0.5)
    simulator.scan("NEXT")
    assert codes.get(timeout=2).text == "NEXT"
