"""Pickup codes never reach a log: a resident collects with the QR code from their text
message, once through the serial scanner and once through the camera scanner, with every
log at DEBUG and the device traffic log on. Then every log file is searched for the code
and the QR's text, raw, as hex and in UTF-8, UTF-16 and GBK."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest

from devices.qr.camera_scanner import CameraQrScanner
from devices.qr.camera_simulator import CameraSimulator
from devices.qr.port import ScannedCode
from devices.qr.serial_scanner import SerialQrScanner
from devices.qr.simulator import QrScannerSimulator
from kiosk.app.logsetup import configure_logging
from kiosk.config.schema import LoggingConfig
from kiosk.services.locker.codes import qr_payload
from kiosk.services.locker.model import Started


def forms(secret: str) -> dict[str, bytes]:
    """Every way ``secret`` could appear in a log file."""
    raw = secret.encode("utf-8")
    found = {"utf-8": raw, "utf-16-le": secret.encode("utf-16-le"),
             "utf-16-be": secret.encode("utf-16-be"), "gbk": secret.encode("gbk"),
             "hex spaced": raw.hex(" ").encode(), "hex": raw.hex().encode(),
             "HEX spaced": raw.hex(" ").upper().encode()}
    return {name: data for name, data in found.items() if len(data) >= 8}


@pytest.fixture
def debug_logs(tmp_path):
    log_dir = tmp_path / "log"
    configure_logging(LoggingConfig(dir=log_dir, level="DEBUG", device_traffic=True),
                      console=False)
    yield log_dir
    configure_logging(LoggingConfig(dir=tmp_path / "after"), console=False)


def flushed(log_dir: Path) -> dict[str, bytes]:
    for handler in logging.getLogger().handlers + logging.getLogger("devices.traffic").handlers:
        handler.flush()
    return {path.name: path.read_bytes() for path in sorted(log_dir.glob("*.log*"))}


def wire_to_locker(scanner, service) -> list[object]:
    """Hands each scanned code to the locker as the pickup screen does; returns the list
    the locker's answers arrive in."""
    answers: list[object] = []
    scanner.on_scan(lambda code: answers.append(service.pickup_with_qr(code.text).result(5))
                    if isinstance(code, ScannedCode) else None)
    return answers


def test_qr_pickups_leave_no_code_in_any_log(locker_rig, debug_logs, tmp_path):
    rig = locker_rig(locks=4)
    service = rig.start()
    first, second = rig.deposit("CASE-Q1"), rig.deposit("CASE-Q2")
    codes = rig.codes()
    secrets = {}
    for number in (first, second):
        secrets[f"code {number}"] = codes[number]
        secrets[f"qr {number}"] = qr_payload("test-01", codes[number])

    # 1. The serial scanner (COM mode, CR after each code).
    simulator = QrScannerSimulator(tmp_path / "dev" / "qr", terminator="CR")
    simulator.start()
    scanner = SerialQrScanner(simulator.path, 115200, "CR")
    answers = wire_to_locker(scanner, service)
    scanner.start()
    try:
        rig.wait_for(lambda: scanner.health.current.state.value == "ready", what="scanner")
        simulator.scan(qr_payload("test-01", codes[first]))
        rig.wait_for(lambda: answers, what="the serial scan's pickup")
        assert isinstance(answers[0], Started)
        rig.take_out_and_close(first)
        rig.wait_update("completed", answers[0].operation_id)
    finally:
        scanner.stop()
        simulator.stop()

    # 2. The camera scanner (the simulator's program as its capture program).
    with tempfile.TemporaryDirectory(prefix="qrcam-") as short:   # socket paths are short
        camera = CameraSimulator(Path(short) / "camera.sock", size=(320, 240))
        camera.start()
        scanner = CameraQrScanner(camera.command, hold_s=0.5, restart_min_s=0.2,
                                  fault_clear_s=0.5)
        answers = wire_to_locker(scanner, service)
        scanner.start()
        try:
            camera.show(qr_payload("test-01", codes[second]).encode("utf-8"))
            rig.wait_for(lambda: answers, timeout_s=10, what="the camera scan's pickup")
            assert isinstance(answers[0], Started)
            rig.take_out_and_close(second)
            rig.wait_update("completed", answers[0].operation_id)
        finally:
            scanner.stop()
            camera.stop()
    assert service.stored() == []

    logs = flushed(debug_logs)
    scans_logged = logs["devices.log"].count(b"qr_scanner <")
    assert scans_logged >= 2, "the traffic log saw no scan: nothing was searched"
    leaks = [(label, form, name) for label, secret in secrets.items()
             for form, data in forms(secret).items()
             for name, text in logs.items() if data in text]
    assert leaks == []
