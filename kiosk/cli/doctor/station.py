"""`kiosk doctor`: checks everything the terminal depends on, without disturbing it.

Each check prints OK, WARN or FAIL with what was found and, for problems, the fix. Every
configured device is checked (device_checks.py for the card readers and the locker);
the device-specific subcommands (locker boards door by door, reading a card, a test slip)
go further.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import stat
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from kiosk.cli.doctor.check import Check
from kiosk.cli.doctor.device_checks import (
    check_id_card,
    check_locker,
    check_smartcard,
    running_terminal,
)
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.i18n import LANGUAGES, MissingCatalog, translator
from kiosk.store import StoreError
from kiosk.store.database import inspect_store
from kiosk.ui.fonts import FontError, find_cjk_fonts
from kiosk.ui.kivy_env import display_available

MIN_FREE_BYTES = 200 * 1024 * 1024


def run_checks(config: KioskConfig) -> list[Check]:
    checks: list[Callable[[KioskConfig], Check]] = [
        _check_translations, _check_font, _check_display, _check_database, _check_disk,
        _check_qr_scanner,
    ]
    results = [check(config) for check in checks]
    terminal = running_terminal(config)
    results += [check_smartcard(config), check_id_card(config, terminal),
                _check_printer(config), check_locker(config, terminal), _check_broker(config)]
    return results


def doctor(config_path: Path, overlays: list[Path], as_json: bool) -> int:
    try:
        config = load_config(config_path, overlays)
    except ConfigError as error:
        results = [Check("config", "fail", str(error))]
    else:
        results = [Check("config", "ok", f"{config_path} is valid"), *run_checks(config)]
    if as_json:
        print(json.dumps({"checks": [asdict(r) for r in results]}, ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(f"{result.status.upper():<5} {result.name:<12} {result.detail}")
    return 1 if any(r.status == "fail" for r in results) else 0


def _check_translations(_config: KioskConfig) -> Check:
    try:
        for language in LANGUAGES:
            translator(language)
    except MissingCatalog as error:
        return Check("translations", "fail", str(error))
    return Check("translations", "ok", ", ".join(LANGUAGES))


def _check_font(config: KioskConfig) -> Check:
    try:
        fonts = find_cjk_fonts(config.display.font,
                               Path(config.store.path).parent / "cache" / "fonts")
    except FontError as error:
        return Check("font", "fail", str(error))
    return Check("font", "ok", f"{fonts.regular.name}, {fonts.bold.name}")


def _check_display(_config: KioskConfig) -> Check:
    if display_available():
        return Check("display", "ok", os.environ.get("DISPLAY") or os.environ["WAYLAND_DISPLAY"])
    return Check("display", "warn",
                 "no DISPLAY here; the terminal needs one (or `kiosk run --virtual-display`)")


def _check_database(config: KioskConfig) -> Check:
    try:
        return Check("database", "ok", inspect_store(Path(config.store.path)))
    except StoreError as error:
        return Check("database", "fail", str(error))


def _check_disk(config: KioskConfig) -> Check:
    directory = Path(config.store.path).absolute().parent
    while not directory.exists():
        directory = directory.parent
    free = shutil.disk_usage(directory).free
    text = f"{free / 2**30:.1f} GiB free on the disk holding {config.store.path}"
    if free < MIN_FREE_BYTES:
        return Check("disk", "fail", text + "; free space before the database fills it")
    return Check("disk", "ok", text)


def _check_qr_scanner(config: KioskConfig) -> Check:
    scanner = config.devices.qr_scanner
    if scanner.driver == "none":
        return Check("qr_scanner", "ok", "not fitted (driver = none)")
    if scanner.driver == "camera":
        return _check_capture_command(scanner.capture_command)
    if not scanner.port:
        return Check("qr_scanner", "ok", "simulated (started by kiosk run)")
    return _check_serial_port("qr_scanner", scanner.port)


def _check_capture_command(command: str | tuple[str, ...]) -> Check:
    """The program and the devices it names; starting it would take the camera from a
    running terminal."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if not words:
        return Check("qr_scanner", "ok", "simulated camera (started by kiosk run)")
    if shutil.which(words[0]) is None:
        return Check("qr_scanner", "fail", f"capture program {words[0]!r} not found: is it "
                                           "installed (apt-get install ffmpeg), and is the "
                                           "path right?")
    for device in (word for word in words if word.startswith("/dev/")):
        if not Path(device).exists():
            return Check("qr_scanner", "fail", f"{device} does not exist: is the camera "
                                               "plugged in? (v4l2-ctl --list-devices)")
        if not os.access(device, os.R_OK):
            return Check("qr_scanner", "fail", f"{device} is not readable by this user: add "
                                               "the kiosk user to the video group")
    return Check("qr_scanner", "ok", f"camera capture program {words[0]} present")


def _check_serial_port(name: str, port: str) -> Check:
    path = Path(port)
    if not path.exists():
        return Check(name, "fail", f"{port} does not exist: is the device plugged in, and is the "
                                   "path right? (ls /dev/serial/by-id/)")
    if not stat.S_ISCHR(path.stat().st_mode):
        return Check(name, "fail", f"{port} is not a serial device")
    if not os.access(path, os.R_OK | os.W_OK):
        return Check(name, "fail", f"{port} is not readable and writable by this user: add the "
                                   "kiosk user to the dialout group")
    return Check(name, "ok", f"{port} present")


def _check_printer(config: KioskConfig) -> Check:
    """Presence only: asking the printer itself could interrupt a receipt being printed.
    `kiosk doctor printer` asks it and prints a test slip."""
    printer = config.devices.printer
    if printer.driver == "none":
        return Check("printer", "ok", "not fitted (driver = none): slips are shown on screen")
    if config.simulation.start:
        return Check("printer", "ok", "simulated (started by kiosk run)")
    if printer.transport == "serial":
        return _check_serial_port("printer", printer.port)
    if printer.transport == "file":
        if not os.access(printer.file, os.W_OK):
            return Check("printer", "fail", f"{printer.file} is missing or not writable by this "
                                            "user (is the printer on, and in the lp group?)")
        return Check("printer", "ok", f"{printer.file} present")
    if printer.transport == "network":
        return Check("printer", "ok", f"network printer {printer.host}:{printer.tcp_port}; "
                                      "`kiosk doctor printer` checks it")
    return Check("printer", "ok", f"USB printer {printer.usb_vendor:04x}:"
                                  f"{printer.usb_product:04x}; `kiosk doctor printer` checks it")


def _check_broker(config: KioskConfig) -> Check:
    mqtt = config.mqtt
    if not mqtt.enabled:
        return Check("mqtt", "ok", "reporting disabled (mqtt.enabled = false)")
    if config.simulation.start and config.simulation.broker:
        return Check("mqtt", "ok", "local broker started with the simulators")
    try:
        with socket.create_connection((mqtt.host, mqtt.port), timeout=3):
            pass
    except OSError as error:
        reason = error.strerror or error
        return Check("mqtt", "warn", f"{mqtt.host}:{mqtt.port} unreachable ({reason}); "
                                     "the terminal works offline and reports later")
    return Check("mqtt", "ok", f"{mqtt.host}:{mqtt.port} reachable")

