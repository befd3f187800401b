"""`kiosk sim`: simulators for the configured devices, in their own process."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.app.logsetup import configure_logging
from kiosk.config import load_config_or_report
from kiosk.simulation.control import ControlClient, SimulatorRefused
from kiosk.simulation.host import CONTROL_NAME, SimulatorHost


def run_simulators(config_path: Path, overlays: Sequence[Path]) -> int:
    config = load_config_or_report(config_path, overlays)
    if config is None:
        return 2
    configure_logging(config.logging)
    host = SimulatorHost(config)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        overlay = host.start()
        print("Simulators running (Ctrl-C stops them):")
        for line in _describe(host.overlay):
            print(f"  {line}")
        print(f"  control      {host.control_path}")
        for problem in host.problems:
            print(f"  NOT STARTED  {problem}")
        print(f"Overlay written to {overlay}. Start the terminal on these devices with:")
        print(f"  kiosk run --config {config_path} --overlay {overlay}")
        camera = "capture_command" in host.overlay.get("devices", {}).get("qr_scanner", {})
        print(f"Drive a simulator:  kiosk sim do qr_scanner {'show' if camera else 'scan'} "
              "text=HELLO")
        for name in host.overlay.get("locker", {}).get("buses", {}):
            print(f"                    kiosk sim do locker_{name} force_open door=0/3")
        sys.stdout.flush()
        stop.wait()
    finally:
        host.stop()
        logging.getLogger(__name__).info("simulators stopped")
    return 0


def _describe(overlay: dict[str, Any]) -> list[str]:
    lines = []
    devices = overlay.get("devices", {})
    if "qr_scanner" in devices:
        scanner = devices["qr_scanner"]
        lines.append(f"qr_scanner   {scanner['port']}" if "port" in scanner
                     else "qr_scanner   camera (the terminal starts its capture program)")
    if "id_card" in devices:
        lines.append(f"id_card      {devices['id_card']['port']}")
    if "reader" in devices.get("smartcard", {}):
        smartcard = devices["smartcard"]
        lines.append(f"smartcard    {smartcard['reader']} (vpcd, on the simulators' own pcscd "
                     f"at {smartcard['pcscd_socket']})")
    if "printer" in devices:
        receipts = Path(devices["printer"]["port"]).parent
        lines.append(f"printer      {devices['printer']['port']} (receipts: {receipts}/*.png)")
    for name, bus in overlay.get("locker", {}).get("buses", {}).items():
        lines.append(f"locker bus   {name}: {bus['port']}")
    if "mqtt" in overlay:
        lines.append(f"broker       {overlay['mqtt']['host']}:{overlay['mqtt']['port']}")
    return lines


def perform(config_path: Path, device: str, action: str, assignments: Sequence[str]) -> int:
    """`kiosk sim do DEVICE ACTION [KEY=VALUE...]` against a running `kiosk sim`."""
    config = load_config_or_report(config_path)
    if config is None:
        return 2
    args: dict[str, str] = {}
    for item in assignments:
        key, separator, value = item.partition("=")
        if not separator:
            print(f"kiosk: '{item}' is not KEY=VALUE", file=sys.stderr)
            return 2
        args[key] = value
    client = ControlClient(Path(config.simulation.dir) / CONTROL_NAME)
    try:
        print(client.perform(device, action, **args))
    except (ConnectionError, SimulatorRefused) as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    return 0
