"""Working days on the mainland calendar, for the deadlines of bad-rating cases (好差评:
verified within 1 working day, rectified within 5 or 15; docs at shared/reference
ratings.md).

A working day is what the State Council's yearly holiday notice makes it: weekends are off
except the Saturdays and Sundays worked in exchange (调休), and the public holidays are off
whatever the weekday. The days come from the chinesecalendar package, which carries each
year's notice; a year it does not know yet is refused with what to do, never guessed from
weekdays alone, because a deadline counted across an unknown Golden Week would be wrong by
a week.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


class CalendarUnknown(ValueError):
    """The holiday notice of a year is not in the calendar this center has."""


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknown(
            f"the working days of {day.year} are not known to this center yet (the State "
            "Council publishes them each November): update the chinesecalendar package"
        ) from None


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days after ``start``: a case received on a Friday before a
    holiday with one working day to verify is due on the first working day after it. The
    start day itself is never counted, whether or not it is a working day."""
    if days < 0:
        raise ValueError("a deadline is a number of working days from 0 up")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
