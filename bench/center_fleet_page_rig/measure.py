"""Timing the fleet page as a browser and htmx ask for it, and the floors beside it: the
bare SQL fetch of the terminal rows and the template rendering alone."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

GOAL_P95_MS = 200.0


@dataclass(frozen=True)
class Timing:
    """Milliseconds per request (or per call), and the SQL statements one of them runs."""

    ms: list[float]
    queries: int | None = None

    def percentile(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def worst(self) -> float:
        return max(self.ms)

    def line(self, label: str) -> str:
        queries = "" if self.queries is None else f"  {self.queries:3d} queries"
        return (f"  {label:<52} p50 {self.p50:7.1f} ms  p95 {self.p95:7.1f} ms  "
                f"max {self.worst:7.1f} ms  (n={len(self.ms)}){queries}")


def timed(call: Callable[[], object], times: int) -> Timing:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        spent.append((time.perf_counter() - began) * 1000)
    return Timing(spent)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page_timing(client: Client, url: str, htmx: bool, times: int) -> Timing:
    """``times`` GETs of ``url`` as the browser (the whole page) or as htmx's refresh (the
    table alone), after two to warm up; then one more with every SQL statement counted."""
    headers = {"HX-Request": "true"} if htmx else {}

    def get() -> None:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")

    for _ in range(2):
        get()
    timing = timed(get, times)
    with CaptureQueriesContext(connection) as captured:
        get()
    return Timing(timing.ms, len(captured.captured_queries))


def bare_terminal_rows(times: int) -> tuple[Timing, int]:
    """The database's share alone: one SELECT of every terminal's columns the page shows
    with its station's name, no ORM; the heartbeat as text, not decoded (SQLite stores
    text; PostgreSQL's jsonb is cast, or psycopg would decode it)."""
    heartbeat = "t.heartbeat::text" if connection.vendor == "postgresql" else "t.heartbeat"
    sql = ("SELECT t.id, t.terminal_id, t.district, t.online, t.bd_seq, t.born_at, "
           f"t.presence_since, t.heartbeat_at, {heartbeat}, t.version, t.catalog_version, "
           "t.complete_upto, s.name FROM fleet_terminal t "
           "LEFT JOIN fleet_station s ON s.id = t.station_id ORDER BY t.terminal_id")
    rows: list[object] = []

    def fetch() -> None:
        nonlocal rows
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()

    fetch()
    return timed(fetch, times), len(rows)


def verdict(p95: float) -> str:
    return "met" if p95 <= GOAL_P95_MS else "NOT met"
