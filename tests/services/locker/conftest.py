"""A locker in memory, for the tests of the locker's policy and flows: the real service on
the in-memory lock bus (tests/fixtures/fake_lock_bus.py), its jobs run on the test's own
thread (InlineWorker), its time a FakeClock. Nothing waits: when a request's future comes
back, the service has done everything the request and the bus's reports led to, so a test
asserts at once. Tests whose point is the wire use ``locker_rig`` (tests/fixtures/locker.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.locker.port import BoardConfig
from kiosk.config.locker_schema import (
    LockerConfig,
)
from kiosk.services.keys import KeyedHash
from kiosk.services.locker.job_worker import InlineWorker
from kiosk.services.locker.layout import compartments_from_config
from kiosk.services.locker.model import OperationUpdate
from kiosk.services.locker.service import LockerService
from kiosk.simulation.center import DemoCenter
from kiosk.store import Store, open_store
from tests.fixtures.clock import FakeClock
from tests.fixtures.fake_lock_bus import Delivery, FakeDoor, FakeLockBus
from tests.fixtures.locker import TERMINAL_KEY, locker_config


@dataclass
class FakeLocker:
    bus: FakeLockBus
    store: Store
    center: X25519PrivateKey
    config: LockerConfig
    board: BoardConfig
    db_path: Path
    clock: FakeClock       # the service's monotonic and wall clocks, moving together
    service: LockerService | None = None
    worker: InlineWorker | None = None
    updates: list[OperationUpdate] = field(default_factory=list)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> LockerService:
        self.bus.start()
        self.worker = InlineWorker()
        self.service = LockerService(
            store=self.store, buses={"main": self.bus}, config=self.config,
            terminal_id="test-01", keyed_hash=KeyedHash(TERMINAL_KEY),
            center_key=self.center.public_key(), clock=self.clock.monotonic,
            wall_clock=self.clock.time, worker=self.worker,
        )
        self.service.on_update(self.updates.append)
        self.service.start()
        assert self.service.ready.is_set(), "the locker did not finish its start-up check"
        return self.service

    def restart(self) -> LockerService:
        self.stop()
        self.updates = []
        return self.start()

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
        self.bus.stop()
        self.service = self.worker = None

    def advance(self, seconds: float) -> None:
        """Time passes: the clocks move on and the service's timer runs."""
        self.clock.advance(seconds)
        assert self.worker is not None
        self.worker.tick()

    # -- what the service said ------------------------------------------------------------

    def next_update(self, state: str, operation_id: int | None = None,
                    compartment: int | None = None) -> OperationUpdate:
        """The first update not yet taken in ``state`` (for the operation or compartment),
        with those before it; fails if there is none."""
        while self.updates:
            update = self.updates.pop(0)
            if (update.state == state and operation_id in (None, update.operation_id)
                    and compartment in (None, update.compartment)):
                return update
        raise AssertionError(f"no {state} update (operation {operation_id}, compartment "
                             f"{compartment})")

    def codes(self) -> dict[int, str]:
        """Compartment -> the code the district center would text to the applicant."""
        return {d.compartment: d.code for d in DemoCenter(self.center).codes_for_stored(self.store)}

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.store.reading() as db:
            return list(db.execute(sql, list(args)).fetchall())

    # -- the person at the locker ---------------------------------------------------------

    def lock_of(self, number: int) -> int:
        return compartments_from_config(self.config)[number].lock

    def door(self, number: int) -> FakeDoor:
        return self.bus.door(self.board.address, self.lock_of(number))

    def opened(self, number: int) -> None:
        """The door stands open and the terminal has seen it open, as a person reaching in
        would find it."""
        assert self.door(number).open, f"door {number} is shut"
        self.next_update("open", compartment=number)

    def put_in_and_close(self, number: int) -> None:
        self.opened(number)
        self.bus.put_item(self.board.address, self.lock_of(number))
        self.close(number)

    def take_out_and_close(self, number: int) -> None:
        self.opened(number)
        self.bus.take_item(self.board.address, self.lock_of(number))
        self.close(number)

    def close(self, number: int) -> None:
        self.bus.close_door(self.board.address, self.lock_of(number))

    def deposit(self, case_number: str = "CASE-0001", size: Any = None) -> int:
        """Staff store a document; returns the compartment."""
        assert self.service is not None
        started = self.service.deposit("staff-1", case_number, size).result(0)
        self.put_in_and_close(started.compartment)
        self.next_update("completed", started.operation_id)
        return started.compartment


@pytest.fixture
def fake_locker(tmp_path: Path, caplog: pytest.LogCaptureFixture
                ) -> Iterator[Callable[..., FakeLocker]]:
    """fake_locker(protocol="kerong-cu16", item_sensor=True, locks=8, deliver="at_once",
    **locker settings): one board, compartments 1 to locks-2 small, the last two large.
    A job the service could not handle (logged with its traceback) fails the test."""
    made: list[FakeLocker] = []

    def make(protocol: str = "kerong-cu16", item_sensor: bool = True, locks: int = 8,
             deliver: Delivery = "at_once", **settings: Any) -> FakeLocker:
        address = 1 if protocol == "generic-8a" else 0
        board = BoardConfig(address=address, locks=locks, item_sensor=item_sensor)
        clock = FakeClock()
        config = locker_config(protocol, address, locks, item_sensor, **settings)
        db_path = tmp_path / f"var{len(made)}" / "kiosk.db"
        rig = FakeLocker(FakeLockBus((board,), deliver=deliver, clock=clock.monotonic),
                         open_store(db_path), X25519PrivateKey.generate(), config, board,
                         db_path, clock)
        made.append(rig)
        return rig

    yield make
    for rig in made:
        rig.stop()
        rig.store.close()
    failures = [r for r in caplog.records if r.name == "kiosk.locker" and r.exc_info]
    assert not failures, f"the locker service failed: {failures[0].getMessage()}"
