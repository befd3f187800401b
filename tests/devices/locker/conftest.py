"""A real SerialLockerBus against a LockerBusSimulator on a pseudo-terminal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.locker.port import BoardConfig, BoardHealth, BoardSnapshot
from devices.locker.serial_bus import SerialLockerBus
from devices.locker.simulator import LockerBusSimulator
from tests.waiting import wait_until

# Two boards a protocol each, of different sizes: CU16 with and without item sensors.
BOARDS: dict[str, tuple[BoardConfig, ...]] = {
    "kerong-cu16": (BoardConfig(0, 16, item_sensor=True), BoardConfig(1, 8)),
    "kerong-cu48": (BoardConfig(0, 48), BoardConfig(1, 24)),
    "generic-8a": (BoardConfig(1, 8), BoardConfig(2, 24)),
}
PROTOCOLS = list(BOARDS)

# Fast timing so faults show within a second; the defaults are for real boards.
FAST = {"poll_interval_s": 0.04, "reply_timeout_s": 0.15, "tries": 2,
        "unlock_reply_timeout_s": 0.5}



@dataclass
class Rig:
    sim: LockerBusSimulator
    bus: SerialLockerBus
    snapshots: list[BoardSnapshot] = field(default_factory=list)
    health: list[BoardHealth] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_snapshot(self, snapshot: BoardSnapshot) -> None:
        with self.lock:
            self.snapshots.append(snapshot)

    def record_health(self, health: BoardHealth) -> None:
        with self.lock:
            self.health.append(health)

    def snapshot_after(self, board: int, since: float, timeout_s: float = 3.0,
                       matches: Callable[[BoardSnapshot], bool] = lambda s: True,
                       ) -> BoardSnapshot:
        """The first snapshot of ``board`` taken after ``since`` that ``matches``."""
        found: list[BoardSnapshot] = []

        def look() -> bool:
            with self.lock:
                found[:] = [s for s in self.snapshots
                            if s.board == board and s.monotonic > since and matches(s)]
            return bool(found)

        wait_until(look, f"a matching snapshot of board {board}", timeout_s=timeout_s)
        return found[0]

    def health_events(self, board: int) -> list[BoardHealth]:
        with self.lock:
            return [h for h in self.health if h.board == board]


@pytest.fixture
def bus_rig(tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    """Factory: bus_rig(protocol, boards=None, sim_boards=None, **bus_options) -> Rig,
    started, with every board answered once."""
    started: list[Rig] = []

    def start(protocol: str, boards: tuple[BoardConfig, ...] | None = None, *,
              sim_boards: tuple[BoardConfig, ...] | None = None, pace_baud: int | None = None,
              **options: object) -> Rig:
        boards = boards or BOARDS[protocol]
        sim = LockerBusSimulator(tmp_path / f"bus{len(started)}", protocol,
                                 sim_boards or boards, pace_baud=pace_baud)
        sim.start()
        bus = SerialLockerBus("main", sim.path, 19200, protocol, boards,
                              **{**FAST, **options})
        rig = Rig(sim, bus)
        bus.on_snapshot(rig.record_snapshot)
        bus.on_board_health(rig.record_health)
        started.append(rig)
        bus.start()
        wait_until(lambda: bus.health.current.state is DeviceState.READY, what="the line")
        wait_until(lambda: all(bus.board_online(b.address) for b in boards),
                   what="every board answering")
        return rig

    yield start
    for rig in started:
        rig.bus.stop()
        rig.sim.stop()
