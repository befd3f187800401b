"""`kiosk sim` in its own process, driven with `kiosk sim do`, as a developer would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import serial

from kiosk.config import load_config
from kiosk.simulation.broker import free_port

REPO = Path(__file__).resolve().parents[2]


def test_kiosk_sim_prints_devices_writes_an_overlay_and_takes_orders(write_config, tmp_path):
    # `kiosk sim` runs a pcscd of its own, beside the test run's: its vpcd needs free ports.
    config = write_config({
        "mqtt": {"enabled": True},
        "devices": {"qr_scanner": {"driver": "serial"}, "smartcard": {"driver": "pcsc"}},
        "simulation": {"start": True, "vpcd_port": free_port()},
    })
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "sim", "--config", str(config)],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 30
        while not any(line.startswith("Overlay written") for line in lines):
            assert time.monotonic() < deadline, lines
            lines.append(process.stdout.readline())
        lines.append(process.stdout.readline())  # the command to start the terminal
        output = "".join(lines)
        overlay = tmp_path / "var" / "sim" / "overlay.toml"
        assert str(tmp_path / "var" / "sim" / "qr_scanner") in output
        assert "Virtual PCD 00 00" in output
        assert f"kiosk run --config {config} --overlay {overlay}" in output

        merged = load_config(config, [overlay])
        assert merged.devices.smartcard.pcscd_socket == str(
            tmp_path / "var" / "sim" / "pcscd" / "run" / "pcscd.comm")
        with serial.Serial(merged.devices.qr_scanner.port, 115200, timeout=2) as port:
            result = subprocess.run(
                [sys.executable, "-m", "kiosk", "sim", "--config", str(config), "do",
                 "qr_scanner", "scan", "text=预约号:0007"],
                cwd=REPO, capture_output=True, text=True, timeout=30,
            )
            assert result.returncode == 0, result.stderr
            assert port.read_until(b"\r") == "预约号:0007\r".encode()

        refused = subprocess.run(
            [sys.executable, "-m", "kiosk", "sim", "--config", str(config), "do",
             "qr_scanner", "explode"], cwd=REPO, capture_output=True, text=True, timeout=30,
        )
        assert refused.returncode == 1
        assert "qr_scanner has no action 'explode'" in refused.stderr
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert not (tmp_path / "var" / "sim" / "overlay.toml").exists()


def test_kiosk_sim_do_without_a_running_sim(write_config):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "sim", "--config", str(write_config()), "do",
         "qr_scanner", "scan", "text=x"], cwd=REPO, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 1
    assert "is `kiosk sim` running?" in result.stderr
