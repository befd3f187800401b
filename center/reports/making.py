"""Making reports and keeping them: once per scope and period (the unique constraints), for
closed periods only. A district's pass computes every section once and keeps the district's
report and each of its stations' from it; a report already kept is left as it is unless
asked ``again`` (then its figures are replaced: an operator's decision, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from center.audit.log import record
from center.fleet.models import Station, Terminal
from center.reports.figures import compute, district_figures, station_figures
from center.reports.late import scan_late_events
from center.reports.models import FORMAT_VERSION, Report
from center.reports.periods import FIRST_REPORT_DAY, Period


class PeriodNotClosed(ValueError):
    """A report is made only of a period that has ended."""


class PeriodTooEarly(ValueError):
    """No report is made of a period that ended before FIRST_REPORT_DAY."""


def _may_be_made(period: Period, now: datetime) -> None:
    if not period.closed(now):
        raise PeriodNotClosed(period.token)
    if period.last_day < FIRST_REPORT_DAY:
        raise PeriodTooEarly(period.token)


@dataclass
class Made:
    made: int = 0
    kept_already: int = 0
    made_again: int = 0


def districts(using: str = "default") -> list[str]:
    found = set(Station.objects.using(using).values_list("district", flat=True))
    found |= set(Terminal.objects.using(using).values_list("district", flat=True))
    return sorted(found)


def kept(district: str, station: Station | None, period: Period,
         using: str = "default") -> Report | None:
    return Report.objects.using(using).filter(
        district=district, station=station, kind=period.kind,
        first_day=period.first_day).first()


def make_district(district: str, period: Period, now: datetime, *, again: bool = False,
                  using: str = "default") -> Made:
    """The district's report and its stations' (those with a terminal), for ``period``."""
    _may_be_made(period, now)
    stations = list(Station.objects.using(using).filter(
        district=district, terminals__isnull=False).distinct().order_by("code"))
    existing = Report.objects.using(using).filter(
        district=district, kind=period.kind, first_day=period.first_day)
    have = {station_id for station_id in existing.values_list("station_id", flat=True)}
    wanted: list[Station | None] = [None, *stations]
    missing = [s for s in wanted if (None if s is None else s.pk) not in have]
    outcome = Made(kept_already=len(wanted) - len(missing))
    if not missing and not again:
        return outcome
    computed = compute(district, None, period, now, using)
    for station in wanted if again else missing:
        figures = district_figures(computed) if station is None else \
            station_figures(computed, station)
        if _keep(district, station, period, now, figures, again=again, using=using):
            outcome.made += 1
        elif again:
            outcome.made_again += 1
    if again:
        outcome.kept_already = 0
    return outcome


def make_one(district: str, station: Station | None, period: Period, now: datetime,
             user: Any, *, using: str = "default") -> Report:
    """One report, as a person asks for it on its page: the one kept if there is one."""
    _may_be_made(period, now)
    found = kept(district, station, period, using)
    if found is not None:
        return found
    scan_late_events(now, using)
    computed = compute(district, station, period, now, using)
    figures = district_figures(computed) if station is None else \
        station_figures(computed, station)
    if _keep(district, station, period, now, figures, made_by=user.get_username(),
             using=using):
        report = kept(district, station, period, using)
        assert report is not None
        record(user, "report.made", using=using, district=district,
               station=station.code if station else None, period=period.token)
        return report
    report = kept(district, station, period, using)
    assert report is not None           # someone else's, kept a moment before
    return report


def _keep(district: str, station: Station | None, period: Period, now: datetime,
          figures: dict[str, Any], *, again: bool = False, made_by: str = "",
          using: str) -> bool:
    """Keeps the report; False when one was kept already (replaced if ``again``)."""
    fields = {"start": period.start, "end": period.end, "last_day": period.last_day,
              "generated_at": now, "figures": figures, "format_version": FORMAT_VERSION,
              "made_by": made_by}
    try:
        with transaction.atomic(using=using):
            Report.objects.using(using).create(district=district, station=station,
                                               kind=period.kind, first_day=period.first_day,
                                               **fields)
        return True
    except IntegrityError:
        if again:
            Report.objects.using(using).filter(
                Q(station=station) if station else Q(station__isnull=True),
                district=district, kind=period.kind,
                first_day=period.first_day).update(**fields)
            record(None, "report.made_again", using=using, district=district,
                   station=station.code if station else None, period=period.token)
        return False
