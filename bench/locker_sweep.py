"""How long a full door sweep of ten CU16 boards takes, beside the wire time it needs.

The simulator paces its side of the pseudo-terminal at 19200 baud and waits out the wire
time of each request before answering, so the line behaves like a real RS485 bus. The floor
is the time the bytes exchanged in this very run need at that baud (10 bits a byte, 8N1);
the goal is a sweep within 1.5x of it. Both ways of sweeping are measured: one all-boards
status (0x32, what the adapter does by default) and one status (0x30) per board.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from devices.locker.line import wire_time
from devices.locker.port import BoardConfig
from devices.locker.serial_bus import SerialLockerBus
from devices.locker.simulator import LockerBusSimulator

BAUD = 19200
BOARDS = tuple(BoardConfig(address, 16, item_sensor=True) for address in range(10))
SWEEPS = 20
GOAL = 1.5


def measure(broadcast: bool, directory: Path) -> tuple[float, float]:
    """Median sweep time and median wire floor of the same sweeps, in seconds."""
    simulator = LockerBusSimulator(directory / f"bus-{broadcast}", "kerong-cu16", BOARDS,
                                   pace_baud=BAUD)
    simulator.start()
    # Polls far apart: the measured sweeps are the only traffic.
    bus = SerialLockerBus("bench", simulator.path, BAUD, "kerong-cu16", BOARDS,
                          poll_interval_s=3600, broadcast_sweeps=broadcast)
    bus.start()
    try:
        _wait_ready(bus)
        times, floors = [], []
        for _ in range(SWEEPS):
            simulator.clear_traffic()
            started = time.monotonic()
            snapshots = bus.sweep(timeout_s=5)
            times.append(time.monotonic() - started)
            if len(snapshots) != len(BOARDS):
                raise RuntimeError(f"only {len(snapshots)} of {len(BOARDS)} boards answered")
            floors.append(wire_time(sum(len(f.data) for f in simulator.traffic), BAUD))
        return statistics.median(times), statistics.median(floors)
    finally:
        bus.stop()
        simulator.stop()


def _wait_ready(bus: SerialLockerBus) -> None:
    deadline = time.monotonic() + 10
    while any(bus.board_online(b.address) is not True for b in BOARDS):
        if time.monotonic() > deadline:
            raise RuntimeError("the simulated boards did not all answer within 10 s")
        time.sleep(0.02)


def main() -> int:
    print(f"locker sweep: {len(BOARDS)} CU16 boards at {BAUD} baud, median of {SWEEPS} sweeps")
    with tempfile.TemporaryDirectory() as directory:
        for broadcast, label in ((True, "all-boards status 0x32 (default)"),
                                 (False, "status 0x30 per board")):
            took, floor = measure(broadcast, Path(directory))
            verdict = "within" if took <= GOAL * floor else "OVER"
            print(f"  {label:<34} {took * 1000:6.1f} ms   wire floor {floor * 1000:6.1f} ms   "
                  f"ratio {took / floor:4.2f} ({verdict} the {GOAL}x goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
