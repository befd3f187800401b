"""What one station's terminal does over days, on the simulated clock: the queue and the
locker (their own modules), the service guide's one-time notices, calls for help, alarms
that stand a while and clear, heartbeats every minute, and outages of its link.

A station makes about 500 events on an 8-hour day (130 tickets of about three events
each, 60 notices, 25 results stored and collected, 6 drop-offs, the windows, help, alarms
and the day's summary); ``busyness`` scales every rate. Every day is a working day: the
busiest pattern a center must take."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from center.fleet_simulator.hours import (
    DAY_S,
    STAFFED_S,
    is_staffed,
    iso_utc_ms,
    next_closing,
    next_opening,
    staffed_later,
)
from center.fleet_simulator.locker_bank import LockerBank
from center.fleet_simulator.queue_floor import QueueFloor
from center.fleet_simulator.terminal import (
    PRIORITY_BUSINESS,
    PRIORITY_REPORT,
    WILL_AFTER_S,
    SimTerminal,
)

HEARTBEAT_S = 60.0
NOTICES_PER_DAY = 60
HELP_PER_DAY = 4
ALARMS_PER_DAY = 3
ALARM_MEAN_S = 20 * 60
CATALOG_VERSION = "2026.11.22-1"
# Item ids as in config/catalog/services.toml; a few items are asked for most.
GUIDE_ITEMS = tuple(f"chencang-a2-{n:03d}" for n in range(1, 41))
GUIDE_WEIGHTS = tuple(1 / n for n in range(1, 41))
HELP_SCREENS = ("home", "pickup", "door", "queue", "guide_item", "dropoff")

Schedule = Callable[[float, Callable[[float], object]], None]


@dataclass(frozen=True)
class Outages:
    """When terminals lose their link: each one at random (``per_day``, lasting
    ``mean_minutes`` on average), and every terminal over [offline_from, offline_until)."""

    per_day: float = 0.0
    mean_minutes: float = 30.0
    offline_from: float | None = None
    offline_until: float | None = None


class Station:
    def __init__(self, terminal: SimTerminal, rng: random.Random, schedule: Schedule,
                 center_key: X25519PublicKey, busyness: float, outages: Outages) -> None:
        self.terminal = terminal
        self._rng = rng
        self._schedule = schedule
        self._busyness = busyness
        self._outages = outages
        self._down = 0              # outages in force now; the link returns at none
        self._help_requests = 0
        self.queue = QueueFloor(rng, terminal.record, schedule, busyness)
        self.locker = LockerBank(rng, terminal.record, schedule, terminal.new_id,
                                 terminal.topics.terminal, center_key, busyness)
        terminal.sections = self._sections

    def start(self, t: float) -> None:
        fleet_wide = self._outages
        if (fleet_wide.offline_from is not None and fleet_wide.offline_until is not None
                and fleet_wide.offline_until > t):
            self._schedule(max(t, fleet_wide.offline_from), self._link_lost)
            self._schedule(fleet_wide.offline_until, self._link_back)
        if fleet_wide.offline_from is None or fleet_wide.offline_from > t:
            self.terminal.connect(t)
        if is_staffed(t):
            self._open(t)
        else:
            self._schedule(next_opening(t), self._open)
        self.locker.start(t)
        self._schedule(t + self._rng.uniform(0, HEARTBEAT_S), self._beat)
        self._schedule(self._staffed_after(t, NOTICES_PER_DAY), self._notice)
        self._schedule(self._staffed_after(t, HELP_PER_DAY), self._help)
        self._schedule(t + self._rng.expovariate(ALARMS_PER_DAY / DAY_S), self._alarm)
        if fleet_wide.per_day > 0:
            self._schedule(t + self._rng.expovariate(fleet_wide.per_day / DAY_S),
                           self._random_outage)

    def _sections(self) -> dict[str, Any]:
        """The heartbeat's sections of a terminal with every feature."""
        return {"disk": {"freeBytes": 51_234_567_890, "totalBytes": 120_034_123_776},
                "devices": {name: {"state": "ready", "detail": ""}
                            for name in ("qr_scanner", "printer", "idcard", "locker-main")},
                "locker": self.locker.section(), "queues": self.queue.waiting_by_category(),
                "catalog": CATALOG_VERSION}

    def _staffed_after(self, t: float, per_day: float) -> float:
        return staffed_later(t, self._rng.expovariate(per_day * self._busyness / STAFFED_S))

    # -- the day, heartbeats ------------------------------------------------------------

    def _open(self, t: float) -> None:
        self.queue.open_day(t)
        self._schedule(next_closing(t), self._close)

    def _close(self, t: float) -> None:
        self.queue.close_day(t)
        self._schedule(next_opening(t), self._open)

    def _beat(self, t: float) -> None:
        self.terminal.heartbeat(t)
        self._schedule(t + HEARTBEAT_S, self._beat)

    # -- the guide, help ----------------------------------------------------------------

    def _notice(self, t: float) -> None:
        self._schedule(self._staffed_after(t, NOTICES_PER_DAY), self._notice)
        item = self._rng.choices(GUIDE_ITEMS, weights=GUIDE_WEIGHTS)[0]
        self.terminal.record("guide.notice", {"item_id": item,
                                              "catalog_version": CATALOG_VERSION,
                                              "printed": self._rng.random() < 0.7},
                             PRIORITY_REPORT, t)

    def _help(self, t: float) -> None:
        self._schedule(self._staffed_after(t, HELP_PER_DAY), self._help)
        self._help_requests += 1
        request = self._help_requests
        self.terminal.record("help.requested", {
            "request": request, "screen": self._rng.choice(HELP_SCREENS),
            "at": iso_utc_ms(t)}, PRIORITY_BUSINESS, t)
        waited = max(10.0, self._rng.expovariate(1 / 90))
        by = (f"window:{self._rng.randint(1, 3)}" if self._rng.random() < 0.8
              else f"staff:s{self._rng.randint(1, 6):02d}")
        self._schedule(t + waited, lambda at: self.terminal.record(
            "help.answered", {"request": request, "by": by, "after_s": round(waited)},
            PRIORITY_BUSINESS, at))

    # -- alarms -------------------------------------------------------------------------

    def _alarm(self, t: float) -> None:
        self._schedule(t + self._rng.expovariate(ALARMS_PER_DAY / DAY_S), self._alarm)
        kind, subject, detail = self._pick_alarm()
        if self.terminal.raise_alarm(kind, subject, detail, t):
            lasts = max(30.0, self._rng.expovariate(1 / ALARM_MEAN_S))
            self._schedule(t + lasts,
                           lambda at: self.terminal.clear_alarm(kind, subject, at))

    def _pick_alarm(self) -> tuple[str, str, dict[str, Any]]:
        compartment = self._rng.randint(1, 16)
        operation = self._rng.randint(1, 5000)
        choices: list[tuple[str, str, dict[str, Any]]] = [
            ("printer.paper_low", "printer", {}),
            ("printer.paper_out", "printer", {}),
            ("door_left_open", f"compartment {compartment}", {"operation": operation}),
            ("door_jammed", f"compartment {compartment}", {"operation": operation}),
            ("device.fault", "qr_scanner", {"state": "absent", "detail": "port missing"}),
            ("board_offline", "main/1", {}),
        ]
        return self._rng.choice(choices)

    # -- the link -----------------------------------------------------------------------

    def _random_outage(self, t: float) -> None:
        self._schedule(t + self._rng.expovariate(self._outages.per_day / DAY_S),
                       self._random_outage)
        lasts = max(60.0, self._rng.expovariate(1 / (self._outages.mean_minutes * 60)))
        self._link_lost(t)
        self._schedule(t + lasts, self._link_back)

    def _link_lost(self, t: float) -> None:
        self._down += 1
        if self._down == 1 and self.terminal.connected:
            self.terminal.lose_link()
            bd_seq = self.terminal.bd_seq
            self._schedule(t + WILL_AFTER_S, lambda _at: self.terminal.publish_will(bd_seq))

    def _link_back(self, t: float) -> None:
        self._down = max(0, self._down - 1)
        if self._down == 0 and not self.terminal.connected:
            self.terminal.connect(t)
