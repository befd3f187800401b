"""Report periods in local time (settings.TIME_ZONE): a day, a week (Monday to Sunday), a
month or a quarter, each named in addresses as people write it (2026-12-05, 2026-W49,
2026-12, 2026-Q4)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from center.reports.models import PeriodKind

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# The years an address or a form may name: far enough either way for any report, near
# enough that a period's end (the midnight after it) is always a date Python can make.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# No terminal reported before this: a report of an earlier period is refused, not made.
FIRST_REPORT_DAY = date(2020, 1, 1)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date                  # included

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=local_zone())

    @property
    def end(self) -> datetime:
        """Local midnight after the last day (not included)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min,
                                tzinfo=local_zone())

    @property
    def token(self) -> str:
        """The period in an address: 2026-12-05, 2026-W49, 2026-12, 2026-Q4."""
        if self.kind == PeriodKind.DAY:
            return self.first_day.isoformat()
        if self.kind == PeriodKind.WEEK:
            year, week, _ = self.first_day.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.first_day.year}-{self.first_day.month:02d}"
        return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n)
                for n in range((self.last_day - self.first_day).days + 1)]

    def closed(self, now: datetime) -> bool:
        return now >= self.end


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == PeriodKind.DAY:
        return Period(kind, day, day)
    if kind == PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=6))
    if kind == PeriodKind.MONTH:
        first = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    else:
        raise ValueError(f"no such period: {kind!r}")
    months = 1 if kind == PeriodKind.MONTH else 3
    following = date(first.year + (first.month + months - 1) // 12,
                     (first.month + months - 1) % 12 + 1, 1)
    return Period(kind, first, following - timedelta(days=1))


def parse_token(token: str) -> Period:
    """A period from its address form; ValueError for anything else, and for a year
    outside FIRST_YEAR..LAST_YEAR."""
    if not token[:4].isdigit() or not FIRST_YEAR <= int(token[:4]) <= LAST_YEAR:
        raise ValueError(f"not a period: {token!r}")
    if found := _DAY.match(token):
        return period_of(PeriodKind.DAY, date(*map(int, found.groups())))
    if found := _WEEK.match(token):
        return period_of(PeriodKind.WEEK, date.fromisocalendar(int(found[1]), int(found[2]), 1))
    if found := _MONTH.match(token):
        return period_of(PeriodKind.MONTH, date(int(found[1]), int(found[2]), 1))
    if found := _QUARTER.match(token):
        return period_of(PeriodKind.QUARTER, date(int(found[1]), 3 * int(found[2]) - 2, 1))
    raise ValueError(f"not a period: {token!r}")


def just_closed(now: datetime) -> list[Period]:
    """Yesterday, last week, last month and last quarter, as of ``now`` in local time."""
    today = now.astimezone(local_zone()).date()
    return [period_of(kind, period_of(kind, today).first_day - timedelta(days=1))
            for kind in PeriodKind]


class PeriodConverter:
    """The URL converter for a period token (center/reports/urls.py)."""

    regex = r"\d{4}-(?:\d{2}-\d{2}|W\d{2}|\d{2}|Q[1-4])"

    def to_python(self, value: str) -> Period:
        return parse_token(value)

    def to_url(self, value: Period | str) -> str:
        return value.token if isinstance(value, Period) else value
