"""`kiosk doctor locker`: read one lock board once, or every configured board, for
commissioning and fault finding.

It opens the port exclusively, so it cannot talk over a running terminal: with the
terminal running, it says the port is in use. Door states use the spec's default
polarity (hook bit set = closed); comparing them with the doors as they really are is how
an installer finds which boards need `closed_when_bit_set = false`.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from devices.errors import DeviceError, DeviceNotFound, DeviceTimeout
from devices.locker.doors import door_states
from devices.locker.line import LockerLine, frame_gap_for
from devices.locker.port import BoardConfig, ProtocolName
from devices.locker.protocols import protocol_named
from devices.serial_link import SerialLink, open_once
from kiosk.api.admin import admin_client
from kiosk.config import KioskConfig, load_config_or_report

log = logging.getLogger(__name__)

REPLY_TIMEOUT_S = 0.2
TRIES = 3


def probe_board(port: str, protocol: ProtocolName, board: int, baud: int,
                locks: int | None = None) -> list[dict[str, object]]:
    """Reads board ``board`` once: [{"door": 1, "open": False, "item": None}, ...].

    ``locks`` limits the doors listed; by default every lock the reply carries is listed.
    ``item`` is the infrared bit where the protocol reports one (CU16), else None.
    Raises DeviceNotFound (no port, cannot open it), DeviceTimeout (no answer) or
    ProtocolError (damaged answers), each saying what to check; ValueError for an address
    or lock count the protocol does not allow."""
    codec = protocol_named(protocol)
    if board not in codec.addresses:
        first, last = codec.addresses[0], codec.addresses[-1]
        raise ValueError(f"{protocol} board addresses are {first}-{last}, not {board}")
    if locks is not None and not 1 <= locks <= codec.max_locks:
        raise ValueError(f"{protocol} boards have 1-{codec.max_locks} locks, not {locks}")
    if not Path(port).exists():
        raise DeviceNotFound(f"{port} does not exist: is the USB RS485 adapter plugged in, and "
                             "is the path right? (ls /dev/serial/by-id/)")
    link = _open(port, baud)
    try:
        line = LockerLine(link, codec, where=f"on {port}", gap_s=frame_gap_for(baud))
        try:
            raw, _reply, _at = line.read_status(board, locks or 0, timeout_s=REPLY_TIMEOUT_S,
                                                tries=TRIES)
        except DeviceTimeout as error:
            raise DeviceTimeout(f"{error}; probed at {baud} baud ({protocol} boards ship set "
                                f"to {codec.default_baud})") from None
    finally:
        link.close()
    config = BoardConfig(board, locks or len(raw.locks), closed_when_bit_set=True,
                         item_sensor=codec.item_sensing)
    return [{"door": door.lock, "open": door.open, "item": door.item}
            for door in door_states(raw, config, f"on {port}")]


def _open(port: str, baud: int) -> SerialLink:
    return open_once(SerialLink, "locker-doctor", port, baud, read_timeout_s=0.02)


def doctor_locker(config_path: Path, port: str | None, protocol: str | None,
                  board: int | None, baud: int | None, as_json: bool) -> int:
    """One board given on the command line, or every configured board."""
    if port or protocol or board is not None:
        if not (port and protocol and board is not None):
            print("kiosk: --port, --protocol and --board go together", file=sys.stderr)
            return 2
        try:
            doors = probe_board(port, protocol, board, baud or 19200)  # type: ignore[arg-type]
        except (DeviceError, ValueError) as error:
            print(f"kiosk: {error}", file=sys.stderr)
            return 1
        _print_doors(doors, as_json)
        return 0
    config = load_config_or_report(config_path)
    if config is None:
        return 2
    if not config.locker.enabled:
        print("kiosk: this configuration has no locker (locker.enabled = false)", file=sys.stderr)
        return 1
    report, problems = _configured_boards(config)
    if as_json:
        print(json.dumps({"boards": report, "problems": problems}, ensure_ascii=False))
    else:
        for entry in report:
            print(f"bus {entry['bus']} board {entry['board']} ({entry['source']}):")
            for door in entry["doors"]:
                print("  " + json.dumps(door, ensure_ascii=False))
        for problem in problems:
            print(f"FAIL  {problem}")
    return 1 if problems else 0


def _configured_boards(config: KioskConfig) -> tuple[list[dict[str, Any]], list[str]]:
    report: list[dict[str, Any]] = []
    problems: list[str] = []
    # A running terminal owns the serial lines: ask it for what it last saw.
    try:
        reply = admin_client(config.store.path).call({"op": "locker.doors"})
    except ConnectionError:
        reply = None
    if reply and reply.get("ok"):
        boards: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for door in reply["doors"]:
            boards.setdefault((door["bus"], door["board"]), []).append(
                {"door": door["lock"], "compartment": door["compartment"],
                 "open": door["open"], "item": door["item"]})
        for (bus_name, board_address), doors in sorted(boards.items()):
            report.append({"bus": bus_name, "board": board_address, "source": "running terminal",
                           "doors": doors})
        return report, problems
    for name, bus in config.locker.buses.items():
        for board in bus.boards:
            if not bus.port:
                problems.append(f"bus {name}: no port configured (simulated); start the "
                                "terminal to check simulated boards")
                continue
            try:
                doors = probe_board(bus.port, bus.protocol, board.address, bus.baud,
                                    board.locks)
            except DeviceError as error:
                problems.append(f"bus {name} board {board.address}: {error}")
                continue
            for door in doors:
                if not board.closed_when_bit_set:
                    door["open"] = not door["open"]
                if not board.item_sensor:
                    door["item"] = None
            report.append({"bus": name, "board": board.address, "source": bus.port,
                           "doors": doors})
    return report, problems


def _print_doors(doors: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(doors))
    else:
        for door in doors:
            print(json.dumps(door))
