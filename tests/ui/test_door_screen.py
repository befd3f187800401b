"""The door screen while a door stands open: where the door is, what to do, how long
before the staff are told, help at hand, and no leaving while the door is open."""

from __future__ import annotations

import pytest

from tests.fixtures.clock import FakeClock
from tests.fixtures.idle_clock import use_fake_idle_clock
from tests.fixtures.locker_ui import store_result, type_digits, wait_door
from tests.ui.screen_checks import assert_shows, assert_widget_reads

pytestmark = pytest.mark.ui


def open_for_pickup(ui):
    number, code = store_result(ui)
    ui.tap(ui.widget("pickup"))
    type_digits(ui, ui.widget("keypad"), code)
    ui.tap(ui.widget("open_door"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    wait_door(ui, number, True)
    ui.wait_until(lambda: door.state == "open", what="the door seen open")
    return door, number


def test_the_open_door_is_lit_on_a_drawing_of_the_cabinet(locker_ui):
    ui = locker_ui()
    door, number = open_for_pickup(ui)
    drawing = door.ids.cabinet

    lit = [cell for cell in drawing.children if cell.lit]
    assert [cell.text for cell in lit] == [str(number)]
    # Drawn where the configuration puts it: the locker_ui layout has small doors 1-6
    # down the first column and large doors 7-8 (four small doors high) in the second.
    assert door.plan.columns == 2
    assert door.plan.rows == 8
    place = door.plan.place_of(number)
    cell = drawing.cell(number)
    assert cell.x == pytest.approx(drawing.x + (place.column - 1) * drawing.width / 2, abs=1)
    assert cell.top == pytest.approx(drawing.top - (place.top_row - 1) * drawing.height / 8,
                                     abs=1)
    assert cell.height == pytest.approx(place.height * drawing.height / 8, abs=1)
    assert drawing.cell(7).height == pytest.approx(4 * drawing.cell(1).height, abs=2)
    image = ui.screenshot("door-open-cabinet")
    assert_widget_reads(image, door.ids.headline, f"{number}号柜门已打开")
    assert_widget_reads(image, door.ids.help, "呼叫帮助")


def test_the_screen_stays_while_the_door_is_open(locker_ui):
    ui = locker_ui()
    door, number = open_for_pickup(ui)
    clock = use_fake_idle_clock(ui)

    clock.advance(10 * ui.terminal.config.display.idle_timeout_s)
    ui.pump(1.5)
    assert ui.screen == "door", "left an open door"
    assert ui.app.idle.prompt is None, "asked to leave an open door"

    ui.simulator.take_item(0, number)
    ui.simulator.close_door(0, number)
    ui.wait_until(lambda: door.finished, what="the door closed")
    clock.advance(ui.terminal.config.display.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.app.idle.prompt is not None, what="the idle prompt, once shut")


def test_a_countdown_to_the_door_alarm_then_the_alarm_on_screen(locker_ui):
    ui = locker_ui(door_open_alarm_min=3)
    clock = FakeClock(500.0)
    ui.app.screens.get_screen("door").now = clock.monotonic
    door, _number = open_for_pickup(ui)

    ui.pump(1.2)
    assert door.ids.countdown.text == "请关好柜门。3:00 后柜门仍开着，将通知工作人员。"
    clock.advance(100)
    ui.pump(1.2)
    assert "1:20 后" in door.ids.countdown.text
    assert not door.overdue
    clock.advance(81)
    ui.pump(1.2)
    assert door.overdue
    assert door.ids.countdown.text == "柜门已开了 3 分钟，已通知工作人员。请关好柜门。"
    assert_shows(ui.screenshot("door-left-open"), "已通知工作人员")


def test_help_from_the_door_screen_names_the_door(locker_ui):
    ui = locker_ui()
    door, _number = open_for_pickup(ui)
    ui.tap(door.ids.help)
    # Recorded on the help desk's own thread; the pop-up follows its answer.
    ui.wait_until(lambda: ui.app.aids.help_called is not None, what="the help pop-up")
    [request] = ui.terminal.help_desk.open_requests()
    assert request.screen == "door"


def test_an_empty_dropoff_offers_to_try_again(locker_ui):
    ui = locker_ui()
    ui.tap(ui.widget("dropoff"))
    ui.tap(ui.widget("size_s"))
    ui.wait_until(lambda: ui.screen == "door", what="the door screen")
    door = ui.app.screens.get_screen("door")
    ui.wait_until(lambda: door.state == "open", what="the door open")
    ui.simulator.close_door(0, door.compartment)     # nothing put in
    ui.wait_until(lambda: door.finished, what="the door closed")

    assert door.ids.headline.text == "柜里没有检测到材料，这次没有存入。"
    image = ui.screenshot("dropoff-empty")
    assert_widget_reads(image, door.ids.try_again, "再试一次")
    assert_widget_reads(image, door.ids.done, "完成")
    ui.tap(door.ids.try_again)
    assert ui.screen == "dropoff"
