"""A station's queue over a day, as the terminal's queue feature reports it: tickets taken
at the screen, called from the windows, finished, missed or transferred, the windows
opened and closed, and the day's summary when it closes (docs/mqtt.md "Event types")."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from center.fleet_simulator.hours import (
    STAFFED_S,
    iso_local_s,
    local_day,
    next_closing,
    staffed_later,
)
from center.fleet_simulator.terminal import PRIORITY_BUSINESS, PRIORITY_REPORT

# The ranks of kiosk/services/queue: lower is called first.
RANK_PRIORITY, RANK_APPOINTMENT, RANK_WALK_IN = 0, 1, 2
TICKETS_PER_DAY = 130
HANDLING_MEAN_S = 8 * 60
RECALL_AFTER_S = 120
NO_SHOW_SHARE = 0.07
TRANSFER_SHARE = 0.03

Record = Callable[[str, dict[str, Any], int, float], object]
Schedule = Callable[[float, Callable[[float], object]], None]


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    prefix: str
    windows: tuple[int, ...]
    share: float        # of the day's tickets


# The demo configuration's categories (config/kiosk.toml) and how busy each is.
CATEGORIES = (
    Category("general", "综合受理", "A", (1, 2), 0.50),
    Category("instant", "即办", "B", (1, 2), 0.20),
    Category("assisted", "帮办代办", "C", (3,), 0.10),
    Category("cross-region", "跨省通办 / 省内通办", "D", (2,), 0.12),
    Category("complaints", "办不成事反映", "E", (3,), 0.08),
)
WINDOWS = (1, 2, 3)


@dataclass
class Ticket:
    label: str
    category: Category
    rank: int
    issued_at: float
    day: str


@dataclass
class Tally:
    """One category's day, for the summary."""

    issued: int = 0
    served: int = 0
    no_shows: int = 0
    expired: int = 0
    waits_s: list[float] = field(default_factory=list)
    handling_s: list[float] = field(default_factory=list)


class QueueFloor:
    def __init__(self, rng: random.Random, record: Record, schedule: Schedule,
                 busyness: float) -> None:
        self._rng = rng
        self._record = record
        self._schedule = schedule
        self._arrival_rate = TICKETS_PER_DAY * busyness / STAFFED_S
        self._by_id = {c.id: c for c in CATEGORIES}
        self.waiting: list[Ticket] = []
        self._serving: dict[int, Ticket | None] = dict.fromkeys(WINDOWS)
        self._open = False
        self._day = ""
        self._numbers: dict[str, int] = {}
        self._tallies: dict[str, Tally] = {}

    def waiting_by_category(self) -> dict[str, int]:
        """The heartbeat's ``queues`` section: every category, 0 included."""
        counts = {c.id: 0 for c in CATEGORIES}
        for ticket in self.waiting:
            counts[ticket.category.id] += 1
        return counts

    # -- the day ------------------------------------------------------------------------

    def open_day(self, t: float) -> None:
        self._open = True
        self._day = local_day(t)
        self._numbers = {}
        self._tallies = {c.id: Tally() for c in CATEGORIES}
        for window in WINDOWS:
            self._record("queue.window_opened", {"window": window}, PRIORITY_REPORT, t)
        self._schedule(self._next_arrival(t), self._arrive)

    def close_day(self, t: float) -> None:
        """17:00: the windows close; who still waits expires with the day."""
        self._open = False
        for window in WINDOWS:
            self._record("queue.window_closed", {"window": window}, PRIORITY_REPORT, t)
        for ticket in self.waiting:
            self._tallies[ticket.category.id].expired += 1
        self.waiting.clear()
        day = self._day
        # The day closes once the last resident at a window is done.
        self._schedule(t + 15 * 60, lambda at: self._summarise(day, at))

    def _summarise(self, day: str, t: float) -> None:
        categories = []
        for category in CATEGORIES:
            tally = self._tallies[category.id]
            categories.append({
                "category": category.id, "name": category.name, "issued": tally.issued,
                "served": tally.served, "no_shows": tally.no_shows, "expired": tally.expired,
                "average_wait_min": _minutes(fmean(tally.waits_s)) if tally.waits_s else None,
                "longest_wait_min": _minutes(max(tally.waits_s)) if tally.waits_s else None,
                "average_handling_min": _minutes(fmean(tally.handling_s))
                if tally.handling_s else None})
        self._record("queue.daily_summary", {"day": day, "categories": categories},
                     PRIORITY_BUSINESS, t)

    # -- tickets ------------------------------------------------------------------------

    def _next_arrival(self, t: float) -> float:
        return staffed_later(t, self._rng.expovariate(self._arrival_rate))

    def _arrive(self, t: float) -> None:
        if not self._open:
            return
        following = self._next_arrival(t)
        if following < next_closing(t):
            self._schedule(following, self._arrive)
        category = self._rng.choices(CATEGORIES, weights=[c.share for c in CATEGORIES])[0]
        source = "appointment" if self._rng.random() < 0.1 else "touch"
        real_name = source == "touch" and self._rng.random() < 0.35
        rank = (RANK_APPOINTMENT if source == "appointment" else
                RANK_PRIORITY if category.id == "assisted" and real_name
                and self._rng.random() < 0.5 else RANK_WALK_IN)
        number = self._numbers.get(category.id, 0) + 1
        self._numbers[category.id] = number
        ticket = Ticket(f"{category.prefix}{number:03d}", category, rank, t, self._day)
        ahead = sum(1 for w in self.waiting if w.category is category and w.rank <= rank)
        self._tallies[category.id].issued += 1
        self.waiting.append(ticket)
        self._record("queue.ticket_issued", {
            "ticket": ticket.label, "day": ticket.day, "category": category.id,
            "rank": rank, "source": source, "real_name": real_name, "ahead": ahead,
            "estimate_s": round(ahead * HANDLING_MEAN_S / len(category.windows)),
            "at": iso_local_s(t)}, PRIORITY_BUSINESS, t)
        for window in category.windows:
            if self._serving[window] is None:
                self._call_next(window, t)
                break

    def _call_next(self, window: int, t: float) -> None:
        if not self._open:
            return
        candidates = [w for w in self.waiting if window in w.category.windows]
        if not candidates:
            return
        ticket = min(candidates, key=lambda w: (w.rank, w.issued_at))
        self.waiting.remove(ticket)
        self._serving[window] = ticket
        self._tallies[ticket.category.id].waits_s.append(t - ticket.issued_at)
        self._called(ticket, window, t, recall=False)
        draw = self._rng.random()
        if draw < NO_SHOW_SHARE:
            self._schedule(t + RECALL_AFTER_S, lambda at: self._recall(ticket, window, at))
        elif draw < NO_SHOW_SHARE + TRANSFER_SHARE:
            self._schedule(t + self._rng.uniform(60, 300),
                           lambda at: self._transfer(ticket, window, at))
        else:
            handling = max(60.0, self._rng.expovariate(1 / HANDLING_MEAN_S))
            self._schedule(t + handling, lambda at: self._finish(ticket, window, t, at))

    def _called(self, ticket: Ticket, window: int, t: float, recall: bool) -> None:
        self._record("queue.called", {
            "ticket": ticket.label, "day": ticket.day, "window": window, "recall": recall,
            "category": ticket.category.id, "at": iso_local_s(t)}, PRIORITY_BUSINESS, t)

    def _recall(self, ticket: Ticket, window: int, t: float) -> None:
        self._called(ticket, window, t, recall=True)
        self._schedule(t + RECALL_AFTER_S, lambda at: self._end(ticket, window, at, "no_show"))

    def _finish(self, ticket: Ticket, window: int, called_at: float, t: float) -> None:
        self._tallies[ticket.category.id].handling_s.append(t - called_at)
        self._end(ticket, window, t, "finished")

    def _end(self, ticket: Ticket, window: int, t: float, how: str) -> None:
        tally = self._tallies[ticket.category.id]
        if how == "finished":
            tally.served += 1
        else:
            tally.no_shows += 1
        self._record(f"queue.{how}", {
            "ticket": ticket.label, "day": ticket.day, "window": window,
            "category": ticket.category.id, "at": iso_local_s(t)}, PRIORITY_BUSINESS, t)
        self._free(window, t)

    def _transfer(self, ticket: Ticket, window: int, t: float) -> None:
        target = self._rng.choice([c for c in CATEGORIES if c is not ticket.category])
        self._record("queue.transferred", {
            "ticket": ticket.label, "day": ticket.day, "from": ticket.category.id,
            "to": target.id, "window": window}, PRIORITY_BUSINESS, t)
        ticket.category = target
        if self._open:
            self.waiting.append(ticket)
        self._free(window, t)

    def _free(self, window: int, t: float) -> None:
        self._serving[window] = None
        self._call_next(window, t)


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)
