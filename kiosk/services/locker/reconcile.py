"""Start-up reconciliation: the database against what the boards report after a restart.

It reads every board, finishes or abandons the door operations a crash interrupted,
cancels deposits that never closed, and raises ``document_missing`` / ``unexpected_item``
where the item sensors disagree with the records. It never sends an unlock pulse: the
pulse of an interrupted operation may have gone out, so the door says what happened.

An operation whose board could not be read at start waits here, unresolved, until the
board's first snapshot (``first_sight``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

import sqlite_utils

from devices.errors import DeviceError
from devices.locker.port import BoardSnapshot, LockerBus
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.locker import in_service
from kiosk.services.locker.deposit_book import DepositBook
from kiosk.services.locker.doors import DoorTracker
from kiosk.services.locker.operations import LOADING, TAKING, DoorOperations, LiveOperation
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

START_READ_S = 5.0    # how long a board may take to answer at start (real time)


class StartupReconciler:
    def __init__(self, *, store: Store, buses: Mapping[str, LockerBus], doors: DoorTracker,
                 operations: DoorOperations, deposits: DepositBook,
                 stopping: threading.Event) -> None:
        """``stopping`` cuts the wait for a silent board short when the service stops."""
        self._store = store
        self._buses = dict(buses)
        self._doors = doors
        self._operations = operations
        self._deposits = deposits
        self._stopping = stopping
        self._unresolved: set[int] = set()      # operations waiting for their board's state

    def run(self) -> int:
        """Compares the database with what the boards report, and finishes or abandons
        whatever a crash interrupted. Returns how many operations it found alive."""
        for bus_name, bus in self._buses.items():
            for board in bus.boards:
                snapshot = self._first_read(bus, board.address)
                if snapshot is None:
                    self._doors.unreadable_at_start(bus_name, board.address)
                    continue
                self._doors.record(snapshot, first_sighting=True)
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT id, compartment, purpose, deposit_id, state FROM door_operations "
                "WHERE state IN ('requested', 'unlock_sent', 'open')"
            ).fetchall()
        for op_id, number, purpose, deposit_id, state in rows:
            operation = LiveOperation(op_id, number, purpose, deposit_id, state)
            self._operations.adopt(operation)
            self._resume(operation)
        with self._store.transaction() as db:
            for deposit_id, number in self._deposits.cancel_orphans(db):
                record(db, "terminal", "locker.deposit_cancelled", str(number),
                       {"deposit": deposit_id, "reason": "interrupted before the door closed"})
            self._check_contents(db)
        return len(rows)

    def first_sight(self, number: int) -> None:
        """The board of ``number`` answered for the first time since start: settle what
        waited for it."""
        for operation in self._operations.live():
            if operation.compartment == number and operation.id in self._unresolved:
                self._unresolved.discard(operation.id)
                self._resume(operation)

    def _first_read(self, bus: LockerBus, address: int) -> BoardSnapshot | None:
        """The board's state at start, waiting a little for the line to open."""
        deadline = time.monotonic() + START_READ_S
        while True:
            try:
                return bus.read_board(address)
            except DeviceError as error:
                if time.monotonic() >= deadline or self._stopping.is_set():
                    log.warning("locker: board %s/%s not readable at start: %s", bus.name,
                                address, error)
                    return None
                time.sleep(0.1)

    def _resume(self, operation: LiveOperation) -> None:
        operations = self._operations
        seen = self._doors.seen(operation.compartment)
        if seen is None:
            # Decided when the board is first read (first_sight).
            log.warning("locker: compartment %d unreadable; operation %d waits as %s",
                        operation.compartment, operation.id, operation.state)
            self._unresolved.add(operation.id)
            return
        if seen.open:
            # Whatever happened before the crash, the door is open now: finish on close.
            operations.mark_open(operation, reason="resumed after restart")
            return
        if operation.state == "open":
            operations.complete(operation)
            return
        # The pulse may or may not have gone out, and the door is shut now. Never pulse
        # again: let the item sensor say whether the door was opened meanwhile.
        if self._doors.has_sensor(operation.compartment):
            if operation.purpose in LOADING:
                opened = seen.item is True
            elif operation.purpose in TAKING:
                opened = seen.item is False
            else:
                opened = False
            if opened:
                operations.mark_open(operation, reason="opened while the terminal was down")
                operations.complete(operation)
                return
            self._cancel_loading(operation)
            operations.end(operation, "abandoned", outcome="interrupted")
            return
        # No sensor: nobody can tell from here whether papers went in or came out. A
        # person must look, and until then nobody else is given that compartment.
        if operation.purpose != "maintenance":
            with self._store.transaction() as db:
                in_service.hold_for_check(db, operation.compartment, operation.id,
                                          operation.purpose)
        self._cancel_loading(operation)
        operations.end(operation, "abandoned", outcome="unknown")

    def _cancel_loading(self, operation: LiveOperation) -> None:
        """The deposit an interrupted loading was for never closed: it is cancelled."""
        if operation.deposit_id and operation.purpose in LOADING:
            with self._store.transaction() as db:
                self._deposits.finish(db, operation.deposit_id, "cancelled")

    def _check_contents(self, db: sqlite_utils.Database) -> None:
        """Item sensors against the records: documents missing, or unexpected."""
        busy = {operation.compartment for operation in self._operations.live()}
        for number, seen in self._doors.sightings().items():
            if seen.item is None:
                continue
            live = db.execute(
                "SELECT 1 FROM deposits WHERE compartment = ? AND state IN ('loading', 'stored')",
                [number],
            ).fetchone()
            subject = f"compartment {number}"
            if live and not seen.item and number not in busy:
                raise_alarm(db, "document_missing", subject)
            else:
                clear_alarm(db, "document_missing", subject)
            if not live and seen.item and number not in busy:
                raise_alarm(db, "unexpected_item", subject)
            else:
                clear_alarm(db, "unexpected_item", subject)
