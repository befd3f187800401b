"""Deadlines in working days on the 2026 calendar: the Spring Festival and National Day
holidays, and the weekends worked in exchange for them (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from center.ratings.working_days import (
    CalendarUnknown,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_holidays_are_off_and_exchanged_weekends_are_worked():
    assert not is_working_day(date(2026, 2, 17))          # 春节
    assert not is_working_day(date(2026, 10, 1))          # 国庆
    assert is_working_day(date(2026, 2, 14))              # a Saturday worked (调休)
    assert is_working_day(date(2026, 10, 10))             # a Saturday worked (调休)
    assert not is_working_day(date(2026, 12, 5))          # an ordinary Saturday


def test_a_deadline_counts_only_working_days():
    # Received on Friday 2026-02-13: the next day is the Saturday worked before the Spring
    # Festival, so one working day to verify ends on that Saturday.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    # Five working days from the Saturday cross the whole holiday (2-15 to 2-23 off, the
    # Saturday 2-28 worked).
    assert add_working_days(date(2026, 2, 14), 5) == date(2026, 2, 28)
    # Received on National Day: the first working day after the holiday week (10-1 to 10-7).
    assert add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)
    # An ordinary week: Friday plus 1 is Monday.
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 4), 0) == date(2026, 12, 4)


def test_working_days_between():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 11)) == 5
    assert working_days_between(date(2026, 12, 11), date(2026, 12, 4)) == 0


def test_a_year_without_its_holiday_notice_is_refused_not_guessed():
    with pytest.raises(CalendarUnknown, match=r"2027.*chinesecalendar"):
        add_working_days(date(2026, 12, 30), 5)
