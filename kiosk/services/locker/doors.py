"""What each locker door was last seen as, and the boards and buses that stopped answering.

The tracker reads the lock boards' snapshots: it keeps the last state of every configured
door (and the compartments table's door columns in step with it), and turns each snapshot
into transitions - a board's first sight, a door opened or closed, a document appearing or
going behind a shut door - for the door operations to act on. It owns the alarms that
belong to doors and boards alone: forced open, left open, board offline and bus offline.
It runs on the locker service's thread, like every other part of the service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from devices.health import DeviceHealth, DeviceState
from devices.locker.port import BoardHealth, BoardSnapshot
from kiosk.services.alarms import clear_alarm, raise_alarm
from kiosk.services.audit import record
from kiosk.services.locker.deposit_book import iso
from kiosk.services.locker.model import Compartment
from kiosk.store import Store

log = logging.getLogger("kiosk.locker")

ChangeKind = Literal["first_sight", "opened", "closed", "item_changed"]


@dataclass(frozen=True)
class DoorSeen:
    open: bool
    item: bool | None
    since: float          # monotonic time the door last changed between open and closed


@dataclass(frozen=True)
class DoorChange:
    """One door's transition in a snapshot. ``first_sight``: the door's board is read for
    the first time since start; ``item_changed``: a document appeared or went while the
    door looked shut (it opened and closed between two polls)."""

    compartment: int
    kind: ChangeKind
    seen: DoorSeen
    raw: str              # the board's reply in hex, for the audit trail


class DoorTracker:
    def __init__(self, store: Store, compartments: Mapping[int, Compartment],
                 sensors: Mapping[tuple[str, int], bool], *, door_open_alarm_min: int,
                 clock: Callable[[], float], wall_clock: Callable[[], float]) -> None:
        """``sensors`` says, per (bus, board address), whether item sensors are fitted."""
        self._store = store
        self._compartments = dict(compartments)
        self._by_location = {(c.bus, c.board, c.lock): c for c in compartments.values()}
        self._sensors = dict(sensors)
        self._door_open_alarm_min = door_open_alarm_min
        self._clock = clock
        self._wall = wall_clock
        self._doors: dict[int, DoorSeen] = {}
        self._left_open_alarmed: set[int] = set()
        self._silent_boards: set[tuple[str, int]] = set()   # (bus, address) given up on

    # -- what is known ------------------------------------------------------------------

    def seen(self, number: int) -> DoorSeen | None:
        """The door as last seen; None while its board has not been read since start."""
        return self._doors.get(number)

    def sightings(self) -> dict[int, DoorSeen]:
        """Every door seen so far, by compartment (a copy)."""
        return dict(self._doors)

    def has_sensor(self, number: int) -> bool:
        compartment = self._compartments[number]
        return self._sensors.get((compartment.bus, compartment.board), False)

    def board_silent(self, bus: str, board: int) -> bool:
        """Whether the board has stopped answering (or never answered since start)."""
        return (bus, board) in self._silent_boards

    # -- snapshots ----------------------------------------------------------------------

    def record(self, snapshot: BoardSnapshot, *, first_sighting: bool = False
               ) -> list[DoorChange]:
        """Takes in a board's state and returns its transitions, in lock order. A
        ``first_sighting`` (the read at start) only records: whatever it finds is settled
        by start-up reconciliation, not as transitions."""
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
            return []
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
            return []
        raw = snapshot.raw.hex(" ")
        return [change for number, before, after in changed
                if (change := _transition(number, before, after, raw)) is not None]

    # -- alarms of doors, boards and buses ------------------------------------------------

    def forced_open(self, number: int, raw: str) -> None:
        """The door opened and no operation was waiting for it."""
        log.warning("locker: compartment %d opened without a command", number)
        with self._store.transaction() as db:
            raise_alarm(db, "forced_open", f"compartment {number}", {"board_reply": raw})
            record(db, "unknown", "locker.forced_open", str(number), {"board_reply": raw})

    def closed(self, number: int) -> None:
        """The door shut: it is neither left open nor forced any more."""
        self._left_open_alarmed.discard(number)
        with self._store.transaction() as db:
            clear_alarm(db, "door_left_open", f"compartment {number}")
            clear_alarm(db, "forced_open", f"compartment {number}")

    def check_left_open(self, now: float) -> None:
        """Raises door_left_open, once per opening, for doors open too long."""
        limit = self._door_open_alarm_min * 60
        for number, seen in self._doors.items():
            if seen.open and now - seen.since > limit and number not in self._left_open_alarmed:
                self._left_open_alarmed.add(number)
                with self._store.transaction() as db:
                    raise_alarm(db, "door_left_open", f"compartment {number}",
                                {"minutes": self._door_open_alarm_min})

    def unreadable_at_start(self, bus: str, board: int) -> None:
        """The board did not answer the read at start: no pulse goes to it until it does."""
        self._silent_boards.add((bus, board))
        with self._store.transaction() as db:
            raise_alarm(db, "board_offline", f"{bus}/{board}",
                        {"detail": "not readable at start"})

    def board_health(self, health: BoardHealth) -> None:
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

    def bus_health(self, health: DeviceHealth) -> None:
        with self._store.transaction() as db:
            if health.state is DeviceState.READY:
                clear_alarm(db, "bus_offline", health.device)
            elif health.state in (DeviceState.ABSENT, DeviceState.FAULT):
                raise_alarm(db, "bus_offline", health.device, {"detail": health.detail})


def _transition(number: int, before: DoorSeen | None, after: DoorSeen, raw: str
                ) -> DoorChange | None:
    """What one door's change means; None for a change nobody acts on (a document put in
    or taken out while the door stands open)."""
    if before is None:
        return DoorChange(number, "first_sight", after, raw)
    if before.open == after.open:
        if not after.open and before.item != after.item:
            return DoorChange(number, "item_changed", after, raw)
        return None
    return DoorChange(number, "opened" if after.open else "closed", after, raw)
