"""The rules on opening hours that span keys: the station's staffed hours are the one
source of when anyone is at the windows, and every queue opens only within them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from kiosk.config.errors import ConfigError
from kiosk.config.schema import KioskConfig, OpeningSession
from kiosk.config.weekly_hours import (
    MIN_OPEN_HOURS_A_DAY,
    WeeklyHours,
    session_problem,
)

# Keys that no longer exist, and what took their place: a file written for an older
# version is refused with the way to fix it rather than a bare "unknown key".
RETIRED_KEYS = {
    ("station", "opening_hours"): (
        "replaced by station.staffed_hours, the staffed hours as sessions from which every "
        "screen and slip words them, e.g. staffed_hours = [{ days = [1, 2, 3, 4, 5], "
        "start = \"09:00\", end = \"17:00\" }, { days = [6], start = \"09:00\", "
        "end = \"16:00\" }]"),
}


def refuse_retired_keys(merged: dict[str, Any], origin: Callable[[str], str | None]) -> None:
    for (table, key), advice in RETIRED_KEYS.items():
        section = merged.get(table)
        if isinstance(section, dict) and key in section:
            dotted = f"{table}.{key}"
            raise ConfigError(origin(dotted), dotted, advice)


def check_staffed_hours(config: KioskConfig, origin: Callable[[str], str | None]) -> None:
    _check_sessions(config.station.staffed_hours, "station.staffed_hours", origin)


def check_queue_hours(config: KioskConfig, origin: Callable[[str], str | None]) -> None:
    """Each queue's hours: its own sessions, within the station's staffed hours, or the
    station's; either way open at least MIN_OPEN_HOURS_A_DAY on each day it opens."""
    station = WeeklyHours.from_sessions(config.station.staffed_hours)
    if not station:
        _fail(origin, "station.staffed_hours",
              "queue.enabled = true needs the station's staffed hours: every queue opens "
              "within them")
    for index, category in enumerate(config.queue.categories):
        where = f"queue.categories[{index}].sessions"
        if not category.sessions:
            short = station.short_day()
            if short is not None:
                day, minutes = short
                _fail(origin, where,
                      f"none given, so the station's staffed hours apply, and they are open "
                      f"{minutes / 60:.1f} hours on weekday {day}; at least "
                      f"{MIN_OPEN_HOURS_A_DAY} hours are required: give this queue its own "
                      "sessions or lengthen station.staffed_hours")
            continue
        _check_sessions(category.sessions, where, origin)
        for s_index, session in enumerate(category.sessions):
            outside = WeeklyHours.from_sessions((session,)).outside(station)
            if outside is not None:
                day, stretch = outside
                _fail(origin, f"{where}[{s_index}]",
                      f"open {stretch} on weekday {day}, outside the station's staffed "
                      "hours (station.staffed_hours): a queue opens only while the station "
                      "is staffed")
        short = WeeklyHours.from_sessions(category.sessions).short_day()
        if short is not None:
            day, minutes = short
            _fail(origin, where, f"open {minutes / 60:.1f} hours on weekday {day}; at least "
                                 f"{MIN_OPEN_HOURS_A_DAY} hours are required")


def _check_sessions(sessions: Sequence[OpeningSession], where: str,
                    origin: Callable[[str], str | None]) -> None:
    for index, session in enumerate(sessions):
        problem = session_problem(session)
        if problem is not None:
            name, text = problem
            _fail(origin, f"{where}[{index}].{name}", text)


def _fail(origin: Callable[[str], str | None], key: str, problem: str) -> NoReturn:
    raise ConfigError(origin(key), key, problem)
