"""The demo center's command tool, and its key pair matching the demo configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path

from contract.command_signing import public_key_to_base64
from contract.key_files import load_signing_key
from kiosk.app.terminal import build_terminal
from kiosk.cli import telemetry_demo
from kiosk.config import load_config
from kiosk.store import open_store
from tests.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
DEMO_KEY = REPO / "config" / "demo" / "center-ed25519.key"


def demo_public_key() -> str:
    return public_key_to_base64(load_signing_key(DEMO_KEY).public_key())


def test_the_demo_signing_key_is_the_one_the_demo_terminal_trusts():
    with (REPO / "config" / "kiosk.toml").open("rb") as handle:
        demo = tomllib.load(handle)
    assert demo["security"]["center_signing_key"] == demo_public_key()


def test_the_tool_signs_sends_and_prints_the_result(broker, write_config, capsys):
    path = write_config({"mqtt": {"enabled": True, "host": "127.0.0.1", "port": broker.port},
                         "security": {"center_signing_key": demo_public_key()}})
    config = load_config(path)
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    try:
        # The terminal keeps no MQTT session: a command sent before it has subscribed is
        # lost, as on the real wire. Online (its birth) comes after its subscription.
        wait_until(lambda: terminal.status.snapshot().online, "the terminal online")
        status = telemetry_demo.main(["--config", str(path), "--key", str(DEMO_KEY),
                                    "display.set_announcement", "text=今天下午停水"])
        assert status == 0, capsys.readouterr()
        assert '"status": "accepted"' in capsys.readouterr().out
        assert terminal.station_settings.announcement() == "今天下午停水"
        refused = telemetry_demo.main(["--config", str(path), "--key", str(DEMO_KEY),
                                     "locker.open", "compartment=1"])
        assert refused == 1
        assert '"reason": "not_supported"' in capsys.readouterr().out
    finally:
        terminal.stop()
        store.close()
