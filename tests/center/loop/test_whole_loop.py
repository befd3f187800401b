"""The whole loop, on real parts: a demo terminal (`kiosk run` on a virtual display with its
simulated devices) reports to a real mosquitto; the center's ingest worker reads it; an
administrator in Chromium watches it come online, go offline on kill -9 and return,
acknowledges the alarm the printer simulator raises, and sends an announcement that then
shows on the terminal's screen."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import ImageGrab

from center.ingest.worker import BrokerSettings, IngestWorker
from kiosk.simulation.broker import LocalBroker, free_port
from tests.fixtures.browser import ARTIFACTS, keep_screenshot
from tests.fixtures.center_people import make_people, sign_in
from tests.ui.screen_checks import assert_shows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
DEMO_SIGNING_KEY = REPO / "config" / "demo" / "center-ed25519.key"
# The demo configuration's public half of DEMO_SIGNING_KEY (config/kiosk.toml).
DEMO_SIGNING_PUBLIC = "Pg79fpjYqeTxOC6TnUuth+KAhFjIBqF/kxojzkV948c="
ROW = "tr[data-terminal='test-01']"


class DemoTerminal:
    """`kiosk run --virtual-display` in its own process group, with its log to read."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        seen = self.log.read_text(encoding="utf-8") if self.log.exists() else ""
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--config", str(self.config),
             "--virtual-display"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        display = self.wait_for(r"running on virtual display (:\d+)", after=len(seen))[1]
        self.wait_for("home screen shown", after=len(seen))
        self.wait_for("connected to the district broker", after=len(seen))
        return display

    def wait_for(self, pattern: str, after: int = 0, timeout_s: float = 90) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            text = self.log.read_text(encoding="utf-8")[after:] if self.log.exists() else ""
            match = re.search(pattern, text)
            if match:
                return match
            assert self.process is not None
            assert self.process.poll() is None, f"the terminal exited:\n{text[-2000:]}"
            time.sleep(0.2)
        raise AssertionError(f"the terminal never logged {pattern!r}")

    def kill_9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def test_an_administrator_follows_and_commands_the_demo_terminal(
        write_config, tmp_path, page, live_server, settings, broker: LocalBroker):
    settings.CENTER_SIGNING_KEY_FILE = str(DEMO_SIGNING_KEY)
    config = write_config({
        "mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port,
                 "heartbeat_interval_s": 10},
        "security": {"center_signing_key": DEMO_SIGNING_PUBLIC},
        "devices": {"printer": {"driver": "escpos", "transport": "serial", "baud": 115200}},
        "simulation": {"start": True, "broker": False, "vpcd_port": free_port()},
    })
    terminal = DemoTerminal(config, tmp_path / "var" / "log" / "kiosk.log")
    worker = IngestWorker("center-ingest-loop",
                          BrokerSettings("127.0.0.1", broker.port, "kiosk/v1", 600),
                          batch_size=50, batch_wait_s=0.02)
    stop_worker = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop_worker,), daemon=True)
    thread.start()
    make_people()
    try:
        display = terminal.start()
        sign_in(page, live_server, "district-admin")
        row = page.locator(ROW)
        row.get_by_text("在线").wait_for(timeout=30_000)

        # The printer runs out of paper: the terminal raises its alarm, the center shows it.
        subprocess.run([sys.executable, "-m", "kiosk", "sim", "--config", str(config), "do",
                        "printer", "paper_out"], cwd=REPO, check=True, timeout=30,
                       capture_output=True)
        page.goto(f"{live_server.url}/fleet/test-district/test-01/")
        alarm = page.locator("tr[data-alarm='printer.paper_out/printer']")
        for _ in range(60):
            if alarm.count():
                break
            time.sleep(0.5)
            page.reload()
        alarm.get_by_role("button", name="确认").click()
        page.get_by_text("告警已确认").wait_for()

        # An announcement from the page reaches the terminal's home screen.
        page.get_by_label("首页公告").fill("今天下午停水")
        page.get_by_role("button", name="发送公告").click()
        command = page.locator("tr[data-command='display.set_announcement'] .state")
        for _ in range(60):
            if "已执行" in command.inner_text():
                break
            time.sleep(0.5)
            page.reload()
        assert "已执行" in command.inner_text()
        keep_screenshot(page, "loop-terminal-page")
        time.sleep(1.5)     # the terminal draws its next frames
        screen = ImageGrab.grab(xdisplay=display).crop((0, 0, 1080, 1920))
        ARTIFACTS.mkdir(exist_ok=True)
        screen.save(ARTIFACTS / "loop-announcement-on-the-terminal.png")
        assert_shows(screen, "今天下午停水")

        # kill -9: the broker publishes the terminal's Will; the fleet page shows it offline.
        terminal.kill_9()
        page.goto(f"{live_server.url}/fleet/")
        row.get_by_text("离线").wait_for(timeout=15_000)
        keep_screenshot(page, "loop-offline")
        terminal.start()
        row.get_by_text("在线").wait_for(timeout=30_000)
    finally:
        terminal.stop()
        stop_worker.set()
        thread.join(15)
