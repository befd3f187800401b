"""A terminal's commands in Chromium: a compartment chosen on the locker grid taken out of
service and put back, the opening hours edited as rows and worded by the terminal, refusals
in the terminal's words; a station manager at their own station only; a viewer without
controls, refused when posting anyway."""

from __future__ import annotations

import pytest

from center.commands.models import Command
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import (
    answer,
    opened,
    other_station,
    terminal_at,
    use_demo_signing_key,
)
from tests.fixtures.center_people import make_people, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/fleet/xc/xc-hsz-01/"
LOCKER = {"compartments": 12, "occupied": 0, "outOfService": [5]}


def test_an_administrator_takes_a_compartment_out_of_service_from_the_grid(
        page, live_server, settings):
    use_demo_signing_key(settings)
    people = make_people()
    kiosk = terminal_at(people.station, "xc-hsz-01", locker=LOCKER)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    assert page.locator("#out-of-service").inner_text().endswith("5")

    page.locator("li[data-compartment='7'] a").click()        # the grid fills the forms
    page.wait_for_url("**compartment=7**")
    service = page.locator("#compartment-service")
    assert service.get_by_label("哪个柜格").input_value() == "7"
    assert page.locator("#open-compartment").get_by_label("柜格号").input_value() == "7"
    assert service.get_by_label("停用：居民将不能再使用这个柜格").is_checked()
    service.get_by_label("理由").fill("门锁坏了，等维修")
    service.get_by_role("button", name="发送更改").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()

    command = Command.objects.get()
    assert (command.type, command.args, command.reason, command.issued_by) == (
        "locker.set_in_service", {"compartment": 7, "inService": False}, "门锁坏了，等维修",
        people.admin)
    assert opened(command)["args"] == {"compartment": 7, "inService": False}
    row = page.locator("tr[data-command='locker.set_in_service']")
    assert "7 号柜格：停用" in row.inner_text()

    # The terminal refuses: its own words show in the history.
    answer(kiosk, 1, command, "rejected", "refused", "not_found: no compartment 7")
    page.reload()
    assert "not_found: no compartment 7" in row.locator(".answer").inner_text()
    assert "终端拒绝" in row.locator(".state").inner_text()

    page.locator("li[data-compartment='5'] a").click()        # out of service: back in
    page.wait_for_url("**compartment=5**")
    assert service.get_by_label("恢复使用").is_checked()
    service.get_by_label("理由").fill("已修好")
    service.get_by_role("button", name="发送更改").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    assert Command.objects.order_by("-issued_at").first().args == {
        "compartment": 5, "inService": True}
    keep_screenshot(page, "terminal-compartment-service")


def test_opening_hours_are_edited_as_rows_and_the_terminal_words_them(page, live_server,
                                                                      settings):
    use_demo_signing_key(settings)
    people = make_people()
    kiosk = terminal_at(people.station, "xc-hsz-01")
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_role("link", name="修改办公时间").click()

    def fill(number: int, days: list[str], start: str, end: str) -> None:
        row = page.locator(f"fieldset[data-row='{number}']")
        for day in days:
            row.get_by_label(day, exact=True).check()
        row.get_by_label("开始").fill(start)
        row.get_by_label("结束").fill(end)

    weekdays = ["周一", "周二", "周三", "周四", "周五"]
    fill(1, weekdays, "8:30", "12:00")
    fill(2, weekdays, "13:30", "17:30")
    fill(3, ["周六"], "17:00", "09:00")
    page.get_by_role("button", name="发送这些办公时间").click()
    page.locator("fieldset[data-row='3']").get_by_text("结束时间必须晚于开始时间").wait_for()
    assert not Command.objects.exists()
    keep_screenshot(page, "opening-hours-error")

    third = page.locator("fieldset[data-row='3']")
    third.get_by_label("开始").fill("9:00")
    third.get_by_label("结束").fill("12:00")
    page.get_by_role("button", name="发送这些办公时间").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    command = Command.objects.get()
    assert command.args == {"sessions": [
        {"days": [1, 2, 3, 4, 5], "start": "08:30", "end": "12:00"},
        {"days": [1, 2, 3, 4, 5], "start": "13:30", "end": "17:30"},
        {"days": [6], "start": "09:00", "end": "12:00"}]}
    assert opened(command)["args"] == command.args
    row = page.locator("tr[data-command='station.set_opening_hours']")
    assert "周一至周五 08:30–12:00" in row.inner_text()

    words = "周一至周五 8:30–12:00，13:30–17:30，周六 9:00–12:00"
    answer(kiosk, 1, command, detail={"configured": False, "sessions": command.args["sessions"],
                                      "text": words})
    page.reload()
    assert page.locator("#opening-hours .hours-in-force").inner_text() == words
    assert f"现行：{words}" in row.locator(".answer").inner_text()
    keep_screenshot(page, "opening-hours-in-force")

    page.get_by_role("link", name="修改办公时间").click()      # the rows start from them
    assert page.locator("fieldset[data-row='1']").get_by_label("开始").input_value() == "08:30"
    page.get_by_role("button", name="改回配置的办公时间").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    assert Command.objects.order_by("-issued_at").first().args == {"sessions": []}


def test_a_station_manager_commands_only_their_own_terminals(page, live_server, client,
                                                             settings):
    use_demo_signing_key(settings)
    people = make_people()
    terminal_at(people.station, "xc-hsz-01", locker=LOCKER)
    terminal_at(other_station(), "xc-lyj-01", locker=LOCKER)
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}{PAGE}")
    service = page.locator("#compartment-service")
    service.get_by_label("哪个柜格").fill("2")
    service.get_by_label("停用：居民将不能再使用这个柜格").check()
    service.get_by_label("理由").fill("柜门变形")
    service.get_by_role("button", name="发送更改").click()
    page.get_by_text("已发给 xc-hsz-01").wait_for()
    assert Command.objects.get().issued_by == people.manager

    client.force_login(people.manager)
    elsewhere = "/fleet/xc/xc-lyj-01/"
    assert client.get(f"{elsewhere}hours/").status_code == 404
    assert client.post(f"{elsewhere}service/", {"compartment": "2", "service": "out",
                                                "why": "不该发出"}).status_code == 404
    assert client.post(f"{elsewhere}hours/", {"configured": "on"}).status_code == 404
    assert Command.objects.count() == 1


def test_a_viewer_sees_no_command_controls_and_is_refused(page, live_server, client,
                                                        settings):
    use_demo_signing_key(settings)
    people = make_people()
    terminal_at(people.station, "xc-hsz-01", locker=LOCKER)
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_role("heading", name="指令记录").wait_for()
    assert page.get_by_role("button", name="发送更改").count() == 0
    assert page.get_by_role("link", name="修改办公时间").count() == 0
    assert page.locator("li[data-compartment] a").count() == 0     # cells choose nothing

    client.force_login(people.viewer)
    assert client.get(f"{PAGE}hours/").status_code == 403
    assert client.post(f"{PAGE}hours/", {"configured": "on"}).status_code == 403
    assert client.post(f"{PAGE}service/", {"compartment": "2", "service": "out",
                                           "why": "不该发出"}).status_code == 403
    assert not Command.objects.exists()
