"""A report's figures: every section computed once over a district (or one station) for a
period, then laid out for the district (a row per station) and for each station (a row per
terminal). The layout is what a Report keeps as JSON (FORMAT_VERSION), so a kept report
reads the same whatever changes in the database afterwards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from center.fleet.models import Station
from center.reports.completeness import incomplete_terminals
from center.reports.devices import devices_tally, finish_devices
from center.reports.locker import finish_locker, locker_tally
from center.reports.models import FORMAT_VERSION
from center.reports.notices import finish_notices, notices_tally
from center.reports.periods import Period
from center.reports.queues import finish_queue, queue_tally
from center.reports.scope import Scope, TerminalInfo, terminal_infos
from center.reports.tally import ALL, STATION, Raw, Tally
from center.reports.uptime import finish_uptime, uptime_tally

SECTIONS = ("uptime", "locker", "queue", "devices", "notices")
# Sections whose median is computed per level (the others have none).
WITH_MEDIAN = ("locker", "devices")
# The column chart's series, per local day.
DAILY = {"deposits": "locker", "issued": "queue", "device_alarms": "devices"}


@dataclass
class Computed:
    scope: Scope
    terminals: list[TerminalInfo]
    tallies: dict[str, Tally]
    incomplete: list[dict[str, Any]]


def compute(district: str, station: Station | None, period: Period, now: datetime,
            using: str = "default") -> Computed:
    scope = Scope(district, station, period, now, using)
    terminals = terminal_infos(scope)
    tallies = {"uptime": uptime_tally(scope, terminals), "locker": locker_tally(scope),
               "queue": queue_tally(scope), "devices": devices_tally(scope),
               "notices": notices_tally(scope)}
    return Computed(scope, terminals, tallies, incomplete_terminals(scope, terminals))


def district_figures(computed: Computed) -> dict[str, Any]:
    """The district's figures, a row per station (and one for terminals of no station)."""
    stations: dict[int | None, list[TerminalInfo]] = {}
    for terminal in computed.terminals:
        stations.setdefault(terminal.station_id, []).append(terminal)
    units = [(station_id, members[0].station_code, members[0].station_name, members)
             for station_id, members in sorted(stations.items(),
                                               key=lambda item: item[1][0].station_name)]

    rows = [_unit(code, name, station_id, members, computed,
                  _median_at(computed, STATION, station_id))
            for station_id, code, name, members in units]
    return _figures(computed, None, "station", computed.terminals, rows,
                    _median_at(computed, ALL, None))


def station_figures(computed: Computed, station: Station) -> dict[str, Any]:
    """One station's figures, a row per terminal."""
    members = [t for t in computed.terminals if t.station_id == station.pk]
    rows = [_unit(t.terminal_id, t.terminal_id, station.pk, [t], computed, _no_median)
            for t in members]
    return _figures(computed, station, "terminal", members, rows,
                    _median_at(computed, STATION, station.pk))


def _no_median(section: str) -> None:
    """A terminal's row shows the average only (tally.py: medians are kept per station)."""
    return None


def _median_at(computed: Computed, level: str, key: Any) -> Callable[[str], float | None]:
    """A section's median at one level (a terminal, a station, all), by section."""
    def median(section: str) -> float | None:
        return computed.tallies[section].median(level, key)
    return median


def _unit(key: str, name: str, station_id: int | None, members: list[TerminalInfo],
          computed: Computed, median: Callable[[str], float | None]) -> dict[str, Any]:
    pks = [t.pk for t in members]
    return {"key": key, "name": name, "station_id": station_id,
            **{section: _finish(section, computed.tallies[section].over(pks), median(section))
               for section in SECTIONS}}


def _finish(section: str, raw: Raw, median: float | None) -> dict[str, Any]:
    if section == "uptime":
        finished = finish_uptime(raw)
    elif section == "locker":
        finished = finish_locker(raw, median)
    elif section == "queue":
        finished = finish_queue(raw)
    elif section == "devices":
        finished = finish_devices(raw, median)
    else:
        finished = finish_notices(raw)
    return {name: _tidy(name, value) for name, value in finished.items()}


def _tidy(name: str, value: float | None) -> float | int | None:
    """Whole numbers as integers; durations to the second (the databases' arithmetic on
    times leaves a few microseconds either way); shares and averages as they are."""
    if value is None:
        return None
    if name.endswith("_s"):
        return round(value)
    return int(value) if float(value).is_integer() else value


def _figures(computed: Computed, station: Station | None, units: str,
             members: list[TerminalInfo], rows: list[dict[str, Any]],
             median: Callable[[str], float | None]) -> dict[str, Any]:
    scope, tallies = computed.scope, computed.tallies
    pks = [t.pk for t in members]
    period = scope.period
    wanted = {t.terminal_id for t in members}
    return {
        "format": FORMAT_VERSION,
        "district": scope.district,
        "station": None if station is None else {
            "id": station.pk, "code": station.code, "name": station.name},
        "period": {"kind": period.kind, "token": period.token,
                   "first_day": period.first_day.isoformat(),
                   "last_day": period.last_day.isoformat(),
                   "start": period.start.isoformat(), "end": period.end.isoformat()},
        "computed_at": scope.now.isoformat(),
        "units": units,
        "terminals": len(members),
        "total": {section: _finish(section, tallies[section].over(pks),
                                   median(section) if section in WITH_MEDIAN else None)
                  for section in SECTIONS},
        "rows": rows,
        "queue_categories": _detail(tallies["queue"], pks, "queue"),
        "device_kinds": _detail(tallies["devices"], pks, "devices"),
        "daily": {series: _days(tallies[section].daily_over(
            {t.station_id for t in members}), period) for series, section in DAILY.items()},
        "incomplete": [entry for entry in computed.incomplete if entry["terminal"] in wanted],
    }


def _detail(tally: Tally, pks: list[int], section: str) -> list[dict[str, Any]]:
    return [{"key": key, "name": tally.detail_names.get(key, key),
             **_finish(section, raw, None)}
            for key, raw in tally.detail_over(pks).items()]


def _days(found: dict[str, float], period: Period) -> list[list[Any]]:
    """Every day of the period, in order, with its count (0 when none)."""
    return [[day.isoformat(), found.get(day.isoformat(), 0)] for day in period.days()]
