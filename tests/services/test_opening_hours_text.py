"""Staffed hours as one value, worded one way: the same hours read the same on every
screen and slip, in Chinese and in English."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.config.schema import OpeningSession
from kiosk.config.weekly_hours import Stretch, WeeklyHours
from kiosk.i18n import translator
from kiosk.services.opening_hours_text import chinese_hours, describe_hours

WEEKDAYS = (1, 2, 3, 4, 5)


def hours(*sessions: tuple[tuple[int, ...], str, str]) -> WeeklyHours:
    return WeeklyHours.from_sessions(OpeningSession(days=days, start=start, end=end)
                                     for days, start, end in sessions)


DEMO = hours((WEEKDAYS, "09:00", "17:00"), ((6,), "09:00", "16:00"))


@pytest.mark.parametrize(("week", "chinese", "english"), [
    (DEMO, "周一至周五 9:00–17:00，周六 9:00–16:00", "Mon–Fri 9:00–17:00; Sat 9:00–16:00"),
    (hours((WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "13:30", "17:00")),
     "周一至周五 9:00–12:00、13:30–17:00", "Mon–Fri 9:00–12:00, 13:30–17:00"),
    (hours(((1, 3, 5), "09:00", "17:00"), ((2, 4), "09:00", "12:00")),
     "周一、周三、周五 9:00–17:00，周二、周四 9:00–12:00",
     "Mon, Wed, Fri 9:00–17:00; Tue, Thu 9:00–12:00"),
    (hours(((1, 2, 3, 6, 7), "08:30", "17:30")), "周一至周三、周六、周日 8:30–17:30",
     "Mon–Wed, Sat, Sun 8:30–17:30"),
    (hours(((1, 2, 3, 4, 5, 6, 7), "00:00", "24:00")), "每天 0:00–24:00",
     "Every day 0:00–24:00"),
    (WeeklyHours(), "", ""),
], ids=["weekdays-and-saturday", "lunch-break", "alternate-days", "runs-and-pairs",
        "every-day", "none"])
def test_hours_read_the_same_in_either_language(week, chinese, english):
    assert chinese_hours(week) == chinese
    assert describe_hours(week, translator("zh_CN")) == chinese
    assert describe_hours(week, translator("en")) == english


def test_sessions_are_merged_and_sorted_whatever_order_they_come_in():
    week = hours(((1,), "13:00", "17:00"), ((1,), "09:00", "12:00"), ((1,), "12:00", "13:00"),
                 ((1,), "10:00", "11:00"))

    assert week.on(1) == (Stretch(540, 1020),)
    assert chinese_hours(week) == "周一 9:00–17:00"
    assert week.as_sessions() == [{"days": [1], "start": "09:00", "end": "17:00"}]


def test_open_closed_and_within():
    monday = datetime(2026, 11, 23, 16, 59)     # a Monday
    saturday = datetime(2026, 11, 28, 16, 0)

    assert DEMO.is_open(monday)
    assert not DEMO.is_open(monday.replace(hour=17, minute=0))
    assert not DEMO.is_open(saturday)           # closes at 16:00
    lunch = hours((WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "13:00", "17:00"))
    assert lunch.outside(DEMO) is None
    assert DEMO.outside(lunch) == (1, Stretch(540, 1020))
    assert hours(((6,), "09:00", "17:00")).outside(DEMO) == (6, Stretch(540, 1020))
    assert DEMO.short_day(7) is None            # Saturday's 7 hours are enough
    assert hours(((6,), "09:00", "12:00")).short_day(7) == (6, 180)
