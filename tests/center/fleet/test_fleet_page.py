"""The fleet page in Chromium: sign in, every terminal with its presence, live updates
without a reload, and each role seeing only what it may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_fleet import OFFLINE, add_alarm, add_help_call, add_terminals
from tests.fixtures.center_messages import PREFIX, FakeTerminal
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)




def report(kiosk: FakeTerminal, *messages) -> None:
    ingest_batch(list(messages), prefix=PREFIX)


def live_terminal(terminal_id: str) -> FakeTerminal:
    kiosk = FakeTerminal(terminal_id)
    now = timezone.now()
    report(kiosk, kiosk.birth(7, now - timedelta(seconds=30)),
           kiosk.heartbeat(7, now, locker={"compartments": 16, "occupied": 5},
                           queues={"general": 3, "instant": 1}))
    return kiosk


def test_an_administrator_sees_a_terminal_go_offline_without_reloading(page, live_server):
    people = make_people()
    kiosk = live_terminal("xc-hsz-01")
    Terminal.objects.filter(terminal_id="xc-hsz-01").update(station=people.station)

    page.goto(f"{live_server.url}/fleet/")
    assert page.url.startswith(f"{live_server.url}/login/"), "the fleet page let a stranger in"
    sign_in(page, live_server, "district-admin")
    row = page.locator("tr[data-terminal='xc-hsz-01']")
    row.get_by_text("在线").wait_for()
    assert "花山镇便民服务站" in row.inner_text()
    assert "5/16" in row.inner_text()           # locker occupancy from the heartbeat
    assert page.locator("#fleet-summary").inner_text().startswith("1 台终端中 1 台在线")
    keep_screenshot(page, "fleet-online")

    report(kiosk, kiosk.death(7))
    row.get_by_text("离线").wait_for(timeout=12_000)     # the table refreshes itself
    keep_screenshot(page, "fleet-offline")


def test_a_station_manager_sees_only_their_stations(page, live_server, client):
    people = make_people()
    live_terminal("xc-hsz-01")
    live_terminal("xc-other-01")
    Terminal.objects.filter(terminal_id="xc-hsz-01").update(station=people.station)

    sign_in(page, live_server, "station-manager")
    page.locator("tr[data-terminal='xc-hsz-01']").wait_for()
    assert page.locator("tr[data-terminal='xc-other-01']").count() == 0
    assert page.locator("#fleet-counts a[data-show='all'] strong").inner_text() == "1"
    client.force_login(people.manager)
    assert client.get("/fleet/xc/xc-other-01/").status_code == 404
    assert client.get("/fleet/xc/xc-hsz-01/").status_code == 200


def test_five_wrong_passwords_lock_the_name_out(page, live_server):
    make_people()
    for _ in range(5):
        sign_in(page, live_server, "viewer", "wrong password")
        page.get_by_text("请输入一个正确的用户名和密码").wait_for()
    sign_in(page, live_server, "viewer")            # the right password, too late
    page.get_by_text("登录失败次数过多").wait_for()
    assert "/login/" in page.url
    keep_screenshot(page, "sign-in-throttled")


def test_filters_narrow_the_table_and_the_live_refresh_keeps_them(page, live_server):
    people = make_people()
    live_terminal("xc-hsz-01")
    gone = live_terminal("xc-hsz-02")
    report(gone, gone.death(7))
    Terminal.objects.filter(terminal_id="xc-hsz-02").update(
        presence_since=timezone.now() - timedelta(hours=3), station=people.station)
    dead_long_ago = live_terminal("xc-hsz-03")
    report(dead_long_ago, dead_long_ago.death(7))     # offline, but only just now

    sign_in(page, live_server, "district-admin")
    page.locator("tr[data-terminal='xc-hsz-03']").wait_for()
    page.get_by_label("离线超过（小时）").fill("2")
    page.get_by_role("button", name="筛选").click()
    page.locator("tr[data-terminal='xc-hsz-02']").wait_for()
    assert page.locator("tbody tr").count() == 1
    page.wait_for_timeout(6_000)                        # one live refresh later
    assert page.locator("tbody tr").count() == 1
    assert "offline_hours=2" in page.url
    keep_screenshot(page, "fleet-filtered")
    page.get_by_label("站点").select_option(label="花山镇便民服务站")
    page.get_by_label("离线超过（小时）").fill("")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**station=*")
    assert page.locator("tbody tr").count() == 1


def test_a_call_for_help_shows_until_staff_answer_it(page, live_server):
    make_people()
    kiosk = live_terminal("xc-hsz-01")
    now = timezone.now()
    report(kiosk, kiosk.event(1, "help.requested",
                              {"request": 4, "screen": "pickup", "at": now.isoformat()}, at=now))
    sign_in(page, live_server, "district-admin")
    row = page.locator("tr[data-terminal='xc-hsz-01']")
    row.get_by_text("1 人在呼叫帮助").wait_for()
    page.goto(f"{live_server.url}/fleet/xc/xc-hsz-01/")
    page.get_by_text("在“取件”界面").wait_for()
    keep_screenshot(page, "help-waiting")
    report(kiosk, kiosk.event(2, "help.answered", {"request": 4, "by": "window:1",
                                                   "after_s": 40}, at=now))
    page.goto(f"{live_server.url}/fleet/")
    page.locator("tr[data-terminal='xc-hsz-01']").wait_for()
    assert page.get_by_text("人在呼叫帮助").count() == 0


def test_the_worst_come_first_a_page_at_a_time_and_the_refresh_keeps_the_page(page,
                                                                              live_server):
    people = make_people()
    add_terminals(230, people.station, start=20)
    add_terminals(2, people.station, OFFLINE, start=900)
    add_alarm(add_terminals(1, people.station, start=1)[0])
    add_help_call(add_terminals(1, people.station, start=2)[0])

    sign_in(page, live_server, "district-admin")
    rows = page.locator("table.fleet tbody tr")
    rows.first.wait_for()
    assert [rows.nth(i).get_attribute("data-terminal") for i in range(5)] == [
        "xc-t-900", "xc-t-901", "xc-t-002", "xc-t-001", "xc-t-020"]
    assert rows.count() == 100
    counts = page.locator("#fleet-counts")
    assert [counts.locator(f"a[data-show='{show}'] strong").inner_text()
            for show in ("all", "offline", "help", "alarms")] == ["234", "2", "1", "1"]
    assert "第 1–100 台，共 234 台（第 1 页，共 3 页）" in page.locator(".pager").first.inner_text()
    keep_screenshot(page, "fleet-worst-first")

    page.get_by_role("link", name="下一页").first.click()
    page.wait_for_url("**page=2")
    first_on_page = rows.first.get_attribute("data-terminal")
    assert first_on_page == "xc-t-116"
    as_of = page.locator("#fleet-summary time").get_attribute("datetime")
    page.wait_for_function(                                 # one live refresh later
        f"document.querySelector('#fleet-summary time').getAttribute('datetime') != '{as_of}'",
        timeout=12_000)
    assert rows.first.get_attribute("data-terminal") == first_on_page
    assert "第 101–200 台" in page.locator(".pager").first.inner_text()
    keep_screenshot(page, "fleet-page-2")

    counts.get_by_role("link", name="离线").click()
    page.wait_for_url("**show=offline*")
    assert [rows.nth(i).get_attribute("data-terminal") for i in range(rows.count())] == [
        "xc-t-900", "xc-t-901"]
    assert page.locator("#fleet-counts a.current").inner_text().startswith("离线")
    assert page.locator(".pager").count() == 0


def test_a_viewer_orders_and_pages_the_fleet_and_cannot_post(page, live_server, client):
    people = make_people()
    add_terminals(120, people.station, start=1)
    add_terminals(3, None, OFFLINE, prefix="xc-a", start=1)
    sign_in(page, live_server, "viewer")
    rows = page.locator("table.fleet tbody tr")
    assert rows.first.get_attribute("data-terminal") == "xc-a-001"      # offline first
    page.get_by_label("排序").select_option(label="按站点")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**order=station*")
    # Terminals without a station come last by station.
    assert rows.first.get_attribute("data-terminal") == "xc-t-001"
    page.get_by_role("link", name="下一页").first.click()
    page.wait_for_url("**page=2")
    assert "order=station" in page.url
    assert rows.last.get_attribute("data-terminal") == "xc-a-003"
    client.force_login(people.viewer)
    assert client.post("/fleet/").status_code == 405         # the page only shows
    assert Terminal.objects.count() == 123
