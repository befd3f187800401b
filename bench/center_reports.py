"""A district's quarterly report: 2,000 terminals at 500 stations over a quarter, the time
to compute the district's figures and lay out the district's and every station's report
from them, beside the floor measured in the same run: reading every row those figures are
made of, bare SQL, no ORM (docs/center.md "Reports").

The quarter: each terminal on and off once a day (two presence spans), four results a day
with their notices, an alarm on three days in ten, a queue summary a day; a gap open on
one terminal in twenty. `manage.py make_reports` makes this once an hour for the periods
just closed; the figure says how long the hourly run takes at the end of a quarter. Then
the kept report is read as a page and as a workbook.

Each database in a process of its own, as bench/center_fleet_page.py does: SQLite, then
PostgreSQL in a private cluster with fsync on.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
BEIJING = ZoneInfo("Asia/Shanghai")
STATIONS, PER_STATION, DAYS = 500, 4, 92
RUNS = 3


def build(stations_count: int) -> None:
    from django.core.management import call_command

    from center.alarms.models import Alarm
    from center.fleet.models import Station, Terminal
    from center.ingest.models import Event, Gap
    from center.pickup.models import Deposit, PickupNotice
    from center.reports.models import PresenceSpan
    from center.reports.periods import period_of

    call_command("migrate", verbosity=0)
    quarter = period_of("quarter", date(2026, 8, 1))
    rng = random.Random(16)
    began = time.monotonic()
    stations = Station.objects.bulk_create(
        [Station(district="xc", code=f"s{n:03d}", name=f"第{n}便民服务站")
         for n in range(stations_count)])
    terminals = Terminal.objects.bulk_create(
        [Terminal(district="xc", terminal_id=f"xc-{s.code}-{k}", station=s, online=True,
                  bd_seq=1) for s in stations for k in range(PER_STATION)])
    spans, deposits, alarms, events = [], [], [], []
    for terminal in terminals:
        since = quarter.start - timedelta(days=1)
        for day in range(DAYS):
            morning = quarter.start + timedelta(days=day, hours=7, minutes=rng.randrange(60))
            evening = quarter.start + timedelta(days=day, hours=21, minutes=rng.randrange(60))
            spans += [PresenceSpan(terminal=terminal, online=False, started_at=since,
                                   ended_at=morning),
                      PresenceSpan(terminal=terminal, online=True, started_at=morning,
                                   ended_at=evening)]
            since = evening
            for n in range(4):
                stored = morning + timedelta(minutes=rng.randrange(600))
                waited = timedelta(minutes=rng.randrange(60 * 24 * 8))
                collected = waited < timedelta(days=7)
                deposits.append(Deposit(
                    terminal=terminal, deposit_id=f"{day}-{n}", case_number=f"C{day}{n}",
                    compartment=n + 1, stored_at=stored, expires_at=stored + timedelta(days=3),
                    state="collected" if collected else "overdue",
                    closed_at=stored + waited if collected else None))
            if rng.random() < 0.3:
                raised = morning + timedelta(minutes=rng.randrange(600))
                alarms.append(Alarm(
                    terminal=terminal, subject=f"x{day}", raised_at=raised, active=False,
                    kind=rng.choice(["printer.paper_out", "door_jammed", "device.fault"]),
                    cleared_at=raised + timedelta(minutes=rng.randrange(600))))
            events.append(Event(
                terminal=terminal, seq=day + 1, event_id=uuid.uuid4(), priority=10,
                type="queue.daily_summary", historical=False,
                created_at=quarter.start + timedelta(days=day + 1, minutes=5),
                received_at=quarter.start + timedelta(days=day + 1, minutes=6),
                payload={"day": (quarter.first_day + timedelta(days=day)).isoformat(),
                         "categories": [{"category": "general", "name": "综合窗口",
                                         "issued": 40, "served": 35, "no_shows": 3,
                                         "expired": 2, "average_wait_min": 6.5,
                                         "longest_wait_min": 31.0,
                                         "average_handling_min": 5.0}]}))
        spans.append(PresenceSpan(terminal=terminal, online=False, started_at=since,
                                  ended_at=None))
    PresenceSpan.objects.bulk_create(spans, batch_size=5000)
    Deposit.objects.bulk_create(deposits, batch_size=5000)
    PickupNotice.objects.bulk_create(
        [PickupNotice(deposit_id=pk, kind="stored", generation=1, created_at=stored,
                      next_try_at=stored,
                      state=rng.choice(["delivered", "delivered", "sent", "failed"]))
         for pk, stored in Deposit.objects.values_list("pk", "stored_at")], batch_size=5000)
    Alarm.objects.bulk_create(alarms, batch_size=5000)
    Event.objects.bulk_create(events, batch_size=5000)
    Gap.objects.bulk_create([Gap(terminal=t, first_seq=200, last_seq=210,
                                 opened_at=quarter.start) for t in terminals[::20]])
    print(f"  built in {time.monotonic() - began:.0f} s: {len(terminals)} terminals, "
          f"{len(spans):,} presence spans, {len(deposits):,} results and as many notices, "
          f"{len(alarms):,} alarms, {len(events):,} day summaries")


def floor_read() -> tuple[float, int]:
    """Every row the figures are made of, fetched bare: the least any report could cost."""
    from django.db import connection

    from center.alarms.models import Alarm
    from center.ingest.models import Event
    from center.pickup.models import Deposit, PickupNotice
    from center.reports.models import PresenceSpan

    reads = [
        (PresenceSpan, "terminal_id, online, started_at, ended_at"),
        (Deposit, "terminal_id, state, stored_at, expires_at, closed_at"),
        (PickupNotice, "deposit_id, state, created_at"),
        (Alarm, "terminal_id, kind, raised_at, cleared_at"),
    ]
    began, rows = time.monotonic(), 0
    with connection.cursor() as cursor:
        for model, columns in reads:
            cursor.execute(f"SELECT {columns} FROM {model._meta.db_table}")
            rows += len(cursor.fetchall())
        cursor.execute(f"SELECT terminal_id, payload FROM {Event._meta.db_table} "
                       "WHERE type = %s", ["queue.daily_summary"])
        rows += len(cursor.fetchall())
    return time.monotonic() - began, rows


def measure() -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from center.fleet.models import Station
    from center.reports.figures import compute, district_figures, station_figures
    from center.reports.making import make_district
    from center.reports.periods import period_of

    quarter = period_of("quarter", date(2026, 8, 1))
    now = datetime(2026, 10, 1, 1, 0, tzinfo=BEIJING)
    stations = list(Station.objects.all())
    for run in range(1, RUNS + 1):
        floor, rows = floor_read()
        with CaptureQueriesContext(connection) as queries:
            began = time.monotonic()
            computed = compute("xc", None, quarter, now)
            computed_at = time.monotonic()
            district_figures(computed)
            for station in stations:
                station_figures(computed, station)
            laid_out = time.monotonic()
        print(f"  run {run}: the district's figures {computed_at - began:.1f} s in "
              f"{len(queries)} statements, the district's and {len(stations)} stations' "
              f"layouts {laid_out - computed_at:.2f} s; floor, {rows:,} rows read bare "
              f"{floor:.1f} s: ratio {(computed_at - began) / floor:.1f}x")
    began = time.monotonic()
    made = make_district("xc", quarter, now)
    print(f"  kept the district's and {made.made - 1} stations' reports in "
          f"{time.monotonic() - began:.1f} s")
    client = Client()
    client.force_login(User.objects.create_superuser("bench-admin", password="x" * 16))
    # Production serves collected, hashed static files; this run collects none.
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        for address in ("/reports/xc/2026-Q3/", "/reports/xc/2026-Q3/report.xlsx",
                        "/reports/xc/2026-Q3/s000/"):
            began = time.monotonic()
            answer = client.get(address)
            assert answer.status_code == 200, (address, answer.status_code)
            print(f"  GET {address}: {time.monotonic() - began:.2f} s, "
                  f"{len(answer.content) / 1024:,.0f} KiB")


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--stations", type=int, default=STATIONS)
    options.add_argument("--only", choices=("sqlite", "postgresql"))
    options.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = options.parse_args()
    sys.stdout.reconfigure(line_buffering=True)     # type: ignore[union-attr]
    sys.path.insert(0, str(REPO))
    if args.child:
        import django

        django.setup()
        build(args.stations)
        measure()
        return 0
    from center_fleet_page import child_environment, postgres_env

    from tests.fixtures.postgres import PostgresCluster, find_bindir

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as directory:
        databases: list[tuple[str, dict[str, str] | None, PostgresCluster | None]] = []
        if args.only != "postgresql":
            databases.append(("SQLite", {"CENTER_DB": "sqlite", "CENTER_DB_NAME": str(
                Path(directory) / "center.sqlite3")}, None))
        if args.only != "sqlite":
            bindir = find_bindir()
            if bindir is None:
                print("PostgreSQL's server programs are missing: apt-get install postgresql")
                return 1
            databases.append(("PostgreSQL", None, PostgresCluster(bindir)))
        for name, database, cluster in databases:
            print(f"{name}:")
            if cluster is not None:
                cluster.start()
                database = postgres_env(cluster)
            try:
                subprocess.run([sys.executable, __file__, "--child", "--stations",
                                str(args.stations)], cwd=REPO, check=True,
                               env=child_environment(Path(directory), database or {}))
            finally:
                if cluster is not None:
                    cluster.stop()
    print(f"benchmark run time {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
