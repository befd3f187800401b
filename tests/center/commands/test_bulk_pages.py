"""Bulk commands from the fleet page in Chromium: an announcement to the terminals of one
station, confirmed on a page that lists them, followed as the answers arrive; a station
manager's bulk action reaching only their terminals; a viewer with no bulk controls,
refused when posting. And, through the test client, a set that changed between looking and
sending, a confirmation sent twice, and the size cap."""

from __future__ import annotations

import re
import uuid

import pytest

from center.audit.models import AuditEntry
from center.commands import bulk as bulk_module
from center.commands.bulk import Targets, issue_bulk
from center.commands.models import BulkAction, Command
from center.fleet.models import Terminal
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


def two_stations(people) -> dict:
    street = other_station()
    return {"xc-hsz-01": terminal_at(people.station, "xc-hsz-01"),
            "xc-hsz-02": terminal_at(people.station, "xc-hsz-02"),
            "xc-lyj-01": terminal_at(street, "xc-lyj-01")}


def test_an_administrator_announces_to_the_terminals_of_one_station(page, live_server,
                                                                    settings):
    use_demo_signing_key(settings)
    people = make_people()
    kiosks = two_stations(people)
    sign_in(page, live_server, "district-admin")
    page.get_by_label("站点").select_option(label="花山镇便民服务站")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**station=*")
    offer = page.locator("#bulk-offer")
    assert "对列出的 2 台终端操作" in offer.inner_text()
    offer.get_by_role("link", name="公告").click()

    assert page.locator("#bulk-count").inner_text() == "2 台终端，分布在 1 个站点"
    page.get_by_label("首页公告").fill("今天下午两点到四点停水")
    page.get_by_label("有效期").select_option(label="8 小时")
    page.get_by_role("button", name="下一步：核对终端名单").click()

    listed = page.locator("tr[data-station='花山镇便民服务站']")
    assert "xc-hsz-01, xc-hsz-02" in listed.inner_text()
    assert page.locator("tr[data-station='柳园街便民服务站']").count() == 0
    assert "今天下午两点到四点停水" in page.locator("#bulk-what").inner_text()
    keep_screenshot(page, "bulk-confirm")
    page.get_by_role("button", name="发给 2 台终端").click()    # not yet checked: refused
    assert not BulkAction.objects.exists()
    page.get_by_label("我已核对上面的终端名单").check()
    page.get_by_role("button", name="发给 2 台终端").click()
    page.get_by_text("已发给 2 台终端").wait_for()

    bulk = BulkAction.objects.get()
    assert (bulk.type, bulk.args, bulk.count, bulk.left_out, bulk.issued_by) == (
        "display.set_announcement", {"text": "今天下午两点到四点停水"}, 2, 0, people.admin)
    assert bulk.filters == {"站点": "花山镇便民服务站"}
    commands = {c.terminal.terminal_id: c for c in bulk.commands.select_related("terminal")}
    assert sorted(commands) == ["xc-hsz-01", "xc-hsz-02"]
    for terminal_id, command in commands.items():
        body = opened(command)
        assert (body["terminal"], body["args"]) == (terminal_id, bulk.args)
        assert body["expiresAt"] - body["issuedAt"] == 8 * 3600 * 1000
    assert AuditEntry.objects.filter(action="bulk.issued").count() == 1
    assert AuditEntry.objects.filter(action="command.issued").count() == 2
    assert page.locator("li[data-state='pending'] strong").inner_text() == "2"

    answer(kiosks["xc-hsz-01"], 1, commands["xc-hsz-01"], detail={"shown": True})
    answer(kiosks["xc-hsz-02"], 1, commands["xc-hsz-02"], "rejected", "clock_jumped",
           "the terminal's clock jumped by 600 s; commands wait until it is right")
    page.locator("li[data-state='accepted'] strong").get_by_text("1").wait_for(
        timeout=12_000)                               # the page updates itself
    assert page.locator("li[data-state='rejected'] strong").inner_text() == "1"
    refused = page.locator("tr[data-terminal='xc-hsz-02']")
    assert "the terminal's clock jumped by 600 s" in refused.inner_text()
    keep_screenshot(page, "bulk-progress")
    page.get_by_role("link", name="以往的批量操作").click()
    assert "今天下午两点到四点停水" in page.locator(f"tr[data-bulk='{bulk.pk}']").inner_text()


def test_a_station_managers_bulk_action_reaches_only_their_terminals(page, live_server,
                                                                     client, settings):
    use_demo_signing_key(settings)
    people = make_people()
    two_stations(people)
    sign_in(page, live_server, "station-manager")
    offer = page.locator("#bulk-offer")
    assert "对列出的 2 台终端操作" in offer.inner_text()
    offer.get_by_role("link", name="让它们重新上报状态").click()
    page.get_by_role("button", name="下一步：核对终端名单").click()
    assert "另有 1 台终端符合筛选条件" in page.locator("#left-out").inner_text()
    page.get_by_label("我已核对上面的终端名单").check()
    page.get_by_role("button", name="发给 2 台终端").click()
    page.get_by_text("已发给 2 台终端").wait_for()

    bulk = BulkAction.objects.get()
    assert (bulk.count, bulk.left_out) == (2, 1)
    assert sorted(bulk.commands.values_list("terminal__terminal_id", flat=True)) == [
        "xc-hsz-01", "xc-hsz-02"]
    # Another's action on the other station's terminal is not theirs to read.
    theirs = issue_bulk(people.admin, Targets(
        list(Terminal.objects.filter(terminal_id="xc-lyj-01")), 0, {}, ""),
        "presence.rebirth", {}, token=uuid.uuid4())
    client.force_login(people.manager)
    assert client.get(f"/commands/bulk/{theirs.pk}/").status_code == 404
    assert client.get(f"/commands/bulk/{bulk.pk}/").status_code == 200


def test_a_viewer_has_no_bulk_controls_and_is_refused(page, live_server, client, settings):
    use_demo_signing_key(settings)
    people = make_people()
    two_stations(people)
    sent = issue_bulk(people.admin, Targets(list(Terminal.objects.all()), 0, {}, ""),
                      "presence.rebirth", {}, token=uuid.uuid4())
    sign_in(page, live_server, "viewer")
    page.locator("tr[data-terminal='xc-hsz-01']").wait_for()
    assert page.locator("#bulk-offer").count() == 0
    page.get_by_role("link", name="以往的批量操作").click()       # reading is allowed
    page.locator(f"tr[data-bulk='{sent.pk}']").wait_for()

    client.force_login(people.viewer)
    assert client.get("/commands/bulk/new/announcement/").status_code == 403
    refused = client.post("/commands/bulk/new/rebirth/", {"step": "send", "lifetime": "600"})
    assert refused.status_code == 403
    assert client.get(f"/commands/bulk/{sent.pk}/").status_code == 200
    assert BulkAction.objects.count() == 1


def hidden_fields(html: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input [^>]*type=\"hidden\"[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name[1] != "csrfmiddlewaretoken":
            fields.setdefault(name[1], []).append(value[1] if value else "")
    return fields


def test_a_set_that_changed_is_shown_again_and_a_confirmation_sends_once(client, settings):
    use_demo_signing_key(settings)
    people = make_people()
    terminal_at(people.station, "xc-hsz-01")
    terminal_at(people.station, "xc-hsz-02")
    client.force_login(people.admin)
    url = f"/commands/bulk/new/hours/?station={people.station.pk}&order=worst"
    rows = {"days_0": ["1", "2", "3", "4", "5"], "start_0": "9:00", "end_0": "17:00",
            "days_1": ["6"], "start_1": "09:00", "end_1": "12:00", "lifetime": "3600"}
    review = client.post(url, {**rows, "step": "review"})
    assert review.status_code == 200
    confirmed = {**hidden_fields(review.content.decode()), "confirm": "on", "step": "send"}
    assert confirmed["days_0"] == ["1", "2", "3", "4", "5"]

    terminal_at(people.station, "xc-hsz-03")        # the set grows meanwhile
    again = client.post(url, confirmed)
    assert "符合筛选条件的终端有了变化" in again.content.decode()
    assert not BulkAction.objects.exists()

    confirmed = {**hidden_fields(again.content.decode()), "confirm": "on", "step": "send"}
    sent = client.post(url, confirmed)
    bulk = BulkAction.objects.get()
    assert sent.status_code == 302
    assert sent.url == f"/commands/bulk/{bulk.pk}/"
    assert bulk.count == 3
    assert bulk.query == f"station={people.station.pk}"
    assert bulk.args == {"sessions": [
        {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"},
        {"days": [6], "start": "09:00", "end": "12:00"}]}
    assert all(opened(c)["args"] == bulk.args for c in Command.objects.all())
    assert client.post(url, confirmed).url == sent.url      # the same page sent twice
    assert BulkAction.objects.count() == 1
    assert Command.objects.count() == 3


def test_too_many_terminals_are_refused_before_anything_is_asked(client, settings,
                                                                 monkeypatch):
    use_demo_signing_key(settings)
    people = make_people()
    two_stations(people)
    monkeypatch.setattr(bulk_module, "MOST_TERMINALS", 2)
    client.force_login(people.admin)
    refused = client.get("/commands/bulk/new/announcement/", follow=True)
    assert refused.redirect_chain[-1][0] == "/fleet/"
    assert "符合条件的终端有 3 台，一次最多只能对 2 台操作" in refused.content.decode()
    assert not Command.objects.exists()
