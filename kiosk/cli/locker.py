"""`kiosk locker open N` (maintenance, through the running terminal) and `kiosk locker
commission` (every door's sensor polarity, with the terminal stopped)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from devices.errors import DeviceError
from kiosk.api.admin import admin_client
from kiosk.cli.doctor.locker import probe_board
from kiosk.config import load_config_or_report


def open_compartment(config_path: Path, number: int) -> int:
    """Opens compartment ``number`` for maintenance through the running terminal."""
    config = load_config_or_report(config_path)
    if config is None:
        return 2
    try:
        reply = admin_client(config.store.path).call(
            {"op": "locker.open", "number": number, "user": getpass.getuser()})
    except ConnectionError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    if not reply.get("ok"):
        print(f"kiosk: compartment {number} not opened: {reply.get('error')}", file=sys.stderr)
        return 1
    print(f"compartment {number} is opening (operation {reply['operation']}); "
          f"recorded in the audit trail as cli:{getpass.getuser()}")
    return 0


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
