"""`make run HEADLESS=1`, the README's command, brings up the home screen in Chinese."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
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
    center_port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "DISPLAY"},
           "CENTER_PORT": str(center_port), "CENTER_VAR": str(tmp_path / "center")}
    process = subprocess.Popen(["make", "--no-print-directory", "run", "HEADLESS=1",
                                f"CONFIG={config}"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    printed: list[str] = []
    threading.Thread(target=lambda: printed.extend(
        line.decode(errors="replace") for line in process.stdout), daemon=True).start()
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
        # The district center came up beside it, with its demo administrator printed.
        password = next(re.search(r"demo administrator: admin / (\S+)", line)[1]
                        for line in printed if "demo administrator" in line)
        assert_center_shows_the_terminal(center_port, password)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "terminal stopped" in log.read_text(encoding="utf-8"), output


def assert_center_shows_the_terminal(port: int, password: str) -> None:
    """Signs in to the demo center over HTTP and finds the terminal online on its fleet."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            form = opener.open(f"{base}/login/", timeout=5).read().decode()
            break
        except OSError:
            assert time.monotonic() < deadline, "the district center never answered"
            time.sleep(0.5)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"username": "admin", "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data=data,
                                       headers={"Referer": f"{base}/login/"}), timeout=10)
    while True:
        fleet = opener.open(f"{base}/fleet/", timeout=10).read().decode()
        if 'data-terminal="test-01"' in fleet and "在线" in fleet:
            return
        assert time.monotonic() < deadline, f"the terminal never showed online:\n{fleet}"
        time.sleep(1)
