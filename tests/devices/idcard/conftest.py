"""A real SamIdCardReader against an IdCardReaderSimulator on a pseudo-terminal."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.idcard.port import IdCardEvent
from devices.idcard.sam_reader import SamIdCardReader
from devices.idcard.simulator import IdCardReaderSimulator
from tests.waiting import wait_until

# Faster polling than a terminal's, so that a test sees a placement within a few ms.
FAST = {"poll_interval_s": 0.02}



@dataclass
class Rig:
    sim: IdCardReaderSimulator
    reader: SamIdCardReader
    events: queue.Queue[IdCardEvent] = field(default_factory=queue.Queue)

    def next_event(self, timeout_s: float = 3.0) -> IdCardEvent:
        return self.events.get(timeout=timeout_s)

    def no_event_for(self, seconds: float) -> None:
        try:
            event = self.events.get(timeout=seconds)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected event {event!r}")

    def wait_state(self, state: DeviceState, timeout_s: float = 3.0) -> None:
        wait_until(lambda: self.reader.health.current.state is state,
                   f"health {state.value} (now {self.reader.health.current})",
                   timeout_s=timeout_s)


@pytest.fixture
def idcard_rig(tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    """Factory: idcard_rig(halt_after_read=True, pace_baud=115200, **reader_options) -> Rig,
    started, with the reader ready and its SAM id read."""
    started: list[Rig] = []

    def start(*, halt_after_read: bool = True, pace_baud: int | None = 115200,
              **options: object) -> Rig:
        sim = IdCardReaderSimulator(tmp_path / "dev" / f"idcard{len(started)}",
                                    pace_baud=pace_baud)
        sim.halt_after_read = halt_after_read
        sim.start()
        reader = SamIdCardReader(sim.path, **{**FAST, **options})
        rig = Rig(sim, reader)
        reader.on_card(rig.events.put)
        started.append(rig)
        reader.start()
        wait_until(lambda: reader.sam_id is not None, what="the SAM id")
        rig.wait_state(DeviceState.READY)
        return rig

    yield start
    for rig in started:
        rig.reader.stop()
        rig.sim.stop()
