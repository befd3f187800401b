"""The simulator host with a camera QR scanner: the terminal starts the camera simulator as
its capture program, and `kiosk sim do` / the demo panel hold codes up to it."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from devices.health import DeviceState
from kiosk.app.terminal import build_terminal
from kiosk.config import load_config
from kiosk.simulation.control import ControlClient
from kiosk.simulation.host import SimulatorHost
from kiosk.store import open_store


@pytest.fixture
def camera_host(write_config):
    # Unix socket paths are short (108 bytes): not under pytest's long tmp_path.
    with tempfile.TemporaryDirectory(prefix="qrsim-") as sim_dir:
        config_path = write_config({
            "devices": {"qr_scanner": {"driver": "camera"}},
            "simulation": {"start": True, "dir": sim_dir},
        })
        simulators = SimulatorHost(load_config(config_path))
        overlay = simulators.start()
        yield config_path, overlay, simulators
        simulators.stop()


def test_overlay_gives_the_terminal_the_simulator_as_capture_program(camera_host):
    config_path, overlay, simulators = camera_host
    command = load_config(config_path, [overlay]).devices.qr_scanner.capture_command
    assert isinstance(command, tuple)
    assert command[1:4] == ("-m", "devices.qr.camera_simulator", "--control")
    assert Path(command[4]) == Path(simulators.dir) / "camera.sock"
    devices = {d["device"]: d for d in ControlClient(simulators.control_path).devices()}
    actions = {a["name"] for a in devices["qr_scanner"]["actions"]}
    assert {"show", "show_gbk", "take_away", "garbage", "truncate", "crash", "unplug"} <= actions


def test_a_code_held_up_through_the_control_socket_reaches_the_terminal(camera_host):
    config_path, overlay, simulators = camera_host
    config = load_config(config_path, [overlay])
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    events: list[str] = []
    terminal.on_device_event(events.append)
    terminal.start()
    try:
        deadline = time.monotonic() + 10
        while terminal.status.snapshot().devices.get("qr_scanner") is None or (
                terminal.status.snapshot().devices["qr_scanner"].state is not DeviceState.READY):
            assert time.monotonic() < deadline, terminal.status.snapshot()
            time.sleep(0.05)
        ControlClient(simulators.control_path).perform("qr_scanner", "show", text="扫码测试")
        while "QR: 扫码测试" not in events:
            assert time.monotonic() < deadline, events
            time.sleep(0.05)
    finally:
        terminal.stop()
        store.close()
