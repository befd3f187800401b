"""Dependencies point inward: domain code imports neither Kivy nor paho."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*parts: str) -> list[Path]:
    return sorted((REPO.joinpath(*parts)).rglob("*.py"))


@pytest.mark.parametrize("path", [p for p in python_files("kiosk")
                          if not {"ui", "call_display"} & set(p.parts)]
                         + python_files("devices"), ids=lambda p: str(p.relative_to(REPO)))
def test_only_the_ui_imports_kivy(path):
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "kivy"}


@pytest.mark.parametrize("path", [p for p in python_files("kiosk") if "telemetry" not in p.parts]
                         + python_files("devices"), ids=lambda p: str(p.relative_to(REPO)))
def test_only_telemetry_imports_paho(path):
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "paho"}


@pytest.mark.parametrize("path", python_files("devices"), ids=lambda p: str(p.relative_to(REPO)))
def test_devices_never_import_the_kiosk(path):
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "kiosk"}


@pytest.mark.parametrize("path", python_files("kiosk", "services"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_services_do_not_reach_into_adapters_or_ui(path):
    banned = {"kiosk.ui", "kiosk.telemetry", "serial", "smartcard"}
    assert not {m for m in imported_modules(path) if any(m == b or m.startswith(b + ".")
                                                         for b in banned)}
