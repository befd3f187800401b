"""Loads kiosk.toml plus optional overlays into a KioskConfig."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from contract.strict_toml import parse_toml
from kiosk.config.binding import bind
from kiosk.config.cabinet import CabinetOverlap, plan_cabinet, seated_reach_problem
from kiosk.config.errors import ConfigError
from kiosk.config.hours_check import check_queue_hours, check_staffed_hours, refuse_retired_keys
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

    refuse_retired_keys(merged, origin)
    config = bind(KioskConfig, merged, origin)
    _check_consistency(config, origin)
    return config


def _read(file: Path) -> dict[str, Any]:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(file, "", "file not found") from None
    except PermissionError:
        raise ConfigError(file, "", "cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise ConfigError(file, "", "is a directory, not a configuration file") from None
    except OSError as error:
        raise ConfigError(file, "", f"cannot be read ({error.strerror})") from None
    table = parse_toml(data, lambda problem: ConfigError(file, "", problem))
    return table


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
    reader = config.devices.id_card
    if reader.driver == "sam" and not reader.port and not simulated:
        key = "devices.id_card.port"
        raise ConfigError(origin(key), key, "a serial port is required when driver = \"sam\" "
                                           "(or set driver = \"none\", or simulation.start = true)")
    scanner = config.devices.qr_scanner
    if scanner.driver == "serial" and not scanner.port and not simulated:
        key = "devices.qr_scanner.port"
        raise ConfigError(
            origin(key), key,
            "a serial port is required when driver = \"serial\" (or set driver = \"none\", "
            "or simulation.start = true)",
        )
    if scanner.driver == "camera":
        _check_capture_command(scanner.capture_command, simulated, origin)
    _check_printer(config, origin)
    mqtt = config.mqtt
    if mqtt.tls:
        for name in ("ca_file", "cert_file", "key_file"):
            if getattr(mqtt, name) is None:
                key = f"mqtt.{name}"
                raise ConfigError(origin(key), key, "required when mqtt.tls = true")
    if mqtt.password and not mqtt.username:
        raise ConfigError(origin("mqtt.password"), "mqtt.password", "given without mqtt.username")
    security = config.security
    if security.center_signing_key and security.center_signing_key == security.center_public_key:
        key = "security.center_signing_key"
        raise ConfigError(origin(key), key, "is the center's X25519 sealing key "
                                            "(center_public_key); commands are verified with "
                                            "the center's separate Ed25519 signing key")
    check_staffed_hours(config, origin)
    if config.locker.enabled:
        _check_locker(config, origin)
    if config.queue.enabled:
        _check_queue(config, origin)
    if config.ratings.qr_base_url:
        _check_rating_base_url(config.ratings.qr_base_url, origin)


def _check_capture_command(command: str | tuple[str, ...], simulated: bool,
                           origin: Any) -> None:
    key = "devices.qr_scanner.capture_command"
    try:
        words = shlex.split(command) if isinstance(command, str) else list(command)
    except ValueError as error:
        raise ConfigError(origin(key), key, f"not a command line: {error}") from None
    if not words and not simulated:
        raise ConfigError(
            origin(key), key,
            "the camera's capture program is required when driver = \"camera\", e.g. "
            "\"ffmpeg -loglevel error -f v4l2 -framerate 10 -video_size 640x480 -i /dev/video0 "
            "-vf format=gray -f image2pipe -vcodec pgm -\" (or set simulation.start = true)",
        )
    if any(not word for word in words):
        raise ConfigError(origin(key), key, "has an empty word")


def _check_queue(config: KioskConfig, origin: Any) -> None:
    queue = config.queue

    def fail(key: str, problem: str) -> None:
        raise ConfigError(origin(key), key, problem)

    if not queue.categories:
        fail("queue.categories", "queue.enabled = true needs at least one category")
    if queue.status_url:
        problem = _template_problem(queue.status_url, STATUS_URL_FIELDS)
        if problem:
            fail("queue.status_url", problem)
    windows = {w.number for w in config.station.windows}
    seen_ids: set[str] = set()
    seen_prefixes: set[str] = set()
    for index, category in enumerate(queue.categories):
        where = f"queue.categories[{index}]"
        if category.id in seen_ids:
            fail(f"{where}.id", f"{category.id!r} is used by another category")
        if category.prefix in seen_prefixes:
            fail(f"{where}.prefix", f"{category.prefix!r} is used by another category: ticket "
                                    "numbers would be ambiguous")
        seen_ids.add(category.id)
        seen_prefixes.add(category.prefix)
        if not category.windows:
            fail(f"{where}.windows", "list at least one window")
        unknown = [n for n in category.windows if n not in windows]
        if unknown:
            fail(f"{where}.windows", f"window {unknown[0]} is not in station.windows")
    check_queue_hours(config, origin)


STATUS_URL_FIELDS = ("district", "terminal", "day", "ticket")
# The token adds about 120 characters; a longer site address makes the ticket's QR code
# too dense for a 58 mm receipt (contract/rating_tokens.py).
RATING_BASE_URL_MAX = 60


def _check_rating_base_url(url: str, origin: Any) -> None:
    key = "ratings.qr_base_url"
    if not url.endswith("/") or "?" in url or "#" in url:
        raise ConfigError(origin(key), key, "must end with / and hold no ? or #: the "
                                            "ticket's token is appended to it, e.g. "
                                            "https://zwfw.example.gov.cn/r/")
    if len(url) > RATING_BASE_URL_MAX:
        raise ConfigError(origin(key), key, f"is {len(url)} characters; at most "
                                            f"{RATING_BASE_URL_MAX}, or the ticket's QR code "
                                            "is too dense to scan off the receipt")


def _template_problem(template: str, fields: Sequence[str]) -> str | None:
    """Why ``template`` cannot be filled in with ``fields`` by str.format, or None. Checked
    here, because a template that fails would fail only when a ticket is issued."""
    try:
        template.format(**{name: "x" for name in fields})
    except KeyError as error:
        return (f"{{{error.args[0]}}} cannot be filled in; the template may use "
                f"{', '.join('{' + f + '}' for f in fields)}")
    except (ValueError, IndexError) as error:
        return f"not a valid template ({error}); write a literal brace as {{{{ or }}}}"
    return None


# What each printer transport needs besides its defaults, and why.
_PRINTER_TRANSPORT_KEYS = {
    "serial": (("port",), "a serial device"),
    "usb": (("usb_vendor", "usb_product"), "the printer's USB vendor and product ids "
                                           "(lsusb shows them)"),
    "network": (("host",), "the printer's address"),
    "file": (("file",), "a device file such as /dev/usb/lp0"),
}


def _check_printer(config: KioskConfig, origin: Any) -> None:
    printer = config.devices.printer
    # Under simulation the simulator host puts a serial printer in place of any transport.
    if printer.driver == "none" or config.simulation.start:
        return
    needed, what = _PRINTER_TRANSPORT_KEYS[printer.transport]
    for name in needed:
        if not getattr(printer, name):
            key = f"devices.printer.{name}"
            raise ConfigError(origin(key), key, f"transport = \"{printer.transport}\" needs "
                                                f"{what} (or set driver = \"none\", or "
                                                "simulation.start = true)")


# What each protocol can address: board addresses and locks per board.
_PROTOCOL_LIMITS = {
    "kerong-cu16": (range(0, 10), 16),
    "kerong-cu48": (range(0, 10), 48),
    "generic-8a": (range(1, 33), 50),
}


def _check_locker(config: KioskConfig, origin: Any) -> None:
    locker = config.locker

    def fail(key: str, problem: str) -> None:
        raise ConfigError(origin(key), key, problem)

    if not locker.buses:
        fail("locker.buses", "locker.enabled = true needs at least one bus")
    if not locker.compartments:
        fail("locker.compartments", "locker.enabled = true needs at least one compartment group")
    if not config.security.center_public_key:
        fail("security.center_public_key", "required with a locker: pickup codes are sent to "
                                           "residents by the district center, encrypted to it")
    boards: dict[tuple[str, int], int] = {}
    for name, bus in locker.buses.items():
        key = f"locker.buses.{name}"
        if not bus.port and not config.simulation.start:
            fail(f"{key}.port", "a serial port is required (or simulation.start = true)")
        addresses, max_locks = _PROTOCOL_LIMITS[bus.protocol]
        if not bus.boards:
            fail(f"{key}.boards", "a bus needs at least one board")
        for index, board in enumerate(bus.boards):
            where = f"{key}.boards[{index}]"
            if board.address not in addresses:
                fail(f"{where}.address", f"{board.address} is not a {bus.protocol} board address; "
                                         f"allowed {addresses.start} to {addresses.stop - 1}")
            if board.locks > max_locks:
                fail(f"{where}.locks", f"a {bus.protocol} board has at most {max_locks} locks")
            if board.item_sensor and bus.protocol != "kerong-cu16":
                fail(f"{where}.item_sensor", f"{bus.protocol} boards report no item sensors")
            if (name, board.address) in boards:
                fail(f"{where}.address", f"two boards with address {board.address} on one bus")
            boards[(name, board.address)] = board.locks
    numbers: set[int] = set()
    locks: set[tuple[str, int, int]] = set()
    for index, group in enumerate(locker.compartments):
        where = f"locker.compartments[{index}]"
        if group.bus not in locker.buses:
            fail(f"{where}.bus", f"no bus named {group.bus!r}; buses: {', '.join(locker.buses)}")
        if (group.bus, group.board) not in boards:
            fail(f"{where}.board", f"bus {group.bus!r} has no board {group.board}")
        last_lock = group.first_lock + group.count - 1
        if last_lock > boards[(group.bus, group.board)]:
            fail(f"{where}.count", f"locks {group.first_lock}-{last_lock} exceed the "
                                   f"{boards[(group.bus, group.board)]} locks of board "
                                   f"{group.board}")
        for offset in range(group.count):
            number = group.first_number + offset
            lock = (group.bus, group.board, group.first_lock + offset)
            if number in numbers:
                fail(f"{where}.first_number", f"compartment number {number} is used twice")
            if lock in locks:
                fail(f"{where}.first_lock", f"lock {lock[2]} of board {group.board} is used twice")
            numbers.add(number)
            locks.add(lock)
    try:
        plan = plan_cabinet(locker.compartments)
    except CabinetOverlap as overlap:
        fail(f"locker.compartments[{overlap.group_index}].top_row", str(overlap))
    reach_problem = seated_reach_problem(plan, locker.seated_reach_rows)
    if reach_problem:
        fail("locker.seated_reach_rows", reach_problem)


def load_config_or_report(path: Path, overlays: Sequence[Path] = ()) -> KioskConfig | None:
    """The configuration, or None after printing the one-line reason to stderr (for the
    `kiosk` commands, which stop there)."""
    try:
        return load_config(path, overlays)
    except ConfigError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return None
