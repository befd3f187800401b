"""The locker service: every door opening from intent to outcome, on one thread.

All state changes happen on the service's own thread ("locker-service"), fed by a queue:
requests from the UI and tools, snapshots and health reports from the bus threads, and a
timer tick. Nothing else writes locker rows, so the flows need no further locking.

The rules that make power cuts harmless:

- An operation row is committed *before* its unlock pulse is sent. After a crash the
  terminal therefore knows a pulse may have gone out, and it never sends it again on its
  own: it looks at the door instead.
- A deposit is committed (and its pickup code made) only when the door is seen closed
  again with the document inside (where an item sensor is fitted).
- The business change, its audit record and its outbox event share one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from devices.errors import DeviceError, UnlockNotSent
from devices.health import DeviceHealth, DeviceState
from devices.locker.port import BoardHealth, BoardSnapshot, LockerBus
from kiosk.config.locker_schema import LockerConfig
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.identity import Identity
from kiosk.services.identity_numbers import InvalidIdNumber, validate_id_number
from kiosk.services.keys import KeyedHash
from kiosk.services.locker import allocation, codes
from kiosk.services.locker.deposit_book import DepositBook, iso
from kiosk.services.locker.guard import GuessGuard
from kiosk.services.locker.job_worker import JobWorker
from kiosk.services.locker.layout import compartments_from_config, sync_layout
from kiosk.services.locker.model import (
    DepositView,
    OperationUpdate,
    Purpose,
    Refused,
    Size,
    Started,
)
from kiosk.services.locker.pickup_policy import PickupPolicy
from kiosk.services.locker.records import LockerRecords
from kiosk.services.outbox import append_event
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

UpdateListener = Callable[[OperationUpdate], None]

TICK_S = 0.1
START_READ_S = 5.0
OVERDUE_CHECK_S = 60.0
LIVE_STATES = ("requested", "unlock_sent", "open")


@dataclass(frozen=True)
class DoorSeen:
    open: bool
    item: bool | None
    since: float          # monotonic time the door last changed between open and closed


@dataclass
class LiveOperation:
    id: int
    compartment: int
    purpose: Purpose
    deposit_id: str | None
    state: str
    unlock_at: float | None = None    # monotonic


class LockerService:
    def __init__(
        self,
        *,
        store: Store,
        buses: Mapping[str, LockerBus],
        config: LockerConfig,
        terminal_id: str,
        keyed_hash: KeyedHash,
        center_key: X25519PublicKey,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` and ``wall_clock`` drive the service's timers and timestamps; tests
        replace them to move time on. Waiting for devices always uses real time."""
        self._store = store
        self.records = LockerRecords(store)
        self._buses = dict(buses)
        self._config = config
        self._terminal_id = terminal_id
        self._hash = keyed_hash
        self._center_key = center_key
        self._clock = clock
        self._wall = wall_clock
        self.guard = GuessGuard(config.wrong_codes_before_lockout, config.first_lockout_s,
                                wall_clock)
        self._policy = PickupPolicy(self.guard, config.guessing_alarm_lockout_s)
        self.compartments = compartments_from_config(config)
        self.lower_compartments = allocation.lower_compartments(config)  # seated reach
        self._by_location = {(c.bus, c.board, c.lock): c for c in self.compartments.values()}
        self._sensors = {
            (name, board.address): board.item_sensor
            for name, bus in self._buses.items() for board in bus.boards
        }
        self._doors: dict[int, DoorSeen] = {}
        self._live: dict[int, LiveOperation] = {}
        self._left_open_alarmed: set[int] = set()
        self._unresolved: set[int] = set()      # operations waiting for their board's state
        self._silent_boards: set[tuple[str, int]] = set()   # (bus, address) given up on
        self._listeners: list[UpdateListener] = []
        self._worker = JobWorker(self._tick, TICK_S)
        self._deposits = DepositBook(retention_days=config.retention_days,
                                     terminal_id=terminal_id, keyed_hash=keyed_hash,
                                     center_key=center_key, wall_clock=wall_clock)
        self._next_overdue_check = 0.0
        self.ready = threading.Event()   # set once start-up reconciliation is done

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Call after the buses have started."""
        sync_layout(self._store, self.compartments)
        worker = self._worker
        worker.put(self._reconcile)
        for bus in self._buses.values():
            bus.on_snapshot(lambda s: worker.put(lambda: self._snapshot(s)))
            bus.on_board_health(lambda h: worker.put(lambda: self._board_health(h)))
            bus.health.subscribe(lambda h: worker.put(lambda: self._bus_health(h)))
        worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def on_update(self, listener: UpdateListener) -> None:
        """Called on the service thread whenever an operation moves on."""
        self._listeners.append(listener)

    # -- requests (any thread) ------------------------------------------------------------

    def pickup(self, code: str, *, via: str = "code",
               proxy_id_number: str | None = None) -> Future[Started | Refused]:
        """A resident's pickup with the 8-digit code (or the code from a scanned QR)."""
        return self._worker.submit(lambda: self._pickup(code, via, proxy_id_number))

    def pickup_with_qr(self, text: str, *,
                       proxy_id_number: str | None = None) -> Future[Started | Refused]:
        code = codes.code_from_qr(text, self._terminal_id)
        if code is None:
            done: Future[Started | Refused] = Future()
            done.set_result(Refused("malformed", detail="not a pickup code for this terminal"))
            return done
        return self.pickup(code, via="qr", proxy_id_number=proxy_id_number)

    def dropoff(self, size: Size | None) -> Future[Started | Refused]:
        """A resident leaves documents for staff (容缺受理 after hours)."""
        return self._worker.submit(lambda: self._begin_loading("dropoff", "resident", None, size))

    def deposit(self, staff_id: str, case_number: str, size: Size | None,
                applicant_id_number: str | None = None, *,
                lower: bool = False) -> Future[Started | Refused]:
        """Staff load a finished result (办理结果) for a resident. With the applicant's ID
        number, the applicant can also collect it with their ID card. ``lower`` asks for a
        lower compartment (allocation.py); whether one was free: ``lower_compartments``."""
        return self._worker.submit(lambda: self._begin_loading(
            "deposit", staff_id, case_number, size, applicant_id_number, lower))

    def pickup_with_identity(self, identity: Identity) -> Future[Started | Refused]:
        """The applicant collects with their ID card or social-security card."""
        digest = identity.keyed_hash(self._hash)
        return self._worker.submit(lambda: self._pickup_by_identity(digest, identity.source))

    def retrieve(self, staff_id: str, deposit_id: str) -> Future[Started | Refused]:
        """Staff take back an overdue result or collect a drop-off."""
        return self._worker.submit(lambda: self._retrieve(staff_id, deposit_id))

    def open_for_maintenance(self, actor: str, number: int) -> Future[Started | Refused]:
        return self._worker.submit(lambda: self._open(number, "maintenance", None, actor))

    def set_in_service(self, actor: str, number: int, in_service: bool) -> Future[bool]:
        return self._worker.submit(lambda: self._set_in_service(actor, number, in_service))

    # -- queries (any thread; read-only) ------------------------------------------------

    def keypad_locked_for(self) -> float:
        with self._store.reading() as db:
            return self.guard.locked_for(db)

    # Read-only views (kiosk/services/locker/records.py), for screens and tools.

    def waiting_for_staff(self) -> list[DepositView]:
        """Overdue results and residents' drop-offs, for staff to take out."""
        return self.records.waiting_for_staff()

    def stored(self) -> list[DepositView]:
        return self.records.stored()

    def free_compartments(self) -> dict[str, int]:
        return self.records.free_compartments()

    def door_report(self) -> list[dict[str, object]]:
        return self.records.door_report()

    def out_of_service(self) -> list[int]:
        return self.records.out_of_service()

    def needing_check(self) -> list[int]:
        return self.records.needing_check()

    # -- the service thread ---------------------------------------------------------------

    def _notify(self, update: OperationUpdate) -> None:
        for listener in self._listeners:
            try:
                listener(update)
            except Exception:
                log.exception("locker: an update listener failed")

    # -- start-up reconciliation ----------------------------------------------------------

    def _reconcile(self) -> None:
        """Compares the database with what the boards report, and finishes or abandons
        whatever a crash interrupted. Never sends an unlock."""
        for bus_name, bus in self._buses.items():
            for board in bus.boards:
                snapshot = self._first_read(bus, board.address)
                if snapshot is None:
                    self._silent_boards.add((bus_name, board.address))
                    with self._store.transaction() as db:
                        raise_alarm(db, "board_offline", f"{bus_name}/{board.address}",
                                    {"detail": "not readable at start"})
                    continue
                self._record_doors(snapshot, first_sighting=True)
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT id, compartment, purpose, deposit_id, state FROM door_operations "
                "WHERE state IN ('requested', 'unlock_sent', 'open')"
            ).fetchall()
        for op_id, number, purpose, deposit_id, state in rows:
            operation = LiveOperation(op_id, number, purpose, deposit_id, state)
            self._live[op_id] = operation
            self._resume(operation)
        with self._store.transaction() as db:
            for deposit_id, number in self._deposits.cancel_orphans(db):
                record(db, "terminal", "locker.deposit_cancelled", str(number),
                       {"deposit": deposit_id, "reason": "interrupted before the door closed"})
            self._check_contents(db)
        self._check_overdue()
        self.ready.set()
        log.info("locker ready: %d compartments, %d operations resumed",
                 len(self.compartments), len(rows))

    def _first_read(self, bus: LockerBus, address: int) -> BoardSnapshot | None:
        """The board's state at start, waiting a little for the line to open."""
        deadline = self._clock_real() + START_READ_S
        while True:
            try:
                return bus.read_board(address)
            except DeviceError as error:
                if self._clock_real() >= deadline or self._worker.stopping.is_set():
                    log.warning("locker: board %s/%s not readable at start: %s", bus.name,
                                address, error)
                    return None
                time.sleep(0.1)

    def _resume(self, operation: LiveOperation) -> None:
        seen = self._doors.get(operation.compartment)
        if seen is None:
            # Decided when the board is first read (see _record_doors).
            log.warning("locker: compartment %d unreadable; operation %d waits as %s",
                        operation.compartment, operation.id, operation.state)
            self._unresolved.add(operation.id)
            return
        if seen.open:
            # Whatever happened before the crash, the door is open now: finish on close.
            self._mark_open(operation, reason="resumed after restart")
            return
        if operation.state == "open":
            self._complete(operation)
            return
        # The pulse may or may not have gone out, and the door is shut now. Never pulse
        # again: let the item sensor say whether the door was opened meanwhile.
        if self._sensor_for(operation.compartment):
            if operation.purpose in ("deposit", "dropoff"):
                opened = seen.item is True
            elif operation.purpose in ("pickup", "retrieve"):
                opened = seen.item is False
            else:
                opened = False
            if opened:
                self._mark_open(operation, reason="opened while the terminal was down")
                self._complete(operation)
                return
            if operation.deposit_id and operation.purpose in ("deposit", "dropoff"):
                with self._store.transaction() as db:
                    self._deposits.finish(db, operation.deposit_id, "cancelled")
            self._end(operation, "abandoned", outcome="interrupted")
            return
        # No sensor: nobody can tell from here whether papers went in or came out. A
        # person must look, and until then nobody else is given that compartment.
        if operation.purpose != "maintenance":
            with self._store.transaction() as db:
                self._hold_for_check(db, operation)
        if operation.deposit_id and operation.purpose in ("deposit", "dropoff"):
            with self._store.transaction() as db:
                self._deposits.finish(db, operation.deposit_id, "cancelled")
        self._end(operation, "abandoned", outcome="unknown")

    def _hold_for_check(self, db: sqlite_utils.Database, operation: LiveOperation) -> None:
        """Takes a compartment whose contents are unknown out of allocation until staff
        have looked inside and put it back in service (which clears the alarm)."""
        number = operation.compartment
        raise_alarm(db, "needs_check", f"compartment {number}",
                    {"operation": operation.id, "purpose": operation.purpose})
        db.execute("UPDATE compartments SET in_service = 0 WHERE number = ?", [number])
        record(db, "terminal", "locker.out_of_service", str(number),
               {"reason": "needs_check", "operation": operation.id})
        append_event(db, "locker.compartment", {"compartment": number, "in_service": False,
                                                "reason": "needs_check"})

    def _check_contents(self, db: sqlite_utils.Database) -> None:
        """Item sensors against the records: documents missing, or unexpected."""
        for number, seen in self._doors.items():
            if seen.item is None:
                continue
            live = db.execute(
                "SELECT 1 FROM deposits WHERE compartment = ? AND state IN ('loading', 'stored')",
                [number],
            ).fetchone()
            busy = any(op.compartment == number for op in self._live.values())
            subject = f"compartment {number}"
            if live and not seen.item and not busy:
                raise_alarm(db, "document_missing", subject)
            else:
                clear_alarm(db, "document_missing", subject)
            if not live and seen.item and not busy:
                raise_alarm(db, "unexpected_item", subject)
            else:
                clear_alarm(db, "unexpected_item", subject)

    # -- bus reports --------------------------------------------------------------------

    def _snapshot(self, snapshot: BoardSnapshot) -> None:
        if not self.ready.is_set():
            return
        self._record_doors(snapshot, first_sighting=False)

    def _record_doors(self, snapshot: BoardSnapshot, *, first_sighting: bool) -> None:
        now = self._clock()
        changed: list[tuple[int, DoorSeen | None, DoorSeen]] = []
        for door in snapshot.doors:
            compartment = self._by_location.get((snapshot.bus, snapshot.board, door.lock))
            if compartment is None:
                continue
            before = self._doors.get(compartment.number)
            if before is not None and (before.open, before.item) == (door.open, door.item):
                continue
            since = now if before is None or before.open != door.open else before.since
            after = DoorSeen(door.open, door.item, since)
            self._doors[compartment.number] = after
            changed.append((compartment.number, before, after))
        if not changed:
            return
        stamp = iso(self._wall())
        with self._store.transaction() as db:
            for number, _, after in changed:
                db.execute(
                    "UPDATE compartments SET door_open = ?, item_present = ?, seen_at = ? "
                    "WHERE number = ?",
                    [int(after.open), None if after.item is None else int(after.item), stamp,
                     number],
                )
        if first_sighting:
            return
        raw = snapshot.raw.hex(" ")
        for number, before, after in changed:
            if before is None:
                # First sight of this board after start: settle what waited for it.
                for operation in list(self._live.values()):
                    if operation.compartment == number and operation.id in self._unresolved:
                        self._unresolved.discard(operation.id)
                        self._resume(operation)
                continue
            if before.open == after.open:
                if not after.open and before.item != after.item:
                    self._item_changed_behind_closed_door(number, after, raw)
                continue
            if after.open:
                self._door_opened(number, raw)
            else:
                self._door_closed(number, raw)

    def _door_opened(self, number: int, raw: str) -> None:
        operation = self._live_for(number)
        if operation is not None and operation.state in ("requested", "unlock_sent"):
            self._mark_open(operation, raw=raw)
            return
        if operation is not None:
            return
        log.warning("locker: compartment %d opened without a command", number)
        with self._store.transaction() as db:
            raise_alarm(db, "forced_open", f"compartment {number}", {"board_reply": raw})
            record(db, "unknown", "locker.forced_open", str(number), {"board_reply": raw})

    def _door_closed(self, number: int, raw: str) -> None:
        self._left_open_alarmed.discard(number)
        with self._store.transaction() as db:
            clear_alarm(db, "door_left_open", f"compartment {number}")
            clear_alarm(db, "forced_open", f"compartment {number}")
        operation = self._live_for(number)
        if operation is None:
            return
        if operation.state in ("requested", "unlock_sent"):
            # Opened and closed again between two polls.
            self._mark_open(operation, raw=raw)
        self._complete(operation, raw=raw)

    def _item_changed_behind_closed_door(self, number: int, seen: DoorSeen, raw: str) -> None:
        """A document appeared or went while the door looked shut: it opened and closed
        between two polls. If an operation was waiting for that door, it has happened."""
        operation = self._live_for(number)
        if operation is None or operation.state not in ("unlock_sent", "open"):
            return
        expected = seen.item if operation.purpose in ("deposit", "dropoff") else not seen.item
        if not expected:
            return
        if operation.state == "unlock_sent":
            self._mark_open(operation, raw=raw, reason="opened and closed between polls")
        self._complete(operation, raw=raw)

    def _board_health(self, health: BoardHealth) -> None:
        subject = f"{health.bus}/{health.board}"
        if health.online:
            self._silent_boards.discard((health.bus, health.board))
        else:
            self._silent_boards.add((health.bus, health.board))
        with self._store.transaction() as db:
            if health.online:
                clear_alarm(db, "board_offline", subject)
            else:
                raise_alarm(db, "board_offline", subject, {"detail": health.detail})

    def _bus_health(self, health: DeviceHealth) -> None:
        with self._store.transaction() as db:
            if health.state is DeviceState.READY:
                clear_alarm(db, "bus_offline", health.device)
            elif health.state in (DeviceState.ABSENT, DeviceState.FAULT):
                raise_alarm(db, "bus_offline", health.device, {"detail": health.detail})

    # -- timers -------------------------------------------------------------------------

    def _tick(self) -> None:
        now = self._clock()
        for operation in list(self._live.values()):
            if (operation.state == "unlock_sent" and operation.unlock_at is not None
                    and now - operation.unlock_at > self._config.open_timeout_s):
                self._jammed(operation)
        limit = self._config.door_open_alarm_min * 60
        for number, seen in self._doors.items():
            if seen.open and now - seen.since > limit and number not in self._left_open_alarmed:
                self._left_open_alarmed.add(number)
                with self._store.transaction() as db:
                    raise_alarm(db, "door_left_open", f"compartment {number}",
                                {"minutes": self._config.door_open_alarm_min})
        if self.ready.is_set() and now >= self._next_overdue_check:
            self._check_overdue()

    def _check_overdue(self) -> None:
        self._next_overdue_check = self._clock() + OVERDUE_CHECK_S
        with self._store.transaction() as db:
            turned = self._deposits.mark_overdue(db)
        if turned:
            log.info("locker: %d result(s) now overdue, listed for staff", turned)

    # -- flows ----------------------------------------------------------------------------

    def _pickup(self, code: str, via: str, proxy_id_number: str | None) -> Started | Refused:
        with self._store.transaction() as db:
            refusal = self._policy.locked(db, via)
        if refusal is not None:
            return refusal
        proxy_hash = None
        if proxy_id_number is not None:
            try:
                proxy_hash = self._hash("id-number", validate_id_number(proxy_id_number))
            except InvalidIdNumber as error:
                return Refused("malformed", detail=str(error))
        if not codes.is_well_formed(code):
            return Refused("malformed", detail="a pickup code has 8 digits")
        digest = codes.code_hash(self._hash, code)
        with self._store.reading() as db:
            row = db.execute(
                "SELECT id, compartment, code_expires_at FROM deposits WHERE code_hash = ? "
                "AND state = 'stored' AND kind = 'result'", [digest]
            ).fetchone()
        if row is None:
            with self._store.transaction() as db:
                return self._policy.unusable(db, via, "wrong")
        deposit_id, number, expires_at = row
        if expires_at is not None and expires_at < iso(self._wall()):
            with self._store.transaction() as db:
                return self._policy.unusable(db, via, "expired", number, deposit_id)

        def accepted(db: sqlite_utils.Database) -> None:
            record(db, "resident", "locker.pickup_attempt", str(number),
                   {"via": via, "outcome": "accepted", "deposit": deposit_id,
                    "proxy": proxy_hash is not None})

        actor = f"proxy:{proxy_hash}" if proxy_hash else f"resident:{via}"
        started = self._open(number, "pickup", deposit_id, actor, also=accepted)
        with self._store.transaction() as db:
            # Only a door that opened ends a streak; a busy or failed one counts as tried.
            if isinstance(started, Started):
                self._policy.opened(db)
                return started
            return self._policy.unusable(db, via, started.reason, number, deposit_id,
                                            started.detail)

    def _pickup_by_identity(self, identity_hash: str, via: str) -> Started | Refused:
        now = iso(self._wall())
        with self._store.reading() as db:
            row = db.execute(
                "SELECT id, compartment FROM deposits WHERE applicant_hash = ? AND "
                "state = 'stored' AND kind = 'result' AND (code_expires_at IS NULL OR "
                "code_expires_at >= ?) ORDER BY stored_at LIMIT 1", [identity_hash, now]
            ).fetchone()
        if row is None:
            with self._store.transaction() as db:
                record(db, "resident", "locker.pickup_attempt",
                       detail={"via": via, "outcome": "nothing_for_identity"})
            return Refused("not_found", detail="nothing waits for this card")
        deposit_id, number = row

        def accepted(db: sqlite_utils.Database) -> None:
            record(db, "resident", "locker.pickup_attempt", str(number),
                   {"via": via, "outcome": "accepted", "deposit": deposit_id})

        return self._open(number, "pickup", deposit_id, f"resident:{via}", also=accepted)

    def _begin_loading(self, purpose: Purpose, actor: str, case_number: str | None,
                       size: Size | None, applicant_id_number: str | None = None,
                       lower: bool = False) -> Started | Refused:
        if purpose == "deposit" and not (case_number and case_number.strip()):
            return Refused("malformed", detail="a case number (办件编号) is needed")
        applicant_hash = None
        if applicant_id_number:
            try:
                applicant_hash = self._hash("id-number", validate_id_number(applicant_id_number))
            except InvalidIdNumber as error:
                return Refused("malformed", detail=f"applicant: {error}")
        number = self._allocate(size, lower=lower)
        if number is None:
            return Refused("no_compartment", detail=f"no free compartment of size {size or 'S'} "
                                                    "or larger")
        deposit_id = str(uuid.uuid4())
        with self._store.transaction() as db:
            db["deposits"].insert({
                "id": deposit_id, "kind": "result" if purpose == "deposit" else "dropoff",
                "compartment": number, "state": "loading",
                "case_number": case_number.strip() if case_number else None,
                "applicant_hash": applicant_hash, "needs_lower": int(lower),
                "deposited_by": actor, "created_at": iso(self._wall()),
            })
        return self._open(number, purpose, deposit_id, actor)

    def _retrieve(self, staff_id: str, deposit_id: str) -> Started | Refused:
        with self._store.reading() as db:
            row = db.execute("SELECT compartment FROM deposits WHERE id = ? AND state = 'stored'",
                             [deposit_id]).fetchone()
        if row is None:
            return Refused("not_found", detail="nothing stored under that id")
        return self._open(row[0], "retrieve", deposit_id, staff_id)

    def _set_in_service(self, actor: str, number: int, in_service: bool) -> bool:
        if number not in self.compartments:
            return False
        with self._store.transaction() as db:
            db.execute("UPDATE compartments SET in_service = ? WHERE number = ?",
                       [int(in_service), number])
            record(db, actor, "locker.in_service" if in_service else "locker.out_of_service",
                   str(number))
            if in_service:
                clear_alarm(db, "door_jammed", f"compartment {number}")
                clear_alarm(db, "needs_check", f"compartment {number}")
            append_event(db, "locker.compartment", {"compartment": number,
                                                    "in_service": in_service})
        return True

    def _allocate(self, size: Size | None, *, lower: bool = False) -> int | None:
        """A free, working, closed compartment that fits (allocation.py says which)."""
        busy = {op.compartment for op in self._live.values()}
        with self._store.reading() as db:
            free = [(n, s) for n, s in allocation.free_compartments(db)
                    if n not in busy and self._doors.get(n) is not None]
        return allocation.choose_compartment(free, size, lower=lower,
                                             lower_ones=self.lower_compartments)

    # -- one door operation -------------------------------------------------------------

    def _open(self, number: int, purpose: Purpose, deposit_id: str | None, actor: str,
              *, also: Callable[[sqlite_utils.Database], None] | None = None
              ) -> Started | Refused:
        """Commits the intent to open ``number``, then sends the pulse. ``also`` writes
        more in the same transaction (a pickup's accepted attempt), so the pulse waits for
        one commit only."""
        compartment = self.compartments.get(number)
        if compartment is None:
            return Refused("not_found", detail=f"no compartment {number}")
        if self._live_for(number) is not None:
            return Refused("busy", detail=f"compartment {number} is already being opened")
        if (compartment.bus, compartment.board) in self._silent_boards:
            # A pulse to a board that does not answer might open the door unseen, and
            # nothing could tell the resident or staff whether it did: refuse at once.
            return Refused("device", detail=f"lock board {compartment.bus}/"
                                            f"{compartment.board} does not answer")
        now = iso(self._wall())
        with self._store.transaction() as db:
            if also is not None:
                also(db)
            op_id = db["door_operations"].insert({
                "compartment": number, "purpose": purpose, "deposit_id": deposit_id,
                "actor": actor, "state": "requested", "requested_at": now,
            }).last_pk
            record(db, actor, f"locker.{purpose}.requested", str(number),
                   {"operation": op_id, "deposit": deposit_id})
        operation = LiveOperation(int(op_id), number, purpose, deposit_id, "requested")
        self._live[operation.id] = operation
        bus = self._buses[compartment.bus]
        try:
            ack = bus.unlock(compartment.board, compartment.lock)
        except UnlockNotSent as error:
            log.warning("locker: compartment %d not opened: %s", number, error)
            self._end(operation, "failed", outcome="device", detail=str(error))
            if deposit_id and purpose in ("deposit", "dropoff"):
                with self._store.transaction() as db:
                    self._deposits.finish(db, deposit_id, "cancelled")
            return Refused("device", detail=str(error))
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
        seen = self._doors.get(number)
        if seen is not None and seen.open:
            # Already open (a broken latch or a door left ajar): no wait for a change.
            self._mark_open(operation, reason="already open")
        return Started(operation.id, number, purpose)

    def _mark_open(self, operation: LiveOperation, raw: str | None = None,
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

    def _complete(self, operation: LiveOperation, raw: str | None = None) -> None:
        """The door is closed again: settle the business fact by purpose."""
        seen = self._doors.get(operation.compartment)
        item = None if seen is None else seen.item
        number = operation.compartment
        receipt = None
        with self._store.transaction() as db:
            if operation.purpose in ("deposit", "dropoff"):
                if item is False:
                    outcome = "empty"
                    self._deposits.finish(db, operation.deposit_id, "cancelled")
                else:
                    outcome = "stored"
                    receipt = self._deposits.store(db, str(operation.deposit_id),
                                                    operation.compartment)
            elif operation.purpose in ("pickup", "retrieve"):
                if item is True:
                    outcome = "item_left"
                    raise_alarm(db, "item_left_behind", f"compartment {number}",
                                {"operation": operation.id})
                else:
                    outcome = "collected" if operation.purpose == "pickup" else "retrieved"
                    self._deposits.finish(db, operation.deposit_id, outcome,
                                          operation.compartment, self._collected_by(operation))
                    clear_alarm(db, "item_left_behind", f"compartment {number}")
            else:
                outcome = "closed"
            self._end_in(db, operation, "completed", outcome, raw)
        self._live.pop(operation.id, None)
        log.info("locker: compartment %d %s %s", number, operation.purpose, outcome)
        self._notify(OperationUpdate(operation.id, number, operation.purpose, "completed",
                                     outcome, receipt))

    def _collected_by(self, operation: LiveOperation) -> str:
        with self._store.reading() as db:
            row = db.execute("SELECT actor FROM door_operations WHERE id = ?",
                             [operation.id]).fetchone()
        return str(row[0]) if row else "unknown"

    def _jammed(self, operation: LiveOperation) -> None:
        number = operation.compartment
        log.warning("locker: compartment %d did not open after the unlock pulse (jammed?)", number)
        replacement: Started | Refused | None = None
        with self._store.transaction() as db:
            raise_alarm(db, "door_jammed", f"compartment {number}", {"operation": operation.id})
            db.execute("UPDATE compartments SET in_service = 0 WHERE number = ?", [number])
            record(db, "terminal", "locker.out_of_service", str(number), {"reason": "jammed"})
        self._end(operation, "jammed", outcome="jammed", notify=False)
        if operation.purpose in ("deposit", "dropoff") and operation.deposit_id:
            # The document is still in the staff's or resident's hand: use another door.
            with self._store.reading() as db:
                size = db.execute("SELECT size FROM compartments WHERE number = ?",
                                  [number]).fetchone()[0]
                lower = allocation.needs_lower(db, operation.deposit_id)
            other = self._allocate(size, lower=lower)
            if other is not None:
                with self._store.transaction() as db:
                    db.execute("UPDATE deposits SET compartment = ? WHERE id = ?",
                               [other, operation.deposit_id])
                actor = self._collected_by(operation)
                replacement = self._open(other, operation.purpose, operation.deposit_id, actor)
            else:
                with self._store.transaction() as db:
                    self._deposits.finish(db, operation.deposit_id, "cancelled")
        moved = replacement if isinstance(replacement, Started) else None
        self._notify(OperationUpdate(
            operation.id, number, operation.purpose, "jammed", "jammed",
            replacement=moved.compartment if moved else None,
            replacement_operation=moved.operation_id if moved else None))

    def _end(self, operation: LiveOperation, state: str, *, outcome: str,
             detail: str | None = None, notify: bool = True) -> None:
        with self._store.transaction() as db:
            self._end_in(db, operation, state, outcome, None, detail)
        self._live.pop(operation.id, None)
        if notify:
            self._notify(OperationUpdate(operation.id, operation.compartment, operation.purpose,
                                         state, outcome))

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

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _clock_real() -> float:
        return time.monotonic()

    def _live_for(self, number: int) -> LiveOperation | None:
        for operation in self._live.values():
            if operation.compartment == number:
                return operation
        return None

    def _sensor_for(self, number: int) -> bool:
        compartment = self.compartments[number]
        return self._sensors.get((compartment.bus, compartment.board), False)
