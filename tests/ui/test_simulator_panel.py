"""Demo mode: the simulator panel drives real simulators; the terminal's adapters react."""

from __future__ import annotations

import pytest

from devices.qr.simulator import QrScannerSimulator
from kiosk.simulation.control import ControlServer
from tests.ui.screen_checks import assert_shows

pytestmark = pytest.mark.ui


@pytest.fixture
def scanner_with_control(tmp_path):
    simulator = QrScannerSimulator(tmp_path / "dev" / "qr")
    simulator.start()
    control = ControlServer(tmp_path / "control.sock", {"qr_scanner": simulator})
    control.start()
    yield simulator, control
    control.stop()
    simulator.stop()


def test_a_scan_from_the_panel_reaches_the_terminal(launch_ui, scanner_with_control):
    simulator, control = scanner_with_control
    ui = launch_ui({
        "devices": {"qr_scanner": {"driver": "serial", "port": simulator.path}},
        "simulation": {"panel": True, "control_socket": str(control.path)},
    })
    ui.tap(ui.widget("simulator_panel"))
    assert ui.screen == "simulator"
    panel = ui.app.screens.get_screen("simulator")
    ui.wait_until(lambda: len(panel.ids.devices.children) == 1, what="the device list")
    scan_buttons = [w for w in panel.ids.devices.walk()
                    if str(getattr(w, "text", "")).startswith("扫码: https://")]

    ui.tap(scan_buttons[0])

    ui.wait_until(lambda: any(e.startswith("QR: https://") for e in panel.events),
                  what="the scanned code to reach the terminal")
    assert simulator.scans_sent == 1
    assert_shows(ui.screenshot("simulator-panel"), "模拟器面板")


def test_unplugging_from_the_panel_shows_on_the_device(launch_ui, scanner_with_control):
    simulator, control = scanner_with_control
    ui = launch_ui({
        "devices": {"qr_scanner": {"driver": "serial", "port": simulator.path}},
        "simulation": {"panel": True, "control_socket": str(control.path)},
    })
    ui.tap(ui.widget("simulator_panel"))
    panel = ui.app.screens.get_screen("simulator")
    ui.wait_until(lambda: len(panel.ids.devices.children) == 1, what="the device list")
    unplug = next(w for w in panel.ids.devices.walk()
                  if getattr(w, "text", "") == "拔出扫码器")

    ui.tap(unplug)

    scanner = ui.terminal.qr_scanner
    ui.wait_until(lambda: scanner.health.current.state.value == "absent", what="absent")
    ui.wait_until(lambda: "已拔出" in panel.ids.devices.children[0].summary, what="summary")
