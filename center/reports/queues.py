"""The queue: tickets issued, served, no-shows, and waits, from the terminals'
``queue.daily_summary`` events (docs/mqtt.md), one per terminal and closed day, each with a
line per queue category. One query reads the period's category lines (JSON taken apart by
the database: SQLite's json_each, PostgreSQL's jsonb_array_elements; decoding a district
quarter's 184,000 payloads in Python took 3.5 s) and they are added up here. A summary is
the terminal's own count of its day; the day is its local date.

An average wait over several days is weighted by the tickets called that day (served and
no-shows), the longest is the longest of any day. A value that is not a number (a terminal
of another version, a payload nobody checked) counts as nothing."""

from __future__ import annotations

from typing import Any

from django.db import connections

from center.reports.scope import Scope
from center.reports.tally import Raw, Tally

FIELDS = ("issued", "served", "no_shows", "expired", "wait_min_x_called", "called",
          "longest_wait_min", "days")
COUNTS = ("issued", "served", "no_shows", "expired")
NUMBERS = (*COUNTS, "average_wait_min", "longest_wait_min")
LINE = ("category", "name", *NUMBERS)

SQLITE = """
SELECT e.terminal_id, t.station_id, json_extract(e.payload, '$.day'), e.seq, {values}
  FROM ingest_event e JOIN fleet_terminal t ON t.id = e.terminal_id
  LEFT JOIN json_each(CASE json_type(e.payload, '$.categories')
                       WHEN 'array' THEN json_extract(e.payload, '$.categories')
                       ELSE '[]' END) c
 WHERE e.type = 'queue.daily_summary' AND e.created_at >= %s AND t.district = %s {station}
   AND json_extract(e.payload, '$.day') BETWEEN %s AND %s
 ORDER BY e.terminal_id, e.seq, c.key"""
SQLITE_TEXT = "CASE c.type WHEN 'object' THEN json_extract(c.value, '$.{name}') END"
SQLITE_NUMBER = ("CASE WHEN c.type = 'object' AND json_type(c.value, '$.{name}') "
                 "IN ('integer', 'real') THEN json_extract(c.value, '$.{name}') END")

POSTGRESQL = """
SELECT e.terminal_id, t.station_id, e.payload->>'day', e.seq, {values}
  FROM ingest_event e JOIN fleet_terminal t ON t.id = e.terminal_id
  LEFT JOIN LATERAL jsonb_array_elements(
       CASE jsonb_typeof(e.payload->'categories') WHEN 'array' THEN e.payload->'categories'
       ELSE '[]'::jsonb END) WITH ORDINALITY AS c(value, n) ON true
 WHERE e.type = 'queue.daily_summary' AND e.created_at >= %s AND t.district = %s {station}
   AND e.payload->>'day' BETWEEN %s AND %s
 ORDER BY e.terminal_id, e.seq, c.n"""
POSTGRESQL_TEXT = "CASE jsonb_typeof(c.value) WHEN 'object' THEN c.value->>'{name}' END"
POSTGRESQL_NUMBER = ("CASE WHEN jsonb_typeof(c.value) = 'object' AND "
                     "jsonb_typeof(c.value->'{name}') = 'number' "
                     "THEN (c.value->>'{name}')::float8 END")


def _lines(scope: Scope) -> list[tuple[Any, ...]]:
    """(terminal, station, day, seq, category, name, issued, ...) per category line, in seq
    order; a summary without lines gives one line of None."""
    connection = connections[scope.using]
    sqlite = connection.vendor == "sqlite"
    text, number = (SQLITE_TEXT, SQLITE_NUMBER) if sqlite else \
        (POSTGRESQL_TEXT, POSTGRESQL_NUMBER)
    values = ", ".join((number if name in NUMBERS else text).format(name=name)
                       for name in LINE)
    station = "" if scope.station is None else "AND t.station_id = %s"
    params: list[Any] = [connection.ops.adapt_datetimefield_value(scope.start), scope.district,
                         *([] if scope.station is None else [scope.station.pk]),
                         scope.period.first_day.isoformat(), scope.period.last_day.isoformat()]
    with connection.cursor() as cursor:
        # A day's summary is written once the day has closed, never before it began.
        cursor.execute((SQLITE if sqlite else POSTGRESQL).format(values=values,
                                                                  station=station), params)
        return list(cursor.fetchall())


def queue_tally(scope: Scope) -> Tally:
    tally = Tally(FIELDS, maxed=frozenset({"longest_wait_min"}))
    summed: dict[tuple[int, str], int] = {}         # (terminal, day) -> the summary's seq
    # (terminal, category) -> issued, served, no-shows, expired, wait x called, called,
    # longest: added up here and handed to the tally once (a quarter has 184,000 lines).
    sums: dict[tuple[int, str], list[float]] = {}
    for terminal, station, day, seq, category, name, *numbers in _lines(scope):
        if (terminal, day) not in summed:
            summed[(terminal, day)] = seq
            tally.add(terminal, days=1)
            tally.count_day(station, day, 0)
        elif summed[(terminal, day)] != seq:
            continue            # a day summed up twice (a restored database): once
        if category is None and name is None and all(n is None for n in numbers):
            continue            # a summary with no category lines
        issued, served, no_shows, expired, average, longest = (
            n if type(n) in (int, float) and n >= 0 else None for n in numbers)
        called = (served or 0) + (no_shows or 0)
        key = str(category or "")[:60]
        if key not in tally.detail_names:
            tally.detail_names[key] = str(name or key)[:60]
        line = sums.setdefault((terminal, key), [0.0] * 7)
        line[0] += issued or 0
        line[1] += served or 0
        line[2] += no_shows or 0
        line[3] += expired or 0
        if average is not None:
            line[4] += average * called
            line[5] += called
        line[6] = max(line[6], longest or 0)
        tally.count_day(station, day, issued or 0)
    for (terminal, key), line in sums.items():
        figures = dict(zip(("issued", "served", "no_shows", "expired", "wait_min_x_called",
                            "called", "longest_wait_min"), line, strict=True))
        tally.add(terminal, **figures)
        tally.add_detail(terminal, key, **figures)
    return tally


def finish_queue(raw: Raw) -> dict[str, float | None]:
    return {**raw, "average_wait_min": raw["wait_min_x_called"] / raw["called"]
            if raw["called"] else None}
