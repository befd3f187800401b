"""The port every lock-board bus adapter implements, and the facts it reports.

A bus is one serial line (RS485 through a USB adapter) carrying up to ten boards of one
protocol. The adapter owns the line: one transaction at a time, a gap between frames,
a worker thread that polls every board and sends unlock pulses ahead of polls.

Door facts are reported after the board's sensor polarity has been applied, so `open`
means the door is open, whatever the lock's switch wiring. An unlock acknowledgement only
means the pulse went out; whether the door opened is seen in the next snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from devices.health import HealthReporter
from devices.progress import ProgressBeat

ProtocolName = Literal["kerong-cu16", "kerong-cu48", "generic-8a"]


@dataclass(frozen=True)
class BoardConfig:
    """One board on a bus, as wired at this station."""

    address: int                 # DIP-switch address: 0-15 (CU16), 0-9 (CU48), 1-32 (8A)
    locks: int                   # locks on the board: up to 16 (CU16), 48 (CU48), 50 (8A)
    closed_when_bit_set: bool = True   # hook-switch polarity: NO vs NC locks differ
    item_sensor: bool = False    # an infrared item sensor is fitted (CU16 only)


@dataclass(frozen=True)
class DoorState:
    lock: int              # 1-based lock number on the board
    open: bool             # polarity applied
    item: bool | None      # None when the board has no item sensor


@dataclass(frozen=True)
class BoardSnapshot:
    bus: str
    board: int             # the board's address
    doors: tuple[DoorState, ...]
    raw: bytes             # the reply frame(s) exactly as received, for the audit trail
    monotonic: float       # time.monotonic() when the reply arrived

    def door(self, lock: int) -> DoorState:
        return self.doors[lock - 1]


@dataclass(frozen=True)
class UnlockAck:
    """The unlock pulse was handed to the board.

    ``reply`` is the board's answer where the protocol has one (generic 8A boards), None
    where it has none (Kerong boards never answer an unlock)."""

    bus: str
    board: int
    lock: int
    reply: bytes | None
    monotonic: float       # time.monotonic() when the last byte of the request was written


@dataclass(frozen=True)
class BoardHealth:
    bus: str
    board: int
    online: bool
    detail: str = ""


SnapshotListener = Callable[[BoardSnapshot], None]
BoardHealthListener = Callable[[BoardHealth], None]


class LockerBus(Protocol):
    name: str
    health: HealthReporter          # the serial line itself
    progress: ProgressBeat          # beaten by the worker thread's every turn

    @property
    def boards(self) -> tuple[BoardConfig, ...]: ...

    def on_snapshot(self, listener: SnapshotListener) -> None:
        """Called on the bus thread with every board's state after every poll."""
        ...

    def on_board_health(self, listener: BoardHealthListener) -> None:
        """Called when a board stops answering (after bounded retries) or answers again."""
        ...

    def unlock(self, board: int, lock: int, timeout_s: float = 2.0) -> UnlockAck:
        """Sends one unlock pulse ahead of any queued poll and waits until it is on the wire
        (and acknowledged, where the protocol acknowledges). Raises DeviceNotFound if the
        line is gone, DeviceTimeout or ProtocolError if the board did not acknowledge."""
        ...

    def read_board(self, board: int, timeout_s: float = 2.0) -> BoardSnapshot:
        """One status transaction now, ahead of the poll cycle."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
