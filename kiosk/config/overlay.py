"""Writes config overlays (nested tables of strings, numbers and booleans) as TOML."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def dump_toml(table: Mapping[str, Any], header: str = "") -> str:
    lines = [f"# {line}" for line in header.splitlines()]
    _dump_table(table, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def write_overlay(path: Path, table: Mapping[str, Any], header: str = "") -> None:
    """Writes atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(dump_toml(table, header), encoding="utf-8")
    os.replace(temporary, path)


def _dump_table(table: Mapping[str, Any], prefix: list[str], lines: list[str],
                array_item: bool = False) -> None:
    def is_table_array(value: Any) -> bool:
        return isinstance(value, list | tuple) and bool(value) and all(
            isinstance(item, Mapping) for item in value)

    scalars = {k: v for k, v in table.items()
               if not isinstance(v, Mapping) and not is_table_array(v)}
    tables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
    arrays = {k: v for k, v in table.items() if is_table_array(v)}
    if array_item:
        lines.append("")
        lines.append(f"[[{'.'.join(prefix)}]]")
    elif scalars and prefix:
        lines.append("")
        lines.append(f"[{'.'.join(prefix)}]")
    for key, value in scalars.items():
        lines.append(f"{key} = {_value(value)}")
    for key, value in tables.items():
        _dump_table(value, [*prefix, key], lines)
    for key, items in arrays.items():
        for item in items:
            _dump_table(item, [*prefix, key], lines, array_item=True)


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        # A JSON string is a valid TOML basic string for everything we write.
        return json.dumps(str(value), ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} to a TOML overlay")
