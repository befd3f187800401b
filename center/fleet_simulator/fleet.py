"""N simulated terminals on one simulated clock.

Everything that happens is an action on one heap ordered by simulated time; ``advance``
runs the actions up to a moment, ``take`` hands out what the terminals have to publish,
round-robin in chunks, as terminals draining side by side would. Nothing here waits for
real time or touches the network (live.py and wire.py do), so a day of a large fleet can
be made as fast as the CPU allows, and the same seed makes the same day: every id,
sequence number, time and payload, except the sealed pickup codes, whose ephemeral keys
and nonces contract.sealing draws from the operating system, as a terminal does."""

from __future__ import annotations

import hashlib
import heapq
import itertools
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from center.fleet_simulator.station import Outages, Station
from center.fleet_simulator.terminal import Outgoing, SimTerminal
from contract.topics import Topics

# A Tuesday, 08:00 in Beijing: the day starts quietly, then the windows open.
DEFAULT_START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC).timestamp()


def center_key_from_seed(seed: int) -> X25519PrivateKey:
    """A center key for runs without a real one: the same seed gives the same key, so a
    test can open the sealed codes."""
    return X25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"fleet-simulator center key {seed}".encode()).digest())


@dataclass(frozen=True)
class FleetPlan:
    terminals: int
    seed: int = 1
    start: float = DEFAULT_START
    district: str = "sim"
    prefix: str = "kiosk/v1"
    busyness: float = 1.0           # scales every station's rates
    busyness_spread: float = 0.3    # stations differ: each gets busyness x (1 +- spread)
    outages: Outages = field(default_factory=Outages)
    center_key: X25519PublicKey | None = None

    def terminal_id(self, index: int) -> str:
        return f"{self.district}-{index + 1:04d}"


class Fleet:
    def __init__(self, plan: FleetPlan) -> None:
        self.plan = plan
        self.now = plan.start
        self._heap: list[tuple[float, int, int, Callable[[float], object]]] = []
        self._order = itertools.count()
        center_key = plan.center_key or center_key_from_seed(plan.seed).public_key()
        self.terminals: list[SimTerminal] = []
        self._ready: deque[int] = deque()
        self._is_ready: list[bool] = []
        for index in range(plan.terminals):
            terminal_id = plan.terminal_id(index)
            # One generator per terminal: its day does not depend on the fleet's size.
            rng = random.Random(f"{plan.seed}/{terminal_id}")
            terminal = SimTerminal(Topics(plan.prefix, plan.district, terminal_id), rng,
                                   plan.start)
            busyness = plan.busyness * rng.uniform(1 - plan.busyness_spread,
                                                   1 + plan.busyness_spread)
            station = Station(terminal, rng, self._scheduler(index), center_key, busyness,
                              plan.outages)
            self.terminals.append(terminal)
            self._is_ready.append(False)
            station.start(plan.start)
            self._mark(index)

    def _scheduler(self, index: int) -> Callable[[float, Callable[[float], object]], None]:
        def schedule(at: float, action: Callable[[float], object]) -> None:
            heapq.heappush(self._heap, (at, next(self._order), index, action))
        return schedule

    def _mark(self, index: int) -> None:
        if not self._is_ready[index] and self.terminals[index].has_output:
            self._is_ready[index] = True
            self._ready.append(index)

    @property
    def next_at(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def advance(self, until: float) -> None:
        """Runs every action due up to ``until`` (simulated time)."""
        heap = self._heap
        while heap and heap[0][0] <= until:
            at, _, index, action = heapq.heappop(heap)
            self.now = at
            action(at)
            self._mark(index)
        self.now = max(self.now, until)

    def take(self, limit: int, chunk: int = 20) -> list[tuple[int, Outgoing]]:
        """Up to ``limit`` publications as (terminal index, message): ``chunk`` from each
        terminal with something to send in turn, so backlogs drain side by side."""
        out: list[tuple[int, Outgoing]] = []
        while self._ready and len(out) < limit:
            index = self._ready.popleft()
            terminal = self.terminals[index]
            out.extend((index, m) for m in terminal.take(min(chunk, limit - len(out))))
            if terminal.has_output:
                self._ready.append(index)
            else:
                self._is_ready[index] = False
        return out

    @property
    def has_output(self) -> bool:
        return bool(self._ready)

    def shut_down(self, at: float) -> None:
        """Every connected terminal stops cleanly and publishes its death."""
        for index, terminal in enumerate(self.terminals):
            terminal.shut_down(at)
            self._mark(index)

    @property
    def events_recorded(self) -> int:
        return sum(t.seq for t in self.terminals)

    @property
    def unsent(self) -> int:
        return sum(t.unsent for t in self.terminals)
