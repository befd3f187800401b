"""Two things both databases do, written once: the seconds between two times as a number
(SQLite's julianday, PostgreSQL's epoch; Django's own subtraction calls Python for every
row on SQLite), and medians per group in one query (a window ranks each group's values;
only the middle one or two come back)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber


class Seconds(Func):
    """Seconds from ``start`` to ``end`` (negative when end is earlier), as a float."""

    output_field = FloatField()

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return start_sql, end_sql, [*end_params, *start_params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        start, end, params = self._parts(compiler, connection)
        return f"((julianday({end}) - julianday({start})) * 86400.0)", params

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        start, end, params = self._parts(compiler, connection)
        return f"(EXTRACT(EPOCH FROM ({end}) - ({start}))::double precision)", params


def medians(rows: QuerySet[Any], value: Expression, group: str | None) -> dict[Any, float]:
    """The median of ``value`` over ``rows``, per value of the field ``group`` (or over
    all rows, under the key None)."""
    partition = [F(group)] if group else []
    ranked = rows.annotate(
        median_value=value, median_key=F(group) if group else Value(0),
        median_rank=Window(RowNumber(), partition_by=partition,
                           order_by=[F("median_value").asc(), F("pk").asc()]),
        median_count=Window(Count("pk"), partition_by=partition))
    # The middle row, or the two middle rows of an even count (integer division).
    middle = ranked.filter(median_rank__gte=(F("median_count") + 1) / 2,
                           median_rank__lte=(F("median_count") + 2) / 2)
    found: dict[Any, list[float]] = defaultdict(list)
    for key, number in middle.values_list("median_key", "median_value"):
        found[key if group else None].append(float(number))
    return {key: sum(values) / len(values) for key, values in found.items()}


class LocalDate(Func):
    """The local date (settings.TIME_ZONE) of a time, natively on both databases: Django's
    TruncDate calls Python for every row on SQLite (3 s for a district's quarter of
    deposits). On SQLite the zone's offset is applied with date(..., '+N minutes'), one
    offset per stretch of the period between the zone's changes (summer time), which
    ``offsets`` lists; PostgreSQL converts with AT TIME ZONE. Gives 'YYYY-MM-DD' text on
    SQLite and a date on PostgreSQL: ``day_text`` reads either."""

    output_field = CharField()

    def __init__(self, expression: Any, zone: str,
                 offsets: list[tuple[datetime | None, int]]) -> None:
        super().__init__(expression)
        self.zone = zone
        self.offsets = offsets          # (from this instant, or None: from the start; minutes)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        if len(self.offsets) == 1:
            return f"date({sql}, '{self.offsets[0][1]:+d} minutes')", list(params)
        cases, case_params = [], []
        for since, minutes in reversed(self.offsets[1:]):
            cases.append(f"WHEN {sql} >= %s THEN '{minutes:+d} minutes'")
            assert since is not None
            case_params += [*params, since.astimezone(UTC).replace(tzinfo=None).isoformat(" ")]
        first = self.offsets[0][1]
        return (f"date({sql}, CASE {' '.join(cases)} ELSE '{first:+d} minutes' END)",
                [*params, *case_params])

    def as_postgresql(self, compiler: Any, connection: Any,
                      **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, self.zone]


def zone_offsets(start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """The zone's offset from UTC in minutes at ``start`` (aware, local) and each change of
    it before ``end``, found hour by hour (zones change on the hour or half hour)."""
    zone = start.tzinfo
    assert zone is not None

    def minutes(at: datetime) -> int:
        offset = at.astimezone(zone).utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0

    found: list[tuple[datetime | None, int]] = [(None, minutes(start))]
    at = start.astimezone(UTC)
    while at < end:
        step = at + timedelta(minutes=30)
        if minutes(step) != found[-1][1]:
            found.append((step, minutes(step)))
        at = step
    return found


def day_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
