"""The ratings overview's figures: the three rates for a period and the same counts broken
down by station, service item, window, channel and kind of service. Each breakdown is one
grouped query whatever the number of terminals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from center.fleet.models import Terminal
from center.ratings.figures import RatingFigures, counted, figures, service_event_rows
from center.ratings.models import BAD, GOOD, LEVELS, Rating


@dataclass(frozen=True)
class Period:
    first: date
    last: date                      # inclusive

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = date(day.year, first_month, 1)
    following = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: what it is, and its counts."""

    key: object
    figures: RatingFigures


@dataclass(frozen=True)
class Overview:
    totals: RatingFigures
    flooded: int
    by_level: list[tuple[int, int]]          # (level, ratings), 5 down to 1
    by_station: list[Line]
    by_item: list[Line]
    by_window: list[Line]
    by_channel: list[Line]
    by_kind: list[Line]


def overview(terminals: QuerySet[Terminal], period: Period, using: str = "default") -> Overview:
    ratings = Rating.objects.using(using).filter(
        terminal__in=terminals, rated_at__gte=period.start, rated_at__lt=period.end)
    services_by_station = _services_by_station(terminals, period, using)
    levels = dict(counted(ratings).values_list("level").annotate(n=Count("pk"))
                  .values_list("level", "n"))
    station_lines = [Line(line.key, RatingFigures(
        line.figures.rated, line.figures.good, line.figures.bad,
        services_by_station.get(None if line.key is None else str(line.key), 0)))
        for line in _lines(ratings, "terminal__station__name")]
    return Overview(
        totals=figures(ratings, sum(services_by_station.values())),
        flooded=ratings.filter(flooded=True).count(),
        by_level=[(level, levels.get(level, 0)) for level in sorted(LEVELS, reverse=True)],
        by_station=station_lines,
        by_item=[line for line in _lines(ratings, "item") if line.key],
        by_window=_lines(ratings.exclude(window=None), "terminal__station__name", "window"),
        by_channel=_lines(ratings, "channel"),
        by_kind=_lines(ratings, "event_kind"),
    )


def _lines(ratings: QuerySet[Rating], *fields: str) -> list[Line]:
    grouped = counted(ratings).values(*fields).annotate(
        rated=Count("pk"), good=Count("pk", filter=Q(level__in=GOOD)),
        bad=Count("pk", filter=Q(level__in=BAD))).order_by("-rated", *fields)
    return [Line(row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields),
                 RatingFigures(row["rated"], row["good"], row["bad"])) for row in grouped]


def _services_by_station(terminals: QuerySet[Terminal], period: Period,
                         using: str) -> dict[str | None, int]:
    events = service_event_rows(terminals, period.start, period.end, using)
    rows: Iterable[tuple[str | None, int]] = events.values_list(
        "terminal__station__name").annotate(n=Count("pk")).values_list(
        "terminal__station__name", "n")
    return dict(rows)
