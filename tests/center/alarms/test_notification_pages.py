"""Notices in the page, in Chromium: the unread count in every page's shell, the list with
each mail's fate, opening a notice (read, and on to its alarm), marking all read; a
district administrator also sees mails that could not be delivered; a viewer, told of
nothing, has nothing to mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.notifications.models import Delivery, MailState
from center.notifications.notifier import run_once
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_alarms import make_staff, place_terminal
from tests.fixtures.center_people import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_a_notice_and_the_count_goes_down(page, live_server, smtp_server):
    staff = make_staff()
    now = timezone.now()
    place_terminal(staff.station, now, "door_jammed/compartment 3",
                   "printer.paper_out/printer")
    assert run_once(now).mailed == 2
    sign_in(page, live_server, "station-manager")
    assert page.locator("#unread-count").inner_text() == "2"

    page.locator("#notices-link").click()
    notice = page.locator("li[data-notice='alarm.raised']").filter(has_text="柜门卡住")
    assert "新告警：柜门卡住 · compartment 3（xc-hsz-01，花山镇便民服务站）" in notice.inner_text()
    assert "邮件已发送" in notice.inner_text()
    keep_screenshot(page, "notifications")
    notice.get_by_role("link").click()
    page.wait_for_url("**/alarms/*/")
    page.locator("#alarm-history").wait_for()
    assert page.locator("#unread-count").inner_text() == "1"
    assert Delivery.objects.filter(read_at__isnull=False).count() == 1

    page.locator("#notices-link").click()
    page.get_by_role("button", name="全部标为已读").click()
    page.locator("li.read").nth(1).wait_for()
    assert page.locator("#unread-count").count() == 0
    assert not Delivery.objects.filter(user=staff.manager, read_at__isnull=True).exists()


def test_an_administrator_sees_the_mail_that_failed_and_when_it_goes_again(
        page, live_server, smtp_server):
    staff = make_staff()
    now = timezone.now()
    place_terminal(None, now, "forced_open/compartment 5")     # at no station: admins
    smtp_server.refuse_next(1)
    run_once(now)
    failed = Delivery.objects.get()
    assert (failed.user, failed.mail_state) == (staff.admin, MailState.PENDING)

    sign_in(page, live_server, "district-admin")
    page.locator("#notices-link").click()
    row = page.locator("table.undelivered tr[data-delivery]")
    assert "451" in row.inner_text()
    assert "district-admin@xc.example" in row.inner_text()
    assert "451" in page.locator("li[data-notice='alarm.raised'] .mail").inner_text()
    keep_screenshot(page, "notifications-mail-failed")

    run_once(now + timedelta(minutes=1))
    page.reload()
    page.locator("li[data-notice='alarm.raised']").get_by_text("邮件已发送").wait_for()
    assert page.locator("table.undelivered").count() == 0
    assert len(smtp_server.wait_for(1)) == 1


def test_a_viewer_is_told_nothing_and_has_nothing_to_mark(page, live_server, client):
    staff = make_staff()
    place_terminal(staff.station, timezone.now(), "door_jammed/compartment 3")
    run_once()
    sign_in(page, live_server, "viewer")
    page.locator("#notices-link").click()
    page.get_by_text("暂无通知").wait_for()
    assert page.locator("#unread-count").count() == 0
    assert page.get_by_role("button", name="全部标为已读").count() == 0
    # Someone else's notice is not theirs to open.
    other = Delivery.objects.get(user=staff.manager)
    client.force_login(staff.viewer)
    assert client.get(f"/notifications/{other.pk}/open/").status_code == 404
    client.post("/notifications/read/")
    assert Delivery.objects.get(pk=other.pk).read_at is None
