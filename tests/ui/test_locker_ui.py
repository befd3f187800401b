"""The locker as residents and staff use it: real taps, real board simulator, real bus."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.locker.port import BoardConfig
from devices.locker.simulator import LockerBusSimulator
from devices.qr.simulator import QrScannerSimulator
from kiosk.services.locker.codes import qr_payload
from kiosk.simulation.center import DemoCenter
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui

PIN_123456 = ("scrypt$16384$8$1$Axkjp3AsO6gdNCIt6oQewg==$wZ3NVB1jRCY8rWwumGJZtomohW+8okUIPKZcr3"
              "gbI3YulFhQMIaAFF9CGrePhV5N+T67higCJ0+imqL6sAFJmw==")
BOARD = BoardConfig(address=0, locks=8, item_sensor=True)


@pytest.fixture
def locker_ui(launch_ui, tmp_path):
    simulator = LockerBusSimulator(tmp_path / "dev" / "locker", "kerong-cu16", (BOARD,))
    simulator.start()
    scanner = QrScannerSimulator(tmp_path / "dev" / "qr")
    scanner.start()
    center = X25519PrivateKey.generate()
    public = base64.b64encode(center.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()

    def launch(**locker_settings):
        ui = launch_ui({
            "devices": {"qr_scanner": {"driver": "serial", "port": scanner.path}},
            "locker": {
                "enabled": True, **locker_settings,
                "buses": {"main": {"protocol": "kerong-cu16", "port": simulator.path,
                                   "boards": [{"address": 0, "locks": 8, "item_sensor": True}]}},
                "compartments": [
                    {"first_number": 1, "count": 6, "bus": "main", "board": 0, "size": "S"},
                    {"first_number": 7, "count": 2, "bus": "main", "board": 0,
                     "first_lock": 7, "size": "L"}],
            },
            "security": {"center_public_key": public, "key_file": str(tmp_path / "key"),
                         "staff": [{"id": "admin-1", "role": "admin", "pin_hash": PIN_123456}]},
        })
        ui.simulator, ui.scanner, ui.center = simulator, scanner, DemoCenter(center)
        ui.wait_until(lambda: ui.terminal.locker.ready.is_set(), what="locker ready")
        return ui

    yield launch
    scanner.stop()
    simulator.stop()


def type_digits(ui, keypad, digits):
    for digit in digits:
        ui.tap(keypad.ids[f"key_{digit}"])


def wait_door(ui, number, open_):
    ui.wait_until(lambda: ui.simulator.door(0, number).open == open_,
                  what=f"door {number} {'open' if open_ else 'shut'}")


def store_result(ui, case="CASE-7"):
    """Staff deposit through the service (the UI path has its own test)."""
    started = ui.terminal.locker.deposit("admin-1", case, None).result(5)
    wait_door(ui, started.compartment, True)
    ui.pump(0.3)
    ui.simulator.put_item(0, started.compartment)
    ui.simulator.close_door(0, started.compartment)
    ui.wait_until(lambda: started.compartment in {d.compartment for d in
                                                  ui.center.codes_for_stored(ui.terminal.store)},
                  what="the deposit stored")
    codes = {d.compartment: d.code for d in ui.center.codes_for_stored(ui.terminal.store)}
    return started.compartment, codes[started.compartment]


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
    assert ui.screen == "home"


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
    assert_shows(ui.screenshot("locker-staff-deposit-done"), "已存入7号柜")
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


def test_dropoff_shows_a_receipt(locker_ui):
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
    ui.wait_until(lambda: door.finished, what="stored")
    [waiting] = ui.terminal.locker.waiting_for_staff()
    assert door.receipt == waiting.receipt
    assert door.ids.receipt.text == f"回执号\n{waiting.receipt}"
    assert_shows(ui.screenshot("locker-dropoff-receipt"), "回执号")


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
    clock = [1000.0]
    ui.app.idle.now = lambda: clock[0]
    ui.app.idle._last_activity = clock[0]
    clock[0] += ui.terminal.config.display.idle_timeout_s + 1
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the prompt")
    ui.wait_until(lambda: ui.app.staff is None, timeout_s=10, what="signed out")
    assert ui.screen == "home"
