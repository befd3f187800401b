"""The locker as residents and staff use it: real taps, real board simulator, real bus."""

from __future__ import annotations

from datetime import date

import pytest

from devices.idcard.simulator import make_card
from kiosk.services.alarms import raise_alarm
from kiosk.services.locker.codes import qr_payload
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import sign_in, store_result, type_digits, wait_door
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui


def test_home_offers_pickup_and_dropoff(locker_ui):
    ui = locker_ui()
    image = ui.screenshot("locker-home")
    assert_widget_reads(image, ui.widget("pickup"), "取件")
    assert_widget_reads(image, ui.widget("dropoff"), "存件")


def test_a_resident_collects_with_the_code(locker_ui):
    ui = locker_ui()
    number, code = store_result(ui)

    ui.tap(ui.widget("pickup"))
    assert ui.screen == "pickup"
    type_digits(ui, ui.widget("keypad"), code)
    assert ui.widget("keypad").value == code, (ui.widget("keypad").value, code)
    assert ui.widget("code").text == f"{code[:4]} {code[4:]}"
    ui.tap(ui.widget("open_door"))

    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="door open on screen")
    assert door.compartment == number
    assert_shows(ui.screenshot("locker-pickup-open"),
                 f"{number}号柜门已打开", "请取走文件并关好柜门")
    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="pickup finished")
    assert_shows(ui.screenshot("locker-pickup-done"), "取件完成")
    ui.tap(door.ids.done)
    ui.skip_rating()


def test_a_wrong_code_says_so_and_how_many_tries_are_left(locker_ui):
    ui = locker_ui()
    store_result(ui)
    ui.tap(ui.widget("pickup"))
    type_digits(ui, ui.widget("keypad"), "12345678")
    ui.tap(ui.widget("open_door"))
    pickup = ui.app.screens.get_screen("pickup")
    ui.wait_until(lambda: "取件码不对" in pickup.message, what="the refusal")
    assert "还可以试 4 次" in pickup.message
    assert ui.widget("keypad").value == ""
    assert_shows(ui.screenshot("locker-wrong-code"), "取件码不对")


def test_the_qr_code_from_the_text_message_opens_the_door(locker_ui):
    ui = locker_ui()
    number, code = store_result(ui)
    ui.scanner.scan(qr_payload("test-01", code))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    wait_door(ui, number, True)


def test_staff_sign_in_and_store_a_result(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("staff"))
    # Nobody here has a badge enrolled: the PIN alone signs in, and the screen says only that.
    assert ui.widget("badge").text == "请输入密码。"
    type_digits(ui, ui.widget("keypad"), "123456")
    assert ui.widget("pin").text == "●●●● ●●"
    ui.tap(ui.widget("sign_in"))
    ui.wait_until(lambda: ui.screen == "staff_menu", timeout_s=10, what="the staff menu")

    ui.tap(ui.widget("deposit"))
    type_digits(ui, ui.widget("keypad"), "2026112100017")
    ui.tap(ui.widget("size_l"))
    ui.tap(ui.widget("store"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="door open")
    assert door.compartment == 7  # the first large compartment
    assert_shows(ui.screenshot("locker-staff-deposit-open"), "7号柜门已打开")
    ui.simulator.put_item(0, 7)
    ui.simulator.close_door(0, 7)
    ui.wait_until(lambda: door.finished, what="stored")
    assert_widget_reads(ui.screenshot("locker-staff-deposit-done"), door.ids.headline,
                        "已存入7号柜")
    ui.tap(door.ids.done)
    assert ui.screen == "staff_menu"
    [stored] = ui.terminal.locker.stored()
    assert stored.case_number == "2026112100017"
    ui.tap(ui.widget("sign_out"))
    assert ui.screen == "home"
    assert ui.app.staff is None


def test_a_wrong_pin_is_refused(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("staff"))
    type_digits(ui, ui.widget("keypad"), "654321")
    ui.tap(ui.widget("sign_in"))
    screen = ui.app.screens.get_screen("staff_sign_in")
    ui.wait_until(lambda: screen.message == "工作人员密码不对。", timeout_s=10, what="refusal")
    assert ui.app.staff is None


def test_dropoff_hands_over_to_its_receipt(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("dropoff"))
    assert ui.widget("size_m").disabled  # no medium compartments at this station
    assert_shows(ui.screenshot("locker-dropoff"), "请选择柜格大小")
    ui.tap(ui.widget("size_s"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="door open")
    ui.simulator.put_item(0, door.compartment)
    ui.simulator.close_door(0, door.compartment)
    ui.wait_until(lambda: ui.screen == "dropoff_receipt", what="the receipt")
    [waiting] = ui.terminal.locker.waiting_for_staff()
    assert ui.widget("receipt_number").text == waiting.receipt


def test_a_door_that_does_not_open_says_what_to_do(locker_ui):
    ui = locker_ui(open_timeout_s=2)
    number, code = store_result(ui)
    ui.simulator.jam(0, number)
    ui.tap(ui.widget("pickup"))
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "jammed", timeout_s=8, what="jammed")
    assert_shows(ui.screenshot("locker-jammed"), f"{number}号柜门没有打开", "已通知工作人员")


def test_idle_signs_staff_out(locker_ui):
    ui = locker_ui()
    ui.app.staff = type("Member", (), {"id": "admin-1", "role": "admin", "is_admin": True})()
    ui.app.go_to("staff_menu")
    clock = use_fake_idle_clock(ui)
    clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the prompt")
    ui.wait_until(lambda: ui.app.staff is None, timeout_s=10, what="signed out")
    assert ui.screen == "home"


def test_collecting_for_someone_else_records_the_proxy(locker_ui):
    ui = locker_ui()
    number, code = store_result(ui)
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("for_someone_else"))
    assert ui.screen == "proxy"
    type_digits(ui, ui.widget("keypad"), "11010519491231002")
    ui.tap(ui.widget("keypad").ids.key_clear)          # the X key on this keypad
    assert ui.widget("keypad").value == "11010519491231002X"
    ui.tap(ui.widget("confirm"))
    assert ui.screen == "pickup"
    assert "代领" in ui.widget("proxy_note").text
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="door open")
    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="collected")
    with ui.terminal.store.reading() as db:
        [(by,)] = db.execute("SELECT collected_by FROM deposits").fetchall()
    assert by.startswith("proxy:")
    assert "11010519491231002X" not in by
    ui.tap(door.ids.done)
    assert ui.app.session == {}                        # the proxy's number is gone


def test_a_mistyped_proxy_id_number_is_refused(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("for_someone_else"))
    type_digits(ui, ui.widget("keypad"), "110105194912310021")   # wrong check digit
    ui.tap(ui.widget("confirm"))
    assert ui.screen == "proxy"
    assert ui.app.screens.get_screen("proxy").message == "身份证号码不对，请检查后重新输入。"


def test_the_keypad_locks_after_five_wrong_codes(locker_ui):
    ui = locker_ui()
    store_result(ui)
    ui.tap(ui.widget("pickup"))
    pickup = ui.app.screens.get_screen("pickup")
    for attempt in range(5):
        code = f"9000000{attempt}"
        if attempt == 0:
            type_digits(ui, ui.widget("keypad"), code)
        else:
            # Typing is tested above and in the first attempt; the lockout is what is new.
            ui.widget("keypad").value = code
        ui.tap(ui.widget("open_door"))
        ui.wait_until(lambda: not pickup.checking, what="the answer")
    assert "输错次数太多" in pickup.message
    assert "30 秒后再试" in pickup.message
    assert_shows(ui.screenshot("locker-keypad-locked"), "输错次数太多")


def test_a_lockout_counts_down_with_the_keypad_off_and_the_card_way_open(locker_ui):
    ui = locker_ui(first_lockout_s=5)
    store_result(ui)
    ui.tap(ui.widget("pickup"))
    pickup = ui.app.screens.get_screen("pickup")
    for attempt in range(5):
        ui.widget("keypad").value = f"9000000{attempt}"
        ui.tap(ui.widget("open_door"))
        ui.wait_until(lambda: not pickup.checking, what="the answer")
    keypad = ui.widget("keypad")
    assert keypad.disabled
    assert ui.widget("open_door").disabled
    assert not ui.widget("with_id_card").disabled
    assert "或现在刷身份证取件" in pickup.message
    first = pickup.locked_s
    assert 4 <= first <= 5
    ui.wait_until(lambda: 0 < pickup.locked_s < first, timeout_s=3, what="the countdown")
    assert f"{pickup.locked_s} 秒后再试" in pickup.message
    assert_widget_reads(ui.screenshot("locker-keypad-counting-down"), ui.widget("with_id_card"),
                        "刷身份证取件")
    assert keypad.ids.key_1.disabled         # every key is off, not only the keypad
    ui.wait_until(lambda: pickup.locked_s == 0, timeout_s=8, what="the end of the lockout")
    assert not keypad.disabled
    assert pickup.message == ""


def test_staff_take_out_a_dropoff(locker_ui):
    ui = locker_ui()
    started = ui.terminal.locker.dropoff("S").result(5)
    wait_door(ui, started.compartment, True)
    ui.pump(0.3)
    ui.simulator.put_item(0, started.compartment)
    ui.simulator.close_door(0, started.compartment)
    ui.wait_until(lambda: ui.terminal.locker.waiting_for_staff(), what="the drop-off stored")
    sign_in(ui)
    # The count is read off the Kivy thread and shown when it arrives.
    ui.wait_until(lambda: ui.widget("retrieve").text == "取出群众存件和逾期件（1）",
                  what="the count of what waits for staff")
    ui.tap(ui.widget("retrieve"))
    screen = ui.app.screens.get_screen("staff_retrieve")
    [item] = screen.ids.entries.children
    assert item.text.startswith(f"{started.compartment}号柜：群众存件，回执 ")
    assert_widget_reads(ui.screenshot("locker-staff-retrieve"), screen.ids.back_bar.ids.title,
                        "取出")
    ui.tap(item)
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    wait_door(ui, started.compartment, True)
    ui.pump(0.3)
    ui.simulator.take_item(0, started.compartment)
    ui.simulator.close_door(0, started.compartment)
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.finished, what="taken out")
    assert ui.terminal.locker.waiting_for_staff() == []


def test_staff_open_a_compartment_and_take_one_out_of_service(locker_ui):
    ui = locker_ui()
    sign_in(ui)
    ui.tap(ui.widget("compartments"))
    screen = ui.app.screens.get_screen("staff_compartments")
    tiles = {int(t.text.split()[0]): t for t in screen.ids.grid.children}
    assert sorted(tiles) == list(range(1, 9))
    assert_shows(ui.screenshot("locker-staff-compartments"), "柜格管理")
    ui.tap(tiles[5])
    ui.tap(ui.widget("toggle_service"))
    ui.wait_until(lambda: 5 in ui.terminal.locker.out_of_service(), what="out of service")
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    wait_door(ui, 5, True)
    with ui.terminal.store.reading() as db:
        actions = {r[0] for r in db.execute("SELECT action FROM audit_log WHERE actor = 'admin-1'")}
    assert {"locker.out_of_service", "locker.maintenance.requested"} <= actions


def test_a_compartment_left_unclear_by_a_restart_asks_staff_to_look(locker_ui):
    ui = locker_ui()
    # What a restart leaves after an interrupted operation on a board without sensors
    # (the service's side: tests/services/locker/test_restart.py).
    with ui.terminal.store.transaction() as db:
        raise_alarm(db, "needs_check", "compartment 3", {"operation": 1})
        db.execute("UPDATE compartments SET in_service = 0 WHERE number = 3")
    sign_in(ui)
    # The alarms are read off the Kivy thread and shown when they arrive.
    ui.wait_until(lambda: "3号柜：重启后柜内情况不明，请开柜查看后再恢复使用"
                  in ui.widget("alarms").text, what="the needs-check alarm on the staff menu")
    ui.tap(ui.widget("compartments"))
    screen = ui.app.screens.get_screen("staff_compartments")
    tiles = {int(t.text.split()[0]): t for t in screen.ids.grid.children}
    assert tiles[3].text.endswith("请开柜查看")
    assert tiles[4].text.endswith("空闲")
    assert_widget_reads(ui.screenshot("locker-staff-check-inside"), tiles[3], "请开柜查看")
    ui.tap(tiles[3])
    ui.tap(ui.widget("toggle_service"))      # looked inside: back in service
    ui.wait_until(lambda: ui.terminal.locker.needing_check() == [], what="the check done")
    assert 3 not in ui.terminal.locker.out_of_service()


APPLICANT = "11010519491231002X"


def test_the_applicant_collects_with_the_id_card(locker_ui):
    ui = locker_ui()
    started = ui.terminal.locker.deposit("admin-1", "CASE-ID", None, APPLICANT).result(5)
    wait_door(ui, started.compartment, True)
    ui.pump(0.3)
    ui.simulator.put_item(0, started.compartment)
    ui.simulator.close_door(0, started.compartment)
    ui.wait_until(lambda: ui.terminal.locker.stored(), what="stored")
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("with_id_card"))
    prompt = ui.app._identity_prompt
    assert prompt is not None
    assert_shows(ui.screenshot("identity-prompt"), "请把身份证平放在")
    ui.id_reader.place(make_card(name="张小三", birth=date(1949, 12, 31), id_number=APPLICANT))
    ui.wait_until(lambda: prompt.confirmed, what="the card read")
    assert prompt.message == "已读取：张*三"
    assert_shows(ui.screenshot("identity-read"), "已读取")
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    wait_door(ui, started.compartment, True)


def test_a_card_with_a_bad_number_is_refused_in_plain_words(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("with_id_card"))
    prompt = ui.app._identity_prompt
    ui.id_reader.place(make_card(id_number="110105194912310021"))
    ui.wait_until(lambda: prompt.message, what="the refusal")
    assert prompt.message == "这张证件的号码无效，请问工作人员。"
    assert not prompt.confirmed
    ui.tap(prompt.ids.cancel)
    assert ui.app._identity_prompt is None


def test_a_proxy_identifies_with_their_id_card(locker_ui):
    ui = locker_ui()
    _number, code = store_result(ui)
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("for_someone_else"))
    ui.tap(ui.widget("read_card"))
    ui.id_reader.place(make_card(name="李四"))
    ui.wait_until(lambda: ui.screen == "pickup", what="back to the code")
    assert "代领" in ui.widget("proxy_note").text
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    with ui.terminal.store.reading() as db:
        [(actor,)] = db.execute("SELECT actor FROM door_operations WHERE purpose = 'pickup'")
    assert actor.startswith("proxy:")


def test_an_identity_left_on_the_prompt_is_wiped_at_idle(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("pickup"))
    ui.tap(ui.widget("with_id_card"))
    clock = use_fake_idle_clock(ui)
    clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.screen == "home", timeout_s=15, what="home")
    assert ui.app._identity_prompt is None
    assert ui.app.session == {}

