"""A station's 24-hour document locker over days, as the terminal's locker reports it:
results stored by staff (with the pickup code sealed to the center), collected by the
applicant or a proxy, overdue past the retention period and then taken back by staff,
and papers residents leave after hours for staff to retrieve."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from center.fleet_simulator.hours import (
    DAY_S,
    STAFFED_S,
    iso_utc_ms,
    local_day,
    staffed_later,
)
from center.fleet_simulator.terminal import PRIORITY_BUSINESS
from contract.sealing import seal

DEPOSITS_PER_DAY = 25
DROPOFFS_PER_DAY = 6
RETENTION_S = 7 * DAY_S
# Compartments as in the heartbeat example of docs/mqtt.md: 16 doors, S, M and L.
SIZES = ("S",) * 8 + ("M",) * 6 + ("L",) * 2

Record = Callable[[str, dict[str, Any], int, float], object]
Schedule = Callable[[float, Callable[[float], object]], None]


@dataclass
class Deposit:
    id: str
    compartment: int
    kind: str               # "result" or "dropoff"
    case_number: str = ""
    due_at: float = 0.0


class LockerBank:
    def __init__(self, rng: random.Random, record: Record, schedule: Schedule,
                 new_id: Callable[[], str], terminal_id: str, center_key: X25519PublicKey,
                 busyness: float) -> None:
        self._rng = rng
        self._record = record
        self._schedule = schedule
        self._new_id = new_id
        self._terminal_id = terminal_id
        self._center_key = center_key
        self._deposit_rate = DEPOSITS_PER_DAY * busyness / STAFFED_S
        self._dropoff_rate = DROPOFFS_PER_DAY * busyness / DAY_S
        self._held: dict[int, Deposit] = {}
        self._receipts: dict[str, int] = {}
        # Case numbers (办件编号) as the district's case system gives them.
        self._office = rng.randrange(100, 900)
        self._cases = rng.randrange(1, 100_000)

    def start(self, t: float) -> None:
        self._schedule(staffed_later(t, self._rng.expovariate(self._deposit_rate)),
                       self._store_result)
        self._schedule(t + self._rng.expovariate(self._dropoff_rate), self._dropoff)

    def section(self) -> dict[str, Any]:
        """The heartbeat's ``locker`` section."""
        by_size: dict[str, dict[str, int]] = {}
        for number, size in enumerate(SIZES, start=1):
            counts = by_size.setdefault(size, {"total": 0, "occupied": 0, "free": 0})
            counts["total"] += 1
            counts["occupied" if number in self._held else "free"] += 1
        return {"compartments": len(SIZES), "occupied": len(self._held), "outOfService": [],
                "bySize": by_size}

    def _free_compartment(self, sizes: tuple[str, ...]) -> int | None:
        free = [n for n, size in enumerate(SIZES, start=1)
                if size in sizes and n not in self._held]
        return self._rng.choice(free) if free else None

    # -- results stored by staff, collected by residents --------------------------------

    def _store_result(self, t: float) -> None:
        self._schedule(staffed_later(t, self._rng.expovariate(self._deposit_rate)),
                       self._store_result)
        number = self._free_compartment(("S", "M") if self._rng.random() < 0.9 else ("L",))
        if number is None:
            return      # the locker is full: staff hand the result over at the window
        self._cases += 1
        deposit = Deposit(self._new_id(), number, "result",
                          f"XC-{local_day(t)[:4]}-{self._office}-{self._cases:06d}",
                          t + RETENTION_S)
        self._held[number] = deposit
        code = f"{self._rng.randrange(10 ** 8):08d}"
        pickup = seal(self._center_key,
                      {"code": code, "qr": f"KIOSK-PICKUP:{self._terminal_id}:{code}"},
                      associated=deposit.id)
        payload: dict[str, Any] = {
            "deposit": deposit.id, "compartment": number, "size": SIZES[number - 1],
            "case_number": deposit.case_number,
            "stored_at": iso_utc_ms(t), "expires_at": iso_utc_ms(deposit.due_at),
            "pickup": pickup}
        if self._rng.random() < 0.05:
            payload["lower"] = True
        self._record("locker.deposited", payload, PRIORITY_BUSINESS, t)
        # Most collect within a day or two of the text message; some never come.
        wait = self._rng.lognormvariate(11.0, 0.9)     # median about 17 hours
        if t + wait < deposit.due_at:
            self._schedule(t + wait, lambda at: self._collect(deposit, at))
        else:
            self._schedule(deposit.due_at, lambda at: self._overdue(deposit, at))

    def _collect(self, deposit: Deposit, t: float) -> None:
        self._held.pop(deposit.compartment, None)
        self._record("locker.collected", {
            "deposit": deposit.id, "compartment": deposit.compartment,
            "by": "proxy" if self._rng.random() < 0.15 else "applicant",
            "at": iso_utc_ms(t)}, PRIORITY_BUSINESS, t)

    def _overdue(self, deposit: Deposit, t: float) -> None:
        self._record("locker.overdue", {
            "deposit": deposit.id, "compartment": deposit.compartment,
            "case_number": deposit.case_number, "due_at": iso_utc_ms(deposit.due_at)},
            PRIORITY_BUSINESS, t)
        self._schedule(staffed_later(t, self._rng.expovariate(1 / 3600)),
                       lambda at: self._retrieve(deposit, at))

    # -- papers left by residents, retrieved by staff -----------------------------------

    def _dropoff(self, t: float) -> None:
        self._schedule(t + self._rng.expovariate(self._dropoff_rate), self._dropoff)
        number = self._free_compartment(("S", "M", "L"))
        if number is None:
            return
        deposit = Deposit(self._new_id(), number, "dropoff")
        self._held[number] = deposit
        day = local_day(t)
        self._receipts[day] = self._receipts.get(day, 0) + 1
        receipt = f"{day[2:4]}{day[5:7]}{day[8:10]}{self._receipts[day]:03d}"
        self._record("locker.dropoff", {"deposit": deposit.id, "compartment": number,
                                        "receipt": receipt, "at": iso_utc_ms(t)},
                     PRIORITY_BUSINESS, t)
        self._schedule(staffed_later(t, self._rng.expovariate(1 / 1800)),
                       lambda at: self._retrieve(deposit, at))

    def _retrieve(self, deposit: Deposit, t: float) -> None:
        self._held.pop(deposit.compartment, None)
        self._record("locker.retrieved", {"deposit": deposit.id,
                                          "compartment": deposit.compartment,
                                          "by": "staff", "at": iso_utc_ms(t)},
                     PRIORITY_BUSINESS, t)
