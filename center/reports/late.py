"""Events that arrive after their day has closed, counted so that a kept report can say how
many of its period's events came after it was made ("生成后又收到 N 条…"), without reading a
quarter's events whenever the page is opened.

A scan reads the events stored since the previous one (by primary key: a few minutes' or
an hour's worth) and keeps, for those made on a local day that had already ended, a count
per district, station, day and minute of arrival. A report's late events are then the
counts of its days that arrived after it was made: one small sum.

Primary keys are handed out when a batch inserts, and a batch commits a moment later, so a
scan stops short of the events received in the last SCAN_LAG: a batch still committing
then is read by the next scan. A scan's range is unique, so two scans never count twice.

What SCAN_LAG assumes: every ingest batch commits within SCAN_LAG (2 minutes) of the
received_at of the events it inserts. Events are read and inserted in the same batch
transaction, which takes well under a second in normal running, so the margin is wide. If
a batch is held longer (a database lock wait, a worker paused mid-transaction) while
another worker's later batch commits, the held batch's events have primary keys below the
scan's upper bound but are not yet visible: the scan passes them and no later scan reads
them, so they are missing from the late-data note (the kept reports' figures are not
affected; only the "received after it was made" count is low). Scanning by received_at
with an overlap would need each counted late event remembered (a row per event id) to
avoid counting it twice; not built, as the note is advisory."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import TruncDate, TruncMinute

from center.ingest.models import Event
from center.reports.models import EventScan, LateEvents, Report
from center.reports.periods import local_zone

SCAN_LAG = timedelta(minutes=2)


def scan_late_events(now: datetime, using: str = "default") -> int:
    """Counts what arrived since the last scan; returns how many events were late."""
    events = Event.objects.using(using)
    upto = events.filter(received_at__lte=now - SCAN_LAG).order_by("-pk").values_list(
        "pk", flat=True).first()
    if upto is None:
        return 0
    last = EventScan.objects.using(using).aggregate(upto=Max("upto"))["upto"]
    if last is None:
        # The first scan: earlier events belong to periods no report was made of yet.
        _claim(0, upto, now, using)
        return 0
    if upto <= last:
        return 0
    today = datetime.combine(now.astimezone(local_zone()).date(), datetime.min.time(),
                             tzinfo=local_zone())
    try:
        with transaction.atomic(using=using):
            scan = EventScan.objects.using(using).create(after=last, upto=upto,
                                                         scanned_at=now)
            tallies = events.filter(pk__gt=last, pk__lte=upto, created_at__lt=today).annotate(
                day=TruncDate("created_at", tzinfo=local_zone()),
                minute=TruncMinute("received_at")).values(
                "terminal__district", "terminal__station_id", "day", "minute").annotate(
                n=Count("pk"))
            rows = [LateEvents(scan=scan, district=row["terminal__district"],
                               station_id=row["terminal__station_id"], day=row["day"],
                               received_minute=row["minute"], events=row["n"])
                    for row in tallies]
            LateEvents.objects.using(using).bulk_create(rows)
    except IntegrityError:
        return 0                        # another scan took this range
    return sum(row.events for row in rows)


def _claim(after: int, upto: int, now: datetime, using: str) -> None:
    try:
        with transaction.atomic(using=using):
            EventScan.objects.using(using).create(after=after, upto=upto, scanned_at=now)
    except IntegrityError:
        pass


def late_events(report: Report, using: str = "default") -> int:
    """Events of the report's period (and scope) that arrived after it was made, as far as
    the scans have counted; to the minute."""
    tallies = LateEvents.objects.using(using).filter(
        district=report.district, day__gte=report.first_day, day__lte=report.last_day,
        received_minute__gte=_next_minute(report.generated_at))
    if report.station_id is not None:
        tallies = tallies.filter(station_id=report.station_id)
    return int(tallies.aggregate(n=Sum(F("events")))["n"] or 0)


def last_scan(using: str = "default") -> datetime | None:
    return EventScan.objects.using(using).aggregate(at=Max("scanned_at"))["at"]


def _next_minute(at: datetime) -> datetime:
    """The minute after the one the report was made in: events of that minute may have
    come before it, and are counted in its figures."""
    return at.replace(second=0, microsecond=0) + timedelta(minutes=1)
