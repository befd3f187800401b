"""Quarters as the publication names them (2026q4), and which may be published: only a
quarter that is over, and one the page lists (the current one, shown as a preview, and the
eight before it). A quarter is the reports' quarter period (center/reports/periods.py, whose
address form is 2026-Q4): its days, bounds in local time and the years an address may name
are the reports'; this type adds the publication's address, its words and its steps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from center.reports.models import PeriodKind
from center.reports.periods import FIRST_YEAR, LAST_YEAR, Period, period_of

SLUG = re.compile(r"(\d{4})q([1-4])")
QUARTER_NAMES = {1: pgettext_lazy("publication", "first quarter"),
                 2: pgettext_lazy("publication", "second quarter"),
                 3: pgettext_lazy("publication", "third quarter"),
                 4: pgettext_lazy("publication", "fourth quarter")}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int                     # 1-4

    @classmethod
    def parse(cls, slug: str) -> Quarter | None:
        """``2026q4`` (or 2026Q4); None for anything else."""
        found = SLUG.fullmatch(slug.strip().lower())
        if not found or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
            return None
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def containing(cls, moment: datetime) -> Quarter:
        local = timezone.localtime(moment)
        return cls(local.year, (local.month - 1) // 3 + 1)

    @property
    def slug(self) -> str:
        return f"{self.year}q{self.number}"

    @property
    def period(self) -> Period:
        """The same quarter as the reports name it."""
        return period_of(PeriodKind.QUARTER, date(self.year, 3 * self.number - 2, 1))

    @property
    def first_day(self) -> date:
        return self.period.first_day

    @property
    def last_day(self) -> date:
        return self.period.last_day

    @property
    def start(self) -> datetime:
        """Midnight of its first day, local time (settings.TIME_ZONE)."""
        return self.period.start

    @property
    def end(self) -> datetime:
        """Midnight after its last day: the period is [start, end)."""
        return self.period.end

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else \
            Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else \
            Quarter(self.year, self.number - 1)

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end

    def label(self) -> str:
        """2026年第四季度 (in English: 2026, fourth quarter)."""
        return pgettext("publication", "%(year)d, %(quarter)s") % {
            "year": self.year, "quarter": QUARTER_NAMES[self.number]}


def recent_quarters(now: datetime | None = None, count: int = 8) -> list[Quarter]:
    """The current quarter first, then the ``count`` before it."""
    quarters = [Quarter.containing(now or timezone.now())]
    for _index in range(count):
        quarters.append(quarters[-1].previous())
    return quarters


def is_listed(quarter: Quarter, now: datetime | None = None) -> bool:
    """Whether the publication page lists ``quarter``: only those may be published."""
    return quarter in recent_quarters(now)
