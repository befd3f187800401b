"""The terminal page's chart in Chromium: ECharts (vendored) draws the kept heartbeats."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.fleet.models import HeartbeatSample
from center.ingest.batch import ingest_batch
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_heartbeats_kept_every_five_minutes_are_drawn(page, live_server):
    make_people()
    kiosk = FakeTerminal()
    start = timezone.now() - timedelta(hours=1)
    ingest_batch([kiosk.birth(2, start)], prefix=PREFIX)
    for minute in range(0, 60):             # one heartbeat a minute for an hour
        ingest_batch([kiosk.heartbeat(2, start + timedelta(minutes=minute),
                                      locker={"compartments": 16, "occupied": minute // 10},
                                      queues={"general": minute % 7})], prefix=PREFIX)
    assert HeartbeatSample.objects.count() == 12      # one per five minutes

    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/fleet/xc/xc-hsz-01/")
    page.wait_for_function("""() => {
        const chart = window.echarts && echarts.getInstanceByDom(
            document.getElementById('history-chart'));
        return chart && chart.getOption().series[1].data.length === 12;
    }""")
    occupied = page.evaluate("""() => echarts.getInstanceByDom(
        document.getElementById('history-chart')).getOption().series[1].data.map(p => p[1])""")
    assert occupied == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert page.locator("#history-chart canvas").count() == 1
    keep_screenshot(page, "terminal-chart")


def test_a_terminal_without_heartbeats_says_so(page, live_server):
    make_people()
    kiosk = FakeTerminal()
    ingest_batch([kiosk.birth(2, timezone.now())], prefix=PREFIX)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/fleet/xc/xc-hsz-01/")
    page.get_by_text("还没有保存的心跳数据").wait_for()
