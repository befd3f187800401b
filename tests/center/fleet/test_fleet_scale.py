"""The fleet page at a district's size, on SQLite and on PostgreSQL: the same statements
whatever the number of terminals, counts of each kind of trouble, the worst first, pages of
PER_PAGE kept in the URL, and the filtered set the bulk commands act on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.fleet.filters import FleetFilter
from center.fleet.fleet_page import PER_PAGE
from center.fleet.models import Station, Terminal
from center.fleet.rows import read_standings
from tests.fixtures.center_db import DATABASES
from tests.fixtures.center_fleet import (
    NEVER,
    OFFLINE,
    SILENT,
    add_alarm,
    add_gap,
    add_help_call,
    add_terminals,
    everything_on,
)
from tests.fixtures.center_people import make_people

pytestmark = pytest.mark.django_db(databases=DATABASES)
REFRESH = {"HX-Request": "true"}


def rows_of(response) -> list[str]:
    return re.findall(r'data-terminal="([^"]+)"', response.content.decode())


def counts_of(response) -> dict[str, int]:
    return {show: int(count) for show, count in re.findall(
        r'data-show="(\w+)"[^>]*>[^<]*<strong>(\d+)</strong>', response.content.decode())}


def statements(client, using: str, url: str) -> int:
    with CaptureQueriesContext(connections[using]) as captured:
        assert client.get(url, headers=REFRESH).status_code == 200
    return len(captured.captured_queries)


def troubled_fleet(station: Station, start: int) -> list[Terminal]:
    """Twenty terminals, each kind of trouble on some."""
    offline = add_terminals(2, station, OFFLINE, start=start)
    silent = add_terminals(1, station, SILENT, start=start + 2)
    never = add_terminals(1, station, NEVER, start=start + 3)
    well = add_terminals(16, station, start=start + 4)
    add_alarm(well[0])
    add_alarm(well[0], "printer.paper_out", "printer")
    add_alarm(offline[0])
    add_gap(well[1])
    add_help_call(well[2])
    return offline + silent + never + well


def test_a_request_costs_the_same_statements_whatever_the_fleet_size(using, client):
    with everything_on(using):
        people = make_people()
        troubled_fleet(people.station, start=1)
        client.force_login(people.admin)
        small = statements(client, using, "/fleet/")
        filtered = statements(client, using, "/fleet/?show=offline&order=station")
        for hundred in range(3):
            troubled_fleet(people.station, start=100 + 20 * hundred)
        add_terminals(240, people.station, start=400)
        assert Terminal.objects.count() == 320
        assert statements(client, using, "/fleet/") == small
        assert statements(client, using, "/fleet/?show=offline&order=station") == filtered
        assert statements(client, using, "/fleet/?page=3") == small


def test_counts_the_worst_first_and_pages_kept_in_the_url(using, client):
    with everything_on(using):
        people = make_people()
        troubled_fleet(people.station, start=1)
        add_terminals(PER_PAGE + 10, people.station, start=100)
        client.force_login(people.viewer)
        first = client.get("/fleet/", headers=REFRESH)
        assert counts_of(first) == {"all": PER_PAGE + 30, "offline": 3, "help": 1,
                                    "alarms": 2, "gaps": 1, "never": 1}
        # Offline (dead or silent) first, then the resident waiting, then alarms, then the
        # terminal never seen, then gaps; the rest by name.
        assert rows_of(first)[:8] == ["xc-t-001", "xc-t-002", "xc-t-003", "xc-t-007",
                                      "xc-t-005", "xc-t-004", "xc-t-006", "xc-t-008"]
        assert len(rows_of(first)) == PER_PAGE
        second = client.get("/fleet/?page=2", headers=REFRESH)
        assert len(rows_of(second)) == 30
        assert not set(rows_of(first)) & set(rows_of(second))
        # A page past the last (the fleet shrank since) is the last.
        assert rows_of(client.get("/fleet/?page=99", headers=REFRESH)) == rows_of(second)
        offline = client.get("/fleet/?show=offline", headers=REFRESH)
        assert rows_of(offline) == ["xc-t-001", "xc-t-002", "xc-t-003"]
        assert counts_of(offline)["all"] == PER_PAGE + 30       # the counts stay whole
        by_name = client.get("/fleet/?order=terminal", headers=REFRESH)
        assert rows_of(by_name)[:3] == ["xc-t-001", "xc-t-002", "xc-t-003"]
        assert rows_of(by_name)[3:5] == ["xc-t-004", "xc-t-005"]
        # The pager's links keep the filters and the order.
        page = client.get("/fleet/?order=terminal&show=", headers=REFRESH).content.decode()
        assert 'href="?order=terminal&amp;show=&amp;page=2"' in page


def test_a_station_manager_counts_only_their_stations(using, client):
    with everything_on(using):
        people = make_people()
        troubled_fleet(people.station, start=1)
        elsewhere = Station.objects.create(district="xc", code="other", name="别处服务站")
        add_terminals(5, elsewhere, OFFLINE, prefix="xc-o")
        client.force_login(people.manager)
        response = client.get("/fleet/?show=offline", headers=REFRESH)
        assert counts_of(response)["all"] == 20
        assert rows_of(response) == ["xc-t-001", "xc-t-002", "xc-t-003"]
        client.force_login(people.admin)
        assert counts_of(client.get("/fleet/", headers=REFRESH))["offline"] == 8


def test_presence_read_without_the_heartbeat_is_the_models(using):
    with everything_on(using):
        station = Station.objects.create(district="xc", code="a", name="甲")
        built = troubled_fleet(station, start=1)
        # A heartbeat of an older connection does not keep the newer one alive.
        stale = built[-1]
        stale.bd_seq, stale.born_at = 4, timezone.now() - timedelta(minutes=20)
        stale.save()
        now = timezone.now()
        standings = {s.pk: s.presence for s in read_standings(Terminal.objects.all(), now)}
        assert standings == {t.pk: t.presence(now) for t in Terminal.objects.all()}
        assert standings[stale.pk] == "silent"


def test_the_filtered_set_includes_show_for_the_bulk_commands(using):
    with everything_on(using):
        station = Station.objects.create(district="xc", code="a", name="甲")
        troubled_fleet(station, start=1)
        everyone = Terminal.objects.all()
        chosen = FleetFilter({"show": "offline", "order": "station"}, everyone).apply(
            everyone, heartbeat_interval_s=60)
        assert sorted(chosen.values_list("terminal_id", flat=True)) == [
            "xc-t-001", "xc-t-002", "xc-t-003"]
        helped = FleetFilter({"show": "help"}, everyone).apply(everyone, 60)
        assert list(helped.values_list("terminal_id", flat=True)) == ["xc-t-007"]
        nonsense = FleetFilter({"show": "everything"}, everyone)
        assert nonsense.apply(everyone, 60).count() == 20     # as before: filters ignored
