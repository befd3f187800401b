"""`kiosk doctor printer` against the printer simulator: status, a test slip, a cut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.printer.simulator import PrinterSimulator
from kiosk.cli.doctor.printer import TEST_TITLE, TEST_URL

REPO = Path(__file__).resolve().parents[2]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, cwd=REPO, env=dict(os.environ), timeout=60)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PrinterSimulator]:
    simulator = PrinterSimulator(tmp_path / "printer" / "tty")
    simulator.start()
    yield simulator
    simulator.stop()


def test_json_report_and_the_test_slip_on_paper(write_config, sim):
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path,
                   "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)          # one JSON document and nothing else
    assert report["printer"] == f"serial port {sim.path} (9600 baud)"
    assert report["status"] == {"online": True, "paper": "ok", "detail": ""}
    assert (report["printed"], report["cut"], report["error"]) == (True, True, None)
    assert report["test_slip"][0] == TEST_TITLE
    (receipt,) = sim.wait_for_receipts(1)
    assert receipt.text_lines[0] == "打印测试"
    assert "￥12.00" in receipt.text_lines
    assert "，。！〇" in receipt.text_lines
    assert receipt.cut == "full"
    assert b"\x1dV\x00" in sim.wire
    found = decode(Image.open(receipt.image_path), symbols=[ZBarSymbol.QRCODE])
    assert [code.data.decode() for code in found] == [TEST_URL]


def test_status_only_prints_nothing(write_config, sim):
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path,
                   "--status-only", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["printed"] is False
    assert sim.receipts == []


def test_out_of_paper_is_reported_and_nothing_printed(write_config, sim):
    sim.run_out_of_paper()
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path,
                   "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["status"] == {"online": False, "paper": "out", "detail": "out of paper"}
    assert report["printed"] is False
    assert "is out of paper: load a new roll" in report["error"]
    assert sim.receipts == []


def test_plain_text_report(write_config, sim):
    sim.paper_near_end()
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"printer  serial port {sim.path} (9600 baud)",
        "status   online, paper near end",
        "printed  test slip 打印测试 with a QR code, cut",
    ]


def test_silent_printer(write_config, sim):
    sim.silence()
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path)
    assert result.returncode == 1
    assert "FAIL     the receipt printer on serial port" in result.stdout
    assert "does not answer the printer status request (DLE EOT)" in result.stdout


def test_the_configured_printer_is_used_without_port(write_config, sim):
    config = write_config({"devices": {"printer": {"driver": "escpos", "port": sim.path,
                                                   "baud": 115200, "cutter": False}}})
    result = kiosk("doctor", "printer", "--config", str(config), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["printer"] == f"serial port {sim.path} (115200 baud)"
    assert report["cut"] is False
    assert b"\x1dV" not in sim.wire


def test_without_a_printer_it_says_what_to_give(write_config, tmp_path):
    result = kiosk("doctor", "printer", "--config", str(write_config()))
    assert result.returncode == 2
    assert "no printer is configured" in result.stderr
    assert "--port" in result.stderr
    simulated = write_config({"devices": {"printer": {"driver": "escpos"}},
                              "simulation": {"start": True}})
    result = kiosk("doctor", "printer", "--config", str(simulated))
    assert result.returncode == 2
    assert "the printer is simulated: start `kiosk sim`" in result.stderr
    result = kiosk("doctor", "printer", "--config", str(write_config()), "--port",
                   str(tmp_path / "missing"), "--json")
    assert result.returncode == 1
    assert "no such device" in json.loads(result.stdout)["error"]


def test_port_held_by_the_running_terminal(write_config, sim):
    from devices.printer.escpos_printer import EscposReceiptPrinter
    from devices.printer.escpos_render import ReceiptLayout
    from devices.printer.transport import SerialSettings, build_transport

    terminal_printer = EscposReceiptPrinter(build_transport(SerialSettings(sim.path)),
                                            ReceiptLayout())
    try:
        assert terminal_printer.status().can_print
        result = kiosk("doctor", "printer", "--config", str(write_config()), "--port", sim.path,
                       "--json")
    finally:
        terminal_printer.stop()
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert "in use by another program: probably the running terminal; stop it" in error
    assert sim.receipts == []


def test_help():
    result = kiosk("doctor", "printer", "--help")
    assert result.returncode == 0
    assert "usage: kiosk doctor printer" in result.stdout
    assert "--status-only" in result.stdout


def test_the_simulated_printer_through_the_sim_overlay(write_config):
    from kiosk.config import load_config
    from kiosk.simulation.host import SimulatorHost

    config = write_config({"devices": {"printer": {"driver": "escpos"}},
                           "simulation": {"start": True}})
    host = SimulatorHost(load_config(config))
    overlay = host.start()
    try:
        result = kiosk("doctor", "printer", "--config", str(config), "--overlay", str(overlay),
                       "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["printed"] is True
        printer = host.simulators["printer"]
        assert printer.wait_for_receipts(1)[0].text_lines[0] == TEST_TITLE  # type: ignore[attr-defined]
    finally:
        host.stop()
