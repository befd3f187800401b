"""`kiosk doctor locker` and `kiosk locker commission`: installer tools for lock boards."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from kiosk.admin import admin_client
from kiosk.cli_support import load_config_or_report
from kiosk.config import KioskConfig
from kiosk.locker_doctor import probe_board


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
        for (bus, board), doors in sorted(boards.items()):
            report.append({"bus": bus, "board": board, "source": "running terminal",
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


def commission(config_path: Path, assume_closed: bool) -> int:
    """Walks every configured board with all doors shut and tells, door by door, whether
    the sensor polarity in the configuration looks right. The terminal must be stopped."""
    config = load_config_or_report(config_path)
    if config is None:
        return 2
    if not config.locker.enabled:
        print("kiosk: this configuration has no locker (locker.enabled = false)", file=sys.stderr)
        return 1
    if not assume_closed:
        input("Shut every door of the locker, then press Enter: ")
    verdict = 0
    for name, bus in config.locker.buses.items():
        for board in bus.boards:
            where = f"bus {name} board {board.address}"
            try:
                doors = probe_board(bus.port, bus.protocol, board.address, bus.baud,
                                    board.locks)
            except DeviceError as error:
                print(f"{where}: cannot read it: {error}")
                verdict = 1
                continue
            # probe_board reads with the spec's polarity (bit set = closed).
            reads_open = [d["door"] for d in doors
                          if d["open"] == board.closed_when_bit_set]
            for door in doors:
                looks_open = door["open"] == board.closed_when_bit_set
                state = ("reads OPEN although it is shut: polarity looks inverted"
                         if looks_open else "reads shut: polarity looks right")
                print(f"{where} door {door['door']}: {state}")
            if len(reads_open) == len(doors):
                flip = "false" if board.closed_when_bit_set else "true"
                print(f"{where}: every door reads open. Set closed_when_bit_set = {flip} for "
                      "this board.")
                verdict = 1
            elif reads_open:
                print(f"{where}: doors {reads_open} read open. Check that they are really "
                      "shut; if they are, check those locks' switch wiring.")
                verdict = 1
            else:
                print(f"{where}: all {len(doors)} doors read shut. OK.")
    return verdict
