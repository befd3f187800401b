"""A terminal that does nothing but deposit and collect, for the kill -9 test.

It is stateless between runs: each start reconciles, then looks at the database to decide
what to do next (collect what is stored, or store something new). The test kills it at
random instants and restarts it; the person at the locker is simulated by the test.

Usage: python -m tests.services.locker.kill_driver DB PORT CENTER_PRIVATE_KEY_B64 BOARD [--check]

BOARD is ``sensor`` (a CU16 board with item sensors) or ``sensorless`` (a CU48 board,
which reports doors only).
"""

from __future__ import annotations

import base64
import itertools
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.locker.port import BoardConfig
from devices.locker.serial_bus import SerialLockerBus
from kiosk.config.locker_schema import (
    CompartmentGroup,
    LockBoardConfig,
    LockerBusConfig,
    LockerConfig,
)
from kiosk.services.keys import KeyedHash
from kiosk.services.locker.model import Started
from kiosk.services.locker.service import LockerService
from kiosk.simulation.center import DemoCenter
from kiosk.store import open_store

KEY = b"terminal-key-for-kill-tests-32b!"
LOCKS = 4
# The two kinds of board the terminal must survive a kill with: one that reports what is
# inside each compartment, and one that reports only its doors.
BOARDS = {
    "sensor": ("kerong-cu16", BoardConfig(address=0, locks=LOCKS, item_sensor=True)),
    "sensorless": ("kerong-cu48", BoardConfig(address=0, locks=LOCKS, item_sensor=False)),
}


def locker_config(kind: str) -> LockerConfig:
    protocol, board = BOARDS[kind]
    return LockerConfig(
        enabled=True, open_timeout_s=5,
        buses={"main": LockerBusConfig(protocol=protocol, boards=(LockBoardConfig(
            address=0, locks=LOCKS, item_sensor=board.item_sensor),))},
        compartments=(CompartmentGroup(first_number=1, count=LOCKS, bus="main", board=0,
                                       size="S"),),
    )


def main() -> int:
    db_path, port, key_b64, kind = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    check_only = "--check" in sys.argv
    center = X25519PrivateKey.from_private_bytes(base64.b64decode(key_b64))
    store = open_store(db_path)
    protocol, board = BOARDS[kind]
    bus = SerialLockerBus("main", port, 19200, protocol, (board,), poll_interval_s=0.02)
    service = LockerService(store=store, buses={"main": bus}, config=locker_config(kind),
                            terminal_id="kill-01", keyed_hash=KeyedHash(KEY),
                            center_key=center.public_key())
    bus.start()
    service.start()
    if not service.ready.wait(15):
        print("not ready", flush=True)
        return 1
    print("ready", flush=True)
    if check_only:
        check_what_a_restart_left_unclear(service)
        service.stop()
        bus.stop()
        store.close()
        return 0
    delivered = DemoCenter(center)
    for n in itertools.count():
        check_what_a_restart_left_unclear(service)
        codes = delivered.codes_for_stored(store)
        if codes and n % 3:
            result = service.pickup(codes[0].code).result(10)
        else:
            result = service.deposit("staff-k", f"K-{n}", None).result(10)
        if isinstance(result, Started):
            wait_until_settled(service, result.operation_id)
    return 0


def check_what_a_restart_left_unclear(service: LockerService) -> None:
    """What staff do with a compartment whose contents a restart left unknown: take back
    the result recorded there (or open it and empty it), then put it back in service."""
    for number in service.needing_check():
        stored = [d for d in service.stored() if d.compartment == number]
        result = (service.retrieve("staff-k", stored[0].id) if stored else
                  service.open_for_maintenance("staff-k", number)).result(10)
        if isinstance(result, Started):
            wait_until_settled(service, result.operation_id)
        service.set_in_service("staff-k", number, True).result(10)


def wait_until_settled(service: LockerService, operation_id: int) -> None:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with service._store.reading() as db:
            state = db.execute("SELECT state FROM door_operations WHERE id = ?",
                               [operation_id]).fetchone()[0]
        if state not in ("requested", "unlock_sent", "open"):
            return
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(main())
