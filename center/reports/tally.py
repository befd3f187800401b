"""A section's figures per terminal, as the queries give them, and how they add up to a
station's or a district's: counts and durations are summed, a few figures (the longest
wait, the longest repair) are the largest. Medians do not add up: a section computes them
per level (terminal, station, all) in its own queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Raw = dict[str, float]

# The levels a section's medians are kept at: each station, the whole scope. (Not each
# terminal: a third sort of a quarter's rows, for the rows of a station's report, which show
# the average.)
STATION, ALL = "station", "all"


@dataclass
class Tally:
    fields: tuple[str, ...]
    maxed: frozenset[str] = frozenset()
    by_terminal: dict[int, Raw] = field(default_factory=dict)
    # Per terminal, per category (queue) or alarm kind (devices): the same fields.
    detail: dict[int, dict[str, Raw]] = field(default_factory=dict)
    detail_names: dict[str, str] = field(default_factory=dict)
    # Per station (None: terminals of none), per local day (ISO date): one count for the
    # section's column chart.
    daily: dict[int | None, dict[str, float]] = field(default_factory=dict)
    medians: dict[str, dict[Any, float]] = field(default_factory=dict)

    def add(self, terminal: int, **figures: float) -> None:
        raw = self.by_terminal.setdefault(terminal, dict.fromkeys(self.fields, 0.0))
        for name, value in figures.items():
            raw[name] = max(raw[name], value) if name in self.maxed else raw[name] + value

    def add_detail(self, terminal: int, key: str, **figures: float) -> None:
        raw = self.detail.setdefault(terminal, {}).setdefault(
            key, dict.fromkeys(self.fields, 0.0))
        for name, value in figures.items():
            raw[name] = max(raw[name], value) if name in self.maxed else raw[name] + value

    def combine(self, raws: Iterable[Raw]) -> Raw:
        total = dict.fromkeys(self.fields, 0.0)
        for raw in raws:
            for name in self.fields:
                value = raw.get(name, 0.0)
                total[name] = max(total[name], value) if name in self.maxed \
                    else total[name] + value
        return total

    def over(self, terminals: Iterable[int]) -> Raw:
        return self.combine(self.by_terminal[pk] for pk in terminals if pk in self.by_terminal)

    def detail_over(self, terminals: Iterable[int]) -> dict[str, Raw]:
        keys: dict[str, list[Raw]] = {}
        for pk in terminals:
            for key, raw in self.detail.get(pk, {}).items():
                keys.setdefault(key, []).append(raw)
        return {key: self.combine(raws) for key, raws in sorted(keys.items())}

    def count_day(self, station: int | None, day: str, count: float) -> None:
        days = self.daily.setdefault(station, {})
        days[day] = days.get(day, 0.0) + count

    def daily_over(self, stations: Iterable[int | None]) -> dict[str, float]:
        days: dict[str, float] = {}
        for station in stations:
            for day, count in self.daily.get(station, {}).items():
                days[day] = days.get(day, 0.0) + count
        return days

    def median(self, level: str, key: Any) -> float | None:
        return self.medians.get(level, {}).get(key)


def share(part: float, whole: float) -> float | None:
    """A share, or None when there was nothing to share (never 0% for "no data")."""
    return part / whole if whole else None
