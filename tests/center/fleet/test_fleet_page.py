"""The fleet page in Chromium: sign in, every terminal with its presence, live updates
without a reload, and each role seeing only what it may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from center.fleet.models import Terminal
from center.ingest.batch import ingest_batch
from tests.fixtures.browser import keep_screenshot
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
