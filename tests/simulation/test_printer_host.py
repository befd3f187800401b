"""The simulator host with a receipt printer: the terminal prints to it as to a real one,
and the control socket (the demo panel, `kiosk sim do`) runs the paper out and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from devices.printer.slip import Qr, Slip, Text
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.services.alarms import active_alarms
from kiosk.simulation.control import ControlClient
from kiosk.simulation.host import SimulatorHost
from kiosk.store import open_store
from tests.waiting import wait_until


@pytest.fixture
def host(write_config):
    config_path = write_config({
        "devices": {"printer": {"driver": "escpos", "transport": "network",
                                "paper_width_mm": 80}},
        "simulation": {"start": True},
    })
    simulators = SimulatorHost(load_config(config_path))
    overlay = simulators.start()
    yield config_path, overlay, simulators
    simulators.stop()


def test_overlay_puts_a_serial_printer_in_place(host):
    config_path, overlay, simulators = host
    printer = load_config(config_path, [overlay]).devices.printer
    assert printer.transport == "serial"
    assert printer.port == simulators.simulators["printer"].path
    assert Path(printer.port).name == "tty"
    assert printer.paper_width_mm == 80


def test_terminal_prints_and_the_panel_runs_the_paper_out(host):
    config_path, overlay, simulators = host
    config = load_config(config_path, [overlay])
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    try:
        assert terminal.printer is not None
        assert terminal.printing is not None
        wait_until(lambda: terminal.status.snapshot().devices.get("printer") is not None
                   and terminal.status.snapshot().devices["printer"].usable)
        url = "https://zwfw.example.gov.cn/guide/9"
        assert terminal.printing.print_slip(Slip((Text("演示打印"), Qr(url)))).printed
        png = Path(config.simulation.dir) / "printer" / "receipt-0001.png"
        wait_until(png.exists)
        assert [d.data for d in decode(Image.open(png), symbols=[ZBarSymbol.QRCODE])] == [
            url.encode()]

        panel = ControlClient(simulators.control_path)
        listed = {d["device"]: d for d in panel.devices()}["printer"]
        assert {"paper_out", "load_paper", "open_cover", "close_cover"} <= {
            a["name"] for a in listed["actions"]}
        assert panel.perform("printer", "paper_out") == "out of paper"
        outcome = terminal.printing.print_slip(Slip((Text("没纸了"),)))
        assert (outcome.printed, outcome.reason) == (False, "paper_out")
        with store.reading() as db:
            assert [a.kind for a in active_alarms(db)] == ["printer.paper_out"]
        panel.perform("printer", "load_paper")
        terminal.printer.status()
        with store.reading() as db:
            assert active_alarms(db) == []
    finally:
        terminal.stop()
        store.close()
