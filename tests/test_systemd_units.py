"""The shipped systemd units: systemd itself checks them, their sandbox stays tight, and
the sandbox still lets the terminal do its job."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.system import require

UNIT_DIR = Path(__file__).resolve().parents[1] / "systemd"
UNIT_SUFFIXES = (".service", ".socket", ".timer", ".path", ".mount", ".target")
UNITS = sorted(p for p in UNIT_DIR.iterdir() if p.suffix in UNIT_SUFFIXES)
SERVICES = [p for p in UNITS if p.suffix == ".service"]
MAX_EXPOSURE = 4.0
EXEC_KEYS = ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop",
             "ExecStopPost", "ExecCondition")


def systemd_analyze() -> str:
    return require("systemd-analyze", "systemd")


def settings(unit: Path) -> dict[str, list[str]]:
    """Every ``Key=value`` of the unit, values in order, comments left out."""
    found: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def copy_with_stub_programs(unit: Path, directory: Path) -> Path:
    """The unit as it is, except that programs not installed on this machine (xinit on a
    test box) are replaced by stubs under ``directory``: `verify` insists that every Exec
    program exists. The rest of each command line is kept."""
    stubs = directory / "bin"
    stubs.mkdir(exist_ok=True)
    lines = []
    for line in unit.read_text(encoding="utf-8").splitlines():
        key, separator, value = line.partition("=")
        if separator and key.strip() in EXEC_KEYS:
            prefix = re.match(r"[-@:+!]*", value.strip())
            assert prefix is not None
            program, *arguments = shlex.split(value.strip()[prefix.end():])
            if not Path(program).exists():
                stub = stubs / Path(program).name
                stub.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
                stub.chmod(0o755)
                line = f"{key}={prefix.group()}{shlex.join([str(stub), *arguments])}"
        lines.append(line)
    copy = directory / unit.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def test_there_are_units_to_check():
    assert "kiosk.service" in [p.name for p in SERVICES]


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_accepts_the_unit(unit, tmp_path):
    copy = copy_with_stub_programs(unit, tmp_path)
    result = subprocess.run([systemd_analyze(), "verify", "--man=no", "--generators=no",
                             str(copy)], capture_output=True, text=True, timeout=60)
    # Unknown or misspelt keys are only warnings ("Unknown key ... ignoring") with exit
    # status 0: any output at all fails the test.
    assert result.returncode == 0, result.stderr
    assert result.stderr + result.stdout == "", result.stderr + result.stdout


def test_verify_notices_a_misspelt_key(tmp_path):
    """The check above can fail: systemd does report what it ignores."""
    misspelt = tmp_path / "misspelt"
    misspelt.mkdir()
    unit = misspelt / "kiosk.service"
    unit.write_text((UNIT_DIR / "kiosk.service").read_text(encoding="utf-8").replace(
        "ProtectClock=yes", "ProtectClok=yes"), encoding="utf-8")
    copy = copy_with_stub_programs(unit, tmp_path)
    result = subprocess.run([systemd_analyze(), "verify", "--man=no", "--generators=no",
                             str(copy)], capture_output=True, text=True, timeout=60)
    assert "Unknown key 'ProtectClok'" in result.stderr


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_the_sandbox_exposure_is_at_most_4(unit):
    result = subprocess.run([systemd_analyze(), "security", "--offline=true", "--no-pager",
                             f"--threshold={MAX_EXPOSURE * 10:.0f}", str(unit)],
                            capture_output=True, text=True, timeout=60)
    # systemd-analyze names a template unit by an instance "i" (center-ingest@i.service).
    name = unit.name.replace("@.", "@i.")
    match = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d)",
                      result.stdout)
    assert match, result.stdout + result.stderr
    exposure = float(match[1])
    assert exposure <= MAX_EXPOSURE, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_terminal_unit_keeps_what_the_terminal_needs():
    unit = settings(UNIT_DIR / "kiosk.service")
    # systemd hears from `kiosk run`, the child of xinit (the main process).
    assert unit["Type"] == ["notify"]
    assert unit["NotifyAccess"] == ["all"]
    assert unit["WatchdogSec"] == ["30s"]
    assert unit["Restart"] == ["always"]
    # X on tty1, the touch screen, serial devices, the camera and USB printers.
    allowed = {entry.split()[0] for entry in unit["DeviceAllow"]}
    assert {"char-tty", "char-drm", "char-input", "char-ttyUSB", "char-ttyACM",
            "char-video4linux", "char-usb_device", "char-usb"} <= allowed
    assert unit["DevicePolicy"] == ["closed"]
    assert "PrivateDevices" not in unit
    # pcscd and X over AF_UNIX, MQTT over IP, udev over netlink.
    assert unit["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"]
    assert "PrivateNetwork" not in unit
    # Mesa's software GL needs writable executable memory.
    assert "MemoryDenyWriteExecute" not in unit
    # Writes go to the state and log directories; HOME points at the state directory so
    # that Xorg's log and the font caches land there.
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["StateDirectory"] == ["kiosk"]
    assert unit["LogsDirectory"] == ["kiosk"]
    assert "HOME=/var/lib/kiosk" in unit["Environment"]
    assert "ReadWritePaths" not in unit
