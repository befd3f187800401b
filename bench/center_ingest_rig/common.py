"""The stream the benchmark replays, its sizes and goals, and how a rate is kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from center.fleet_simulator.fleet import DEFAULT_START, Fleet, FleetPlan
from center.fleet_simulator.station import Outages
from center.fleet_simulator.terminal import Outgoing

if TYPE_CHECKING:
    pass

REPO = Path(__file__).resolve().parents[2]
PREFIX = "kiosk/v1"
# center/ingest/worker.py's subscriptions: events shared by the group "center", the
# retained topics to every worker.
SHARED_EVENTS = f"$share/center/{PREFIX}/+/+/evt/#"
WORKER_TOPICS = (SHARED_EVENTS, f"{PREFIX}/+/+/state", f"{PREFIX}/+/+/heartbeat",
                 f"{PREFIX}/+/+/alarm/#")
EVENTS = 20_000
TERMINALS = 200
FULL_DAY_TERMINALS = 2_000
DEFAULT_INFLIGHT = 20
RAISED_INFLIGHT = 1000
BATCH = 200                    # center/settings.py's INGEST_BATCH and _WAIT_MS defaults
BATCH_WAIT_MS = 50
MEASURE_AT_MOST_S = 25.0
ROUNDS = 2       # a slow consumer is measured on what it did by then
GOAL_RATIO = 0.5
GOAL_DAY_S = 600.0
DAY_EVENTS_GOAL = 1_000_000


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float
    rounds: tuple[float, ...] = ()     # every round's rate, when this is the best of them

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


# -- the stream --------------------------------------------------------------------------

def day_backlog(terminals: int) -> list[tuple[int, Outgoing]]:
    """Every terminal offline from 08:00 Beijing for a day, then back at once: what they
    publish, in the order a side-by-side drain puts it on the wire."""
    day = 24 * 3600.0
    fleet = Fleet(FleetPlan(terminals=terminals, seed=1, outages=Outages(
        offline_from=DEFAULT_START, offline_until=DEFAULT_START + day)))
    fleet.advance(DEFAULT_START + day)
    released: list[tuple[int, Outgoing]] = []
    while fleet.has_output:
        released += fleet.take(10_000)
    return released


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float,
             every_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(every_s)
