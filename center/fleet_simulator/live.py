"""Runs a fleet against a broker on a compressed clock: ``speed`` simulated seconds pass
per real second (60: a heartbeat every second, an 8-hour day in 8 minutes; 0: as fast as
the simulator and the broker go)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from center.fleet_simulator.fleet import Fleet
from center.fleet_simulator.wire import Wire

TAKE_AT_ONCE = 1000
UNPACED_STEP_S = 60.0       # simulated time made per turn when nothing paces the clock


@dataclass
class LiveTotals:
    published: int
    acknowledged: int
    refused: int
    events: int
    unsent: int         # still in the outboxes of terminals whose link was down at the end
    simulated_s: float
    real_s: float


def run_live(fleet: Fleet, wire: Wire, *, speed: float, until: float | None,
             stop: threading.Event, report: Callable[[str], None] | None = None,
             report_every_s: float = 10.0) -> LiveTotals:
    began_real, began_sim = time.monotonic(), fleet.now
    next_report = began_real + report_every_s
    while not stop.is_set():
        if speed > 0:
            moment = began_sim + (time.monotonic() - began_real) * speed
        else:
            moment = fleet.now + UNPACED_STEP_S if not fleet.has_output else fleet.now
        if until is not None:
            moment = min(moment, until)
        fleet.advance(moment)
        batch = fleet.take(TAKE_AT_ONCE)
        for index, message in batch:
            wire.send(index, message)
        if until is not None and moment >= until and not fleet.has_output:
            break
        if not batch and speed > 0:
            following = fleet.next_at
            gap = 0.2 if following is None else (following - moment) / speed
            stop.wait(min(0.2, max(0.0, gap)))
        if report is not None and time.monotonic() >= next_report:
            next_report += report_every_s
            report(_progress(fleet, wire, began_sim))
    fleet.shut_down(fleet.now)
    while fleet.has_output:
        for index, message in fleet.take(TAKE_AT_ONCE):
            wire.send(index, message)
    wire.wait_acknowledged(30)
    return LiveTotals(wire.sent, wire.acknowledged, wire.refused, fleet.events_recorded,
                      fleet.unsent, fleet.now - began_sim, time.monotonic() - began_real)


def _progress(fleet: Fleet, wire: Wire, began_sim: float) -> str:
    online = sum(1 for t in fleet.terminals if t.connected)
    return (f"simulated {(fleet.now - began_sim) / 3600:6.2f} h: {online}/"
            f"{len(fleet.terminals)} terminals online, {fleet.events_recorded} events, "
            f"{fleet.unsent} waiting in outboxes, {wire.sent} published, "
            f"{wire.acknowledged} acknowledged")
