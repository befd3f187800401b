"""The simulator host: every configured device simulated, described in an overlay."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from devices.health import DeviceState
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.simulation.control import ControlClient, SimulatorRefused
from kiosk.simulation.host import SimulatorHost
from kiosk.store import open_store


@pytest.fixture
def host(write_config, vpcd):
    config_path = write_config({
        "mqtt": {"enabled": True},
        "devices": {"qr_scanner": {"driver": "serial"}, "smartcard": {"driver": "pcsc"}},
        "simulation": {"start": True, "vpcd_port": vpcd.port},
    })
    simulators = SimulatorHost(load_config(config_path))
    overlay = simulators.start()
    yield config_path, overlay, simulators
    simulators.stop()


def test_overlay_points_the_terminal_at_the_simulators(host, vpcd):
    config_path, overlay, simulators = host
    config = load_config(config_path, [overlay])
    assert config.devices.qr_scanner.port == simulators.simulators["qr_scanner"].path
    assert config.devices.smartcard.reader == "Virtual PCD 00 00"
    # A process talks to one pcscd: here the test run's own, which the host shares.
    assert config.devices.smartcard.pcscd_socket == str(vpcd.socket_path)
    assert config.mqtt.port != 1883
    assert config.simulation.start is False
    assert config.simulation.control_socket == simulators.control_path
    assert simulators.problems == []
    with socket.create_connection(("127.0.0.1", config.mqtt.port), timeout=2):
        pass


def test_terminal_on_the_overlay_uses_every_simulated_device(host, tmp_path):
    config_path, overlay, simulators = host
    config = load_config(config_path, [overlay])
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    events: list[str] = []
    terminal.on_device_event(events.append)
    terminal.start()
    try:
        deadline = time.monotonic() + 10
        while not (terminal.status.snapshot().online and all(
                h.state is DeviceState.READY for h in terminal.status.snapshot().devices.values())
                   and len(terminal.status.snapshot().devices) == 3):  # with the voice
            assert time.monotonic() < deadline, terminal.status.snapshot()
            time.sleep(0.05)
        client = ControlClient(simulators.control_path)
        client.perform("qr_scanner", "scan", text="扫码测试")
        client.perform("smartcard", "badge", uid="04A1B2C3D4E5F6")
        expected = {"QR: 扫码测试", "card presented (badge)"}
        while not expected <= set(events):
            assert time.monotonic() < deadline, events
            time.sleep(0.05)
    finally:
        terminal.stop()
        store.close()


def test_control_socket_lists_devices_and_their_actions(host):
    _, _, simulators = host
    devices = {d["device"]: d for d in ControlClient(simulators.control_path).devices()}
    assert set(devices) == {"qr_scanner", "smartcard"}
    actions = {a["name"] for a in devices["qr_scanner"]["actions"]}
    assert {"scan", "garbage", "unplug", "plug"} <= actions
    assert devices["qr_scanner"]["status"]["plugged"] is True


def test_control_socket_explains_bad_requests(host):
    _, _, simulators = host
    client = ControlClient(simulators.control_path)
    with pytest.raises(SimulatorRefused, match="no simulated device 'printer'; running: "):
        client.perform("printer", "print")
    with pytest.raises(SimulatorRefused, match="qr_scanner has no action 'fly'; it has: scan"):
        client.perform("qr_scanner", "fly")
    with socket.socket(socket.AF_UNIX) as raw:
        raw.connect(str(simulators.control_path))
        raw.sendall(b"{not json\n")
        reply = json.loads(raw.makefile().readline())
    assert reply["ok"] is False
    assert reply["error"].startswith("malformed request")


def test_stopping_removes_devices_and_overlay(host):
    _, overlay, simulators = host
    scanner_path = simulators.simulators["qr_scanner"].path
    simulators.stop()
    assert not overlay.exists()
    assert not simulators.control_path.exists()
    assert not Path(scanner_path).exists()
