"""`make run HEADLESS=1`, the README's command, brings up the home screen in Chinese."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from PIL import ImageGrab

from kiosk.simulation.broker import free_port
from tests.ui.screen_checks import assert_not_blank, assert_shows

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def wait_for_line(path: Path, pattern: str, process: subprocess.Popen, timeout_s: float
                  ) -> re.Match[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        match = re.search(pattern, text)
        if match:
            return match
        if process.poll() is not None:
            raise AssertionError(f"kiosk exited ({process.returncode}):\n{text}")
        time.sleep(0.2)
    raise AssertionError(f"no line matching {pattern!r} in {path} within {timeout_s} s")


@pytest.mark.slow
def test_make_run_headless_shows_the_chinese_home_screen(write_config, tmp_path):
    # The demo runs a pcscd of its own, beside the test run's: its vpcd needs free ports.
    config = write_config({
        "mqtt": {"enabled": True},
        "devices": {"qr_scanner": {"driver": "serial"}, "smartcard": {"driver": "pcsc"}},
        "simulation": {"start": True, "panel": True, "vpcd_port": free_port()},
    })
    log = tmp_path / "var" / "log" / "kiosk.log"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    process = subprocess.Popen(["make", "--no-print-directory", "run", "HEADLESS=1",
                                f"CONFIG={config}"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        display = wait_for_line(log, r"running on virtual display (:\d+)", process, 120)[1]
        wait_for_line(log, r"home screen shown", process, 60)
        wait_for_line(log, r"connected to the district broker", process, 30)
        time.sleep(1.5)  # the first frames
        image = ImageGrab.grab(xdisplay=display).crop((0, 0, 1080, 1920))
        ARTIFACTS.mkdir(exist_ok=True)
        image.save(ARTIFACTS / "make-run-home.png")
        assert_not_blank(image)
        assert_shows(image, "您好，欢迎来到", "测试社区便民服务站", "自助服务终端", "在线")
        text = log.read_text(encoding="utf-8")
        assert "qr_scanner ready" in text
        assert "smartcard ready" in text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "terminal stopped" in log.read_text(encoding="utf-8"), output
