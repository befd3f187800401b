"""One database's measurement, in the process the benchmark started for it."""

from __future__ import annotations

import gc
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client


def measure_here(terminals: int, requests: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from center_fleet_page_rig.district import DISTRICT, build_district
    from center_fleet_page_rig.measure import bare_terminal_rows, page_timing, signed_in, verdict

    # No setup_test_environment(): its template hooks keep every response's context alive,
    # which a server does not. The test client needs none of it.
    began = time.monotonic()
    call_command("migrate", verbosity=0)
    district = build_district(terminals)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")   # autovacuum's statistics, which a district has
    name = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"{name}: {district.terminals} terminals at {district.stations} stations "
          f"({district.offline} offline, {district.silent} silent, {district.never_seen} "
          f"never seen; standing alarms on {district.with_alarms}, gaps on "
          f"{district.with_gaps}, help waiting on {district.asking_for_help}; "
          f"{district.events} events, {district.samples} heartbeat samples), built in "
          f"{time.monotonic() - began:.0f} s")
    # Production serves collected, hashed static files; this run collects none, and the
    # manifest lookup is a dictionary read either way.
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        floor_times = max(requests // 4, 20)
        fetched, count = bare_terminal_rows(floor_times)
        print("floor:")
        print(fetched.line(f"bare SQL: the {count} terminal rows, one SELECT"))
        from center_fleet_page_rig.rendering import rendering_floor

        for label, timing in rendering_floor(floor_times, terminals):
            print(timing.line(label))
        admin, manager = signed_in("district-admin"), signed_in("station-manager")
        # As center/wsgi.py does once the application is loaded: what exists now stays out
        # of the collector's full passes.
        gc.collect()
        gc.freeze()
        worst = 0.0
        print("the fleet page (the server's time per request):")
        for label, client, url, htmx in (
                ("administrator, the page", admin, "/fleet/", False),
                ("administrator, the 5 s refresh (table alone)", admin, "/fleet/", True),
                ("administrator, page 3 by station, refresh", admin,
                 "/fleet/?order=station&page=3", True),
                ("administrator, offline only", admin, "/fleet/?show=offline", False),
                ("administrator, offline > 2 h", admin, "/fleet/?offline_hours=2", False),
                ("administrator, alarm door_jammed, refresh", admin,
                 "/fleet/?alarm=door_jammed", True),
                ("administrator, one station", admin,
                 f"/fleet/?station={district.a_station_id}", False),
                ("administrator, version 0.9.1, refresh", admin, "/fleet/?version=0.9.1",
                 True),
                ("station manager (20 terminals), the page", manager, "/fleet/", False),
                ("station manager, the 5 s refresh", manager, "/fleet/", True)):
            timing = page_timing(client, url, htmx, requests)
            worst = max(worst, timing.p95)
            print(timing.line(label))
        print(f"  goal: p95 at most 200 ms on every line: {verdict(worst)} "
              f"(worst p95 {worst:.1f} ms)")
        unfrozen(admin, requests)
        page = f"/fleet/{DISTRICT}/{district.busiest_terminal}/"
        print(f"the terminal page's timeline ({district.busiest_terminal}: "
              f"{district.busiest_events} events; paged by seq):")
        for label, url, htmx in (
                ("the terminal page, newest events", page, False),
                ("the timeline alone, newest 50", f"{page}events/", True),
                ("the timeline alone, 50 older than seq 1,000", f"{page}events/?before=1000",
                 True),
                ("the timeline alone, one type, older than seq 1,000",
                 f"{page}events/?type=locker.deposited&before=1000", True)):
            print(page_timing(admin, url, htmx, max(requests // 4, 20)).line(label))
    return 0


def unfrozen(admin: Client, requests: int) -> None:
    """For comparison only: the same two pages without gc.freeze() (a process whose
    start-up objects the collector's full passes walk again and again)."""
    from center_fleet_page_rig.measure import page_timing

    gc.unfreeze()
    try:
        print("  for comparison, NOT how the center runs: without gc.freeze()")
        for label, htmx in (("administrator, the page, unfrozen", False),
                            ("administrator, the 5 s refresh, unfrozen", True)):
            print(page_timing(admin, "/fleet/", htmx, requests).line(label))
    finally:
        gc.collect()
        gc.freeze()
