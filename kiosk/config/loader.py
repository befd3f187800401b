"""Loads kiosk.toml plus optional overlays into a KioskConfig."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kiosk.config.binding import bind
from kiosk.config.errors import ConfigError
from kiosk.config.schema import KioskConfig


def load_config(path: Path | str, overlays: Sequence[Path | str] = ()) -> KioskConfig:
    """Reads ``path`` and then each overlay over it; later files win key by key."""
    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    files = [Path(path), *(Path(p) for p in overlays)]
    for file in files:
        _merge(merged, _read(file), origins, str(file), "")

    def origin(dotted: str) -> str | None:
        # The file that set this key, or the one that set its closest parent table.
        probe = dotted
        while probe:
            if probe in origins:
                return origins[probe]
            probe = probe.rpartition(".")[0]
        return str(files[0])

    config = bind(KioskConfig, merged, origin)
    _check_consistency(config, origin)
    return config


def _read(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(file, "", "file not found") from None
    except PermissionError:
        raise ConfigError(file, "", "cannot be read (permission denied)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(file, "", f"not valid TOML: {error}") from None


def _merge(
    into: dict[str, Any], table: Mapping[str, Any], origins: dict[str, str], file: str, prefix: str
) -> None:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value, origins, file, f"{dotted}.")
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value
            _record(origins, value, file, dotted)
        origins.setdefault(dotted, file)


def _record(origins: dict[str, str], value: Any, file: str, dotted: str) -> None:
    origins[dotted] = file
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _record(origins, inner, file, f"{dotted}.{key}")


def _check_consistency(config: KioskConfig, origin: Any) -> None:
    """Rules that span several keys."""
    simulated = config.simulation.start
    scanner = config.devices.qr_scanner
    if scanner.driver == "serial" and not scanner.port and not simulated:
        key = "devices.qr_scanner.port"
        raise ConfigError(
            origin(key), key,
            "a serial port is required when driver = \"serial\" (or set driver = \"none\", "
            "or simulation.start = true)",
        )
    mqtt = config.mqtt
    if mqtt.tls:
        for name in ("ca_file", "cert_file", "key_file"):
            if getattr(mqtt, name) is None:
                key = f"mqtt.{name}"
                raise ConfigError(origin(key), key, "required when mqtt.tls = true")
    if mqtt.password and not mqtt.username:
        raise ConfigError(origin("mqtt.password"), "mqtt.password", "given without mqtt.username")
