"""The pickup pages in Chromium: results in lockers with who was told and how it went, a
deposit's notices and their attempts, a station manager asking for a new code (signed,
audited, followed until the new notice is delivered), a viewer without the control and
refused when posting anyway, and the demo's simulated phone. Deposits and notices come
from locker events through the real ingest, and notices go through the real sender over
SMPP to the simulated SMSC. No page but the demo's phone shows a code."""

from __future__ import annotations

import pytest

from center.audit.models import AuditEntry
from center.commands.issue import CommandRefused, check
from center.commands.models import Command
from center.pickup.models import Deposit, NoticeState, PickupNotice
from center.sms import smpp_pdu as smpp
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import (
    answer,
    opened,
    other_station,
    terminal_at,
    use_demo_signing_key,
)
from tests.fixtures.center_people import People, make_people, sign_in
from tests.fixtures.pickup_deposits import (
    LockerEvents,
    links_in,
    notice_sender,
    on_file,
    send_and_settle,
    smsc,
)

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["notice_sender", "smsc"]         # fixtures, used by name

PHONE, OTHER_PHONE = "13800138000", "13900139000"
CODES = {"d-1": "20261205", "d-2": "31415926", "d-3": "27182818", "d-4": "16180339"}
NEW_CODE = "55554444"


@pytest.fixture
def stations(settings, sealing_key) -> tuple[People, LockerEvents, LockerEvents]:
    use_demo_signing_key(settings)
    people = make_people()
    here = LockerEvents(terminal_at(people.station, "xc-hsz-01"), sealing_key, "xc-hsz-01")
    there = LockerEvents(terminal_at(other_station(), "xc-lyj-01"), sealing_key, "xc-lyj-01")
    return people, here, there


def four_results(here: LockerEvents, there: LockerEvents, sender, smsc) -> None:
    """d-1 delivered; d-2 no number on file; d-3 (another station) refused by the network;
    d-4 collected before its notice went."""
    on_file("XC-0001", PHONE)
    on_file("XC-0003", OTHER_PHONE)
    here.stored("d-1", CODES["d-1"], "XC-0001")
    here.stored("d-2", CODES["d-2"], "XC-0002", compartment=8, size="S")
    send_and_settle(sender, smsc, 1)
    there.stored("d-3", CODES["d-3"], "XC-0003", compartment=2, size="L")
    smsc.refuse_next(smpp.RINVDSTADR)
    sender.run_once()
    here.stored("d-4", CODES["d-4"], "XC-0004", compartment=9)
    here.collected("d-4", compartment=9)


def deposit_pk(deposit_id: str) -> int:
    return Deposit.objects.get(deposit_id=deposit_id).pk


def assert_no_code(html: str) -> None:
    for code in (*CODES.values(), NEW_CODE):
        assert code not in html


def test_an_administrator_sees_every_result_and_who_was_told(page, live_server, stations,
                                                             notice_sender, smsc, client):
    people, here, there = stations
    four_results(here, there, notice_sender, smsc)
    sign_in(page, live_server, "district-admin")
    page.get_by_role("link", name="取件通知").click()
    rows = page.locator("table.deposits tbody tr")
    assert rows.count() == 4
    assert [r.get_attribute("data-deposit") for r in rows.all()] == ["d-4", "d-3", "d-2",
                                                                     "d-1"]  # newest first
    delivered = page.locator("tr[data-deposit='d-1']")
    assert "138****8000" in delivered.inner_text()
    assert "中格" in delivered.inner_text()
    assert "存入通知（取件码） · 已送达" in delivered.locator(".notice-lines").inner_text()
    assert "无手机号码" in page.locator("tr[data-deposit='d-2']").inner_text()
    assert "无号码：办件系统中没有此办件的手机号码" in page.locator(
        "tr[data-deposit='d-2'] .notice-lines").inner_text()
    refused = page.locator("tr[data-deposit='d-3']")
    assert "139****9000" in refused.inner_text()
    assert "失败：gateway: SMSC refused: RINVDSTADR" in refused.locator(
        ".notice-lines").inner_text()
    collected = page.locator("tr[data-deposit='d-4']")
    assert "已领取" in collected.locator(".state").inner_text()
    assert "已不需要" in collected.locator(".notice-lines").inner_text()
    assert_no_code(page.content())
    assert PHONE not in page.content()
    keep_screenshot(page, "pickup-deposits")

    page.locator("#deposit-filters select[name='state']").select_option("collected")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**state=collected**")
    assert [r.get_attribute("data-deposit") for r in rows.all()] == ["d-4"]
    page.goto(f"{live_server.url}/pickup/?station={people.station.pk}")
    assert sorted(r.get_attribute("data-deposit") for r in rows.all()) == ["d-1", "d-2", "d-4"]

    page.goto(f"{live_server.url}/pickup/?case=XC-0001")
    page.locator("tr[data-deposit='d-1'] a").first.click()
    notice = page.locator("#progress tr[data-kind='stored']")
    assert notice.locator(".words").inner_text().startswith("已送达")
    assert "2 个网关编号" in notice.inner_text()             # two parts, two message ids
    assert page.locator("#deposit-phone").inner_text() == "138****8000"
    assert page.locator("#new-code").is_visible()          # the administrator may
    assert_no_code(page.content())

    # The terminal's page leads here, to its own results.
    page.goto(f"{live_server.url}/fleet/xc/xc-lyj-01/")
    page.locator("#pickup-notices").click()
    assert [r.get_attribute("data-deposit") for r in rows.all()] == ["d-3"]

    client.force_login(people.admin)
    for address in ("/pickup/", "/pickup/?state=waiting", "/fleet/xc/xc-hsz-01/",
                    *(f"/pickup/{pk}/" for pk in Deposit.objects.values_list("pk", flat=True)),
                    f"/pickup/{deposit_pk('d-1')}/new-code/"):
        assert_no_code(client.get(address).content.decode())


def test_a_station_manager_sends_a_new_code_and_follows_it_out(page, live_server, stations,
                                                               notice_sender, smsc, client):
    people, here, there = stations
    four_results(here, there, notice_sender, smsc)
    sign_in(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/pickup/")
    rows = page.locator("table.deposits tbody tr")
    assert sorted(r.get_attribute("data-deposit") for r in rows.all()) == ["d-1", "d-2", "d-4"]
    page.locator("tr[data-deposit='d-1'] a").first.click()
    page.locator("#new-code").get_by_role("link", name="发送新取件码").click()
    form = page.locator("#new-code-form")
    assert "新取件码将以短信发送到 138****8000。" in form.inner_text()
    form.get_by_role("button", name="发送新取件码").click()       # no reason: refused
    assert Command.objects.count() == 0
    form.get_by_label("更换取件码的原因").fill("居民短信误删，来电申请")
    keep_screenshot(page, "pickup-new-code")
    form.get_by_role("button", name="发送新取件码").click()
    page.get_by_text("已请 xc-hsz-01 生成新取件码").wait_for()

    command = Command.objects.get()
    assert (command.type, command.args, command.reason, command.issued_by) == (
        "locker.reissue_code", {"deposit": "d-1"}, "居民短信误删，来电申请", people.manager)
    body = opened(command)
    assert (body["type"], body["terminal"], body["args"]) == (
        "locker.reissue_code", "xc-hsz-01", {"deposit": "d-1"})
    entry = AuditEntry.objects.get(action="command.issued")
    assert (entry.user, entry.terminal.terminal_id) == (people.manager, "xc-hsz-01")
    assert entry.detail["args"] == {"deposit": "d-1"}
    assert entry.detail["reason"] == "居民短信误删，来电申请"
    reissue = page.locator(f"tr[data-command='{command.id}']")
    assert "等待发送" in reissue.locator(".state").inner_text()
    assert "已申请新取件码" in page.locator("#new-code").inner_text()   # not twice
    client.force_login(people.manager)
    client.post(f"/pickup/{deposit_pk('d-1')}/new-code/", {"reason": "again"})
    assert Command.objects.count() == 1

    # The terminal carries it out and reports the new code; the page follows by itself.
    answer(here.kiosk, here.next_seq(), command, detail={"deposit": "d-1"})
    here.reissued("d-1", NEW_CODE, "XC-0001")
    messages = send_and_settle(notice_sender, smsc, 2)
    assert f"新取件码{NEW_CODE}" in messages[-1].text
    new_notice = page.locator("#progress tr[data-kind='reissued']")
    new_notice.wait_for(timeout=15_000)
    page.wait_for_function("document.querySelector(\"#progress tr[data-kind='reissued'] "
                           ".words\").innerText.startsWith('已送达')", timeout=15_000)
    assert "已执行" in reissue.locator(".state").inner_text()
    stored = PickupNotice.objects.get(deposit__deposit_id="d-1", kind="stored")
    assert stored.state == NoticeState.DELIVERED           # the old notice as it was
    assert_no_code(page.content())
    keep_screenshot(page, "pickup-new-code-delivered")

    # Another station's results are not there for this manager.
    assert client.get(f"/pickup/{deposit_pk('d-3')}/").status_code == 404
    assert client.post(f"/pickup/{deposit_pk('d-3')}/new-code/",
                       {"reason": "x"}).status_code == 404
    # Nor a new code for a result already collected.
    client.post(f"/pickup/{deposit_pk('d-4')}/new-code/", {"reason": "x"})
    assert Command.objects.count() == 1
    assert links_in(messages[-1])                           # the new code's link went too


def test_a_viewer_sees_no_new_code_control_and_is_refused(page, live_server, stations,
                                                          notice_sender, smsc, client):
    people, here, there = stations
    four_results(here, there, notice_sender, smsc)
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/pickup/")
    assert page.locator("table.deposits tbody tr").count() == 4
    page.locator("tr[data-deposit='d-1'] a").first.click()
    page.locator("#progress").wait_for()
    assert page.locator("#new-code").count() == 0
    client.force_login(people.viewer)
    assert client.get(f"/pickup/{deposit_pk('d-1')}/new-code/").status_code == 403
    assert client.post(f"/pickup/{deposit_pk('d-1')}/new-code/",
                       {"reason": "not allowed"}).status_code == 403
    assert not Command.objects.exists()
    assert not AuditEntry.objects.filter(action="command.issued").exists()


def test_the_demo_page_is_the_simulated_phone_for_administrators_only(
        page, live_server, stations, notice_sender, smsc, client, settings):
    people, here, there = stations
    four_results(here, there, notice_sender, smsc)
    sign_in(page, live_server, "district-admin")
    page.goto(f"{live_server.url}/pickup/")
    page.get_by_role("link", name="演示：接收通知的模拟手机").click()
    assert "仅供演示" in page.locator(".demo-warning").inner_text()
    [sms] = page.locator("#handset li.sms").all()          # the refused one never arrived
    assert "ZWFW → 138****8000" in sms.inner_text()
    assert f"取件码{CODES['d-1']}" in sms.inner_text()     # the one page with a code
    assert "2 条" in sms.inner_text()
    assert PHONE not in page.content()
    keep_screenshot(page, "pickup-demo-phone")

    for person in (people.manager, people.viewer):
        client.force_login(person)
        assert client.get("/pickup/demo-sms/").status_code == 403
    client.force_login(people.admin)
    settings.DEMO_SMS_RECORD = ""
    assert client.get("/pickup/demo-sms/").status_code == 404
    assert "演示" not in client.get("/pickup/").content.decode()


def test_a_new_code_is_asked_for_a_named_deposit_and_for_a_reason():
    assert check("locker.reissue_code", {"deposit": "d-1"}, reason="lost").args == {
        "deposit": "d-1"}
    for wrong in ({}, {"deposit": ""}, {"deposit": 7}, {"deposit": "d" * 65}):
        with pytest.raises(CommandRefused):
            check("locker.reissue_code", wrong, reason="lost")
    with pytest.raises(CommandRefused):
        check("locker.reissue_code", {"deposit": "d-1"}, reason="  ")
