"""A queue's opening hours: its own sessions, or else the station's staffed hours in force.

The configuration keeps a queue's own sessions within the station's staffed hours, and the
district center cannot set staffed hours that leave them out (station_settings), so a queue
is never open while nobody is at the windows."""

from __future__ import annotations

from kiosk.config.schema import QueueCategory
from kiosk.config.weekly_hours import WeeklyHours


def category_hours(category: QueueCategory, staffed_hours: WeeklyHours) -> WeeklyHours:
    if category.sessions:
        return WeeklyHours.from_sessions(category.sessions)
    return staffed_hours
