"""Maintenance windows from a terminal's page in Chromium, per role: a district
administrator opens one (what is done, for how long) and ends it; while it lasts the
terminal's new alarm is shown marked maintenance and told to nobody. A station manager does
so at their own station only; a viewer sees no control and is refused (403)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.alarms.models import MaintenanceWindow
from center.audit.models import AuditEntry
from center.notifications.models import Delivery, Notice
from center.notifications.notifier import run_once
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_alarms import ingest, make_staff, place_terminal
from tests.fixtures.center_people import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/fleet/xc/xc-hsz-01/"


def test_an_administrator_opens_a_window_that_silences_and_then_ends_it(page, live_server):
    staff = make_staff()
    kiosk = place_terminal(staff.station, timezone.now())
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    panel = page.locator("#maintenance")
    panel.get_by_text("未在维护").wait_for()
    panel.get_by_label("维护内容").fill("更换打印机")
    panel.get_by_label("持续多久").select_option(label="4 小时")
    panel.get_by_role("button", name="开始维护").click()
    page.get_by_text("维护时段已保存").wait_for()
    panel.get_by_text("正在维护").wait_for()
    window = MaintenanceWindow.objects.get()
    assert (window.reason, window.created_by, window.ends_at - window.starts_at) == (
        "更换打印机", staff.admin, timedelta(hours=4))

    # The printer is taken out: its alarm is kept and shown, and nobody is told.
    ingest(kiosk.alarm("printer.offline", "printer", timezone.now()))
    assert run_once().alarms == 0
    assert Notice.objects.get().silenced
    assert not Delivery.objects.exists()
    page.reload()
    alarm = page.locator("tr[data-alarm='printer.offline/printer']")
    assert "维护中" in alarm.inner_text()
    keep_screenshot(page, "terminal-maintenance")

    panel.get_by_role("button", name="立即结束维护").click()
    page.get_by_text("维护已结束").wait_for()
    panel.get_by_text("未在维护").wait_for()
    window.refresh_from_db()
    assert window.ended_by == staff.admin
    assert window.ends_at <= timezone.now()
    assert list(AuditEntry.objects.order_by("at").values_list("action", flat=True)) == [
        "maintenance.started", "maintenance.ended"]


def test_a_window_cannot_start_in_the_past(page, live_server):
    staff = make_staff()
    place_terminal(staff.station, timezone.now())
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    panel = page.locator("#maintenance")
    panel.get_by_label("维护内容").fill("搬迁终端")
    panel.get_by_label("开始时间").fill("2020-01-01T08:00")
    panel.get_by_role("button", name="开始维护").click()
    page.get_by_text("维护时段不能从过去的时间开始").wait_for()
    assert not MaintenanceWindow.objects.exists()


def test_a_station_manager_puts_only_their_own_terminals_in_maintenance(page, live_server,
                                                                        client):
    staff = make_staff()
    now = timezone.now()
    place_terminal(staff.station, now)
    place_terminal(staff.other_station, now, terminal_id="xc-lqz-01")
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}{PAGE}")
    panel = page.locator("#maintenance")
    panel.get_by_label("维护内容").fill("清洁读卡器")
    panel.get_by_role("button", name="开始维护").click()
    panel.get_by_text("正在维护").wait_for()
    assert MaintenanceWindow.objects.get().created_by_name == "station-manager"

    client.force_login(staff.manager)
    assert client.get("/fleet/xc/xc-lqz-01/").status_code == 404
    refused = client.post("/alarms/maintenance/xc/xc-lqz-01/start/",
                          {"reason": "不该成功", "hours": "2"})
    assert refused.status_code == 404
    assert MaintenanceWindow.objects.count() == 1


def test_a_viewer_sees_the_window_but_no_control(page, live_server, client):
    staff = make_staff()
    place_terminal(staff.station, timezone.now())
    now = timezone.now()
    window = MaintenanceWindow.objects.create(
        terminal=staff.station.terminals.get(), starts_at=now, ends_at=now + timedelta(hours=2),
        reason="更换打印机", created_by=staff.admin, created_by_name="district-admin")
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}{PAGE}")
    panel = page.locator("#maintenance")
    panel.get_by_text("正在维护").wait_for()
    assert "更换打印机" in panel.inner_text()
    assert panel.get_by_role("button").count() == 0
    client.force_login(staff.viewer)
    assert client.post("/alarms/maintenance/xc/xc-hsz-01/start/",
                       {"reason": "x", "hours": "2"}).status_code == 403
    assert client.post(f"/alarms/maintenance/{window.pk}/end/").status_code == 403
    window.refresh_from_db()
    assert window.ended_by is None
    assert MaintenanceWindow.objects.count() == 1
