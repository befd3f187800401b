"""The alarms page and one alarm's page in Chromium, per role: a district administrator
filters standing and past alarms, assigns one and comments; a station manager sees and
answers only their own stations' alarms (another station's is 404); a viewer reads and is
refused (403) when posting."""

from __future__ import annotations

import pytest
from django.utils import timezone

from center.alarms.models import Alarm, AlarmNote, NoteKind
from center.audit.models import AuditEntry
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_alarms import ingest, make_staff, place_terminal
from tests.fixtures.center_people import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def district_with_alarms():
    """Two standing alarms at the staff's station, one cleared there, one standing at the
    other station."""
    staff = make_staff()
    now = timezone.now()
    kiosk = place_terminal(staff.station, now, "door_jammed/compartment 3",
                           "printer.paper_out/printer", "door_left_open/compartment 2")
    ingest(kiosk.cleared("door_left_open", "compartment 2"))
    place_terminal(staff.other_station, now, "forced_open/compartment 5",
                   terminal_id="xc-lqz-01")
    return staff


def rows(page):
    return page.locator("table.alarm-list tbody tr[data-alarm-id]")


def test_an_administrator_filters_assigns_and_comments(page, live_server):
    staff = district_with_alarms()
    sign_in(page, live_server, "district-admin")
    page.get_by_role("link", name="告警", exact=True).click()
    page.get_by_text("共 3 条告警").wait_for()
    assert rows(page).count() == 3                       # standing ones, by default

    page.get_by_label("告警类型").select_option(label="柜门卡住")
    page.get_by_role("button", name="筛选").click()
    page.get_by_text("共 1 条告警").wait_for()
    assert "xc-hsz-01" in rows(page).inner_text()

    page.goto(f"{live_server.url}/alarms/")
    page.get_by_label("站点").select_option(label="柳桥镇便民服务站")
    page.get_by_role("button", name="筛选").click()
    page.get_by_text("共 1 条告警").wait_for()
    assert "xc-lqz-01" in rows(page).inner_text()

    page.goto(f"{live_server.url}/alarms/")
    page.get_by_label("范围").select_option(label="已解除")
    page.get_by_role("button", name="筛选").click()
    page.get_by_text("共 1 条告警").wait_for()
    assert "柜门未关" in rows(page).inner_text()
    keep_screenshot(page, "alarms-past")

    # Each alarm links to its terminal, and to its own page.
    page.goto(f"{live_server.url}/alarms/?kind=door_jammed")
    page.get_by_role("link", name="xc-hsz-01").click()
    page.wait_for_url("**/fleet/xc/xc-hsz-01/")
    page.go_back()
    page.get_by_role("link", name="柜门卡住").click()
    page.get_by_label("负责人").select_option(label="station-manager")
    page.get_by_role("button", name="保存指派").click()
    page.get_by_text("已指派给 station-manager。").wait_for()
    page.get_by_label("要添加的备注").fill("已联系维修师傅，下午到")
    page.get_by_role("button", name="保存备注").click()
    page.get_by_text("备注已添加。").wait_for()
    history = page.locator("#alarm-history")
    assert "已指派" in history.inner_text()
    assert "已联系维修师傅，下午到" in history.inner_text()
    keep_screenshot(page, "alarm-detail")

    alarm = Alarm.objects.get(kind="door_jammed")
    assert (alarm.assigned_to, alarm.comment) == (staff.manager, "已联系维修师傅，下午到")
    assert list(alarm.notes.values_list("kind", "author_name", "assignee_name", "text")) == [
        (NoteKind.ASSIGNED, "district-admin", "station-manager", ""),
        (NoteKind.COMMENT, "district-admin", "", "已联系维修师傅，下午到")]
    assert list(AuditEntry.objects.order_by("at").values_list("action", flat=True)) == [
        "alarm.assigned", "alarm.commented"]


def test_the_alarms_page_is_paged_and_keeps_its_filters(page, live_server):
    staff = make_staff()
    place_terminal(staff.station, timezone.now(),
                   *(f"needs_check/compartment {n}" for n in range(1, 61)))
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/alarms/?kind=needs_check")
    page.get_by_text("共 60 条告警").wait_for()
    assert rows(page).count() == 50
    page.get_by_role("link", name="较早").click()
    page.wait_for_url("**page=2")
    assert "kind=needs_check" in page.url
    assert rows(page).count() == 10


def test_a_station_manager_answers_only_their_stations_alarms(page, live_server, client):
    staff = district_with_alarms()
    sign_in(page, live_server, "station-manager")
    page.get_by_role("link", name="告警", exact=True).click()
    page.get_by_text("共 2 条告警").wait_for()
    assert "xc-lqz-01" not in page.locator("table.alarm-list").inner_text()

    page.get_by_role("link", name="打印机缺纸").click()
    options = page.get_by_label("负责人").locator("option").all_inner_texts()
    assert options == ["不指派", "district-admin", "station-manager"]   # not the viewer
    page.get_by_label("负责人").select_option(label="station-manager")
    page.get_by_role("button", name="保存指派").click()
    page.get_by_text("已指派给 station-manager。").wait_for()
    page.get_by_label("备注（可不填）").fill("我去换纸")
    page.get_by_role("button", name="确认", exact=True).click()
    page.get_by_text("告警已确认").wait_for()
    assert "station-manager" in page.locator("#alarm-acknowledged").inner_text()

    page.goto(f"{live_server.url}/alarms/")
    page.get_by_label("只看指派给我的").check()
    page.get_by_role("button", name="筛选").click()
    page.get_by_text("共 1 条告警").wait_for()
    assert "打印机缺纸" in rows(page).inner_text()

    elsewhere = Alarm.objects.get(terminal__terminal_id="xc-lqz-01")
    client.force_login(staff.manager)
    assert client.get(f"/alarms/{elsewhere.pk}/").status_code == 404
    assert client.post(f"/alarms/{elsewhere.pk}/assign/",
                       {"assignee": staff.manager.pk}).status_code == 404
    assert client.post(f"/alarms/{elsewhere.pk}/comment/", {"text": "x"}).status_code == 404
    # Nor may an alarm of theirs go to someone who may not act on its terminal.
    mine = Alarm.objects.get(kind="door_jammed")
    client.post(f"/alarms/{mine.pk}/assign/", {"assignee": staff.viewer.pk})
    assert Alarm.objects.get(pk=mine.pk).assigned_to is None
    assert not AlarmNote.objects.filter(alarm=elsewhere).exists()


def test_a_viewer_reads_alarms_but_cannot_answer_them(page, live_server, client):
    staff = district_with_alarms()
    sign_in(page, live_server, "viewer")
    page.get_by_role("link", name="告警", exact=True).click()
    page.get_by_text("共 3 条告警").wait_for()
    page.get_by_role("link", name="柜门被撬开").click()
    page.locator("#alarm-history").wait_for()
    for button in ("保存指派", "保存备注", "确认"):
        assert page.get_by_role("button", name=button).count() == 0
    alarm = Alarm.objects.get(kind="forced_open")
    client.force_login(staff.viewer)
    assert client.post(f"/alarms/{alarm.pk}/assign/",
                       {"assignee": staff.admin.pk}).status_code == 403
    assert client.post(f"/alarms/{alarm.pk}/comment/", {"text": "x"}).status_code == 403
    assert client.post(f"/alarms/{alarm.pk}/acknowledge/").status_code == 403
    alarm.refresh_from_db()
    assert (alarm.assigned_to, alarm.acknowledged_at, alarm.comment) == (None, None, "")
    assert not AlarmNote.objects.exists()
