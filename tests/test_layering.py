"""Who may import whom, as docs/architecture.md ("Layers") promises.

`import_violations()` reads every module of kiosk/, devices/, contract/ and center/
(imports inside functions too) and names each import a rule forbids; the test fails on any.
The planted-violation tests build a small tree with one forbidden import each and prove it
is caught, so a rule that stopped checking would show.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# The kiosk packages each kiosk package may import, top to bottom: the command line, the
# composition root, the edges (UI, call display, window and admin sockets, MQTT, the
# simulator host), the domain services, then configuration, storage and translations.
# A package may always import itself; nothing but the command line imports kiosk.app.
MAY_IMPORT: dict[str, set[str]] = {
    "cli": {"app", "api", "call_display", "config", "i18n", "services", "simulation", "store",
            "telemetry", "ui"},
    "app": {"api", "config", "i18n", "services", "simulation", "store", "telemetry", "ui"},
    "call_display": {"api", "config", "i18n", "services", "ui"},
    "ui": {"config", "i18n", "services", "simulation"},
    "api": {"config", "i18n", "services", "store"},
    "telemetry": {"config", "i18n", "services", "store"},
    "simulation": {"api", "config", "services", "store"},
    "services": {"config", "i18n", "store"},
    "store": {"config"},
    "config": set(),
    "i18n": set(),
    "__main__": {"cli"},
    "__init__": set(),
}

# What of devices/ the domain and the UI may see: the ports, their value types and errors
# (the Slip document model and its text measure are the printer port's values; the table
# of nations is the ID-card port's), never an adapter, a codec or a simulator.
PORT_SIDE = re.compile(
    r"^devices(\.errors|\.health|\.progress|\.[a-z_]+\.port|\.printer\.slip"
    r"|\.printer\.text_layout|\.idcard\.nations)?$")
SEES_ONLY_PORTS = {"services", "ui", "call_display", "api", "telemetry", "store", "config",
                   "i18n"}

# The contract's shared halves stand apart from both sides that import them.
CONTRACT_NEVER_IMPORTS = {"kiosk", "devices", "center"}

# Third-party libraries that belong to one layer only.
OWNED_LIBRARIES: dict[str, set[str]] = {
    "kivy": {"kiosk.ui", "kiosk.call_display"},
    "paho": {"kiosk.telemetry", "center.ingest.worker", "center.fleet_simulator.wire"},
    "django": {"center"},
    # The hardware libraries: the adapters, and `kiosk doctor`, which asks a device itself.
    "serial": {"devices", "kiosk.cli.doctor"},
    "smartcard": {"devices", "kiosk.cli.doctor"},
    "escpos": {"devices"},
    "pyzbar": {"devices"},
    "usb": {"devices"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _module_name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def import_violations(root: Path) -> list[str]:
    """Every forbidden import under root/kiosk, root/devices and root/contract, as
    'module imports x: why'."""
    found: list[str] = []
    for path in sorted([*root.glob("kiosk/**/*.py"), *root.glob("devices/**/*.py"),
                        *root.glob("contract/**/*.py"), *root.glob("center/**/*.py")]):
        module = _module_name(root, path)
        parts = module.split(".")
        for imported in sorted(imported_modules(path)):
            top = imported.split(".")[0]
            why = None
            owners = OWNED_LIBRARIES.get(top)
            if owners is not None and not any(_within(module, o) for o in owners):
                why = f"only {', '.join(sorted(owners))} may use {top}"
            elif parts[0] == "devices" and top == "kiosk":
                why = "devices/ never imports the kiosk"
            elif parts[0] == "contract" and top in CONTRACT_NEVER_IMPORTS:
                why = "contract/ is shared by both sides and imports neither"
            elif parts[0] == "center" and top in ("kiosk", "devices"):
                why = "the center knows terminals only through contract/"
            elif parts[0] in ("kiosk", "devices") and top == "center":
                why = "the terminal never imports the center"
            elif parts[0] == "kiosk" and top == "kiosk" and len(imported.split(".")) > 1:
                own, theirs = parts[1], imported.split(".")[1]
                allowed = MAY_IMPORT.get(own, set())
                if theirs != own and theirs not in allowed:
                    why = f"kiosk.{own} may import only {', '.join(sorted(allowed)) or 'itself'}"
            elif (parts[0] == "kiosk" and top == "devices" and parts[1] in SEES_ONLY_PORTS
                  and not PORT_SIDE.match(imported)):
                why = f"kiosk.{parts[1]} sees devices only through ports and their values"
            if why:
                found.append(f"{module} imports {imported}: {why}")
    return found


def test_every_import_keeps_to_the_layers():
    assert import_violations(REPO) == []


def test_every_kiosk_package_has_a_rule():
    packages = {p.name for p in (REPO / "kiosk").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (REPO / "kiosk").glob("*.py")}
    assert packages | modules <= set(MAY_IMPORT)


PLANTED = [
    ("kiosk/services/planted.py", "from devices.locker.serial_bus import SerialLockerBus",
     "kiosk.services sees devices only through ports and their values"),
    ("kiosk/services/planted.py", "from devices.idcard.protocol import Reply",
     "kiosk.services sees devices only through ports and their values"),
    ("kiosk/ui/planted.py", "from devices.printer.escpos_printer import EscposReceiptPrinter",
     "kiosk.ui sees devices only through ports and their values"),
    ("kiosk/ui/planted.py", "from kiosk.app.terminal import Terminal",
     "kiosk.ui may import only config, i18n, services, simulation"),
    ("kiosk/telemetry/planted.py", "from kiosk.app.terminal import Terminal",
     "kiosk.telemetry may import only config, i18n, services, store"),
    ("kiosk/api/planted.py", "from kiosk.ui.app import KioskApp",
     "kiosk.api may import only config, i18n, services, store"),
    ("kiosk/services/planted.py", "from kiosk.telemetry.link import BrokerLink",
     "kiosk.services may import only config, i18n, store"),
    ("kiosk/app/planted.py", "from kiosk.cli.main import main",
     "kiosk.app may import only api, config, i18n, services, simulation, store, telemetry, ui"),
    ("devices/planted.py", "from kiosk.config import KioskConfig",
     "devices/ never imports the kiosk"),
    ("contract/planted.py", "from kiosk.services.commands import CommandService",
     "contract/ is shared by both sides and imports neither"),
    ("center/fleet/planted.py", "from kiosk.services.commands import CommandService",
     "the center knows terminals only through contract/"),
    ("kiosk/services/planted.py", "from center.fleet.models import Terminal",
     "the terminal never imports the center"),
    ("center/fleet/planted.py", "import paho.mqtt.client",
     "only center.fleet_simulator.wire, center.ingest.worker, kiosk.telemetry may use paho"),
    ("kiosk/services/planted.py", "import kivy.app",
     "only kiosk.call_display, kiosk.ui may use kivy"),
    ("kiosk/ui/planted.py", "import paho.mqtt.client",
     "only center.fleet_simulator.wire, center.ingest.worker, kiosk.telemetry may use paho"),
    ("kiosk/services/planted.py", "import serial",
     "only devices, kiosk.cli.doctor may use serial"),
    ("kiosk/services/planted.py", "def later():\n    from kiosk.ui import theme",
     "kiosk.services may import only config, i18n, store"),
]


@pytest.mark.parametrize(("where", "source", "why"), PLANTED,
                         ids=[f"{w}:{s.splitlines()[-1].strip()}" for w, s, _ in PLANTED])
def test_a_planted_violation_is_caught(tmp_path, where, source, why):
    planted = tmp_path / where
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(source + "\n", encoding="utf-8")
    module = ".".join(Path(where).with_suffix("").parts)
    imported = source.split()[1] if source.startswith(("from", "import")) \
        else source.splitlines()[-1].split()[1]
    assert import_violations(tmp_path) == [f"{module} imports {imported}: {why}"]


def test_the_allowed_port_side_passes(tmp_path):
    planted = tmp_path / "kiosk" / "services" / "fine.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("from devices.locker.port import LockerBus\n"
                       "from devices.printer.slip import Slip\n"
                       "from devices.errors import DeviceError\n"
                       "from kiosk.store import Store\n", encoding="utf-8")
    assert import_violations(tmp_path) == []
