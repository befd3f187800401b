"""Opening hours as a value: for each day of an ordinary week, the stretches of time
something is open, sorted and merged.

The station's staffed hours (`station.staffed_hours`), a queue's own sessions and the hours
the district center sets all become a `WeeklyHours`, so that they can be compared (is a
queue open only while the station is staffed?) and worded one way everywhere
(kiosk/services/opening_hours_text.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from kiosk.config.schema import OpeningSession

WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)          # ISO: 1 = Monday ... 7 = Sunday
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d|24:00")

# The station's service commitment: a staffed queue is open at least 7 hours on each day
# it opens (lunch-hour 中午不断档 and weekend 周末不打烊 sessions count towards it).
MIN_OPEN_HOURS_A_DAY = 7


class Stretch(NamedTuple):
    """Open from ``start`` until ``end``, in minutes after midnight (end may be 1440)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{clock_text(self.start)}-{clock_text(self.end)}"


def minutes_of(clock: str) -> int:
    """'09:30' -> 570; '24:00' -> 1440."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def clock_text(minutes: int) -> str:
    """570 -> '9:30': hours without a leading zero, as residents write them."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def session_problem(session: OpeningSession) -> tuple[str, str] | None:
    """What is wrong with one session, as (field, problem), or None."""
    if not session.days or any(not isinstance(d, int) or d not in WEEKDAYS
                               for d in session.days):
        return "days", "weekdays are 1 (Monday) to 7 (Sunday)"
    for name in ("start", "end"):
        value = getattr(session, name)
        if not isinstance(value, str) or not CLOCK.fullmatch(value):
            return name, f"{value!r} is not a time of day HH:MM (00:00 to 24:00)"
    if minutes_of(session.end) <= minutes_of(session.start):
        return "end", f"{session.end} is not after {session.start}"
    return None


@dataclass(frozen=True)
class WeeklyHours:
    """``by_day[0]`` is Monday's stretches, ``by_day[6]`` Sunday's; each sorted, none
    overlapping or touching another (9:00-12:00 and 12:00-14:00 become 9:00-14:00)."""

    by_day: tuple[tuple[Stretch, ...], ...] = ((),) * 7

    @classmethod
    def from_sessions(cls, sessions: Iterable[OpeningSession]) -> WeeklyHours:
        """Sessions already checked with session_problem."""
        pieces: dict[int, list[Stretch]] = {day: [] for day in WEEKDAYS}
        for session in sessions:
            stretch = Stretch(minutes_of(session.start), minutes_of(session.end))
            for day in set(session.days):
                pieces[day].append(stretch)
        return cls(tuple(_merged(pieces[day]) for day in WEEKDAYS))

    def __bool__(self) -> bool:
        return any(self.by_day)

    def on(self, weekday: int) -> tuple[Stretch, ...]:
        return self.by_day[weekday - 1]

    def minutes_on(self, weekday: int) -> int:
        return sum(s.end - s.start for s in self.on(weekday))

    def is_open(self, at: datetime) -> bool:
        minute = at.hour * 60 + at.minute
        return any(s.start <= minute < s.end for s in self.on(at.isoweekday()))

    def outside(self, other: WeeklyHours) -> tuple[int, Stretch] | None:
        """The first (weekday, stretch) of these hours that ``other`` does not cover
        entirely, or None when these hours lie within ``other``."""
        for day in WEEKDAYS:
            for stretch in self.on(day):
                if not any(o.start <= stretch.start and stretch.end <= o.end
                           for o in other.on(day)):
                    return day, stretch
        return None

    def short_day(self, minimum_hours: int = MIN_OPEN_HOURS_A_DAY) -> tuple[int, int] | None:
        """The first (weekday, minutes open) of a day that opens for less than
        ``minimum_hours``, or None."""
        for day in WEEKDAYS:
            minutes = self.minutes_on(day)
            if 0 < minutes < minimum_hours * 60:
                return day, minutes
        return None

    def as_sessions(self) -> list[dict[str, object]]:
        """The hours as sessions (days sharing the same stretches together), in the form
        the configuration and the center's command take; for storing and reporting."""
        grouped: dict[tuple[Stretch, ...], list[int]] = {}
        for day in WEEKDAYS:
            if self.on(day):
                grouped.setdefault(self.on(day), []).append(day)
        return [{"days": days, "start": _hhmm(s.start), "end": _hhmm(s.end)}
                for stretches, days in grouped.items() for s in stretches]


def _merged(stretches: Sequence[Stretch]) -> tuple[Stretch, ...]:
    merged: list[Stretch] = []
    for stretch in sorted(stretches):
        if merged and stretch.start <= merged[-1].end:
            last = merged.pop()
            stretch = Stretch(last.start, max(last.end, stretch.end))
        merged.append(stretch)
    return tuple(merged)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
