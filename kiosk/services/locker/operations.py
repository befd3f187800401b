"""The door operation: one opening of one compartment, from intent to outcome.

An operation is ``requested`` (committed before the pulse), ``unlock_sent``, ``open``, and
ends ``completed`` (the door shut again: the business fact is settled by purpose),
``jammed`` (no opening within ``open_timeout_s``: a deposit moves to another door),
``failed`` (the pulse certainly did not go out) or ``abandoned`` (by start-up
reconciliation). The operations alive now are this part's state; each step is written to
``door_operations`` with its audit line, and told to the update listeners.

The rule that makes power cuts harmless: the row is committed *before* the unlock pulse,
so after a crash the terminal knows a pulse may have gone out and never sends it again on
its own (reconcile.py looks at the door instead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlite_utils

from devices.errors import DeviceError, UnlockNotSent
from devices.locker.port import LockerBus
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.locker import allocation, in_service
from kiosk.services.locker.deposit_book import DepositBook, iso
from kiosk.services.locker.doors import DoorSeen, DoorTracker
from kiosk.services.locker.model import (
    Compartment,
    LockerRefusal,
    OperationUpdate,
    Purpose,
    Refused,
    Size,
    Started,
)
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

UpdateListener = Callable[[OperationUpdate], None]
LOADING = ("deposit", "dropoff")      # purposes that put a document in
TAKING = ("pickup", "retrieve")       # purposes that take one out


@dataclass
class LiveOperation:
    id: int
    compartment: int
    purpose: Purpose
    deposit_id: str | None
    state: str
    unlock_at: float | None = None    # monotonic


class DoorOperations:
    def __init__(self, *, store: Store, buses: Mapping[str, LockerBus],
                 compartments: Mapping[int, Compartment], lower_compartments: frozenset[int],
                 doors: DoorTracker, deposits: DepositBook, open_timeout_s: float,
                 clock: Callable[[], float], wall_clock: Callable[[], float]) -> None:
        self._store = store
        self._buses = dict(buses)
        self._compartments = dict(compartments)
        self._lower_ones = lower_compartments
        self._doors = doors
        self._deposits = deposits
        self._open_timeout_s = open_timeout_s
        self._clock = clock
        self._wall = wall_clock
        self._live: dict[int, LiveOperation] = {}
        self._listeners: list[UpdateListener] = []

    # -- what is going on ---------------------------------------------------------------

    def on_update(self, listener: UpdateListener) -> None:
        self._listeners.append(listener)

    def live(self) -> list[LiveOperation]:
        """The operations alive now, oldest first (a copy of the list)."""
        return list(self._live.values())

    def live_for(self, number: int) -> LiveOperation | None:
        for operation in self._live.values():
            if operation.compartment == number:
                return operation
        return None

    def adopt(self, operation: LiveOperation) -> None:
        """An operation a crash left alive, found at start: it is this part's again."""
        self._live[operation.id] = operation

    def allocate(self, size: Size | None, *, lower: bool = False) -> int | None:
        """A free, working, closed compartment that fits (allocation.py says which), not
        being opened for anyone and with its door seen since start."""
        busy = {op.compartment for op in self._live.values()}
        with self._store.reading() as db:
            free = [(n, s) for n, s in allocation.free_compartments(db)
                    if n not in busy and self._doors.seen(n) is not None]
        return allocation.choose_compartment(free, size, lower=lower, lower_ones=self._lower_ones)

    def actor_of(self, operation: LiveOperation) -> str:
        """Who asked for the operation, as recorded."""
        with self._store.reading() as db:
            row = db.execute("SELECT actor FROM door_operations WHERE id = ?",
                             [operation.id]).fetchone()
        return str(row[0]) if row else "unknown"

    # -- the steps ----------------------------------------------------------------------

    def open(self, number: int, purpose: Purpose, deposit_id: str | None, actor: str,
             *, also: Callable[[sqlite_utils.Database], None] | None = None
             ) -> Started | Refused:
        """Commits the intent to open ``number``, then sends the pulse. ``also`` writes
        more in the same transaction (a pickup's accepted attempt), so the pulse waits for
        one commit only."""
        compartment = self._compartments.get(number)
        if compartment is None:
            return Refused(LockerRefusal.NOT_FOUND, detail=f"no compartment {number}")
        if self.live_for(number) is not None:
            return Refused(LockerRefusal.BUSY,
                           detail=f"compartment {number} is already being opened")
        if self._doors.board_silent(compartment.bus, compartment.board):
            # A pulse to a board that does not answer might open the door unseen, and
            # nothing could tell the resident or staff whether it did: refuse at once.
            return Refused(LockerRefusal.DEVICE, detail=f"lock board {compartment.bus}/"
                                            f"{compartment.board} does not answer")
        now = iso(self._wall())
        with self._store.transaction() as db:
            if also is not None:
                also(db)
            op_id = db.table("door_operations").insert({
                "compartment": number, "purpose": purpose, "deposit_id": deposit_id,
                "actor": actor, "state": "requested", "requested_at": now,
            }).last_pk
            if not isinstance(op_id, int):   # an INTEGER PRIMARY KEY: never
                raise TypeError(f"door_operations: the insert gave the key {op_id!r}")
            record(db, actor, f"locker.{purpose}.requested", str(number),
                   {"operation": op_id, "deposit": deposit_id})
        operation = LiveOperation(op_id, number, purpose, deposit_id, "requested")
        self._live[operation.id] = operation
        bus = self._buses[compartment.bus]
        try:
            ack = bus.unlock(compartment.board, compartment.lock)
        except UnlockNotSent as error:
            log.warning("locker: compartment %d not opened: %s", number, error)
            self.end(operation, "failed", outcome="device", detail=str(error))
            if deposit_id and purpose in LOADING:
                with self._store.transaction() as db:
                    self._deposits.finish(db, deposit_id, "cancelled")
            return Refused(LockerRefusal.DEVICE, detail=str(error))
        except DeviceError as error:
            # The pulse may have gone out: treat it as sent and let the door tell
            # (it opens, or the operation counts as jammed after open_timeout_s).
            log.warning("locker: unlock of compartment %d unconfirmed: %s", number, error)
            ack = None
        reply = ack.reply.hex(" ") if ack is not None and ack.reply else None
        operation.state, operation.unlock_at = "unlock_sent", self._clock()
        with self._store.transaction() as db:
            db.execute(
                "UPDATE door_operations SET state = 'unlock_sent', unlock_sent_at = ?, "
                "board_reply = ? WHERE id = ?", [iso(self._wall()), reply, operation.id])
            record(db, actor, f"locker.{purpose}.unlock_sent", str(number),
                   {"operation": operation.id, "board_reply": reply,
                    "acknowledged": ack is not None})
        self._notify(OperationUpdate(operation.id, number, purpose, "unlock_sent"))
        seen = self._doors.seen(number)
        if seen is not None and seen.open:
            # Already open (a broken latch or a door left ajar): no wait for a change.
            self.mark_open(operation, reason="already open")
        return Started(operation.id, number, purpose)

    def mark_open(self, operation: LiveOperation, raw: str | None = None,
                  reason: str | None = None) -> None:
        operation.state = "open"
        with self._store.transaction() as db:
            db.execute("UPDATE door_operations SET state = 'open', opened_at = ? WHERE id = ?",
                       [iso(self._wall()), operation.id])
            record(db, "terminal", f"locker.{operation.purpose}.opened",
                   str(operation.compartment),
                   {"operation": operation.id, "board_reply": raw, "note": reason})
            clear_alarm(db, "door_jammed", f"compartment {operation.compartment}")
        self._notify(OperationUpdate(operation.id, operation.compartment, operation.purpose,
                                     "open"))

    def complete(self, operation: LiveOperation, raw: str | None = None) -> None:
        """The door is closed again: settle the business fact by purpose."""
        seen = self._doors.seen(operation.compartment)
        item = None if seen is None else seen.item
        number = operation.compartment
        receipt = None
        with self._store.transaction() as db:
            if operation.purpose in LOADING:
                if item is False:
                    outcome = "empty"
                    self._deposits.finish(db, operation.deposit_id, "cancelled")
                else:
                    outcome = "stored"
                    receipt = self._deposits.store(db, str(operation.deposit_id),
                                                   operation.compartment)
            elif operation.purpose in TAKING:
                if item is True:
                    outcome = "item_left"
                    raise_alarm(db, "item_left_behind", f"compartment {number}",
                                {"operation": operation.id})
                else:
                    outcome = "collected" if operation.purpose == "pickup" else "retrieved"
                    self._deposits.finish(db, operation.deposit_id, outcome,
                                          operation.compartment, self.actor_of(operation))
                    clear_alarm(db, "item_left_behind", f"compartment {number}")
            else:
                outcome = "closed"
            self._end_in(db, operation, "completed", outcome, raw)
        self._live.pop(operation.id, None)
        log.info("locker: compartment %d %s %s", number, operation.purpose, outcome)
        self._notify(OperationUpdate(operation.id, number, operation.purpose, "completed",
                                     outcome, receipt))

    def end(self, operation: LiveOperation, state: str, *, outcome: str,
            detail: str | None = None, notify: bool = True) -> None:
        """Ends an operation that never completed (failed, jammed, abandoned)."""
        with self._store.transaction() as db:
            self._end_in(db, operation, state, outcome, None, detail)
        self._live.pop(operation.id, None)
        if notify:
            self._notify(OperationUpdate(operation.id, operation.compartment, operation.purpose,
                                         state, outcome))

    def check_timeouts(self, now: float) -> None:
        """A door that has not opened ``open_timeout_s`` after its pulse is jammed."""
        for operation in list(self._live.values()):
            if (operation.state == "unlock_sent" and operation.unlock_at is not None
                    and now - operation.unlock_at > self._open_timeout_s):
                self._jammed(operation)

    # -- what the doors do --------------------------------------------------------------

    def door_opened(self, number: int, raw: str) -> bool:
        """The door opened; False when no operation was waiting for it (forced open)."""
        operation = self.live_for(number)
        if operation is not None and operation.state in ("requested", "unlock_sent"):
            self.mark_open(operation, raw=raw)
        return operation is not None

    def door_closed(self, number: int, raw: str) -> None:
        operation = self.live_for(number)
        if operation is None:
            return
        if operation.state in ("requested", "unlock_sent"):
            # Opened and closed again between two polls.
            self.mark_open(operation, raw=raw)
        self.complete(operation, raw=raw)

    def item_changed(self, number: int, seen: DoorSeen, raw: str) -> None:
        """A document appeared or went while the door looked shut: it opened and closed
        between two polls. If an operation was waiting for that door, it has happened."""
        operation = self.live_for(number)
        if operation is None or operation.state not in ("unlock_sent", "open"):
            return
        expected = seen.item if operation.purpose in LOADING else not seen.item
        if not expected:
            return
        if operation.state == "unlock_sent":
            self.mark_open(operation, raw=raw, reason="opened and closed between polls")
        self.complete(operation, raw=raw)

    # -- inside -------------------------------------------------------------------------

    def _jammed(self, operation: LiveOperation) -> None:
        number = operation.compartment
        log.warning("locker: compartment %d did not open after the unlock pulse (jammed?)", number)
        replacement: Started | Refused | None = None
        with self._store.transaction() as db:
            in_service.take_out_jammed(db, number, operation.id)
        self.end(operation, "jammed", outcome="jammed", notify=False)
        if operation.purpose in LOADING and operation.deposit_id:
            # The document is still in the staff's or resident's hand: use another door.
            with self._store.reading() as db:
                size = db.execute("SELECT size FROM compartments WHERE number = ?",
                                  [number]).fetchone()[0]
                lower = allocation.needs_lower(db, operation.deposit_id)
            other = self.allocate(size, lower=lower)
            if other is not None:
                with self._store.transaction() as db:
                    db.execute("UPDATE deposits SET compartment = ? WHERE id = ?",
                               [other, operation.deposit_id])
                actor = self.actor_of(operation)
                replacement = self.open(other, operation.purpose, operation.deposit_id, actor)
            else:
                with self._store.transaction() as db:
                    self._deposits.finish(db, operation.deposit_id, "cancelled")
        moved = replacement if isinstance(replacement, Started) else None
        self._notify(OperationUpdate(
            operation.id, number, operation.purpose, "jammed", "jammed",
            replacement=moved.compartment if moved else None,
            replacement_operation=moved.operation_id if moved else None))

    def _end_in(self, db: sqlite_utils.Database, operation: LiveOperation, state: str,
                outcome: str, raw: str | None, detail: str | None = None) -> None:
        now = iso(self._wall())
        db.execute(
            "UPDATE door_operations SET state = ?, outcome = ?, finished_at = ?, "
            "closed_at = CASE WHEN ? = 'completed' THEN ? ELSE closed_at END WHERE id = ?",
            [state, outcome, now, state, now, operation.id])
        record(db, "terminal", f"locker.{operation.purpose}.{state}", str(operation.compartment),
               {"operation": operation.id, "outcome": outcome, "board_reply": raw,
                "detail": detail})

    def _notify(self, update: OperationUpdate) -> None:
        for listener in self._listeners:
            try:
                listener(update)
            except Exception:
                log.exception("locker: an update listener failed")
