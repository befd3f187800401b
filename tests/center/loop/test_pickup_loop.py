"""Issue 15's loop, end to end on real parts: staff store a result through the terminal's
touch screen (the Kivy app on Xvfb, real X taps; the locker a CU16 board simulator on a
pty); the terminal's locker.deposited event goes over a real mosquitto to a real ingest
worker process; the notice sender (`manage.py send_notices`, its own process) opens the
sealed code and texts it over real SMPP to the simulated SMSC; the resident's code, read
off that text, opens the door. A station manager in Chromium sees the notice delivered,
asks for a new code; the terminal carries out the signed locker.reissue_code, a second
text brings the new code, the old one is refused at the terminal and the new one opens the
door; the center shows the result collected, and no page, log or MQTT payload holds a code
or the number.

Then issue 16's loop on the same parts: the resident rates the collection 不满意 with a
reason on the terminal's rating screen; the ingest keeps the rating and opens a bad-rating
case due one working day later; the station manager in Chromium verifies it, sets a
five-working-day rectification, records it done, the feedback and the return visit; the
quarter is published and its public page and PDF show the case anonymised. (Deadlines
across a holiday and a 调休 Saturday: tests/center/ratings/test_case_workflow.py; a rating
by QR code, once and only once: tests/center/ratings/test_qr_rating_page.py.)"""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from center.audit.models import AuditEntry
from center.fleet.models import Presence, Terminal
from center.pickup.models import Deposit, DepositState, NoticeState, PickupNotice
from center.publication.publishing import publish
from center.publication.quarters import Quarter
from center.ratings.models import CaseState, RatingCase
from center.ratings.working_days import add_working_days
from center.sms.simulated_smsc import SimulatedSmsc
from devices.locker.simulator import LockerBusSimulator
from kiosk.simulation.broker import LocalBroker
from tests.fixtures.browser import keep_screenshot
from tests.fixtures.center_commands import use_demo_signing_key
from tests.fixtures.center_people import make_people
from tests.fixtures.center_people import sign_in as sign_in_at_the_center
from tests.fixtures.center_pickup import phone_key, sealing_key
from tests.fixtures.ingest_worker import WorkerProcess, database_environment
from tests.fixtures.locker_ui import BOARD, type_digits, wait_door
from tests.fixtures.locker_ui import sign_in as sign_in_at_the_terminal
from tests.fixtures.pickup_deposits import smsc
from tests.fixtures.pickup_loop import NoticeSenderProcess, code_in, reporting_locker
from tests.ui.screen_checks import assert_shows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.ui, pytest.mark.slow]
__all__ = ["phone_key", "sealing_key", "smsc"]         # fixtures, used by name

REPO = Path(__file__).resolve().parents[3]
DEMO_CASES = REPO / "config" / "demo" / "cases.csv"
CASE, MOBILE, MASKED = "1001", "13800138001", "138****8001"    # the demo's first case
TO = "86" + MOBILE              # as SMPP addresses it: TON 1 / NPI 1, country code first
LARGE = 7                       # the first large compartment (tests/fixtures/locker_ui.py)
REASON = "居民短信误删，来电申请"
SLOW_STAFF = 213                # 不满意: 窗口人员业务不熟练
VERIFIED = "取件时柜门旁没有工作人员，居民等候较久"
HANDLED = "安排专人在取件高峰时段值守，由站长张强负责"
RECTIFIED = "已排定高峰时段值守表，值守人王师傅 13900139000"
PUBLIC_HANDLED = "安排专人在取件高峰时段值守"          # what staff chose to publish
PUBLIC_RECTIFIED = "已排定高峰时段值守表"
STATION = "花山镇便民服务站"      # make_people's station, where the terminal is placed


@pytest.fixture
def locker_board(tmp_path: Path) -> Iterator[LockerBusSimulator]:
    board = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16", (BOARD,))
    board.start()
    yield board
    board.stop()


@pytest.fixture
def center_processes(broker: LocalBroker, smsc: SimulatedSmsc, live_server: Any,
                     phone_key: Any, sealing_key: Any, settings: Any, tmp_path: Path
                     ) -> Iterator[tuple[WorkerProcess, NoticeSenderProcess]]:
    """The ingest worker and the notice sender, each a process on the test's database;
    killed at the end whatever happened (before pytest-django empties the database)."""
    database = database_environment(connections["default"].settings_dict)
    (tmp_path / "ingest").mkdir()
    worker = WorkerProcess("center-ingest-pickup-loop", database, broker.port,
                           tmp_path / "ingest")
    sender = NoticeSenderProcess(database, smsc_port=smsc.port,
                                 phone_key_file=str(settings.PHONE_KEY_FILE),
                                 sealing_key_file=str(settings.CENTER_SEALING_KEY_FILE),
                                 site_url=live_server.url, log_dir=tmp_path / "sender")
    worker.start()
    sender.start()
    yield worker, sender
    sender.close()
    worker.close()


def reload_until(page: Any, ready: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    """Looks again every half second, as a person pressing F5 would."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        assert time.monotonic() < deadline, f"the page never showed {what}"
        time.sleep(0.5)
        page.reload()


def test_a_resident_collects_with_the_texted_code_then_a_reissued_one_and_rates_it(
        broker, locker_board, center_processes, smsc, sealing_key, subscribe, page,
        live_server, settings, tmp_path, launch_ui):
    # launch_ui comes last: the terminal stops before the board, broker and center it uses.
    began = time.monotonic()
    use_demo_signing_key(settings)          # the key the terminal's configuration trusts
    people = make_people()
    call_command("import_cases", str(DEMO_CASES), stdout=io.StringIO())
    worker, sender = center_processes
    wire = subscribe("kiosk/v1/#")          # every MQTT payload, to search at the end
    seen: list[str] = []                    # every page the manager looked at

    # 1. The terminal starts and reports; the district administrator places it at the station.
    ui = launch_ui(reporting_locker(locker_board.path, tmp_path, sealing_key, broker.port))
    ui.simulator = locker_board
    ui.wait_until(lambda: ui.terminal.locker.ready.is_set(), what="the locker ready")
    ui.wait_until(sender.sending, timeout_s=30, what="the notice sender's rounds")
    online = Terminal.objects.filter(district="test-district", terminal_id="test-01")
    ui.wait_until(lambda: any(t.presence() == Presence.ONLINE for t in online.all()),
                  timeout_s=30,
                  what="the terminal online at the center")
    online.update(station=people.station)

    # 2. Staff sign in and store the result for case 1001 in a large compartment.
    sign_in_at_the_terminal(ui)
    ui.tap(ui.widget("deposit"))
    type_digits(ui, ui.widget("keypad"), CASE)
    ui.tap(ui.widget("size_l"))
    ui.screenshot("pickup-loop-1-staff-store")
    ui.tap(ui.widget("store"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="the door open for staff")
    assert door.compartment == LARGE
    wait_door(ui, LARGE, True)                      # the board got the unlock and sprang open
    assert_shows(ui.screenshot("pickup-loop-2-door-open-for-staff"), f"{LARGE}号柜门已打开")
    locker_board.put_item(0, LARGE)
    locker_board.close_door(0, LARGE)
    ui.wait_until(lambda: door.finished, what="the result stored")
    ui.screenshot("pickup-loop-3-stored")
    ui.tap(door.ids.done)
    ui.tap(ui.widget("sign_out"))
    assert ui.screen == "home"

    # 3. The center texts the code: the only place the test learns it.
    ui.wait_until(lambda: len(smsc.messages) >= 1, timeout_s=30, what="the first text")
    [first] = smsc.messages
    assert first.to == TO
    assert first.sender == "ZWFW"
    assert first.text.startswith("【政务服务】")
    assert f"{STATION}智能柜（大格）" in first.text          # the size, never the number
    assert f"{live_server.url}/p/" in first.text
    old_code = code_in(first.text)

    # 4. The station manager sees it delivered and asks for a new code.
    sign_in_at_the_center(page, live_server, "station-manager")
    page.goto(f"{live_server.url}/pickup/")
    rows = page.locator("table.deposits tbody tr")
    stored_line = rows.locator(".notice-lines li[data-kind='stored']")
    reload_until(page, lambda: "已送达" in stored_line.inner_text(), "the notice delivered")
    assert rows.count() == 1
    assert MASKED in rows.inner_text()
    assert "待领取" in rows.locator(".state").inner_text()
    seen.append(page.content())
    keep_screenshot(page, "pickup-loop-1-delivered")
    rows.get_by_role("link", name=CASE).click()
    page.locator("#deposit-phone").wait_for()
    assert page.locator("#deposit-phone").inner_text() == MASKED
    seen.append(page.content())
    keep_screenshot(page, "pickup-loop-2-deposit")
    page.locator("#new-code").get_by_role("link", name="发送新取件码").click()
    form = page.locator("#new-code-form")
    assert f"新取件码将以短信发送到 {MASKED}。" in form.inner_text()
    form.get_by_label("更换取件码的原因").fill(REASON)
    seen.append(page.content())
    keep_screenshot(page, "pickup-loop-3-new-code")
    form.get_by_role("button", name="发送新取件码").click()
    page.get_by_text("已请 test-01 生成新取件码").wait_for()
    seen.append(page.content())

    # The terminal carries out the signed command; its event brings a second text.
    ui.wait_until(lambda: len(smsc.messages) >= 2, timeout_s=30, what="the second text")
    second = smsc.messages[1]
    assert second.to == TO
    assert "原取件码作废" in second.text
    new_code = code_in(second.text)
    assert new_code != old_code
    ui.screenshot("pickup-loop-4-after-the-new-code")
    # The deposit page follows by itself (htmx) until the new notice is delivered.
    page.wait_for_function(
        "document.querySelector(\"#progress tr[data-kind='reissued'] .words\")"
        "?.innerText.startsWith('已送达')", timeout=30_000)
    reissue = page.locator("#progress table.reissues tbody tr")
    assert "已执行" in reissue.locator(".state").inner_text()
    assert page.locator("#progress tr[data-kind='stored'] .words").inner_text().startswith(
        "已送达")
    seen.append(page.content())
    keep_screenshot(page, "pickup-loop-4-new-code-delivered")

    # 5. At the terminal the old code is refused, and the new one opens the door.
    ui.tap(ui.widget("pickup"))
    assert ui.screen == "pickup"
    pickup = ui.app.screens.get_screen("pickup")
    pulses = locker_board.door(0, LARGE).pulses
    type_digits(ui, ui.widget("keypad"), old_code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: "取件码不对" in pickup.message, what="the old code refused")
    assert_shows(ui.screenshot("pickup-loop-5-old-code-refused"), "取件码不对")
    assert locker_board.door(0, LARGE).pulses == pulses, "the old code unlocked the door"
    assert not locker_board.door(0, LARGE).open
    type_digits(ui, ui.widget("keypad"), new_code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="the door open for the resident")
    assert door.compartment == LARGE
    wait_door(ui, LARGE, True)
    assert locker_board.door(0, LARGE).pulses > pulses
    ui.screenshot("pickup-loop-6-door-open-for-the-resident")
    locker_board.take_item(0, LARGE)
    locker_board.close_door(0, LARGE)
    ui.wait_until(lambda: door.finished, what="the result collected")
    assert_shows(ui.screenshot("pickup-loop-7-collected"), "取件完成")
    ui.tap(door.ids.done)
    rate_dissatisfied_at_the_terminal(ui)

    # 6. The center shows the result collected.
    state = page.locator("#deposit-state")
    reload_until(page, lambda: "已领取" in state.inner_text(), "the result collected")
    assert page.locator("#new-code").count() == 0          # nothing left to send a code for
    seen.append(page.content())
    keep_screenshot(page, "pickup-loop-5-collected")
    page.goto(f"{live_server.url}/pickup/")
    assert "已领取" in rows.locator(".state").inner_text()
    seen.append(page.content())

    deposit = Deposit.objects.get(case_number=CASE)
    assert (deposit.state, deposit.code_generation, deposit.sealed_code) == (
        DepositState.COLLECTED, 2, {})
    assert dict(PickupNotice.objects.filter(deposit=deposit).values_list("kind", "state")) == {
        "stored": NoticeState.DELIVERED, "reissued": NoticeState.DELIVERED}
    audit = AuditEntry.objects.get(action="command.issued")
    assert (audit.user, audit.detail["reason"]) == (people.manager, REASON)
    assert len(smsc.messages) == 2                          # one text each, no more

    # 7. The bad rating opened a case; the station manager answers it to the return visit.
    seen.extend(answer_the_case(page, live_server))
    # 8. The quarter ends and is published: the public page and its PDF show the case, and
    # nothing of the resident, the code or the verification's own notes.
    public = publish_the_quarter(page, live_server, people.admin, tmp_path)

    # No page the manager saw, no center log and no MQTT payload holds a code or the number.
    sender.stop()
    totals = worker.stop()
    assert (totals.rejected, totals.conflicts) == (0, 0)
    for secret in (old_code, new_code, MOBILE):
        assert not [html for html in seen if secret in html], "a page showed a secret"
        assert secret not in public
        assert secret not in worker.all_logs() + sender.log() + sender.output()
        assert not [m.topic for m in wire.messages if secret.encode() in m.payload]
    print(f"pickup loop: {time.monotonic() - began:.1f} s")


def rate_dissatisfied_at_the_terminal(ui: Any) -> None:
    """The resident, offered a rating after collecting, gives 不满意 with a reason."""
    ui.wait_until(lambda: ui.screen == "rating", what="the rating screen")
    rating = ui.app.screens.get_screen("rating")
    ui.tap(rating.ids.face_2)
    reasons = {toggle.code: toggle for toggle in rating.ids.reasons.children}
    ui.tap(reasons[SLOW_STAFF])
    assert reasons[SLOW_STAFF].state == "down"
    assert_shows(ui.screenshot("pickup-loop-8-rated-dissatisfied"), "您选择了“不满意”")
    ui.tap(rating.ids.submit)
    ui.wait_until(lambda: rating.step == "end", what="the thanks")
    ui.wait_until(lambda: ui.screen == "home", timeout_s=8, what="home after the thanks")


def answer_the_case(page: Any, live_server: Any) -> list[str]:
    """The manager finds the case the rating opened, due one working day after it came,
    and takes it through verification, rectification, feedback and the return visit.
    Returns the pages seen."""
    seen = []
    page.goto(f"{live_server.url}/ratings/cases/")
    reload_until(page, lambda: page.locator("tr[data-case]").count() == 1, "the new case")
    case = RatingCase.objects.select_related("rating").get()
    assert (case.rating.level, case.rating.options, case.rating.event_kind) == (
        2, [SLOW_STAFF], "pickup")
    opened_on = timezone.localtime(case.opened_at).date()
    assert case.due_on == add_working_days(opened_on, 1)
    row = page.locator(f"tr[data-case='{case.number}']")
    assert case.due_on.isoformat() in row.inner_text()
    assert "窗口人员业务不熟练" in row.inner_text()
    row.get_by_role("link", name=case.number).click()
    page.get_by_role("heading", name=f"差评件 {case.number}").wait_for()
    assert "取件" in page.locator("#case-rating").inner_text()
    for label, text, button in (("核实情况", VERIFIED, "保存核实情况"),
                                ("处理说明", HANDLED, "保存处理方式"),
                                ("整改了什么", RECTIFIED, "整改已完成"),
                                ("反馈内容", "匿名评价，没有联系方式", "保存反馈情况"),
                                ("回访记录", "站点复查，窗口已按清单办理", "保存回访结果")):
        if button == "保存处理方式":
            page.get_by_label("限期整改").check()
            page.get_by_label("5 个工作日", exact=True).check()
            page.get_by_label("对外公开的说明").fill(PUBLIC_HANDLED)
        elif button == "整改已完成":
            page.get_by_label("对外公开的说明").fill(PUBLIC_RECTIFIED)
        elif button == "保存反馈情况":
            page.get_by_label("联系不上").check()
        elif button == "保存回访结果":
            page.get_by_label("满意", exact=True).check()
        page.get_by_label(label).fill(text)
        page.get_by_role("button", name=button).click()
        page.get_by_text("已保存。这个差评件现在是").wait_for()
        seen.append(page.content())
    assert "已办结" in page.locator("#case-deadline").inner_text()
    keep_screenshot(page, "pickup-loop-6-case-closed")
    case.refresh_from_db()
    assert (case.state, case.handling, case.revisit) == (CaseState.CLOSED, "fix_by",
                                                         "satisfied")
    assert list(case.steps.values_list("action", flat=True)) == [
        "received", "verified", "handled", "rectified", "fed_back", "revisited"]
    return seen


def publish_the_quarter(page: Any, live_server: Any, admin: Any, tmp_path: Path) -> str:
    """Publishes the quarter as the district administrator would once it is over (the
    button is tested in tests/center/publication; here the clock cannot wait for January),
    then reads the public page in Chromium and the PDF as text. Returns both."""
    quarter = Quarter.containing(timezone.now())
    publish(admin, "test-district", quarter, now=quarter.end)
    page.goto(f"{live_server.url}/public/test-district/{quarter.slug}/")
    case = RatingCase.objects.get()
    published = page.locator(f"li.case[data-case='{case.number}']")
    text = published.inner_text()
    for words in (STATION, "窗口人员业务不熟练", "限期整改", PUBLIC_HANDLED, PUBLIC_RECTIFIED):
        assert words in text
    for inside in (VERIFIED, "张强", "王师傅", "13900139000"):  # staff's notes stay inside
        assert inside not in page.content()
    assert page.locator("[data-rate='rectification']").inner_text() == "100.0%"
    keep_screenshot(page, "pickup-loop-7-published")
    pdf = tmp_path / "quarter.pdf"
    answer = page.request.get(f"{live_server.url}/public/test-district/{quarter.slug}.pdf")
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    pdf.write_bytes(answer.body())
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                             capture_output=True, text=True).stdout
    for words in (case.number, "窗口人员业务不熟练", PUBLIC_RECTIFIED):
        assert words in printed
    for inside in (VERIFIED, "张强", "王师傅", "13900139000"):
        assert inside not in printed
    return page.content() + printed
