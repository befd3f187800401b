"""The physical side of a simulated locker: doors, latches, documents, switch wiring.

Time is passed in (time.monotonic()), and delayed effects such as a door springing open are
settled lazily when the board is next read, so the model needs no timers.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.locker.port import BoardConfig

DEFAULT_UNLOCK_TIME_MS = 550     # the CU16 factory setting; the pulse holds the latch back


@dataclass
class SimDoor:
    open: bool = False
    item: bool = False
    jammed: bool = False           # the latch will not move: a pulse leaves the door shut
    latched: bool = True           # False while an unlock pulse holds the latch back
    pulses: int = 0                # unlock pulses received, whatever came of them
    opens_at: float | None = None  # a pulse released the door: the spring pushes it open then
    latch_until: float = 0.0


class SimBoard:
    """One lock board: its doors and the faults a test or the demo panel gave it."""

    def __init__(self, config: BoardConfig, status_locks: int) -> None:
        self.address = config.address
        self.item_sensor = config.item_sensor
        # The wiring actually fitted; a test may make it disagree with the configuration.
        self.closed_when_bit_set = config.closed_when_bit_set
        self.doors = [SimDoor() for _ in range(config.locks)]
        self.status_locks = status_locks   # bits a status reply carries (>= locks fitted)
        self.unlock_time_ms = DEFAULT_UNLOCK_TIME_MS
        self.silent = False     # hears and acts, never answers (a dead transmitter)
        self.unplugged = False  # gone from the bus: hears nothing, does nothing

    def door(self, lock: int) -> SimDoor:
        if not 1 <= lock <= len(self.doors):
            raise ValueError(f"board {self.address} has locks 1-{len(self.doors)}, not {lock}")
        return self.doors[lock - 1]

    def settle(self, now: float) -> None:
        for door in self.doors:
            if door.opens_at is not None and now >= door.opens_at:
                door.open, door.opens_at = True, None
            if not door.latched and now >= door.latch_until:
                door.latched = True

    def pulse(self, lock: int, now: float, open_delay_s: float) -> None:
        """An unlock pulse: the latch lets go for the unlock time and the spring pushes a
        shut door open after ``open_delay_s``; a jammed latch does not move."""
        door = self.door(lock)
        door.pulses += 1
        if door.jammed:
            return
        door.latched = False
        door.latch_until = now + self.unlock_time_ms / 1000
        if not door.open and door.opens_at is None:
            door.opens_at = now + open_delay_s
        self.settle(now)

    def close(self, lock: int) -> None:
        door = self.door(lock)
        door.open, door.opens_at = False, None

    def lock_bits(self, now: float) -> list[bool]:
        """The hook-switch bits as the board reads them: a shut door closes the switch,
        and the wiring decides whether that reads as 1 or 0. Unfitted channels read 0."""
        self.settle(now)
        bits = [(not door.open) == self.closed_when_bit_set for door in self.doors]
        return bits + [False] * (self.status_locks - len(bits))

    def item_bits(self) -> list[bool]:
        bits = [door.item and self.item_sensor for door in self.doors]
        return bits + [False] * (self.status_locks - len(bits))
