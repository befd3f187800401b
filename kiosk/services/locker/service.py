"""The locker service: every door opening from intent to outcome, on one thread.

All state changes happen on the service's own thread ("locker-service", job_worker.py),
fed by a queue: requests from the UI and tools, snapshots and health reports from the bus
threads, and a timer tick. Nothing else writes locker rows, so the flows need no further
locking.

The rules that make power cuts harmless:

- An operation row is committed *before* its unlock pulse is sent. After a crash the
  terminal therefore knows a pulse may have gone out, and it never sends it again on its
  own: it looks at the door instead.
- A deposit is committed (and its pickup code made) only when the door is seen closed
  again with the document inside (where an item sensor is fitted).
- The business change, its audit record and its outbox event share one transaction.

This class is the façade the UI, the command handlers, the admin socket and the tools
use; the work is done by its parts, each owning its own state: the doors as last seen
(doors.py), the door operations (operations.py), start-up reconciliation (reconcile.py),
the pickup and deposit flows (pickup_flows.py, deposit_flows.py) and the overdue check
(overdue.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from devices.locker.port import BoardSnapshot, LockerBus
from kiosk.config.locker_schema import LockerConfig
from kiosk.services.identity import Identity
from kiosk.services.keys import KeyedHash
from kiosk.services.locker import allocation, codes, in_service
from kiosk.services.locker.deposit_book import DepositBook
from kiosk.services.locker.deposit_flows import DepositFlows
from kiosk.services.locker.doors import DoorChange, DoorTracker
from kiosk.services.locker.guard import GuessGuard
from kiosk.services.locker.job_worker import JobWorker, Worker
from kiosk.services.locker.layout import compartments_from_config, sync_layout
from kiosk.services.locker.model import DepositView, LockerRefusal, Refused, Size, Started
from kiosk.services.locker.operations import DoorOperations, UpdateListener
from kiosk.services.locker.overdue import OverdueWatch
from kiosk.services.locker.pickup_flows import PickupFlows
from kiosk.services.locker.pickup_policy import PickupPolicy
from kiosk.services.locker.reconcile import StartupReconciler
from kiosk.services.locker.records import LockerRecords
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

TICK_S = 0.1


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
        worker: Worker | None = None,
    ) -> None:
        """``clock`` and ``wall_clock`` drive the service's timers and timestamps; tests
        replace them to move time on. Waiting for devices always uses real time.
        ``worker`` runs the service's jobs: its own thread unless given (tests pass an
        InlineWorker to run them on their own thread, step by step)."""
        self._store = store
        self.records = LockerRecords(store)
        self._buses = dict(buses)
        self._terminal_id = terminal_id
        self._hash = keyed_hash
        self._clock = clock
        self.guard = GuessGuard(config.wrong_codes_before_lockout, config.first_lockout_s,
                                wall_clock)
        self.compartments = compartments_from_config(config)
        self.lower_compartments = allocation.lower_compartments(config)  # seated reach
        self._worker: Worker = worker if worker is not None else JobWorker(TICK_S)
        self._deposits = deposits = DepositBook(
            retention_days=config.retention_days, terminal_id=terminal_id,
            keyed_hash=keyed_hash, center_key=center_key, wall_clock=wall_clock)
        self._doors = DoorTracker(
            store, self.compartments,
            {(name, board.address): board.item_sensor
             for name, bus in self._buses.items() for board in bus.boards},
            door_open_alarm_min=config.door_open_alarm_min, clock=clock, wall_clock=wall_clock)
        self._operations = DoorOperations(
            store=store, buses=self._buses, compartments=self.compartments,
            lower_compartments=self.lower_compartments, doors=self._doors, deposits=deposits,
            open_timeout_s=config.open_timeout_s, clock=clock, wall_clock=wall_clock)
        self._reconciler = StartupReconciler(
            store=store, buses=self._buses, doors=self._doors, operations=self._operations,
            deposits=deposits, stopping=self._worker.stopping)
        self._pickups = PickupFlows(
            store=store, keyed_hash=keyed_hash,
            policy=PickupPolicy(self.guard, config.guessing_alarm_lockout_s),
            operations=self._operations, wall_clock=wall_clock)
        self._deposit_flows = DepositFlows(store=store, keyed_hash=keyed_hash,
                                           operations=self._operations, wall_clock=wall_clock)
        self._overdue = OverdueWatch(store, deposits, clock)
        self.ready = threading.Event()   # set once start-up reconciliation is done

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Call after the buses have started."""
        sync_layout(self._store, self.compartments)
        worker, doors = self._worker, self._doors
        worker.put(self._start_up)
        for bus in self._buses.values():
            bus.on_snapshot(lambda s: worker.put(lambda: self._snapshot(s)))
            bus.on_board_health(lambda h: worker.put(lambda: doors.board_health(h)))
            bus.health.subscribe(lambda h: worker.put(lambda: doors.bus_health(h)))
        worker.start(self._tick)

    def stop(self) -> None:
        self._worker.stop()

    def on_update(self, listener: UpdateListener) -> None:
        """Called on the service thread whenever an operation moves on."""
        self._operations.on_update(listener)

    # -- requests (any thread) ------------------------------------------------------------

    def pickup(self, code: str, *, via: str = "code",
               proxy_id_number: str | None = None) -> Future[Started | Refused]:
        """A resident's pickup with the 8-digit code (or the code from a scanned QR)."""
        return self._worker.submit(lambda: self._pickups.by_code(code, via, proxy_id_number))

    def pickup_with_qr(self, text: str, *,
                       proxy_id_number: str | None = None) -> Future[Started | Refused]:
        code = codes.code_from_qr(text, self._terminal_id)
        if code is None:
            done: Future[Started | Refused] = Future()
            done.set_result(Refused(LockerRefusal.MALFORMED,
                                    detail="not a pickup code for this terminal"))
            return done
        return self.pickup(code, via="qr", proxy_id_number=proxy_id_number)

    def dropoff(self, size: Size | None) -> Future[Started | Refused]:
        """A resident leaves documents for staff (容缺受理 after hours)."""
        return self._worker.submit(
            lambda: self._deposit_flows.begin_loading("dropoff", "resident", None, size))

    def deposit(self, staff_id: str, case_number: str, size: Size | None,
                applicant_id_number: str | None = None, *,
                lower: bool = False) -> Future[Started | Refused]:
        """Staff load a finished result (办理结果) for a resident. With the applicant's ID
        number, the applicant can also collect it with their ID card. ``lower`` asks for a
        lower compartment (allocation.py); whether one was free: ``lower_compartments``."""
        return self._worker.submit(lambda: self._deposit_flows.begin_loading(
            "deposit", staff_id, case_number, size, applicant_id_number, lower))

    def pickup_with_identity(self, identity: Identity) -> Future[Started | Refused]:
        """The applicant collects with their ID card or social-security card."""
        digest = identity.keyed_hash(self._hash)
        return self._worker.submit(lambda: self._pickups.by_identity(digest, identity.source))

    def retrieve(self, staff_id: str, deposit_id: str) -> Future[Started | Refused]:
        """Staff take back an overdue result or collect a drop-off."""
        return self._worker.submit(lambda: self._deposit_flows.retrieve(staff_id, deposit_id))

    def open_for_maintenance(self, actor: str, number: int) -> Future[Started | Refused]:
        return self._worker.submit(
            lambda: self._operations.open(number, "maintenance", None, actor))

    def set_in_service(self, actor: str, number: int, in_service: bool) -> Future[bool]:
        return self._worker.submit(lambda: self._set_in_service(actor, number, in_service))

    def reissue_code(self, actor: str, deposit_id: str) -> Future[str | None]:
        """A new pickup code for a waiting result; the future holds why not, or None."""
        return self._worker.submit(lambda: self._reissue_code(actor, deposit_id))

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

    def _start_up(self) -> None:
        resumed = self._reconciler.run()
        self._overdue.check()
        self.ready.set()
        log.info("locker ready: %d compartments, %d operations resumed",
                 len(self.compartments), resumed)

    def _snapshot(self, snapshot: BoardSnapshot) -> None:
        if not self.ready.is_set():
            return   # start-up reconciliation reads the boards itself
        for change in self._doors.record(snapshot):
            self._door_changed(change)

    def _door_changed(self, change: DoorChange) -> None:
        """Hands one door's transition to whoever acts on it."""
        number, raw = change.compartment, change.raw
        if change.kind == "first_sight":
            self._reconciler.first_sight(number)
        elif change.kind == "opened":
            if not self._operations.door_opened(number, raw):
                self._doors.forced_open(number, raw)
        elif change.kind == "closed":
            self._doors.closed(number)
            self._operations.door_closed(number, raw)
        else:
            self._operations.item_changed(number, change.seen, raw)

    def _set_in_service(self, actor: str, number: int, in_service_now: bool) -> bool:
        if number not in self.compartments:
            return False
        with self._store.transaction() as db:
            in_service.set_in_service(db, actor, number, in_service_now)
        return True

    def _reissue_code(self, actor: str, deposit_id: str) -> str | None:
        with self._store.transaction() as db:
            return self._deposits.reissue_code(db, deposit_id, actor)

    def _tick(self) -> None:
        now = self._clock()
        self._operations.check_timeouts(now)
        self._doors.check_left_open(now)
        if self.ready.is_set():
            self._overdue.check_if_due(now)
